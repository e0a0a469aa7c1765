"""The application object: one per command-line call and one per web app.

It holds what every use case needs (settings, store, catalog, clock, feed key) and its methods are
the use cases, so the edges only parse, call one method and present. Planning itself stays pure
in planner.core; this layer decides *when* it runs (today in the person's own time zone) and
keeps each multi-step change in one transaction.

Example:
    >>> import datetime as dt
    >>> from planner.app.settings import Settings
    >>> app = App.open(Settings(db="sqlite://"), clock=lambda: dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    >>> app.plans()
    ([], [])
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

import attrs
import sqlalchemy as sa

from planner.app import throttle
from planner.app.background import Background
from planner.app.feeds import FeedAddresses, derive_token, feed_addresses, load_feed_key
from planner.app.follow_up_sync import FollowUp
from planner.app.retention import erase_expired
from planner.app.settings import Settings
from planner.core import care, rules, screening, wording
from planner.core.catalog import Catalog
from planner.core.exceptions import InputError, Revoked
from planner.core.model import ActionKind, CheckIn, ClinicianAction, Plan, Prescription
from planner.core.prescription_checks import check_answers, check_dates, within_window
from planner.core.progress import WeekProgress, weekly_progress
from planner.core.scheduler import build
from planner.data.branding import DEFAULT_BRANDING, Branding
from planner.data.catalog import builtin_catalog, load_catalog
from planner.store.calendar_sync import Channel
from planner.store.database import Records, Store, StoredPlan, TokenKind

Clock = Callable[[], dt.datetime]
Audit = Callable[[Records], None]  # writes an audit line inside the caller's transaction


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _revoked(records: Records, plan_id: str) -> bool:
    """Addresses were issued and none is live: `feed revoke` stopped them, no rotation since."""
    return records.token_generation(plan_id) > 0 and records.active_token_count(plan_id) == 0


def local_today(zone: str, now: dt.datetime) -> dt.date:
    return now.astimezone(zoneinfo.ZoneInfo(zone)).date()


@attrs.frozen
class PlanView:
    """A stored plan built as of a day: what a command, a page or an export shows."""

    stored: StoredPlan
    plan: Plan
    today: dt.date
    checkins: tuple[CheckIn, ...] = ()
    actions: tuple[ClinicianAction, ...] = ()

    @property
    def id(self) -> str:
        return self.stored.id

    @property
    def issued(self) -> dt.date:
        """The day, in the person's time zone, the plan was made and handed over (a clinic's plan is
        adopted as it is issued): follow-up counts silence and adherence from it."""
        return self.stored.created_at.astimezone(zoneinfo.ZoneInfo(self.plan.prescription.timezone)).date()

    def progress(self) -> tuple[WeekProgress, ...]:
        """Week by week for the chart; nothing until the first report. Worked out only by the pages
        that draw it, not for every feed request."""
        return weekly_progress(self.plan, self.checkins) if self.checkins else ()


@attrs.frozen
class CalendarExport:
    body: bytes
    changed_at: dt.datetime


@attrs.define
class App:
    settings: Settings
    store: Store
    catalog: Catalog
    clock: Clock = system_clock
    _feed_key: bytes | None = None
    background: Background = attrs.field(factory=Background)  # a server's work beside its requests

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        clock: Clock = system_clock,
        catalog: Catalog | None = None,
        store: Store | None = None,
    ) -> App:
        if catalog is None:
            catalog = load_catalog(settings.clinic_dirs) if settings.clinic_dirs else builtin_catalog()
        return cls(settings, store or Store.open(settings.database_url), catalog, clock)

    @property
    def feed_key(self) -> bytes:
        """Read (or made) on first use only: most commands never need it."""
        if self._feed_key is None:
            self._feed_key = load_feed_key(self.settings.feed_key_file)
        return self._feed_key

    def now(self) -> dt.datetime:
        return self.clock()

    @property
    def follow_up(self) -> FollowUp:
        """The clinic-side follow-up (summaries, alerts, mail), handed what it needs from here."""
        return FollowUp(
            self.store,
            self.plan,
            self.clock,
            self.settings.public_url,
            housekeeping=lambda: erase_expired(self, who="sweep"),  # the clinics' retention periods
            jobs=self._start_waiting_jobs,
        )

    def _start_waiting_jobs(self) -> None:
        """Clinic lists no process is issuing (uploaded, or left by a process that died)."""
        from planner.app.roster_jobs import start_waiting  # it imports this module

        start_waiting(self)

    # -- plans --------------------------------------------------------------------------------
    def check(self, protocol_id: str, rx: Prescription) -> None:
        """Everything a plan needs, checked by building it once; raises before anything is stored."""
        protocol = self.catalog.protocol(protocol_id)
        check_dates(rx, local_today(rx.timezone, self.now()))
        check_answers(rx)
        refusal = rules.entry_refusal(protocol, rx, self.catalog.protocols) or screening.refusal(rx.screening)
        if refusal is not None:
            raise InputError(refusal)
        build(rx, protocol, self.catalog.library, (), rx.start)

    def create_plan(
        self, protocol_id: str, rx: Prescription, *, submission: str | None = None, from_address: str = ""
    ) -> str:
        """A new plan's id. With `submission` (a form's one-time id), submitting the same form again,
        even at the same moment, gives the first plan back instead of a second one. With
        `from_address` (/start), plans made from one address are throttled (Throttled)."""
        self.check(protocol_id, rx)
        key = f"form:{submission}" if submission else None
        now = self.now()
        try:
            with self.store.write() as records:
                existing = records.plan_by_roster_key(key) if key else None
                if existing is not None:
                    return existing.id
                if from_address:
                    if throttle.over_limit(records, "start", from_address, now, throttle.START_PLANS):
                        raise throttle.Throttled("Too many plans made from this address: try again later")
                    throttle.count(records, "start", from_address, now)
                return records.create_plan(protocol_id, rx, now, roster_key=key)
        except sa.exc.IntegrityError:
            if key is None:
                raise
            with self.store.read() as records:
                first = records.plan_by_roster_key(key)
            if first is None:
                raise
            return first.id

    def plans(self) -> tuple[list[StoredPlan], list[str]]:
        """The readable plans, and the ids of damaged ones (each fails alone)."""
        with self.store.read() as records:
            return records.plans()

    def plan(self, plan_id: str, as_of: dt.date | None = None) -> PlanView:
        """The plan as of `as_of`, by default today in the person's own time zone."""
        with self.store.read() as records:
            stored = records.plan(plan_id)
            checkins, actions = records.checkins(plan_id), records.actions(plan_id)
            followed = records.portal.owner(plan_id)[0] is not None  # see in_clinic
        today = local_today(stored.prescription.timezone, self.now())
        if as_of is not None:
            today = within_window(as_of, today, "as of")
        protocol = self.catalog.protocol(stored.protocol_id)
        library = self.catalog.library
        built = build(stored.prescription, protocol, library, checkins, today, actions, followed=followed)
        return PlanView(stored, built, today, tuple(checkins), tuple(actions))

    def record_checkin(self, plan_id: str, checkin: CheckIn, *, submission: str | None = None) -> bool:
        """Store a report; False when the same form submission was stored already (a double submit
        stores one report, even when both arrive at once)."""
        now = self.now()
        try:
            with self.store.write() as records:
                start = records.plan(plan_id).prescription
                if checkin.date < start.start:
                    raise InputError(f"date: {checkin.date} is before the plan starts ({start.start})")
                if checkin.date > local_today(start.timezone, now):
                    raise InputError(f"date: {checkin.date} is in the future; check in on or after the day")
                stored = records.add_checkin(plan_id, checkin, now, submission)
        except sa.exc.IntegrityError:
            if submission is None:
                raise
            return False
        self.follow_up.refresh_or_record(plan_id)  # the clinic hears of it; never fails the report
        return stored

    def record_morning(self, plan_id: str, day: dt.date, pain: int, *, submission: str | None = None) -> bool:
        """The next morning's pain for a session already reported done, at any later time: a record
        of its own beside the first report (nothing is rewritten), which the day's merge combines
        with it. A day with no report done has no morning after to score."""
        with self.store.read() as records:
            stored = records.plan(plan_id)
            done = any(c.done for c in records.checkins(plan_id) if c.date == day)
        if day >= local_today(stored.prescription.timezone, self.now()):
            raise InputError(wording.MORNING_NOT_YET.format(day=day))
        if not done:
            raise InputError(wording.MORNING_NEEDS_REPORT.format(day=day))
        return self.record_checkin(plan_id, CheckIn(day, pain_next_morning=pain), submission=submission)

    def clear_red_flag(self, plan_id: str, by: str, note: str, *, audit: Audit | None = None) -> None:
        """A clinician's assessment after a red flag, recorded with who and why: the plan starts
        again the day after. Only this can end a referral; nothing a patient reports does."""
        view = self.plan(plan_id)
        if not view.plan.referred:
            raise InputError(f"plan {plan_id} has no red flag waiting for a clinician's assessment")
        action = ClinicianAction(ActionKind.CLEAR_RED_FLAG, view.today, by, note)
        self.record_action(plan_id, action, audit=audit)

    def record_action(self, plan_id: str, action: ClinicianAction, *, audit: Audit | None = None) -> None:
        """A clinician's decision, kept as a record, with its audit line (`audit`, written in the
        same transaction); the clinic's summary and alerts follow it."""
        with self.store.write() as records:
            self.keep_action(records, plan_id, action)
            if audit is not None:
                audit(records)
        self.follow_up.refresh_or_record(plan_id)

    def keep_action(self, records: Records, plan_id: str, action: ClinicianAction) -> None:
        """Store a clinician's action in the caller's transaction; while the plan is discharged,
        only a re-open is taken (InputError otherwise, whichever channel it came from)."""
        refused = care.refusal(records.actions(plan_id), action.kind)
        if refused is not None:
            raise InputError(refused)
        records.add_action(plan_id, action, self.now())

    # -- secrets: the read-only feed address and the check-in secret -----------------------------
    def _derive(self, plan_id: str, kind: TokenKind, generation: int) -> str:
        subject = plan_id if kind is TokenKind.FEED else f"{kind.value}/{plan_id}"
        return derive_token(self.feed_key, subject, generation)

    def issue_token(
        self, records: Records, plan_id: str, kind: TokenKind = TokenKind.FEED, *, rotate: bool = False
    ) -> str:
        """The plan's live token of `kind` inside the caller's transaction: the first one on first
        use, a new one on rotate (the old one stops at once)."""
        records.plan(plan_id)
        generation = records.token_generation(plan_id, kind)
        if rotate or records.active_token_count(plan_id, kind) == 0:
            token = self._derive(plan_id, kind, generation + 1)
            records.add_token(plan_id, token, self.now(), kind)
            return token
        return self._checked(records, plan_id, kind, generation)

    def _checked(self, records: Records, plan_id: str, kind: TokenKind, generation: int) -> str:
        """The live token re-derived from the key, refused when the key no longer makes it (the key
        file or REHAB_PLANNER_FEED_KEY changed): printing a dead address would be worse."""
        token = self._derive(plan_id, kind, generation)
        if records.plan_for_token(token, kind) != plan_id:
            raise InputError(
                f"the feed key does not match plan {plan_id}'s stored addresses (was feed.key or "
                "REHAB_PLANNER_FEED_KEY changed?); restore the key, or rotate to issue new addresses"
            )
        return token

    def secrets_for(
        self,
        plan_id: str,
        *,
        rotate: TokenKind | None = None,
        audit: Audit | None = None,
        revived: bool = True,
    ) -> tuple[str, str]:
        """The feed token and the check-in secret, made on first use, in one transaction (with the
        audit line of a clinician's rotation, when given). With revived=False a plan whose addresses
        were revoked is refused (only a rotation makes new ones)."""
        with self.store.write() as records:
            if not revived and rotate is None and _revoked(records, plan_id):
                raise Revoked(plan_id)
            feed = self.issue_token(records, plan_id, TokenKind.FEED, rotate=rotate is TokenKind.FEED)
            checkin = self.issue_token(
                records, plan_id, TokenKind.CHECKIN, rotate=rotate is TokenKind.CHECKIN
            )
            if audit is not None:
                audit(records)
        return feed, checkin

    def in_clinic(self, plan_id: str) -> bool:
        """Whether a clinic follows the plan (its clinicians read its reports in the portal); a
        plan made at /start or outside any clinic is the person's own, and its pages say so."""
        with self.store.read() as records:
            return records.portal.owner(plan_id)[0] is not None

    def addresses_revoked(self, plan_id: str) -> bool:
        """Whether the plan's addresses were revoked and not made anew (`feed revoke`)."""
        with self.store.read() as records:
            return _revoked(records, plan_id)

    def current_token(self, plan_id: str, kind: TokenKind = TokenKind.FEED) -> str | None:
        """The live token of `kind`; None when revoked or never made."""
        with self.store.read() as records:
            records.plan(plan_id)
            if records.active_token_count(plan_id, kind) == 0:
                return None
            return self._checked(records, plan_id, kind, records.token_generation(plan_id, kind))

    def revoke_feed(self, plan_id: str) -> int:
        """Both secrets stop at once."""
        with self.store.write() as records:
            records.plan(plan_id)
            return records.revoke_tokens(plan_id, self.now())

    def plan_for_token(self, token: str, kind: TokenKind = TokenKind.FEED) -> str | None:
        with self.store.read() as records:
            return records.plan_for_token(token, kind)

    def feed_version(self, token: str) -> tuple[str, str, dt.date] | None:
        """For a live feed token, in one read: the plan, its revision and the person's local day
        (what the calendar's bytes depend on); None for an unknown or revoked token."""
        with self.store.read() as records:
            state = records.feed_state(token)
        if state is None:
            return None
        plan_id, revision, zone = state
        return plan_id, revision, local_today(zone, self.now())

    def addresses(self, token: str, checkin: str = "") -> FeedAddresses:
        return feed_addresses(self.settings.public_url, token, checkin)

    # -- exports ------------------------------------------------------------------------------
    def feed(self, view: PlanView, token: str) -> CalendarExport:
        """The live feed: its content and SEQUENCE numbers depend only on the plan and the server's
        public address; file exports keep their own bookkeeping (Channel.FILE) and never touch it."""
        from planner.export import ical

        addresses = self.addresses(token)
        followed = self.in_clinic(view.id)
        events = ical.events_for(view.plan, view.id, page_url=addresses.page, followed=followed)
        sync = self.store.sync_events(view.id, ical.fingerprints(events), self.now())
        body = ical.render(
            view.plan,
            view.id,
            events,
            sync.states,
            sync.changed_at,
            feed_url=addresses.https,
            followed=followed,
        )
        return CalendarExport(body, sync.changed_at)

    def calendar(
        self,
        view: PlanView,
        *,
        token: str | None,
        include_rest: bool = False,
        reminder_minutes: int | None = None,
        deliver: Callable[[bytes], None] = lambda body: None,
    ) -> CalendarExport:
        """A calendar file to import, with its own SEQUENCE numbers (Channel.FILE), so neither its
        options nor this process's base URL can re-sequence the live feed. The sync is committed
        only once `deliver` has written the file: an export that fails records nothing."""
        from planner.export import ical

        addresses = self.addresses(token) if token else None
        followed = self.in_clinic(view.id)
        events = ical.events_for(
            view.plan, view.id, page_url=addresses.page if addresses else "", followed=followed
        )
        extra = ical.rest_day_events(view.plan, view.id, followed=followed) if include_rest else []
        prints = ical.fingerprints(events)

        def sync_render_deliver(records: Records, *, record: bool = True) -> CalendarExport:
            sync = records.sync_events(view.id, prints, self.now(), channel=Channel.FILE, record=record)
            body = ical.render(
                view.plan,
                view.id,
                [*events, *extra],
                sync.states,
                sync.changed_at,
                feed_url=addresses.https if addresses else "",
                reminder_minutes=reminder_minutes,
                followed=followed,
            )
            deliver(body)
            return CalendarExport(body, sync.changed_at)

        return self.store.write_or_read(sync_render_deliver, lambda r: sync_render_deliver(r, record=False))

    def handout(
        self,
        view: PlanView,
        *,
        token: str | None,
        checkin: str | None = None,
        clinic: Branding | None = None,
        paper: str = "a4",
        large_print: bool = False,
    ) -> bytes:
        """The printed programme, with a QR code to the feed and the check-in address when the plan
        has them. A plan printed with a clinic's branding, or one a clinic follows, names its
        clinician; any other is the person's own and names none."""
        from planner.export import handout

        addresses = self.addresses(token, checkin or "") if token else None
        options = handout.HandoutOptions(
            paper=paper,
            large_print=large_print,
            feed_url=addresses.https if addresses else "",
            checkin_url=addresses.checkin if addresses else "",
            clinic=clinic or DEFAULT_BRANDING,
            progress=view.progress(),
            followed=clinic is not None or self.in_clinic(view.id),
        )
        protocol = self.catalog.protocol(view.plan.protocol_id)
        return handout.render(view.plan, view.id, protocol, self.catalog.library, options)

"""A clinician's caseload: plans in the clinic's care, the patient list and a patient's record,
roster issuing, clinicians' actions, outcome scores, alerts and downloads, each written to the audit
trail with who, when, what and from where.

A clinician sees only their own clinic's plans: anything else is NotFound, exactly as an id that
does not exist, so another clinic's ids cannot be told apart from made-up ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from planner.app import outcomes, roster_jobs
from planner.app.accounts import audit_by
from planner.app.application import App, PlanView
from planner.app.feeds import FeedAddresses
from planner.app.roster_issue import Outcome
from planner.app.roster_jobs import RosterJob
from planner.core import parsing
from planner.core.exceptions import InputError, NotFound
from planner.core.model import ActionKind, ClinicianAction, Prescription, Screening
from planner.core.prescription_checks import day_names
from planner.store.database import Records, TokenKind
from planner.store.portal_records import Clinician, SortKey, StoredAlert, SummaryPage, decoded_summary

PAGE_SIZE = 50  # patients on one page of the list
PRINT_LIMIT = 100  # handouts in one "print all" PDF: about a second each on two busy cores, one answer


@attrs.frozen
class PatientRow:
    """A row of the patient list: a value (hashable), so the page can keep what it made of it."""

    plan_id: str
    name: str
    protocol_title: str
    summary_data: str  # the summary's JSON as stored
    clinician: str = ""
    alert_kinds: tuple[str, ...] = ()

    @property
    def summary(self) -> Mapping[str, Any]:
        return decoded_summary(self.summary_data)


@attrs.frozen
class PatientPage:
    rows: tuple[PatientRow, ...]
    total: int
    page: int
    pages: int
    # for the clinic's admins: plans whose follow-up keeps failing (id, name, since, attempts)
    failing: tuple[tuple[str, str, str, int], ...] = ()


@attrs.frozen
class ListFilter:
    """The patient list as it is searched, filtered and sorted (every page of it)."""

    search: str = ""  # stripped
    status: str = ""
    sort: SortKey = SortKey.ATTENTION
    descending: bool = False


@attrs.frozen
class PatientRecord:
    view: PlanView
    alerts: tuple[StoredAlert, ...]
    summary: dict[str, Any]


@attrs.define
class Caseload:
    """The clinic's patients as one clinician works with them."""

    app: App

    def adopt(self, plan_id: str, clinic: str, clinician_id: int | None = None) -> None:
        """A plan issued for a clinic (`issue --clinic`, the portal) belongs to it from now on."""
        now = self.app.now()
        with self.app.store.write() as records:
            records.plan(plan_id)
            records.portal.assign(plan_id, records.portal.clinic_id(clinic, now), clinician_id)
        self.app.follow_up.refresh_or_record(plan_id)

    def create_plan(self, person: Clinician, protocol_id: str, rx: Prescription, address: str) -> str:
        """A plan in the clinician's care, checked as the command line checks one (entry criteria,
        dates, week shape; warning signs given at the start make it a referral). Screening answers
        are recorded as assessed by the clinician who makes the plan: they never stop it."""
        if rx.screening.items:
            rx = attrs.evolve(rx, screening=Screening(rx.screening.items, person.name))
        self.app.check(protocol_id, rx)
        now = self.app.now()
        with self.app.store.write() as records:
            plan_id = records.create_plan(protocol_id, rx, now, created_by=person.id)
            records.portal.assign(plan_id, person.clinic_id, person.id)
            audit_by(records, person, now, "create-plan", address, plan_id, protocol_id)
        self.app.follow_up.refresh_or_record(plan_id)
        return plan_id

    def upload_roster(self, person: Clinician, text: str, file: str, address: str) -> str:
        """The `issue` command for the clinician's clinic, as a job: stored now and issued in this
        process's background (or by any server's sweep); the job's id, for its page."""
        job_id = roster_jobs.submit(self.app, person, text, file, address)
        self.app.background.start(lambda: roster_jobs.run(self.app, job_id))
        return job_id

    def issue_roster(
        self, person: Clinician, text: str, file: str, address: str
    ) -> tuple[tuple[Outcome, ...], str]:
        """The same job, issued here before returning: every row's outcome and the job's id."""
        job_id = roster_jobs.submit(self.app, person, text, file, address)
        roster_jobs.run(self.app, job_id)
        return self.roster_job(person, job_id).outcomes, job_id

    def roster_job(self, person: Clinician, job_id: str) -> RosterJob:
        """A clinic list's job as it stands, for its own clinic only."""
        return roster_jobs.job(self.app, person, job_id)

    def roster_zip(self, person: Clinician, job_id: str) -> bytes:
        """A clinic list's zip of handouts, calendars and index.csv, for the clinic that made it,
        while it is kept."""
        return roster_jobs.zip_body(self.app, person, job_id)

    def patients(
        self,
        person: Clinician,
        search: str = "",
        status: str = "",
        *,
        sort: SortKey = SortKey.ATTENTION,
        descending: bool = False,
        page: int = 1,
    ) -> PatientPage:
        """One page of the clinic's patients (PAGE_SIZE), who needs attention first unless sorted
        otherwise, each with its open alert kinds; a page past the end is the last one. For an
        admin, the clinic's plans that cannot be brought up to date too: one read for the page."""

        def read(at: int) -> SummaryPage:
            return records.portal.summary_page(
                person.clinic_id,
                status=status,
                search=search.strip(),
                sort=sort,
                descending=descending,
                offset=(at - 1) * PAGE_SIZE,
                limit=PAGE_SIZE,
            )

        with self.app.store.read() as records:
            found = read(max(page, 1))
            pages = max(1, -(-found.total // PAGE_SIZE))
            if page > pages or page < 1:
                page = min(max(page, 1), pages)
                found = read(page)
            rows = found.rows
            # kept in each summary; one query for summaries written before they were
            kinds = records.portal.open_alert_kinds(
                [r.plan_id for r in rows if "alert_kinds" not in decoded_summary(r.data)]
            )
            admin_sees = person.is_admin and found.any_failing
            failing = tuple(records.portal.refresh_failures(person.clinic_id)) if admin_sees else ()
        protocols = self.app.catalog.protocols
        listed = tuple(
            PatientRow(
                r.plan_id,
                r.name,
                protocols[r.protocol_id].title if r.protocol_id in protocols else r.protocol_id,
                r.data,
                r.clinician,
                tuple(decoded_summary(r.data).get("alert_kinds", kinds.get(r.plan_id, ()))),
            )
            for r in rows
        )
        return PatientPage(listed, found.total, page, pages, failing)

    def listed_ids(self, person: Clinician, wanted: ListFilter) -> tuple[str, ...]:
        """Every patient of the list as it is searched and filtered, in its order, on every page
        (a whole-list handout); InputError when more than PRINT_LIMIT match."""
        with self.app.store.read() as records:
            found = records.portal.summary_page(
                person.clinic_id, limit=PRINT_LIMIT + 1, **attrs.asdict(wanted, recurse=False)
            )
        if len(found.rows) > PRINT_LIMIT:
            raise InputError(
                f"print all: {found.total} patients match, more than {PRINT_LIMIT} in one PDF; "
                "narrow the list with a status or a name search"
            )
        return tuple(r.plan_id for r in found.rows)

    def _owned(self, person: Clinician, plan_id: str) -> None:
        with self.app.store.read() as records:
            clinic_id, _ = records.portal.owner(plan_id)
        if clinic_id != person.clinic_id:
            raise NotFound(f"no plan {plan_id!r}")

    def patient(self, person: Clinician, plan_id: str) -> PatientRecord:
        self._owned(person, plan_id)
        view = self.app.plan(plan_id)
        with self.app.store.read() as records:
            alerts = tuple(records.portal.alerts(plan_id))
            summary = records.portal.summary(plan_id)
        return PatientRecord(view, alerts, summary)

    def audit(
        self, person: Clinician, action: str, address: str, plan_id: str | None, detail: str = ""
    ) -> None:
        """One audit line in its own transaction, for what the clinician did outside a use case here."""
        with self.app.store.write() as records:
            audit_by(records, person, self.app.now(), action, address, plan_id, detail)

    def act(self, person: Clinician, plan_id: str, action: ClinicianAction, address: str) -> dt.date:
        """A clinician's decision about the plan (hold, release, red-flag clearance, discharge,
        re-open after a discharge, a level up or down, a new week), dated today in the patient's
        time zone, kept as a record with who and why; a discharged plan takes only a re-open.
        `action` carries what the form gave; its date and author are set here.
        The day it was dated (what the page's confirmation says)."""
        self._owned(person, plan_id)
        optional = (ActionKind.CLEAR_HOLD, ActionKind.CHANGE_WEEK)
        text = parsing.parse_text(
            action.note, "note", limit=parsing.MAX_NOTE, required=action.kind not in optional
        )
        view = self.app.plan(plan_id)
        detail = " ".join(
            part
            for part in (
                f"until {action.until}:" if action.until else "",
                f"{day_names(action.run_days)} at {action.session_time:%H:%M}:"
                if action.session_time
                else "",
                text,
            )
            if part
        )

        def audit(records: Records) -> None:  # in the action's own transaction
            audit_by(records, person, self.app.now(), action.kind.value, address, plan_id, detail)

        if action.kind is ActionKind.CLEAR_RED_FLAG:
            self.app.clear_red_flag(plan_id, person.name, text, audit=audit)
            return view.today
        if action.kind is ActionKind.HOLD_RUNNING and (action.until is None or action.until <= view.today):
            raise InputError("hold until: a date after today")
        dated = attrs.evolve(action, date=view.today, by=person.name, note=text)
        self.app.record_action(plan_id, dated, audit=audit)
        return view.today

    def record_outcome(
        self,
        person: Clinician,
        plan_id: str,
        measure: str,
        date: str,
        score: str | None,
        activities: list[str],
        address: str,
    ) -> str:
        """An outcome score the clinician entered (the date as typed), kept with their name as its
        source; a line saying what was stored."""
        self._owned(person, plan_id)
        day = parsing.parse_date(date, "date")
        stored = outcomes.record_outcome(self.app, plan_id, measure, day, score, activities, person.name)
        self.audit(person, "record-outcome", address, plan_id, f"{stored.measure} {stored.date}")
        return f"{stored.measure.upper()} of {stored.date:%d %b %Y} saved: {stored.score:g}"

    def acknowledge(self, person: Clinician, alert_id: int, address: str) -> str:
        """The alert's plan, once acknowledged by this clinician."""
        with self.app.store.read() as records:
            alert = records.portal.alert(alert_id)
        if alert is None:
            raise NotFound(f"no alert {alert_id}")
        self._owned(person, alert.plan_id)
        now = self.app.now()
        with self.app.store.write() as records:
            records.portal.acknowledge(alert_id, person.name, now)
            detail = f"{alert.kind} ({alert.day})"
            audit_by(records, person, now, "acknowledge-alert", address, alert.plan_id, detail)
        self.app.follow_up.refresh_or_record(alert.plan_id)  # its open-alert count
        return alert.plan_id

    def acknowledge_all(self, person: Clinician, plan_id: str, address: str) -> int:
        """Every open alert of the patient, acknowledged by this clinician at once; how many."""
        self._owned(person, plan_id)
        now = self.app.now()
        with self.app.store.write() as records:
            closed = records.portal.acknowledge_all(plan_id, person.name, now)
            kinds = ", ".join(f"{a.kind} ({a.day})" for a in closed)
            audit_by(records, person, now, "acknowledge-all", address, plan_id, kinds)
        self.app.follow_up.refresh_or_record(plan_id)
        return len(closed)

    def rotate(self, person: Clinician, plan_id: str, kind: TokenKind, address: str) -> None:
        self._owned(person, plan_id)
        self.app.secrets_for(
            plan_id,
            rotate=kind,
            audit=lambda records: audit_by(
                records, person, self.app.now(), f"rotate-{kind.value}", address, plan_id
            ),
        )

    def addresses(self, person: Clinician, plan_id: str) -> FeedAddresses:
        """The plan's page and check-in addresses, to show on the patient's page (its QR images):
        not audited, as the page that embeds them is what the clinician opened."""
        self._owned(person, plan_id)
        feed, checkin = self.app.secrets_for(plan_id, revived=False)
        return self.app.addresses(feed, checkin)

    def download(self, person: Clinician, plan_id: str, what: str, address: str) -> PlanView:
        self._owned(person, plan_id)
        self.audit(person, f"download-{what}", address, plan_id)
        return self.app.plan(plan_id)

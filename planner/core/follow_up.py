"""What a clinician following a plan needs to know: where the person is (status, week, level,
adherence, last report), and the events that raise an alert. Pure: worked out from a built plan,
its check-ins and the clinician's actions, as of the plan's own day.

Each alert has a key naming its event (kind and day), so seeing the same event again on the next
report or sweep never raises it twice. The alert rules and their thresholds:

- red flag: any warning sign reported, or found at the start; urgency from the most urgent sign
  (planner.core.redflags: AHCPR 1994; NHS cauda equina pathway)
- flare-up: a check-in that reports one (seed articles: pause running in a flare-up); the pause it
  starts is part of it (one event, one alert to act on)
- pause: running paused after painful sessions (pain-monitoring model, Silbernagel 2007); one
  alert per pause, not per paused session
- escalation: two weeks of pain above the safe range, or of a pause (rules.ESCALATION_DAYS)
- silence: no report for the clinic's number of days (default SILENCE_DAYS) once the plan started
  and was issued to the person
- low adherence: under half of the active sessions of the last 14 days reported done, when at least
  four were planned (LOW_ADHERENCE, a clinic threshold, unverified); counted from the return when
  the person came back from a silence in those days (see below)

Alert texts are written to the clinician, never to the patient: the sentences a patient reads stay
in planner.core.wording and the pages that show them.

The status "low adherence" and the alert follow one rule (`low_adherence`: the same sessions,
the same minimum of four planned), so the list never says "low adherence" with no alert behind
it, nor for 0 of 2 sessions. Silence and adherence count from the start or the day the plan was
issued, whichever is later: sessions before a handout was given were never the person's to do.

One fact, one alert: while a patient is silent (never reported, or not for the clinic's number of
days), the missing reports are what low adherence would count too, so only the silence alert is
raised: it is the one to act on (contact the patient), and a low-adherence alert still open
from before closes as superseded by it. Once they report again, the silence alert closes by
itself (`resolution`), and the low-adherence alert counts afresh from the day they got back in
touch (`back_from_silence`): the days the silence alert covered are never counted again, so the
check-in that ends a silence does not open "0 of 12 in the last 14 days" at once; the alert comes
only if, of at least four sessions planned since the return, under half are reported done, and
so does the status. Silence counts from the last contact, the start, the issue day, or a re-open
after discharge, whichever is latest.
"""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo
from collections.abc import Iterable

import attrs

from planner.core import care, clearance, redflags, rules, wording
from planner.core.model import (
    CheckIn,
    ClinicianAction,
    Plan,
    RuleId,
    Session,
    SlotName,
    Status,
    Urgency,
    Verdict,
)
from planner.core.pain_scale import ACCEPTABLE_PAIN, SAFE_PAIN

SILENCE_DAYS = 7
WINDOW_DAYS = 14
LOW_ADHERENCE = 0.5
LOW_ADHERENCE_MIN_PLANNED = 4
CLINIC_THRESHOLD = "Clinic threshold (unverified)"
FLARE_UP_PAUSE_WITHIN = dt.timedelta(days=7)  # the pause a flare-up starts begins by its next run
REPORTED = (Status.DONE, Status.SKIPPED, Status.UNREPORTED)


class PatientStatus(enum.StrEnum):
    """In the order a clinician should look at them: the first needs attention first."""

    REFERRED = "referred"
    ESCALATED = "escalated"
    PAUSED = "paused"
    HELD = "held"
    SILENT = "silent"
    LOW_ADHERENCE = "low adherence"
    ON_TRACK = "on track"
    DISCHARGED = "discharged"

    @property
    def rank(self) -> int:
        return list(PatientStatus).index(self)


class AlertKind(enum.StrEnum):
    RED_FLAG = "red flag"
    FLARE_UP = "flare-up"
    PAUSE = "pause"
    ESCALATION = "escalation"
    SILENCE = "silence"
    LOW_ADHERENCE = "low adherence"


@attrs.frozen
class Alert:
    """An event a clinician should hear about. `text` is for the portal; mail never carries it."""

    key: str
    kind: AlertKind
    urgency: Urgency
    day: dt.date
    text: str
    source: str


@attrs.frozen
class Summary:
    status: PatientStatus
    week: int  # the plan's week as of its day; 0 before it starts
    level: str
    done_recent: int
    planned_recent: int
    done_all: int
    planned_all: int
    last_report: dt.date | None
    last_contact: dt.date | None = None  # the day the person last checked in, whatever day it named
    quiet_since: dt.date | None = None  # the day silence counts from (last contact, start or re-open)
    # What the low-adherence alert counts: the last 14 days, from the return if a silence ended in them
    back_from_silence: dt.date | None = None
    done_judged: int = 0
    planned_judged: int = 0

    @property
    def adherence_recent(self) -> float | None:
        return self.done_recent / self.planned_recent if self.planned_recent else None

    @property
    def adherence_all(self) -> float | None:
        return self.done_all / self.planned_all if self.planned_all else None


def _level(plan: Plan) -> str:
    """The level as it stands, by name: the next level session's when a clinician moved the level
    for it (a level up or down shows at once), else the latest up to today, else the first planned.
    A level session is any session at a progression level, a low-impact or walking one too (the
    flare-up restart's first weeks), so the column never names a run the person is not yet doing;
    a run replaced by low-impact work (a pause) is at no level and leaves it standing. A hold
    never changes the level: while the latest run day is held, the level is the one the person
    comes back at, the first after the hold (with any rise earned before it, as without a hold)."""
    at_level = [s for s in plan.sessions if s.level_name]
    ahead = next((s for s in at_level if s.date > plan.as_of), None)
    runs = [s for s in plan.sessions if s.slot.name is SlotName.RUN and s.date <= plan.as_of]
    held = bool(runs) and any(d.rule is RuleId.CLINICIAN_HOLD for d in runs[-1].decisions)
    if ahead is not None and (held or any(d.rule is RuleId.CLINICIAN_LEVEL for d in ahead.decisions)):
        return ahead.level_name
    reached = [s for s in at_level if s.date <= plan.as_of] or at_level[:1]
    return reached[-1].level_name if reached else ""


def _counts(sessions: Iterable[Session]) -> tuple[int, int]:
    active = [s for s in sessions if s.kind.is_active and s.status in REPORTED]
    return sum(s.status is Status.DONE for s in active), len(active)


def summarize(
    plan: Plan,
    checkins: Iterable[CheckIn],
    actions: Iterable[ClinicianAction] = (),
    silence_days: int = SILENCE_DAYS,
    issued: dt.date | None = None,
) -> Summary:
    """`issued`: the day the plan was issued to the person (and so adopted by its clinic); silence
    and adherence count from it or the start, whichever is later: a plan handed over today with a
    start weeks back is not weeks silent, nor 0 of 11 sessions done."""
    today, start = plan.as_of, plan.prescription.start
    counted_from = max(start, issued or start)
    checkins = list(checkins)
    last_report = max((c.date for c in checkins if c.date <= today), default=None)
    contact = last_contact(checkins, plan.prescription.timezone, today)
    reopened = [back.date for _, back in care.gaps(actions) if back is not None and back.date <= today]
    quiet_since = max([counted_from, *reopened, *([contact] if contact else [])])  # a re-open starts afresh
    past = [s for s in plan.sessions if counted_from <= s.date < today]
    window = today - dt.timedelta(days=WINDOW_DAYS)
    recent = [s for s in past if s.date >= window]
    fresh = [counted_from, *reopened]
    back = back_from_silence(checkins, plan.prescription.timezone, fresh, today, silence_days)
    back = back if back is not None and back > window else None
    done_judged, planned_judged = _counts(s for s in recent if back is None or s.date >= back)
    now = plan.runs_now()
    latest = now[0] if now and now[0].date <= today else None
    held = any(d.rule is RuleId.CLINICIAN_HOLD for slot in now for d in slot.decisions)
    latest_report = max((c for c in checkins if c.date <= today), key=lambda c: c.date, default=None)
    # escalated: the plan asked the person to contact their clinician, and pain has not settled since
    escalated = (
        latest_report is not None
        and rules.above_safe_range(latest_report)
        and any(d.rule is RuleId.ESCALATION for s in plan.sessions if s.date <= today for d in s.decisions)
    )
    done_recent, planned_recent = _counts(recent)
    done_all, planned_all = _counts(past)
    if care.discharge_in_force(actions) is not None:
        status = PatientStatus.DISCHARGED
    elif plan.referred:
        status = PatientStatus.REFERRED
    elif escalated:
        status = PatientStatus.ESCALATED
    elif held:
        status = PatientStatus.HELD
    elif latest and any(d.verdict is Verdict.PAUSE for d in latest.decisions):
        status = PatientStatus.PAUSED
    elif (today - quiet_since).days >= silence_days:  # never before the start: quiet_since >= start
        status = PatientStatus.SILENT
    elif low_adherence(done_judged, planned_judged):
        status = PatientStatus.LOW_ADHERENCE
    else:
        status = PatientStatus.ON_TRACK
    return Summary(
        status,
        (today - start).days // 7 + 1 if today >= start else 0,
        _level(plan),
        done_recent,
        planned_recent,
        done_all,
        planned_all,
        last_report,
        contact,
        quiet_since,
        back,
        done_judged,
        planned_judged,
    )


def low_adherence(done: int, planned: int) -> bool:
    """The one low-adherence rule, for the status and the alert alike: under half of the sessions
    judged done, when at least LOW_ADHERENCE_MIN_PLANNED were planned."""
    return planned >= LOW_ADHERENCE_MIN_PLANNED and done / planned < LOW_ADHERENCE


def _contact_days(checkins: Iterable[CheckIn], zone: str, today: dt.date) -> list[dt.date]:
    """The days the person was in touch, up to today: a report names a session's day, but one sent
    today about last week is contact today."""
    days = {
        max(c.date, c.recorded_at.astimezone(zoneinfo.ZoneInfo(zone)).date()) if c.recorded_at else c.date
        for c in checkins
    }
    return sorted(d for d in days if d <= today)


def last_contact(checkins: Iterable[CheckIn], zone: str, today: dt.date) -> dt.date | None:
    """The last day the person was in touch. Silence is measured from this, so catching up on a
    week of reports in one sitting is one return, not a silence alert per report."""
    days = _contact_days(checkins, zone, today)
    return days[-1] if days else None


def back_from_silence(
    checkins: Iterable[CheckIn], zone: str, fresh_starts: Iterable[dt.date], today: dt.date, silence_days: int
) -> dt.date | None:
    """The day the person last got back in touch after a silence: more than the clinic's silence
    days without contact since the one before (or the start, or a re-open, which start the count
    afresh), so the silence alert stood for the days between. None if no silence has ended."""
    starts = sorted(d for d in fresh_starts if d <= today)
    if not starts:
        return None
    quiet_from, back = starts[0], None
    for day in sorted({*_contact_days(checkins, zone, today), *starts}):
        if day not in starts and (day - quiet_from).days > silence_days:
            back = day
        quiet_from = max(quiet_from, day)
    return back


def alerts(
    plan: Plan,
    checkins: Iterable[CheckIn],
    summary: Summary,
    silence_days: int = SILENCE_DAYS,
    actions: Iterable[ClinicianAction] = (),
    screened_by: str = "",
) -> tuple[Alert, ...]:
    """Every alert the plan's history holds as of its day, oldest first. `screened_by`: the
    clinician who made the plan, and so recorded any warning sign found at its screening."""
    if summary.status is PatientStatus.DISCHARGED:
        return ()
    today, rx = plan.as_of, plan.prescription
    checkins = list(checkins)
    found: list[Alert] = []
    cleared = clearance.clearances(actions)
    if rx.red_flags:
        by = f" by {screened_by}" if screened_by else ""
        found.append(
            _red_flag(
                f"red-flag:{rx.start}",
                rx.start,
                rx.red_flags,
                f"A warning sign was recorded{by} at screening when the plan was made, on {rx.start:%d %b}",
            )
        )
    pauses = [s.date for s in plan.sessions for d in s.decisions if d.rule is RuleId.PAUSE_RUNNING]
    folded: set[dt.date] = set()  # pauses a flare-up started: part of its alert
    for report in sorted((c for c in checkins if c.date <= today), key=lambda c: c.date):
        if report.red_flags:
            found.append(_red_flag(_red_flag_key(report, checkins, cleared), report.date, report.red_flags))
        if report.flare_up:
            pause = next((d for d in pauses if report.date <= d <= report.date + FLARE_UP_PAUSE_WITHIN), None)
            paused = f"running paused from {pause:%d %b}" if pause else "running already paused"
            text = (
                f"The patient reported a flare-up for {report.date:%d %b}; {paused}, with low-impact "
                "sessions until a report shows pain settled."
            )
            if pause:
                folded.add(pause)
            found.append(
                Alert(
                    f"flare-up:{report.date}",
                    AlertKind.FLARE_UP,
                    Urgency.URGENT,
                    report.date,
                    text,
                    rules.FLARE_UP,
                )
            )
    for session in plan.sessions:
        for decision in session.decisions:
            if decision.rule is RuleId.PAUSE_RUNNING and session.date not in folded:
                text = (
                    f"Running paused from {session.date:%d %b} after two reports in a row of pain above "
                    f"{ACCEPTABLE_PAIN}/10; low-impact sessions until a report shows pain settled."
                )
                found.append(
                    Alert(
                        f"pause:{session.date}",
                        AlertKind.PAUSE,
                        Urgency.URGENT,
                        session.date,
                        text,
                        decision.source,
                    )
                )
            elif decision.rule is RuleId.ESCALATION and session.date <= today + dt.timedelta(days=7):
                text = (
                    f"The plan asked the patient on {session.date:%d %b} to contact you (two weeks of pain "
                    f"above {SAFE_PAIN}/10, or of a pause)."
                )
                found.append(
                    Alert(
                        f"escalation:{session.date}",
                        AlertKind.ESCALATION,
                        Urgency.URGENT,
                        session.date,
                        text,
                        decision.source,
                    )
                )
    if summary.status is PatientStatus.SILENT:
        since = summary.quiet_since or rx.start
        days = (today - since).days
        text = f"No check-in since {since:%d %b} ({days} days; the clinic's limit is {silence_days})."
        found.append(
            Alert(f"silence:{since}", AlertKind.SILENCE, Urgency.SOON, today, text, CLINIC_THRESHOLD)
        )
    done, planned, back = summary.done_judged, summary.planned_judged, summary.back_from_silence
    if (
        summary.status is not PatientStatus.SILENT  # one fact, one alert: see the module's note
        and low_adherence(done, planned)
    ):
        monday = today - dt.timedelta(days=today.weekday())
        span = (
            f"since checking in again on {back:%d %b} after a silence"
            if back
            else f"in the last {WINDOW_DAYS} days"
        )
        text = f"The patient reported {done} of {planned} sessions done {span} (under {LOW_ADHERENCE:.0%})."
        found.append(
            Alert(
                f"low-adherence:{monday}",
                AlertKind.LOW_ADHERENCE,
                Urgency.SOON,
                today,
                text,
                CLINIC_THRESHOLD,
            )
        )
    return tuple(dict((a.key, a) for a in found).values())


@attrs.frozen
class Resolution:
    """Why an alert closed by itself, and the day that reason names."""

    text: str
    day: dt.date


def resolution(kind: str, key: str, summary: Summary) -> Resolution | None:
    """Why an open alert is over without a person acknowledging it, or None while it stands.
    Silence ends by itself once the patient checks in after the day it counted from. Low
    adherence raised before the patient fell silent is superseded by the silence alert (one fact,
    one alert: the missing reports are now silence's, and silence is the one to act on); it is
    judged afresh on what they report once back. Every other alert waits for a clinician. Closed
    alerts are kept, with this reason."""
    quiet = summary.quiet_since  # set whenever the patient is silent
    if kind == AlertKind.LOW_ADHERENCE.value and summary.status is PatientStatus.SILENT and quiet:
        return Resolution(
            f"closed: superseded by the silence alert (no check-in since {quiet:%d %b %Y})", quiet
        )
    if kind != AlertKind.SILENCE.value or summary.last_contact is None:
        return None
    since = dt.date.fromisoformat(key.removeprefix("silence:"))
    if summary.last_contact <= since:
        return None
    back = summary.last_contact
    return Resolution(f"closed: the patient checked in again on {back:%d %b %Y}", back)


def _red_flag_key(report: CheckIn, checkins: Iterable[CheckIn], cleared: tuple[ClinicianAction, ...]) -> str:
    """One alert per day's warning signs, and one more for each sign of that day recorded after a
    clearance of the earlier ones: a new sign is a new event, never folded into an assessed one."""
    same_day = [c for c in checkins if c.date == report.date and c.red_flags]
    first = same_day[0]
    after = sum(1 for a in cleared if clearance.covers(a, first) and not clearance.covers(a, report))
    return f"red-flag:{report.date}" + (f":{after + 1}" if after else "")


def _red_flag(key: str, day: dt.date, flags: tuple[str, ...], found: str = "") -> Alert:
    """The alert for warning signs the patient reported, or (`found`) a clinician recorded."""
    urgent = redflags.most_urgent(flags)
    found = found or f"The patient reported a warning sign for {day:%d %b}"
    text = f"{found} ({wording.URGENCY_LABEL[urgent.urgency].lower()}): {redflags.signs(flags)}."
    return Alert(key, AlertKind.RED_FLAG, urgent.urgency, day, text, redflags.SOURCE)

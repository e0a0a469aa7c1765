"""Every clinical rule the planner applies, each a small pure function beside its source.

Rules read check-ins and state and return Decisions (rule id, verdict, a patient's sentence, the
source). The scheduler (planner.core.scheduler) only combines their answers; exporters only print them.

Example:
    >>> from planner.core.model import CheckIn
    >>> import datetime as dt
    >>> pain_monitoring(CheckIn(dt.date(2026, 3, 2), pain_during=7)).verdict.value
    'regress'
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping

import attrs

from planner.core import redflags, wording
from planner.core.model import (
    ActionKind,
    CheckIn,
    ClinicianAction,
    Decision,
    Level,
    Prescription,
    Protocol,
    ResumeCriteria,
    RuleId,
    Soreness,
    Verdict,
)
from planner.core.pain_scale import ACCEPTABLE_PAIN, SAFE_PAIN

# --- sources ---------------------------------------------------------------------------------
PAIN_MONITORING = "Silbernagel et al., Am J Sports Med 2007;35(6):897-906 (pain-monitoring model)"
SORENESS = "Int J Sports Phys Ther 2018;13(3):422-431, Table 5, after Fees et al. 1998 (soreness rules)"
SORENESS_VARIANT = "Clinic variant of the soreness rules (unverified)"
TRAFFIC_LIGHT = "Physiotherapy clinic pain traffic light (unverified)"
FLARE_UP = "Seed articles: pause running in a flare-up, low-impact aerobic work until pain subsides"
RESUME_MARGIN = (
    "Clinic practice (unverified): running resumes after settled reports on two different days, the "
    "first a few days after the flare-up (the protocol's [resume] data)"
)
CLINICIAN_HOLD = "Seed articles: a clinic may stop running until the treating clinician clears it"
SPACING = (
    "US Army standard return-to-run, Trials 2023 (doi 10.1186/s13063-023-07502-x): a rest day between runs"
)
LOW_LEVEL_REST = "Clinic protocols: two rest days between runs at the lowest levels (unverified)"
RUNS_PER_WEEK = "Clinic protocols: no more than four runs a week (unverified); the protocol's runs per week"
LEVEL_REPEATS = "US Army standard return-to-run, Trials 2023: each phase at least twice before moving on"
LEVEL_RISES = "Clinic protocols: progress at most two levels in seven days (unverified)"
WEEKLY_GROWTH = (
    "Nielsen et al., JOSPT 2014 (over 30% growth in two weeks raised injuries); "
    "Buist et al., AJSM 2008 (the 10% rule gave no benefit)"
)
STRENGTH = "UK CMO physical activity guidelines 2019; ACSM 2-3 days a week; Blagrove et al., Sports Med 2018"
FLEXIBILITY = "ACSM flexibility guidance: 2-3 or more days a week; foam-rolling review PMC8998857"
REST_DAY = "Seed articles: the body may need up to two days of rest after a big run"
ENTRY = "The protocol's entry criteria (templates/protocols; clinic protocols, unverified)"
STIFFNESS = "US Army standard return-to-run, Trials 2023: no progress with swelling, stiffness or more pain"
LAY_OFF = (
    "Detraining: Coyle et al., J Appl Physiol 1984; Mujika & Padilla, Sports Med 2000. Lay-off steps "
    "from coaching practice (unverified), counted from what was reported done"
)
ESCALATION = (
    "Pain traffic light: worse pain lasting several days, see a clinician (clinic pages, unverified); "
    "Silbernagel et al. 2007: pain must settle by the next morning"
)
CLEARANCE = "The treating clinician's assessment, recorded in the plan"
SEVERE_PAIN = (
    "Severe pain at rest calls for a clinician's assessment before a self-directed programme (clinic "
    "default 7/10, unverified); constant night pain is itself a red flag (AHCPR 1994)"
)
ESCALATION_DAYS = 14  # two weeks of pain above the safe range, or of a pause, before a clinician is asked


class Severity:
    """Order of verdicts from a check-in: the most cautious answer wins."""

    ORDER = (Verdict.ADVANCE, Verdict.REPEAT, Verdict.REGRESS)

    @classmethod
    def worst(cls, verdicts: list[Verdict]) -> Verdict:
        return max(verdicts, key=cls.ORDER.index, default=Verdict.ADVANCE)


@attrs.frozen
class Response:
    """What one rule says about one check-in."""

    verdict: Verdict
    decision: Decision
    days_off: int = 0
    too_painful: bool = False


def pain_monitoring(checkin: CheckIn) -> Response | None:
    """Silbernagel: 0-3 safe, 4-5 acceptable, above 5 too much; pain must settle by the morning."""
    during, morning = checkin.pain_during, checkin.pain_next_morning
    if during is None and morning is None:
        return None
    d = during or 0

    def respond(verdict: Verdict, text: str, painful: bool = False) -> Response:
        return Response(verdict, Decision(RuleId.PAIN_MONITORING, verdict, text, PAIN_MONITORING), 0, painful)

    if d > ACCEPTABLE_PAIN:
        return respond(Verdict.REGRESS, wording.PAIN_DURING_TOO_HIGH.format(pain=d), True)
    if morning is not None and morning > ACCEPTABLE_PAIN:
        return respond(Verdict.REGRESS, wording.PAIN_MORNING_TOO_HIGH.format(pain=morning), True)
    if during is not None and morning is not None and morning > SAFE_PAIN and morning > during:
        return respond(Verdict.REGRESS, wording.PAIN_ROSE_OVERNIGHT.format(pain=morning, during=during), True)
    if morning is not None and morning > SAFE_PAIN:
        return respond(Verdict.REPEAT, wording.PAIN_NOT_SETTLED.format(pain=morning))
    if d > SAFE_PAIN:
        return respond(Verdict.REPEAT, wording.PAIN_ACCEPTABLE.format(pain=d))
    return respond(Verdict.ADVANCE, wording.PAIN_FINE[(during is not None, morning is not None)])


def traffic_light(checkin: CheckIn) -> Response | None:
    """0-3 green, 4-5 amber (fine if settled within 24 h), 6-10 red: reduce and retry."""
    scores = [p for p in (checkin.pain_during, checkin.pain_next_morning) if p is not None]
    if not scores:
        return None
    worst = max(scores)
    settled = checkin.pain_next_morning is not None and checkin.pain_next_morning <= SAFE_PAIN

    def respond(verdict: Verdict, text: str, painful: bool = False) -> Response:
        return Response(verdict, Decision(RuleId.TRAFFIC_LIGHT, verdict, text, TRAFFIC_LIGHT), 0, painful)

    if worst > ACCEPTABLE_PAIN:
        return respond(Verdict.REGRESS, wording.LIGHT_RED.format(pain=worst), True)
    if worst > SAFE_PAIN and not settled:
        amber = (
            wording.LIGHT_AMBER if checkin.pain_next_morning is not None else wording.LIGHT_AMBER_NO_MORNING
        )
        return respond(Verdict.REPEAT, amber.format(pain=worst))
    return respond(Verdict.ADVANCE, wording.LIGHT_GREEN)


def soreness(checkin: CheckIn) -> Response | None:
    """Fees et al. soreness rules, as tabulated in IJSPT 2018 Table 5; the returned-during case is a
    clinic variant of them."""

    def respond(verdict: Verdict, days: int = 0, painful: bool = False, source: str = SORENESS) -> Response:
        text = wording.SORENESS[checkin.soreness].decision
        return Response(verdict, Decision(RuleId.SORENESS, verdict, text, source), days, painful)

    match checkin.soreness:
        case Soreness.NONE:
            return None
        case Soreness.WARM_UP_GONE:
            return respond(Verdict.REPEAT)
        case Soreness.WARM_UP_STAYS:
            return respond(Verdict.REGRESS, days=2, painful=True)
        case Soreness.AFTER:
            return respond(Verdict.REPEAT, days=1)
        case Soreness.RETURNED_DURING:
            return respond(Verdict.REGRESS, days=2, painful=True, source=SORENESS_VARIANT)


def stiffness(checkin: CheckIn) -> Response | None:
    """Army return-to-run: no progress while a run leaves stiffness or swelling behind."""
    if not checkin.stiff_or_swollen:
        return None
    return Response(
        Verdict.REPEAT, Decision(RuleId.STIFFNESS, Verdict.REPEAT, wording.STIFF_OR_SWOLLEN, STIFFNESS)
    )


RULE_SETS = {
    "pain-monitoring": (pain_monitoring, soreness, stiffness),
    "soreness": (soreness, traffic_light, stiffness),
}
PAIN_SCALE_SOURCE = {"pain-monitoring": PAIN_MONITORING, "soreness": TRAFFIC_LIGHT}  # each set's pain rule


@attrs.frozen
class CheckInVerdict:
    """The combined answer of a rule set to one check-in."""

    verdict: Verdict
    decisions: tuple[Decision, ...]
    days_off: int
    too_painful: bool
    tolerable_and_settled: bool


def evaluate(checkin: CheckIn, rule_set: str) -> CheckInVerdict:
    responses = [r for rule in RULE_SETS[rule_set] if (r := rule(checkin)) is not None]
    morning = checkin.pain_next_morning
    return CheckInVerdict(
        verdict=Severity.worst([r.verdict for r in responses]),
        decisions=tuple(r.decision for r in responses),
        days_off=max((r.days_off for r in responses), default=0),
        too_painful=any(r.too_painful for r in responses),
        tolerable_and_settled=(
            # both scores reported: the resumption sentence says the pain was tolerable and settled
            checkin.pain_during is not None
            and checkin.pain_during <= ACCEPTABLE_PAIN
            and morning is not None
            and morning <= SAFE_PAIN
        ),
    )


def pause_for_pain(consecutive_painful: int, checkin: CheckIn, resume: ResumeCriteria) -> Decision | None:
    """Two too-painful check-ins in a row, or a flare-up: pause running, low-impact instead, until
    the protocol's resumption criteria are met."""
    if checkin.flare_up:
        template = wording.PAUSE_FLARE_UP
    elif consecutive_painful >= 2:
        template = wording.PAUSE_TOO_PAINFUL
    else:
        return None
    text = template.format(until=resume_condition(resume))
    return Decision(RuleId.PAUSE_RUNNING, Verdict.PAUSE, text, f"{FLARE_UP}; {RESUME_MARGIN}")


def resume_condition(resume: ResumeCriteria) -> str:
    """What must happen before running starts again, with the protocol's numbers."""
    return wording.RESUME_CRITERIA.format(**_resume_terms(resume))


def _resume_terms(resume: ResumeCriteria) -> dict[str, str]:
    """The protocol's numbers in words: "a check-in at least a day after the pause began shows",
    "check-ins on 2 different days, the first at least 3 days after the pause began, show"."""
    one, margin = resume.settled_reports == 1, resume.first_after_days
    reports = wording.RESUME_REPORTS_ONE if one else wording.RESUME_REPORTS.format(n=resume.settled_reports)
    if margin:
        when = wording.RESUME_WHEN_ONE if one else wording.RESUME_WHEN
    else:
        when = wording.RESUME_WHEN_ANY_ONE if one else wording.RESUME_WHEN_ANY
    return {"reports": reports, "when": when.format(reports=reports, days=how_long(margin))}


def past_resume_margin(resume: ResumeCriteria, since: dt.date | None, day: dt.date) -> bool:
    """A report counts towards resuming only from the margin's first day after the pause began."""
    return since is None or (day - since).days >= resume.first_after_days


def resume_after_pause(level: Level, resume: ResumeCriteria, *, reported: bool) -> Decision:
    template = wording.RESUME if reported else wording.RESUME_PROJECTED
    text = template.format(level=level.name, **_resume_terms(resume))
    return Decision(RuleId.RESUME_RUNNING, Verdict.RESUME, text, f"{FLARE_UP}; {RESUME_MARGIN}")


def entry_met(level: Level, *, reported: bool) -> Decision:
    template = wording.ENTRY_MET if reported else wording.ENTRY_MET_PROJECTED
    return Decision(RuleId.ENTRY_CRITERIA, Verdict.RESUME, template.format(level=level.name), ENTRY)


def from_report(decision: Decision, day: dt.date) -> Decision:
    """A decision a check-in caused, naming that check-in."""
    text = wording.REPORT_DATE.format(text=decision.text, day=f"{day:%a %d %b}")
    return attrs.evolve(decision, text=text)


def paused_session() -> Decision:
    return Decision(RuleId.PAUSED_SESSION, Verdict.PAUSE, wording.PAUSED_SESSION, FLARE_UP)


def clinician_hold(hold_until: dt.date, *, followed: bool = True) -> Decision:
    """`followed`: a clinic follows the plan, so the hold is its clinician's; else it was set when
    the plan was made, and no clinician is named (wording.FOLLOWED_WORDS)."""
    text = wording.FOLLOWED_WORDS[followed].hold.format(until=f"{hold_until:%d %B %Y}")
    return Decision(RuleId.CLINICIAN_HOLD, Verdict.PAUSE, text, CLINICIAN_HOLD)


def held_until(
    prescription: Prescription, actions: Iterable[ClinicianAction], day: dt.date
) -> dt.date | None:
    """The end of a clinician's hold covering `day`: the prescription's own hold, else the latest
    hold or release recorded on or before `day` (a release ends a hold at once)."""
    if prescription.hold_running_until is not None and day < prescription.hold_running_until:
        return prescription.hold_running_until
    latest: ClinicianAction | None = None
    for action in actions:
        if action.kind in (ActionKind.HOLD_RUNNING, ActionKind.CLEAR_HOLD) and action.date <= day:
            latest = action
    if latest is not None and latest.kind is ActionKind.HOLD_RUNNING and latest.until and day < latest.until:
        return latest.until
    return None


def level_moved(action: ClinicianAction, level: Level) -> Decision:
    """A clinician's judgement overrides the progression rules for one step, up or down."""
    up = action.kind is ActionKind.LEVEL_UP
    text = wording.LEVEL_MOVED.format(
        by=action.by, direction="up" if up else "down", day=f"{action.date:%d %B %Y}", level=level.name
    )
    return Decision(RuleId.CLINICIAN_LEVEL, Verdict.ADVANCE if up else Verdict.REGRESS, text, CLEARANCE)


def week_change_day(action: ClinicianAction) -> dt.date:
    """A new week starts on the Monday on or after the clinician's decision: whole weeks keep their
    shape (a rest day, strength two or three times), so no week mixes the old days and the new."""
    return action.date + dt.timedelta(days=(7 - action.date.weekday()) % 7)


def week_changed(action: ClinicianAction, days: str, time: dt.time) -> Decision:
    """`time`: the session time from then on (the action's, or the plan's when it names none)."""
    day = f"{week_change_day(action):%d %B %Y}"
    text = wording.WEEK_CHANGED.format(by=action.by, day=day, days=days, time=f"{time:%H:%M}")
    return Decision(RuleId.CLINICIAN_WEEK, Verdict.SCHEDULE, text, CLEARANCE)


def discharged(action: ClinicianAction) -> Decision:
    text = wording.DISCHARGED.format(by=action.by, day=f"{action.date:%d %B %Y}")
    return Decision(RuleId.DISCHARGE, Verdict.STOP, text, CLEARANCE)


def reopened(action: ClinicianAction) -> Decision:
    """A discharged programme re-opened by a clinician: sessions again from that day (core/care.py)."""
    text = wording.REOPENED.format(by=action.by, day=f"{action.date:%d %B %Y}")
    return Decision(RuleId.REOPENED, Verdict.RESUME, text, CLEARANCE)


def entry_not_met(protocol: Protocol, pain: int) -> Decision | None:
    """Pain at rest above the protocol's entry limit: start with low-impact sessions."""
    limit = protocol.entry.max_pain_at_rest
    if pain <= limit:
        return None
    text = wording.ENTRY_NOT_MET.format(pain=pain, limit=limit)
    return Decision(RuleId.ENTRY_CRITERIA, Verdict.PAUSE, text, ENTRY)


def severe_pain(protocol: Protocol, pain: int) -> bool:
    """Pain at rest at or above the protocol's referral threshold: a clinician's call first."""
    return pain >= protocol.entry.refer_pain_at_rest


def accepts(protocol: Protocol, prescription: Prescription) -> bool:
    """The protocol may start for this person: within its entry limit (or one that starts with
    low-impact sessions), and below its referral threshold unless a clinician holds running."""
    entry = protocol.entry
    if entry.refuse and prescription.pain > entry.max_pain_at_rest:
        return False
    return not severe_pain(protocol, prescription.pain) or prescription.hold_running_until is not None


def entry_refusal(
    protocol: Protocol, prescription: Prescription, protocols: Mapping[str, Protocol]
) -> str | None:
    """Why this protocol must not start for this person at all, naming one that accepts them (its
    suggestion, or that one's, and so on), or saying to see a clinician when none does."""
    entry, pain = protocol.entry, prescription.pain
    if accepts(protocol, prescription):
        return None
    if not (entry.refuse and pain > entry.max_pain_at_rest):
        return wording.SEVERE_PAIN_REFUSED.format(pain=pain, limit=entry.refer_pain_at_rest)
    seen, suggest = {protocol.id}, entry.suggest
    while suggest in protocols and suggest not in seen:
        if accepts(protocols[suggest], prescription):
            return wording.ENTRY_REFUSED.format(
                pain=pain, limit=entry.max_pain_at_rest, protocol=protocol.id, suggest=suggest
            )
        seen.add(suggest)
        suggest = protocols[suggest].entry.suggest
    return wording.ENTRY_REFUSED_SEE_CLINICIAN.format(
        pain=pain, limit=entry.max_pain_at_rest, protocol=protocol.id
    )


def severe_pain_hold(
    protocol: Protocol, prescription: Prescription, *, followed: bool = True
) -> Decision | None:
    """A plan made for severe pain at rest, which only a clinician's hold allows: it says so."""
    hold = prescription.hold_running_until
    if hold is None or not severe_pain(protocol, prescription.pain):
        return None
    text = wording.FOLLOWED_WORDS[followed].severe_pain_held.format(
        pain=prescription.pain, limit=protocol.entry.refer_pain_at_rest, until=f"{hold:%d %B %Y}"
    )
    return Decision(RuleId.ENTRY_CRITERIA, Verdict.PAUSE, text, SEVERE_PAIN)


def meets_entry(protocol: Protocol, checkin: CheckIn) -> bool:
    """A report that shows the entry criteria met: next-morning pain within the entry limit."""
    morning = checkin.pain_next_morning
    return morning is not None and morning <= protocol.entry.max_pain_at_rest


def red_flag_referral(
    flags: tuple[str, ...], zone: str, *, recorded: bool = False, followed: bool = True
) -> Decision:
    """Any red flag stops everything; the most urgent flag sets how soon to get help, and the
    person's time zone which emergency number to call. `recorded`: the signs were found at the
    assessment and put on the plan by a clinician (the person reported none)."""
    flag = redflags.most_urgent(flags)
    advice = redflags.advice(flag.urgency, zone)
    template = wording.FOLLOWED_WORDS[followed].red_flag_recorded if recorded else wording.RED_FLAG_STOP
    text = template.format(sign=redflags.signs((flag.id,)), advice=advice)
    return Decision(RuleId.RED_FLAG, Verdict.STOP, text, redflags.SOURCE)


def days_off(nth: int, total: int) -> Decision:
    """Today is the `nth` of `total` days off running that a soreness report set."""
    text = wording.DAYS_OFF_ONE if total == 1 else wording.DAYS_OFF.format(nth=nth, total=total)
    return Decision(RuleId.SORENESS_DAYS_OFF, Verdict.REST, text, SORENESS)


def rest_between_runs(level: Level) -> Decision:
    """Runs need min_rest_days full days between them (two at the lowest levels)."""
    source = LOW_LEVEL_REST if level.min_rest_days >= 2 else SPACING
    template = wording.REST_BETWEEN_RUNS_ONE if level.min_rest_days <= 1 else wording.REST_BETWEEN_RUNS
    text = template.format(level=level.name, days=level.min_rest_days)
    return Decision(RuleId.REST_BETWEEN_RUNS, Verdict.REST, text, source)


def enough_rest(level: Level, last_run: dt.date | None, day: dt.date) -> bool:
    return last_run is None or (day - last_run).days - 1 >= max(1, level.min_rest_days)


def weekly_runs_reached(runs_per_week: int) -> Decision:
    text = wording.WEEKLY_RUNS_REACHED.format(runs=runs_per_week)
    return Decision(RuleId.RUNS_PER_WEEK, Verdict.SCHEDULE, text, RUNS_PER_WEEK)


def advance(previous: Level, level: Level, repeats: int, *, reported: bool) -> Decision:
    """`reported`: the sessions behind the move were reported; otherwise the move is projected."""
    template = wording.ADVANCE_REPORTED if reported else wording.ADVANCE_PROJECTED
    text = template.format(previous=previous.name, level=level.name, repeats=repeats, safe=SAFE_PAIN)
    return Decision(RuleId.LEVEL_ADVANCE, Verdict.ADVANCE, text, LEVEL_REPEATS)


def repeat_level(level: Level, done: int) -> Decision:
    text = wording.REPEAT_LEVEL.format(level=level.name, attempt=done + 1, times=level.min_sessions)
    return Decision(RuleId.LEVEL_REPEAT, Verdict.REPEAT, text, LEVEL_REPEATS)


def rise_limit(limit: int) -> Decision:
    text = wording.RISE_LIMIT_ONE if limit == 1 else wording.RISE_LIMIT.format(limit=limit)
    return Decision(RuleId.LEVEL_RISES, Verdict.REPEAT, text, LEVEL_RISES)


def growth_capped(cap: float, level: Level) -> Decision:
    text = wording.GROWTH_CAP.format(cap=f"{cap:.0%}", level=level.name)
    return Decision(RuleId.WEEKLY_GROWTH, Verdict.SCHEDULE, text, WEEKLY_GROWTH)


def growth_hold(cap: float, level: Level, following: Level) -> Decision:
    """The next level would grow this week's running past the cap: stay, and move up when it fits."""
    text = wording.GROWTH_HOLD.format(cap=f"{cap:.0%}", level=level.name, following=following.name)
    return Decision(RuleId.WEEKLY_GROWTH, Verdict.REPEAT, text, WEEKLY_GROWTH)


def lay_off_step(lay_off_days: tuple[int, ...], days: int, horizon: int) -> tuple[int, int] | None:
    """(stage, days) when `days` of time off running is a lay-off step: one of the lay-off days;
    stage 0 from the first lay-off day, 3 from the last."""
    if days > horizon or days not in lay_off_days:
        return None
    return lay_off_days.index(days), days


def lay_off_level(stage: int, base: int) -> int:
    """Where a plan restarts after time off: the base level (stage 0), one below it (stage 1),
    half-way back (stage 2), or the first level (stage 3)."""
    return max(0, (base, base - 1, base // 2, 0)[stage])


def how_long(days: int) -> str:
    """How long, always in figures: "a day", "a week", "2 weeks", "9 weeks", "10 days"."""
    if days % 7:
        return wording.DAYS_ONE if days == 1 else wording.DAYS.format(n=days)
    return wording.WEEKS_ONE if days == 7 else wording.WEEKS.format(n=days // 7)


class LayOffBasis(enum.StrEnum):
    """What a lay-off restarts from, so its sentence says only what was reported."""

    LAST_DONE = "last-done"  # the last level reported done
    LAST_REPORT = "last-report"  # lower: where the last report left the plan
    NOTHING_DONE = "nothing-done"  # no session was ever reported done


def lay_off(
    stage: int, days: int, level: Level, basis: LayOffBasis, *, silent: bool, paused: bool, lower: bool
) -> Decision:
    """`silent`: no report at all in the time off (else sessions were reported, none done);
    `lower`: the restart is below its basis."""
    lead = (wording.LAY_OFF_SILENT if silent else wording.LAY_OFF_NOT_DONE).format(silence=how_long(days))
    if paused:
        template = wording.LAY_OFF_PAUSED
    elif lower:
        template = wording.LAY_OFF_LOWER[stage]
    else:
        template = wording.LAY_OFF_SAME
    text = template.format(lead=lead, level=level.name, basis=wording.LAY_OFF_BASIS[basis])
    return Decision(RuleId.LAY_OFF, Verdict.REGRESS if lower else Verdict.REPEAT, text, LAY_OFF)


def not_started(level: Level) -> Decision:
    """The day after the first session with no check-in at all: the plan stays at its first level
    until the first check-in, the rest projected from today (see scheduler.projection_begins)."""
    text = wording.LAY_OFF_NOT_STARTED.format(level=level.name)
    return Decision(RuleId.LAY_OFF, Verdict.REPEAT, text, LAY_OFF)


def _escalation(template: str, followed: bool) -> Decision:
    text = template.format(contact=wording.FOLLOWED_WORDS[followed].contact)
    return Decision(RuleId.ESCALATION, Verdict.ESCALATE, text, ESCALATION)


def persistent_pain(*, followed: bool = True) -> Decision:
    return _escalation(wording.ESCALATE_PERSISTENT_PAIN, followed)


def silent_pause(*, followed: bool = True) -> Decision:
    """Two weeks without a report while running is paused: nobody knows how the person is."""
    return _escalation(wording.ESCALATE_SILENT_PAUSE, followed)


def long_pause(*, followed: bool = True) -> Decision:
    return _escalation(wording.ESCALATE_LONG_PAUSE, followed)


def red_flag_cleared(
    action: ClinicianAction, level: Level, assessed: tuple[CheckIn, ...], found_at_start: tuple[str, ...]
) -> Decision:
    """The clearance names everything it assessed: the screen at the start, and every check-in
    with warning signs it covered (by the day each names), each sign once."""
    parts = [wording.cleared_at_start(redflags.sign_names(found_at_start))] if found_at_start else []
    if assessed:
        days = dict.fromkeys(f"{c.date:%a %d %b}" for c in sorted(assessed, key=lambda c: c.date))
        names = redflags.sign_names(flag for c in assessed for flag in c.red_flags)
        parts.append(wording.cleared_reports(list(days), names))
    what = wording.listed(parts)
    text = wording.RED_FLAG_CLEARED.format(
        by=action.by, what=what, day=f"{action.date:%d %B %Y}", level=level.name
    )
    return Decision(RuleId.RED_FLAG_CLEARED, Verdict.RESUME, text, CLEARANCE)


def above_safe_range(checkin: CheckIn) -> bool:
    """A report of pain above the safe band, or a flare-up: what escalation counts."""
    scores = [p for p in (checkin.pain_during, checkin.pain_next_morning) if p is not None]
    return checkin.flare_up or any(p > SAFE_PAIN for p in scores)


def rises_in_window(rise_days: Iterable[dt.date], day: dt.date) -> int:
    """Level rises in the seven days ending on `day`."""
    return sum(1 for d in rise_days if 0 <= (day - d).days < 7)


def entry_load(protocol: Protocol) -> int:
    """The running a week a protocol itself starts from: its runs a week at its first running level
    that runs every other day, and never less than one session of any level (so an otherwise empty
    week can always hold one run, and a plan resuming after a pause is never stuck behind the cap).
    Below it the growth cap does not bind: these are the protocol's own first weeks."""
    running = [level for level in protocol.levels if level.is_running]
    every_other_day = next((level for level in running if level.min_rest_days <= 1), running[0])
    week = protocol.runs_per_week * max(
        every_other_day.running_seconds(i) for i in range(len(every_other_day.sessions))
    )
    single = max(level.running_seconds(i) for level in protocol.levels for i in range(len(level.sessions)))
    return max(week, single)


BACK_PAIN_GROWTH = 0.3  # README and clinical notes: 30% for back pain (Nielsen et al., JOSPT 2014)


def back_pain_from(prescription: Prescription, reports: Iterable[CheckIn]) -> dt.date | None:
    """The first day someone reported back pain: pain at rest when the plan was made (its start),
    else the first check-in with a pain score above 0."""
    if prescription.pain > 0:
        return prescription.start
    painful = [r.date for r in reports if (r.pain_during or 0) > 0 or (r.pain_next_morning or 0) > 0]
    return min(painful, default=None)


def growth_cap(protocol: Protocol, back_pain: bool) -> float:
    """The weekly growth cap in force: for anyone who has reported back pain, at most the back-pain
    figure whatever the protocol's own; a protocol's cap is only ever lowered."""
    return min(protocol.max_weekly_growth, BACK_PAIN_GROWTH) if back_pain else protocol.max_weekly_growth


def back_pain_growth(protocol: Protocol) -> Decision | None:
    """The plan note when the back-pain cap lowers the protocol's own."""
    if protocol.max_weekly_growth <= BACK_PAIN_GROWTH:
        return None
    text = wording.BACK_PAIN_GROWTH.format(
        cap=f"{BACK_PAIN_GROWTH:.0%}", own=f"{protocol.max_weekly_growth:.0%}"
    )
    return Decision(RuleId.WEEKLY_GROWTH, Verdict.SCHEDULE, text, WEEKLY_GROWTH)


def weekly_allowance(cap: float, floor_seconds: int, last_two_weeks: tuple[int, int]) -> int:
    """Running seconds allowed this week: (1 + cap) x the busier of the last two weeks, at least the
    protocol's entry load. The two-week view follows Nielsen's two-week window and lets a short pause
    resume without starting from nothing."""
    return max(floor_seconds, int((1 + cap) * max(last_two_weeks)))


def strength_day() -> Decision:
    return Decision(RuleId.STRENGTH_FREQUENCY, Verdict.SCHEDULE, wording.STRENGTH_DAY, STRENGTH)


def strength_while_paused() -> Decision:
    return Decision(RuleId.STRENGTH_FREQUENCY, Verdict.SCHEDULE, wording.STRENGTH_WHILE_PAUSED, STRENGTH)


def mobility_day() -> Decision:
    return Decision(RuleId.MOBILITY, Verdict.SCHEDULE, wording.MOBILITY_DAY, FLEXIBILITY)


def rest_day() -> Decision:
    return Decision(RuleId.REST_DAY, Verdict.REST, wording.FULL_REST_DAY, REST_DAY)


def low_impact_level(level: Level) -> Decision:
    text = wording.LOW_IMPACT_LEVEL.format(level=level.name)
    return Decision(RuleId.LOW_IMPACT_LEVEL, Verdict.SCHEDULE, text, FLARE_UP)

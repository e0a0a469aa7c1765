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

import attrs

from planner.core import redflags
from planner.core.model import CheckIn, Decision, Level, Prescription, Soreness, Verdict

# --- sources ---------------------------------------------------------------------------------
PAIN_MONITORING = "Silbernagel et al., Am J Sports Med 2007;35(6):897-906 (pain-monitoring model)"
SORENESS = "Int J Sports Phys Ther 2018;13(3):422-431, Table 5, after Fees et al. 1998 (soreness rules)"
SORENESS_VARIANT = "Clinic variant of the soreness rules (unverified)"
TRAFFIC_LIGHT = "Physiotherapy clinic pain traffic light (unverified)"
FLARE_UP = "Seed articles: pause running in a flare-up, low-impact aerobic work until pain subsides"
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
SEVERE_PAIN_AT_START = "Pain traffic light: 6-10 is too much (physiotherapy clinic pages, unverified)"

# --- thresholds (configurable defaults; the notes mark operating thresholds as second-hand) ----
SAFE_PAIN = 3  # 0-3: safe
ACCEPTABLE_PAIN = 5  # 4-5: acceptable; above 5: too much
SEVERE_REST_PAIN = 6  # pain at rest this high at the start: no running yet
PAIN_RULE_LINE = (
    f"Pain rule: 0-{SAFE_PAIN}/10 is fine, {SAFE_PAIN + 1}-{ACCEPTABLE_PAIN}/10 is acceptable if it "
    f"settles by the next morning; above {ACCEPTABLE_PAIN}/10, stop and walk home."
)


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
        return Response(verdict, Decision("pain-monitoring", verdict, text, PAIN_MONITORING), 0, painful)

    if d > ACCEPTABLE_PAIN:
        return respond(
            Verdict.REGRESS,
            f"Pain reached {d}/10 during the session, more than the 5/10 the "
            "pain-monitoring model allows, so the next run is one level easier.",
            True,
        )
    if morning is not None and morning > ACCEPTABLE_PAIN:
        return respond(
            Verdict.REGRESS,
            f"Pain was {morning}/10 the next morning, which is too high, "
            "so the next run is one level easier.",
            True,
        )
    if morning is not None and morning > SAFE_PAIN and morning > d:
        return respond(
            Verdict.REGRESS,
            f"Pain rose overnight to {morning}/10, a sign the load was too "
            "much, so the next run is one level easier.",
            True,
        )
    if morning is not None and morning > SAFE_PAIN:
        return respond(
            Verdict.REPEAT,
            f"Pain had not settled by the next morning ({morning}/10), so "
            "you repeat this level before moving on.",
        )
    if d > SAFE_PAIN:
        return respond(
            Verdict.REPEAT,
            f"Pain of {d}/10 is acceptable but not yet comfortable, so you "
            "repeat this level until it stays at 3/10 or less.",
        )
    return respond(
        Verdict.ADVANCE,
        "Pain stayed at 3/10 or less and settled by the morning, so you "
        "can move on when you have done this level enough times.",
    )


def traffic_light(checkin: CheckIn) -> Response | None:
    """0-3 green, 4-5 amber (fine if settled within 24 h), 6-10 red: reduce and retry."""
    scores = [p for p in (checkin.pain_during, checkin.pain_next_morning) if p is not None]
    if not scores:
        return None
    worst = max(scores)
    settled = checkin.pain_next_morning is not None and checkin.pain_next_morning <= SAFE_PAIN

    def respond(verdict: Verdict, text: str, painful: bool = False) -> Response:
        return Response(verdict, Decision("traffic-light", verdict, text, TRAFFIC_LIGHT), 0, painful)

    if worst > ACCEPTABLE_PAIN:
        return respond(
            Verdict.REGRESS,
            f"Pain reached {worst}/10 (red), so the next run is one level "
            "easier. If pain stays this bad for several days, see a clinician.",
            True,
        )
    if worst > SAFE_PAIN and not settled:
        return respond(
            Verdict.REPEAT,
            f"Pain of {worst}/10 (amber) that has not settled within a day means you repeat this level.",
        )
    return respond(Verdict.ADVANCE, "Pain stayed in the green or settled within a day: carry on.")


def soreness(checkin: CheckIn) -> Response | None:
    """Fees et al. soreness rules, as tabulated in IJSPT 2018 Table 5."""
    rule = "soreness"
    match checkin.soreness:
        case Soreness.NONE:
            return None
        case Soreness.WARM_UP_GONE:
            return Response(
                Verdict.REPEAT,
                Decision(
                    rule,
                    Verdict.REPEAT,
                    "Soreness in the warm-up that went away means you repeat the same session next time.",
                    SORENESS,
                ),
            )
        case Soreness.WARM_UP_STAYS:
            return Response(
                Verdict.REGRESS,
                Decision(
                    rule,
                    Verdict.REGRESS,
                    "Soreness that stayed through "
                    "the warm-up means two days off running, then one level easier.",
                    SORENESS,
                ),
                days_off=2,
                too_painful=True,
            )
        case Soreness.AFTER:
            return Response(
                Verdict.REPEAT,
                Decision(
                    rule,
                    Verdict.REPEAT,
                    "Soreness more than an hour "
                    "after, or the next day, means one day off running, then repeat the session.",
                    SORENESS,
                ),
                days_off=1,
            )
        case Soreness.RETURNED_DURING:
            return Response(
                Verdict.REGRESS,
                Decision(
                    rule,
                    Verdict.REGRESS,
                    "Soreness that went in the "
                    "warm-up but came back during the session means two days off running, then "
                    "one level easier.",
                    SORENESS_VARIANT,
                ),
                days_off=2,
                too_painful=True,
            )


RULE_SETS = {
    "pain-monitoring": (pain_monitoring, soreness),
    "soreness": (soreness, traffic_light),
}


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
            (checkin.pain_during or 0) <= ACCEPTABLE_PAIN and morning is not None and morning <= SAFE_PAIN
        ),
    )


def pause_for_pain(consecutive_painful: int, checkin: CheckIn) -> Decision | None:
    """Two too-painful check-ins in a row, or a flare-up: pause running, low-impact instead."""
    if checkin.flare_up:
        text = (
            "You reported a flare-up, so running pauses. Low-impact sessions of a similar length "
            "take its place until a check-in shows pain you can tolerate that settled by the morning."
        )
    elif consecutive_painful >= 2:
        text = (
            "Two sessions in a row were too painful, so running pauses. Low-impact sessions of a "
            "similar length take its place until your pain is tolerable and settles by the morning."
        )
    else:
        return None
    return Decision("pause-running", Verdict.PAUSE, text, FLARE_UP)


def resume_after_pause(level: Level) -> Decision:
    return Decision(
        "resume-running",
        Verdict.RESUME,
        f"Your pain was tolerable and settled by the "
        f"morning, so running starts again one level lower, at {level.name}.",
        FLARE_UP,
    )


def paused_session() -> Decision:
    return Decision(
        "pause-running",
        Verdict.PAUSE,
        "Running is paused: today is a low-impact session of a similar length instead.",
        FLARE_UP,
    )


def clinician_hold(hold_until: dt.date) -> Decision:
    return Decision(
        "clinician-hold",
        Verdict.PAUSE,
        f"Your clinician has asked for no running until "
        f"{hold_until:%d %B %Y}; today is a low-impact session instead.",
        CLINICIAN_HOLD,
    )


def is_held(prescription: Prescription, day: dt.date) -> bool:
    return prescription.hold_running_until is not None and day < prescription.hold_running_until


def severe_pain_at_start(pain: int) -> Decision | None:
    if pain < SEVERE_REST_PAIN:
        return None
    return Decision(
        "severe-pain-at-start",
        Verdict.PAUSE,
        f"Your pain at rest is {pain}/10, too high to "
        "start running. You begin with low-impact sessions; running starts when a check-in "
        "shows pain you can tolerate that settled by the next morning.",
        SEVERE_PAIN_AT_START,
    )


def red_flag_referral(flags: tuple[str, ...]) -> Decision:
    """Any red flag stops everything; the most urgent flag sets how soon to get help."""
    flag = redflags.most_urgent(flags)
    return Decision(
        "red-flag",
        Verdict.STOP,
        f"You reported a warning sign ({flag.question.rstrip('?')}). "
        f"Stop the programme. {redflags.ADVICE[flag.urgency]}",
        redflags.SOURCE,
    )


def days_off(days: int) -> Decision:
    return Decision(
        "soreness-days-off",
        Verdict.REST,
        f"After the soreness you reported, today is a day "
        f"off running ({days} {'day' if days == 1 else 'days'} in all).",
        SORENESS,
    )


def rest_between_runs(level: Level) -> Decision:
    """Runs need min_rest_days full days between them (two at the lowest levels)."""
    source = LOW_LEVEL_REST if level.min_rest_days >= 2 else SPACING
    return Decision(
        "rest-between-runs",
        Verdict.REST,
        f"At {level.name} your back gets "
        f"{level.min_rest_days} full rest days between runs, so today is a rest day.",
        source,
    )


def enough_rest(level: Level, last_run: dt.date | None, day: dt.date) -> bool:
    return last_run is None or (day - last_run).days - 1 >= max(1, level.min_rest_days)


def weekly_runs_reached(runs_per_week: int) -> Decision:
    return Decision(
        "runs-per-week",
        Verdict.SCHEDULE,
        f"You have done this week's {runs_per_week} runs, so today is low-impact cardio instead.",
        RUNS_PER_WEEK,
    )


def advance(previous: Level, level: Level, repeats: int) -> Decision:
    return Decision(
        "level-advance",
        Verdict.ADVANCE,
        f"You completed {previous.name} {repeats} times "
        f"with pain under control, so you move up to {level.name}.",
        LEVEL_REPEATS,
    )


def repeat_level(level: Level, done: int) -> Decision:
    return Decision(
        "level-repeat",
        Verdict.REPEAT,
        f"{level.name}, attempt {done + 1}: each level is "
        f"done at least {level.min_sessions} times before the next.",
        LEVEL_REPEATS,
    )


def rise_limit(limit: int) -> Decision:
    return Decision(
        "level-rises",
        Verdict.REPEAT,
        f"You have already moved up {limit} "
        f"{'level' if limit == 1 else 'levels'} in the last seven days, so today stays at the "
        "same level.",
        LEVEL_RISES,
    )


def growth_cap(cap: float, level: Level) -> Decision:
    return Decision(
        "weekly-growth",
        Verdict.REPEAT,
        f"To keep this week's running time within "
        f"{cap:.0%} more than in the last two weeks, today's session is the lighter {level.name}.",
        WEEKLY_GROWTH,
    )


def rises_in_window(rise_days: list[dt.date], day: dt.date) -> int:
    """Level rises in the seven days ending on `day`."""
    return sum(1 for d in rise_days if 0 <= (day - d).days < 7)


def weekly_allowance(cap: float, floor_seconds: int, last_two_weeks: tuple[int, int]) -> int:
    """Running seconds allowed this week: (1 + cap) x the busier of the last two weeks, at least the
    protocol's entry load. The two-week view follows Nielsen's two-week window and lets a short pause
    resume without starting from nothing."""
    return max(floor_seconds, int((1 + cap) * max(last_two_weeks)))


def strength_day() -> Decision:
    return Decision(
        "strength-frequency",
        Verdict.SCHEDULE,
        "Core and leg strength work two to three "
        "times a week, on days apart, supports a safe return to running.",
        STRENGTH,
    )


def strength_while_paused() -> Decision:
    return Decision(
        "strength-frequency",
        Verdict.SCHEDULE,
        "Strength work continues while running is paused, using the easier version of each exercise.",
        STRENGTH,
    )


def mobility_day() -> Decision:
    return Decision(
        "mobility",
        Verdict.SCHEDULE,
        "Gentle stretching, yoga-based mobility and foam "
        "rolling on a lighter day keep your back and hips moving.",
        FLEXIBILITY,
    )


def rest_day() -> Decision:
    return Decision(
        "rest-day",
        Verdict.REST,
        "A full rest day: recovery is when your body adapts to the training.",
        REST_DAY,
    )


def low_impact_level(level: Level) -> Decision:
    return Decision(
        "low-impact-level",
        Verdict.SCHEDULE,
        f"{level.name}: low-impact cardio builds fitness without jarring your back before running starts.",
        FLARE_UP,
    )

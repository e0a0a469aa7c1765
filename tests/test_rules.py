"""One example per rule: the decision it makes and the source it cites."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from planner.core import rules
from planner.core.model import (
    ActionKind,
    CheckIn,
    ClinicianAction,
    Decision,
    Prescription,
    ResumeCriteria,
    RuleId,
    Soreness,
    Verdict,
)
from planner.core.scheduler import build

DAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("during", "morning", "verdict", "painful"),
    [
        (2, 1, Verdict.ADVANCE, False),
        (5, 2, Verdict.REPEAT, False),
        (6, 2, Verdict.REGRESS, True),
        (3, 6, Verdict.REGRESS, True),
        (2, 4, Verdict.REGRESS, True),  # rose overnight
        (5, 4, Verdict.REPEAT, False),  # not settled
    ],
)
def test_pain_monitoring(during, morning, verdict, painful) -> None:
    response = rules.pain_monitoring(CheckIn(DAY, pain_during=during, pain_next_morning=morning))
    assert response is not None
    assert (response.verdict, response.too_painful) == (verdict, painful)
    assert response.decision.source == rules.PAIN_MONITORING and "Silbernagel" in response.decision.source


@pytest.mark.parametrize(
    ("soreness", "verdict", "days_off", "source", "painful"),
    [
        (Soreness.WARM_UP_GONE, Verdict.REPEAT, 0, rules.SORENESS, False),
        (Soreness.WARM_UP_STAYS, Verdict.REGRESS, 2, rules.SORENESS, True),
        (Soreness.AFTER, Verdict.REPEAT, 1, rules.SORENESS, False),
        (Soreness.RETURNED_DURING, Verdict.REGRESS, 2, rules.SORENESS_VARIANT, True),
    ],
)
def test_soreness_rules(soreness, verdict, days_off, source, painful) -> None:
    """`painful`: counts towards a pause (two in a row); soreness that goes is not painful."""
    response = rules.soreness(CheckIn(DAY, soreness=soreness))
    assert response is not None
    assert (response.verdict, response.days_off, response.decision.source) == (verdict, days_off, source)
    assert response.too_painful is painful
    assert rules.soreness(CheckIn(DAY)) is None


@pytest.mark.parametrize(
    ("during", "morning", "verdict", "painful"),
    [
        (3, 0, Verdict.ADVANCE, False),
        (5, 2, Verdict.ADVANCE, False),
        (5, 5, Verdict.REPEAT, False),
        (7, 1, Verdict.REGRESS, True),  # red: counts towards a pause
    ],
)
def test_traffic_light(during, morning, verdict, painful) -> None:
    response = rules.traffic_light(CheckIn(DAY, pain_during=during, pain_next_morning=morning))
    assert response is not None and (response.verdict, response.too_painful) == (verdict, painful)
    assert response.decision.source == rules.TRAFFIC_LIGHT


def test_most_cautious_verdict_wins() -> None:
    combined = rules.evaluate(
        CheckIn(DAY, pain_during=1, pain_next_morning=0, soreness=Soreness.AFTER), "pain-monitoring"
    )
    assert combined.verdict is Verdict.REPEAT and combined.days_off == 1
    assert {d.rule for d in combined.decisions} == {"pain-monitoring", "soreness"}


def test_pause_after_two_painful_or_a_flare_up() -> None:
    assert rules.pause_for_pain(1, CheckIn(DAY), ResumeCriteria()) is None
    two = rules.pause_for_pain(2, CheckIn(DAY), ResumeCriteria())
    flare = rules.pause_for_pain(0, CheckIn(DAY, flare_up=True), ResumeCriteria())
    assert two is not None and flare is not None
    assert two.verdict is Verdict.PAUSE and flare.source == f"{rules.FLARE_UP}; {rules.RESUME_MARGIN}"


def test_red_flag_urgency() -> None:
    emergency = rules.red_flag_referral(("one-leg-tingling", "saddle-numbness"), "Europe/London")
    assert (
        emergency.verdict is Verdict.STOP and "emergency" in emergency.text and "call 999" in emergency.text
    )
    assert "NBK52120" in emergency.source
    soon = rules.red_flag_referral(("new-lump",), "Europe/London")
    assert "within the next few days" in soon.text
    elsewhere = {
        zone: rules.red_flag_referral(("bowel-control",), zone).text
        for zone in ("Europe/Warsaw", "America/Denver", "Australia/Perth", "Pacific/Auckland", "Africa/Lagos")
    }
    assert "call 112" in elsewhere["Europe/Warsaw"] and "call 911" in elsewhere["America/Denver"]
    assert "call 000" in elsewhere["Australia/Perth"] and "call 111" in elsewhere["Pacific/Auckland"]
    assert "call your local emergency number" in elsewhere["Africa/Lagos"]


def test_entry_criteria_start_low_impact_or_refuse(catalog) -> None:
    restart, lbp = catalog.protocol("flare-up-restart"), catalog.protocol("lbp-return-to-run")
    assert rules.entry_not_met(restart, 4) is None
    decision = rules.entry_not_met(restart, 6)
    assert decision is not None and decision.verdict is Verdict.PAUSE and "6/10" in decision.text
    assert decision.rule == "entry-criteria" and "entry criteria" in decision.source
    rx = Prescription("Ana", DAY, "Europe/London", (1, 3, 6), (2, 4), dt.time(7), pain=4)
    refusal = rules.entry_refusal(lbp, rx, catalog.protocols)
    assert refusal is not None and "flare-up-restart" in refusal and "4/10" in refusal
    assert rules.entry_refusal(lbp, attrs.evolve(rx, pain=3), catalog.protocols) is None
    assert (
        rules.entry_refusal(restart, attrs.evolve(rx, pain=6), catalog.protocols) is None
    )  # low-impact first


def test_weekly_allowance_uses_the_busier_of_two_weeks() -> None:
    assert rules.weekly_allowance(0.3, 600, (0, 0)) == 600
    assert rules.weekly_allowance(0.3, 600, (1000, 2000)) == 2600
    assert "Nielsen" in rules.WEEKLY_GROWTH


def test_rises_in_window() -> None:
    days = [DAY, DAY + dt.timedelta(days=3)]
    assert rules.rises_in_window(days, DAY + dt.timedelta(days=6)) == 2
    assert rules.rises_in_window(days, DAY + dt.timedelta(days=7)) == 1


def test_decisions_name_their_rule_from_a_closed_set() -> None:
    from planner.core.model import Decision, RuleId

    assert Decision("lay-off", Verdict.REPEAT, "t", "s").rule is RuleId.LAY_OFF
    with pytest.raises(ValueError):
        Decision("lay off", Verdict.REPEAT, "t", "s")
    # a pause's start and a paused session are different rules, whatever their sentences say
    assert rules.paused_session().rule is RuleId.PAUSED_SESSION
    assert (
        rules.pause_for_pain(2, CheckIn(dt.date(2026, 3, 2)), ResumeCriteria()).rule is RuleId.PAUSE_RUNNING
    )


# -- a clinician's actions and a clinic's own protocol limits, through the scheduler --------------
def test_a_clinicians_action_is_a_decision_in_their_words() -> None:
    """Each action is a sourced decision on the session it shapes (or a plan note), naming who,
    when and what changed."""
    from tests.test_over_time import day, good, plan

    def decisions(built, rule):
        return [(s.date, d) for s in built.sessions for d in s.decisions if d.rule is rule]

    up = ClinicianAction(ActionKind.LEVEL_UP, day(7), "A. Morgan", "doing well")
    down = ClinicianAction(ActionKind.LEVEL_DOWN, day(13), "A. Morgan", "sore")
    moved = plan([good(n) for n in (0, 5, 9, 12)], day(14), actions=[up, down])
    assert decisions(moved, RuleId.CLINICIAN_LEVEL) == [
        (
            day(9),
            Decision(
                RuleId.CLINICIAN_LEVEL,
                Verdict.ADVANCE,
                "A. Morgan moved your running up a level on 09 March 2026: you continue at Phase 2.",
                rules.CLEARANCE,
            ),
        ),
        (
            day(16),
            Decision(
                RuleId.CLINICIAN_LEVEL,
                Verdict.REGRESS,
                "A. Morgan moved your running down a level on 15 March 2026: you continue at Phase 1.",
                rules.CLEARANCE,
            ),
        ),
    ]
    discharge = ClinicianAction(ActionKind.DISCHARGE, day(3), "A. Morgan", "moved away")
    reopen = ClinicianAction(ActionKind.REOPEN, day(20), "B. Lee", "back in town")
    assert plan([good(0)], day(21), actions=[discharge, reopen]).notes[-2:] == (
        Decision(
            RuleId.DISCHARGE,
            Verdict.STOP,
            "A. Morgan ended this programme on 05 March 2026: no more sessions are planned.",
            rules.CLEARANCE,
        ),
        Decision(
            RuleId.REOPENED,
            Verdict.RESUME,
            "B. Lee re-opened this programme on 22 March 2026: sessions are planned again from that day.",
            rules.CLEARANCE,
        ),
    )
    # a new week starts on the Monday on or after the decision (a Monday: that day), at its time,
    # or at the plan's time when it names none; the decision is on the new week's first run
    for decided, time, said in (
        (day(2), dt.time(18, 15), "18:15"),
        (day(7), dt.time(18, 15), "18:15"),
        (day(7), None, "07:30"),
    ):
        week = ClinicianAction(
            ActionKind.CHANGE_WEEK, decided, "A. Morgan", "", run_days=(2, 4, 6), session_time=time
        )
        assert decisions(plan([good(0)], decided, actions=[week]), RuleId.CLINICIAN_WEEK) == [
            (
                day(8),  # the new week's first run
                Decision(
                    RuleId.CLINICIAN_WEEK,
                    Verdict.SCHEDULE,
                    f"A. Morgan changed your week from 09 March 2026: runs on tue,thu,sat at {said}.",
                    rules.CLEARANCE,
                ),
            )
        ]


def test_a_clinic_protocols_own_limits_are_decisions_that_say_so(catalog) -> None:
    """Fewer runs a week than run days, and one or two level rises in 7 days, in a clinic's copy
    of the lbp protocol (every level done once, so rises would come faster than the limit)."""
    from tests.test_over_time import day, rx

    lbp = catalog.protocol("lbp-return-to-run")

    def first(protocol, rule):
        built = build(rx(run_days=(1, 3, 5)), protocol, catalog.library, [], day(0))
        return next((s.date, s.label, d) for s in built.sessions for d in s.decisions if d.rule is rule)

    assert first(attrs.evolve(lbp, runs_per_week=2), RuleId.RUNS_PER_WEEK) == (
        day(53),
        "Stair climber 25 min",
        Decision(
            RuleId.RUNS_PER_WEEK,
            Verdict.SCHEDULE,
            "You have done this week's 2 runs, so today is low-impact cardio instead.",
            rules.RUNS_PER_WEEK,
        ),
    )
    once = attrs.evolve(lbp, levels=tuple(attrs.evolve(level, min_sessions=1) for level in lbp.levels))
    limited = {
        limit: first(attrs.evolve(once, max_level_rises_per_week=limit), RuleId.LEVEL_RISES)
        for limit in (1, 2)
    }
    assert limited == {
        1: (
            day(7),  # the rise of day 4 is within 7 days
            "Phase 2",
            Decision(
                RuleId.LEVEL_RISES,
                Verdict.REPEAT,
                "You have already moved up a level in the last 7 days, so today stays at the same level.",
                rules.LEVEL_RISES,
            ),
        ),
        2: (
            day(9),  # the rises of days 4 and 7
            "Phase 3",
            Decision(
                RuleId.LEVEL_RISES,
                Verdict.REPEAT,
                "You have already moved up 2 levels in the last 7 days, so today stays at the same level.",
                rules.LEVEL_RISES,
            ),
        ),
    }


def test_an_entry_refusal_names_the_limit_and_where_to_go(catalog) -> None:
    """The refusal names the pain, the protocol's limit and the protocol that accepts the person, or
    a clinician; a clinic's suggestions that go round in a circle end with a clinician; at a
    referral threshold at or below the entry limit, the refusal is for severe pain."""
    lbp, barefoot = catalog.protocol("lbp-return-to-run"), catalog.protocol("barefoot-transition")
    rx = Prescription("Ana", DAY, "Europe/London", (1, 3, 6), (2, 4), dt.time(7), pain=5)
    assert rules.entry_refusal(barefoot, rx, catalog.protocols) == (
        "pain at rest 5/10 is above the 0/10 the barefoot-transition protocol starts from; "
        "use the flare-up-restart protocol instead"
    )
    assert rules.entry_refusal(barefoot, attrs.evolve(rx, pain=7), catalog.protocols) == (
        "pain at rest 7/10 is above the 0/10 the barefoot-transition protocol starts from, and no "
        "protocol starts from it: a GP or physiotherapist should assess it first"
    )
    circle = {
        "a": attrs.evolve(lbp, id="a", entry=attrs.evolve(lbp.entry, suggest="b")),
        "b": attrs.evolve(lbp, id="b", entry=attrs.evolve(lbp.entry, suggest="c")),
        "c": attrs.evolve(lbp, id="c", entry=attrs.evolve(lbp.entry, suggest="b")),
    }
    assert rules.entry_refusal(circle["a"], rx, circle) == (
        "pain at rest 5/10 is above the 3/10 the a protocol starts from, and no protocol starts from "
        "it: a GP or physiotherapist should assess it first"
    )
    high_limit = attrs.evolve(lbp, entry=attrs.evolve(lbp.entry, max_pain_at_rest=7, refer_pain_at_rest=7))
    refusal = rules.entry_refusal(high_limit, attrs.evolve(rx, pain=7), catalog.protocols)
    assert refusal is not None and refusal.startswith("pain at rest 7/10 is at or above 7/10, where a GP")


def test_the_resume_condition_states_the_protocols_numbers(catalog) -> None:
    """One check-in or several, a margin of days or none: each reads as a sentence says it, in the
    condition (the pause's "until ...") and in the projected resumption alike."""
    level = catalog.protocol("lbp-return-to-run").levels[1]
    cases = {
        (3, 5): "check-ins on 3 different days, the first at least 5 days after the pause began, show",
        (1, 1): "a check-in at least a day after the pause began shows",
        (1, 7): "a check-in at least a week after the pause began shows",
        (2, 0): "check-ins on 2 different days since the pause began show",
        (1, 0): "a check-in since the pause began shows",
    }
    for (reports, days), when in cases.items():
        resume = ResumeCriteria(settled_reports=reports, first_after_days=days)
        assert (
            rules.resume_condition(resume) == f"{when} pain you can tolerate that settled by the next morning"
        )
        projected = rules.resume_after_pause(level, resume, reported=False).text
        assert projected == (
            f"If {when} pain you can tolerate that settled by the morning, running starts again one level "
            "lower, at Phase 2."
        )
    assert rules.resume_after_pause(level, ResumeCriteria(1, 1), reported=True).text == (
        "Your pain was tolerable and settled by the morning in a check-in, so running starts again one "
        "level lower, at Phase 2."
    )


def test_a_low_impact_level_says_why_it_is_low_impact() -> None:
    from tests.test_over_time import day, plan

    first = plan([], day(0), protocol="flare-up-restart").sessions[0]
    assert first.decisions[-1] == Decision(
        RuleId.LOW_IMPACT_LEVEL,
        Verdict.SCHEDULE,
        "Low-impact 20: low-impact cardio builds fitness without jarring your back before running starts.",
        rules.FLARE_UP,
    )


def test_a_run_over_the_growth_cap_becomes_low_impact_at_the_same_level(catalog) -> None:
    """Couch to 5K on two run days for someone with back pain (30% cap): the first run that does
    not fit is low-impact cardio, and the decision names the cap and the level kept."""
    from tests.test_over_time import plan, rx

    built = plan(protocol="beginner-walk-run", prescription=rx((1, 3)))
    capped = next(
        s
        for s in built.sessions
        if any(d.rule is RuleId.WEEKLY_GROWTH and d.verdict is Verdict.SCHEDULE for d in s.decisions)
    )  # (a rise waiting for room is the same rule, a repeat)
    assert (capped.date, capped.kind.value) == (dt.date(2026, 4, 13), "cross-training")
    assert capped.decisions[-1] == Decision(
        RuleId.WEEKLY_GROWTH,
        Verdict.SCHEDULE,
        "Your running this week has reached the limit of 30% more than in the last 2 weeks, so today's "
        "run becomes low-impact cardio; you stay at Week 4.",
        rules.WEEKLY_GROWTH,
    )


def test_a_session_reported_done_with_no_scores_counts_like_a_good_one() -> None:
    """Nothing in the report holds the level back: the verdict is "advance", and two such runs
    move the plan up as reported."""
    from tests.test_over_time import day, plan

    assert rules.evaluate(CheckIn(DAY), "pain-monitoring").verdict is Verdict.ADVANCE
    built = plan([CheckIn(day(0)), CheckIn(day(5))], day(6))
    rise = next(s for s in built.sessions if any(d.rule is RuleId.LEVEL_ADVANCE for d in s.decisions))
    assert (rise.date, rise.label) == (day(9), "Phase 2")


def test_the_lowest_levels_rest_two_days_between_runs_with_their_source() -> None:
    from tests.test_over_time import day, plan

    wednesday = plan([], day(0)).sessions[2]  # between Monday's run and Saturday's, at Phase 1
    assert wednesday.decisions == (
        Decision(
            RuleId.REST_BETWEEN_RUNS,
            Verdict.REST,
            "At Phase 1 your back gets at least 2 days without running between runs, so today is a rest day.",
            rules.LOW_LEVEL_REST,
        ),
    )


def test_a_weeks_routine_days_each_carry_their_rule_and_source() -> None:
    """The first week of the lbp plan: the runs count attempts at Phase 1, strength, mobility and
    the full rest day each say why they are there and where that comes from."""
    from planner.core import wording
    from tests.test_over_time import day, plan

    week = {(s.date - day(0)).days: s.decisions for s in plan([], day(0)).sessions[:7]}
    assert week[0] == (
        Decision(
            RuleId.LEVEL_REPEAT,
            Verdict.REPEAT,
            "Phase 1, attempt 1: each level is done at least 2 times before the next.",
            rules.LEVEL_REPEATS,
        ),
    )
    assert week[5][0].text == "Phase 1, attempt 2: each level is done at least 2 times before the next."
    strength = Decision(RuleId.STRENGTH_FREQUENCY, Verdict.SCHEDULE, wording.STRENGTH_DAY, rules.STRENGTH)
    assert week[1] == week[3] == (strength,)
    assert week[4] == (Decision(RuleId.MOBILITY, Verdict.SCHEDULE, wording.MOBILITY_DAY, rules.FLEXIBILITY),)
    assert week[6] == (Decision(RuleId.REST_DAY, Verdict.REST, wording.FULL_REST_DAY, rules.REST_DAY),)


def test_back_pain_counts_from_any_pain_score_above_0() -> None:
    from tests.test_over_time import day, rx

    no_pain_at_rest = rx(pain=0)
    assert rules.back_pain_from(
        no_pain_at_rest, [CheckIn(day(3), pain_during=0), CheckIn(day(5), pain_during=1)]
    ) == day(5)
    assert rules.back_pain_from(no_pain_at_rest, [CheckIn(day(4), pain_next_morning=1)]) == day(4)
    assert (
        rules.back_pain_from(no_pain_at_rest, [CheckIn(day(4), pain_during=0, pain_next_morning=0)]) is None
    )


def test_a_clinicians_hold_starts_on_its_own_day_and_ends_the_day_before_until() -> None:
    """A hold recorded on a run day replaces that day's run; running is back on `until`."""
    from tests.test_over_time import day, good, plan

    hold = ClinicianAction(ActionKind.HOLD_RUNNING, day(5), "A. Morgan", "scan", until=day(9))
    runs = [s for s in plan([good(0)], day(5), actions=[hold]).sessions if s.slot.name.value == "run"]
    held = Decision(
        RuleId.CLINICIAN_HOLD,
        Verdict.PAUSE,
        "Your clinician has asked for no running until 11 March 2026; today is a low-impact session instead.",
        rules.CLINICIAN_HOLD,
    )
    assert [(s.date, s.kind.is_running) for s in runs[2:5]] == [
        (day(5), False),
        (day(7), False),
        (day(9), True),
    ]
    assert runs[2].decisions == runs[3].decisions == (held,)  # Saturday, the hold's own day, and Monday
    assert runs[4].label == "Phase 1"  # Wednesday, the `until` day: running again


def test_a_protocol_with_no_every_other_day_level_starts_from_its_first_running_level(catalog) -> None:
    """The entry load is the protocol's runs a week at its first running level that runs every
    other day; a clinic's protocol whose levels all rest 2 days takes its first running level, or
    one session of its longest level when that is more."""
    lbp = catalog.protocol("lbp-return-to-run")
    first, second = (attrs.evolve(level, min_rest_days=2) for level in lbp.levels[:2])
    two_levels = attrs.evolve(lbp, levels=(first, second))

    def longest(level):
        return max(level.running_seconds(i) for i in range(len(level.sessions)))

    assert longest(second) > longest(first)
    assert rules.entry_load(two_levels) == max(two_levels.runs_per_week * longest(first), longest(second))


@pytest.mark.parametrize("protocol", ["lbp-return-to-run", "beginner-walk-run", "flare-up-restart"])
@pytest.mark.parametrize("run_days", [(1, 3, 6), (1, 3), (2, 4, 6)])
def test_a_rise_is_told_on_the_session_at_the_new_level_never_on_one_in_place_of_a_run(
    protocol: str, run_days: tuple[int, ...]
) -> None:
    """Reviewer's item 5: a run the growth cap turns into cycling said 'you move up to Phase 5
    here'. The why of a session explains that session: a rise, reported or projected, is told on
    the first session at the new level; the capped day says why it is low-impact."""
    from tests.test_over_time import day, good, plan, rx

    unreported = plan([], day(0), protocol=protocol, prescription=rx(run_days))
    history = [good(n) for n in range(56) if day(n).isoweekday() in run_days]
    stopped = [c for c in history if c.date < day(28)]  # the demo's Dmitri: reports up to two days ago
    for built in (
        unreported,
        plan(history, day(56), protocol=protocol, prescription=rx(run_days)),
        plan(stopped, day(30), protocol=protocol, prescription=rx(run_days)),
    ):
        rises = [s for s in built.sessions if any(d.rule is RuleId.LEVEL_ADVANCE for d in s.decisions)]
        assert rises
        for session in rises:
            (rise,) = [d for d in session.decisions if d.rule is RuleId.LEVEL_ADVANCE]
            assert session.level_name and f"move up to {session.level_name}" in rise.text, (
                session.date,
                session.label,
                rise.text,
            )
        for session in built.sessions:
            capped = [
                d
                for d in session.decisions
                if d.rule is RuleId.WEEKLY_GROWTH and d.verdict is Verdict.SCHEDULE
            ]
            if capped:
                assert (
                    session.decisions[0] == capped[0] or session.decisions[0].rule is not RuleId.LEVEL_ADVANCE
                )

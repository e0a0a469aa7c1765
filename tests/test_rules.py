"""One example per rule: the decision it makes and the source it cites."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from planner.core import rules
from planner.core.model import CheckIn, Prescription, ResumeCriteria, Soreness, Verdict

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
    ("soreness", "verdict", "days_off", "source"),
    [
        (Soreness.WARM_UP_GONE, Verdict.REPEAT, 0, rules.SORENESS),
        (Soreness.WARM_UP_STAYS, Verdict.REGRESS, 2, rules.SORENESS),
        (Soreness.AFTER, Verdict.REPEAT, 1, rules.SORENESS),
        (Soreness.RETURNED_DURING, Verdict.REGRESS, 2, rules.SORENESS_VARIANT),
    ],
)
def test_soreness_rules(soreness, verdict, days_off, source) -> None:
    response = rules.soreness(CheckIn(DAY, soreness=soreness))
    assert response is not None
    assert (response.verdict, response.days_off, response.decision.source) == (verdict, days_off, source)
    assert rules.soreness(CheckIn(DAY)) is None


@pytest.mark.parametrize(
    ("during", "morning", "verdict"),
    [(3, 0, Verdict.ADVANCE), (5, 2, Verdict.ADVANCE), (5, 5, Verdict.REPEAT), (7, 1, Verdict.REGRESS)],
)
def test_traffic_light(during, morning, verdict) -> None:
    response = rules.traffic_light(CheckIn(DAY, pain_during=during, pain_next_morning=morning))
    assert response is not None and response.verdict is verdict
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

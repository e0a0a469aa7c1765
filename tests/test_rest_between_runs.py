"""The rest between runs says what the plan does (issue 20, reviewer's item 2): at the lowest levels
runs are at least two days apart, and a strength or mobility session may fall on those days, so the
sentence counts days without running; "a full rest day" is said only of a day with nothing
scheduled. Checked for every run-day pattern the planner accepts, with the strength days it would
choose and with others, on every protocol, reported and projected."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from planner.core import prescription_checks, wording
from planner.core.exceptions import InputError
from planner.core.model import CheckIn, Plan, Prescription, RuleId, SessionKind
from planner.core.scheduler import build
from planner.data.catalog import builtin_catalog

CATALOG = builtin_catalog()
START = dt.date(2026, 3, 2)
PATTERNS = prescription_checks.run_day_patterns()
DAYS = range(21)  # three weeks of reports, every day (rest days included: a report there is kept)


def strength_choices(run_days: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The strength days the planner would choose, and every other legal pair of free days."""
    chosen = prescription_checks.default_strength_days(run_days, 2)
    free = [d for d in range(1, 8) if d not in run_days]
    pairs = [p for p in itertools.combinations(free, 2) if not prescription_checks.adjacent(*p)]
    return [chosen, *(p for p in pairs if p != chosen)][:3]


def plans(protocol_id: str, run_days: tuple[int, ...]) -> list[Plan]:
    protocol = CATALOG.protocol(protocol_id)
    built = []
    for strength in strength_choices(run_days):
        rx = Prescription("Ana", START, "Europe/London", run_days, strength, dt.time(7, 30), 0)
        try:
            prescription_checks.check(rx)
        except InputError:  # a pair that leaves no rest day in the week: not a plan anyone can make
            continue
        done = tuple(CheckIn(START + dt.timedelta(days=n), pain_during=1, pain_next_morning=0) for n in DAYS)
        built.append(build(rx, protocol, CATALOG.library, (), START))  # projected
        built.append(build(rx, protocol, CATALOG.library, done, START + dt.timedelta(days=21)))  # reported
    return built


def check_rest_sentences(plan: Plan) -> int:
    """Every rest-between-runs sentence against the days around it; returns how many it checked."""
    sessions = plan.sessions
    checked = 0
    for n, session in enumerate(sessions):
        for decision in session.decisions:
            if decision.rule is RuleId.REST_DAY:
                assert session.kind is SessionKind.REST, (session.date, decision.text)
            if decision.rule is not RuleId.REST_BETWEEN_RUNS:
                continue
            checked += 1
            assert session.kind is SessionKind.REST  # "so today is a rest day"
            before = [s for s in sessions[:n] if s.kind.is_running]
            after = [s for s in sessions[n + 1 :] if s.kind.is_running]
            if not before:
                continue
            last = before[-1].date
            following = after[0].date if after else plan.end + dt.timedelta(days=1)
            between = [s for s in sessions if last < s.date < following]
            level = next(lv for lv in CATALOG.protocol(plan.protocol_id).levels if lv.name in decision.text)
            days = level.min_rest_days
            template = wording.REST_BETWEEN_RUNS_ONE if days <= 1 else wording.REST_BETWEEN_RUNS
            assert decision.text == template.format(level=level.name, days=days)
            assert (following - last).days - 1 >= max(1, days)  # the days without running it names
            assert not any(s.kind.is_running for s in between)
            if "full rest" in decision.text:  # a claim about every day between: nothing scheduled
                assert all(s.kind is SessionKind.REST for s in between), (
                    decision.text,
                    [(f"{s.date:%a}", s.kind.value) for s in between],
                )
    return checked


@pytest.mark.parametrize("run_days", PATTERNS, ids=prescription_checks.day_names)
def test_the_rest_between_runs_says_what_the_plan_does(run_days: tuple[int, ...]) -> None:
    checked = sum(check_rest_sentences(plan) for p in CATALOG.protocols for plan in plans(p, run_days))
    gaps = [(b - a) % 7 for a, b in zip(run_days, (*run_days[1:], run_days[0]), strict=True)]
    if 2 in gaps:  # two runs two days apart: the lowest levels put a rest day between, and say why
        assert checked


def test_monday_runs_at_phase_1_count_days_without_running() -> None:
    """The reviewer's case: Mon, Wed, Fri runs with strength on Tue and Thu at Phase 1."""
    rx = Prescription("Ana", START, "Europe/London", (1, 3, 5), (2, 4), dt.time(7, 30), 0)
    plan = build(rx, CATALOG.protocol("lbp-return-to-run"), CATALOG.library, (), START)
    wednesday = plan.sessions[2]
    assert wednesday.date == START + dt.timedelta(days=2) and wednesday.kind is SessionKind.REST
    assert wednesday.decisions[0].text == wording.REST_BETWEEN_RUNS.format(level="Phase 1", days=2)
    assert "full rest" not in wednesday.decisions[0].text
    assert plan.sessions[1].kind is SessionKind.STRENGTH  # Tuesday is no rest day, yet it has no run
    assert check_rest_sentences(plan) >= 1

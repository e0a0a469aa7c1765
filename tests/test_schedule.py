"""The scheduler: scenarios from the issue, and hypothesis properties over random prescriptions and
check-in histories, checked independently from the JSON form of the plan."""

from __future__ import annotations

import datetime as dt
import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import build
from planner.core.model import (
    BlockKind,
    CheckIn,
    ItemRole,
    Prescription,
    SegmentAction,
    SessionKind,
    SessionSlot,
    SlotName,
    Soreness,
    Verdict,
)
from planner.core.plain_data import checkin_to_dict
from planner.core.prescription_checks import adjacent, default_strength_days
from planner.data.catalog import builtin_catalog
from planner.export.plan_json import plan_to_dict
from tests.invariants import check_plan

CATALOG = builtin_catalog()
RUN_DAY_SETS = [
    days
    for n in (1, 2, 3)
    for days in itertools.combinations(range(1, 8), n)
    if not any(adjacent(a, b) for a, b in itertools.combinations(days, 2))
]


def rx(start: dt.date, run_days=(1, 3, 6), **changes) -> Prescription:
    base = dict(
        name="Ana Łukasik",
        start=start,
        timezone="Europe/London",
        run_days=run_days,
        strength_days=default_strength_days(run_days, 2),
        session_time=dt.time(7, 30),
        pain=2,
    )
    base.update(changes)
    return Prescription(**base)


def plan_for(prescription, checkins=(), protocol="lbp-return-to-run", today=None, actions=()):
    """As of the last report by default: the plan the person sees right after checking in."""
    last = max([prescription.start, *(c.date for c in checkins)])
    return build(prescription, CATALOG.protocol(protocol), CATALOG.library, checkins, today or last, actions)


def test_default_plan_reaches_the_goal(monday) -> None:
    plan = plan_for(rx(monday))
    last = [s for s in plan.sessions if s.kind.is_running][-1]
    assert last.level == "phase-8" and last.title == "Run · Phase 8"
    run = plan.sessions[0]
    assert [b.kind for b in run.blocks] == ["warm-up", "main set", "cool-down", "advice"]
    assert "level ground" in " ".join(i.text for i in run.blocks[3].items)


def test_beginner_plan_is_nine_weeks(monday) -> None:
    """Couch to 5K for a new runner without back pain (with it, tests/test_back_pain_growth.py)."""
    plan = plan_for(rx(monday, pain=0), protocol="beginner-walk-run")
    assert (plan.end - monday).days // 7 + 1 == 9


def test_lowest_levels_get_two_rest_days(monday) -> None:
    plan = plan_for(rx(monday))
    wednesday = plan.sessions[2]
    assert wednesday.kind is SessionKind.REST and wednesday.decisions[0].rule == "rest-between-runs"


def test_flare_up_then_red_flag(monday) -> None:
    checkins = [
        CheckIn(monday + dt.timedelta(days=9), flare_up=True, pain_during=5),
        CheckIn(monday + dt.timedelta(days=16), red_flags=("bladder-change",)),
    ]
    plan = plan_for(rx(monday), checkins)
    after_flare = [
        s for s in plan.sessions if monday + dt.timedelta(days=9) < s.date <= monday + dt.timedelta(days=16)
    ]
    assert not any(s.kind.is_running for s in after_flare)
    replaced = [s for s in after_flare if s.kind is SessionKind.CROSS_TRAINING]
    assert replaced and replaced[0].decisions[-1].verdict is Verdict.PAUSE
    assert replaced[0].minutes >= 30
    assert plan.sessions[-1].kind is SessionKind.REFERRAL and plan.referred
    assert "emergency" in plan.sessions[-1].decisions[0].text


def test_two_painful_check_ins_pause_and_resume_one_level_lower(monday) -> None:
    checkins = [CheckIn(monday + dt.timedelta(days=d), pain_during=7) for d in (12, 16)]
    checkins.append(CheckIn(monday + dt.timedelta(days=19), pain_during=2, pain_next_morning=1))
    plan = plan_for(rx(monday), checkins)
    resumed = next(s for s in plan.sessions if any(d.verdict is Verdict.RESUME for d in s.decisions))
    assert resumed.date > monday + dt.timedelta(days=19)
    assert not any(
        s.kind.is_running for s in plan.sessions if monday + dt.timedelta(days=16) < s.date < resumed.date
    )


def test_clinician_hold(monday) -> None:
    hold = monday + dt.timedelta(days=14)
    plan = plan_for(rx(monday, hold_running_until=hold))
    before = [s for s in plan.sessions if s.date < hold]
    assert not any(s.kind.is_running for s in before)
    assert any(s.kind is SessionKind.STRENGTH for s in before)
    assert any(d.rule == "clinician-hold" for s in before for d in s.decisions)


def test_red_flag_at_creation_and_pain_above_the_entry_criteria(monday) -> None:
    referred = plan_for(rx(monday, red_flags=("fever",)))
    assert [s.kind for s in referred.sessions] == [SessionKind.REFERRAL]
    severe = plan_for(rx(monday, pain=6), protocol="flare-up-restart")
    assert severe.notes[0].rule == "entry-criteria" and "6/10" in severe.notes[0].text
    resume = next(d for s in severe.sessions for d in s.decisions if d.verdict is Verdict.RESUME)
    assert resume.text.startswith("If a check-in shows pain within")  # projected, not claimed
    report = CheckIn(monday + dt.timedelta(days=2), pain_during=3, pain_next_morning=4)
    met = plan_for(rx(monday, pain=6), [report], protocol="flare-up-restart")
    started = next(
        s
        for s in met.sessions
        if any(d.rule == "entry-criteria" and d.verdict is Verdict.RESUME for d in s.decisions)
    )
    assert started.date > monday + dt.timedelta(days=2)


def test_soreness_days_off(monday) -> None:
    plan = plan_for(
        rx(monday), [CheckIn(monday, soreness=Soreness.WARM_UP_STAYS)], protocol="beginner-walk-run"
    )
    wednesday = next(
        s for s in plan.sessions if s.slot == SessionSlot(monday + dt.timedelta(days=2), SlotName.RUN)
    )
    assert wednesday.kind is SessionKind.REST
    assert wednesday.decisions[0].rule == "soreness-days-off"
    saturday = next(
        s for s in plan.sessions if s.slot == SessionSlot(monday + dt.timedelta(days=5), SlotName.RUN)
    )
    assert saturday.kind.is_running and any(d.verdict is Verdict.REGRESS for d in saturday.decisions)


def test_check_ins_after_today_are_ignored(monday) -> None:
    prescription = rx(monday)
    late = [CheckIn(monday + dt.timedelta(days=30), flare_up=True)]
    assert plan_for(prescription, late, today=monday + dt.timedelta(days=10)) == plan_for(
        prescription, (), today=monday + dt.timedelta(days=10)
    )


def test_future_is_marked_projected(monday) -> None:
    plan = plan_for(rx(monday), today=monday + dt.timedelta(days=10))
    assert all(s.projected == (s.date >= monday + dt.timedelta(days=10)) for s in plan.sessions)


checkin_strategy = st.builds(
    lambda offset, done, during, morning, soreness, flare: (offset, done, during, morning, soreness, flare),
    st.integers(0, 70),
    st.booleans(),
    st.none() | st.integers(0, 10),
    st.none() | st.integers(0, 10),
    st.sampled_from(list(Soreness)),
    st.integers(0, 9).map(lambda n: n == 0),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    protocol_id=st.sampled_from(sorted(CATALOG.protocols)),
    run_days=st.sampled_from(RUN_DAY_SETS),
    start_offset=st.integers(0, 6),
    pain=st.integers(0, 8),
    hold=st.none() | st.integers(1, 40),
    raw_checkins=st.lists(checkin_strategy, max_size=12),
    red_flag_day=st.none() | st.integers(0, 80),
)
def test_invariants_hold_for_any_history(
    protocol_id, run_days, start_offset, pain, hold, raw_checkins, red_flag_day
) -> None:
    start = dt.date(2026, 3, 2) + dt.timedelta(days=start_offset)
    prescription = rx(
        start,
        run_days=run_days,
        pain=pain,
        hold_running_until=start + dt.timedelta(days=hold) if hold else None,
    )
    checkins = [
        CheckIn(
            start + dt.timedelta(days=o), done=d, pain_during=p, pain_next_morning=m, soreness=s, flare_up=f
        )
        for o, d, p, m, s, f in raw_checkins
    ]
    if red_flag_day is not None:
        checkins.append(CheckIn(start + dt.timedelta(days=red_flag_day), red_flags=("trauma",)))
    today = start + dt.timedelta(days=90)
    protocol = CATALOG.protocol(protocol_id)
    plan = build(prescription, protocol, CATALOG.library, checkins, today)
    as_json = json.loads(json.dumps(plan_to_dict(plan)))
    check_plan(as_json, protocol, [checkin_to_dict(c) for c in checkins], today)
    again = build(prescription, protocol, CATALOG.library, list(checkins), today)
    assert again == plan and plan_to_dict(again) == plan_to_dict(plan)


def test_sessions_carry_a_typed_contract_for_the_exporters(monday) -> None:
    """Exporters read kinds, roles and labels, never titles or sentences."""
    checkins = [CheckIn(monday + dt.timedelta(days=9), flare_up=True, pain_during=5)]
    plan = plan_for(rx(monday), checkins, protocol="flare-up-restart")
    for session in plan.sessions:
        assert session.label and " · " not in session.label and len(session.label) <= 30
        assert session.slot.day == session.date and session.blocks
        for block in session.blocks:
            assert isinstance(block.kind, BlockKind)
            if block.kind is BlockKind.ADVICE:
                assert [i.role for i in block.items].count(ItemRole.PAIN_RULE) == 1
    levels = CATALOG.protocol("flare-up-restart").levels
    low_impact = [seg for level in levels if level.kind.value == "low-impact" for seg in level.sessions[0]]
    assert low_impact and all(seg.action is SegmentAction.LOW_IMPACT for seg in low_impact)
    assert {s.label for s in plan.sessions if s.kind is SessionKind.REST} == {"Rest"}

"""A clearance covers only what it assessed: the warning signs recorded before it. A sign recorded
after it, whatever date it names, refers the plan again with its own urgency until a clinician
assesses that report; the calendar says which report was cleared. Examples over the core, one
through the store (recorded times come from it), and a hypothesis property over random histories."""

from __future__ import annotations

import datetime as dt
import itertools

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.app.application import App
from planner.app.settings import Settings
from planner.core import follow_up, wording
from planner.core.model import ActionKind, CheckIn, ClinicianAction, Prescription, SessionKind, Urgency
from planner.core.prescription_checks import default_strength_days
from planner.core.scheduler import build
from planner.data.catalog import builtin_catalog

CATALOG = builtin_catalog()
PROTOCOL = CATALOG.protocol("lbp-return-to-run")
START = dt.date(2026, 3, 2)  # a Monday


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def at(n: int, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day(n), dt.time(hour), tzinfo=dt.UTC)


RX = Prescription(
    "Ana", START, "Europe/London", (1, 3, 6), default_strength_days((1, 3, 6), 2), dt.time(7), 1
)
FLAGGED_AT_START = attrs.evolve(RX, red_flags=("recent-infection",))


def good(n: int) -> CheckIn:
    return CheckIn(day(n), pain_during=1, pain_next_morning=0, recorded_at=at(n))


def clear(n: int, hour: int = 12) -> ClinicianAction:
    return ClinicianAction(
        ActionKind.CLEAR_RED_FLAG, day(n), "Alex Morgan", "Assessed", recorded_at=at(n, hour)
    )


def plan(checkins, actions, today):
    return build(RX, PROTOCOL, CATALOG.library, checkins, today, actions)


FEVER = CheckIn(day(7), red_flags=("fever",), recorded_at=at(7, 9))


def test_a_sign_for_today_recorded_after_todays_clearance_refers_again() -> None:
    later = CheckIn(day(9), red_flags=("saddle-numbness",), recorded_at=at(9, 15))
    cleared = plan([good(2), FEVER], [clear(9)], day(9))
    assert not cleared.referred
    again = plan([good(2), FEVER, later], [clear(9)], day(9))
    assert again.referred
    referral = again.sessions[-1]
    assert referral.kind is SessionKind.REFERRAL and referral.date == day(9)
    assert "emergency" in referral.decisions[0].text  # its own urgency, not the fever's
    assert not [s for s in again.sessions if s.date > day(9)]  # nothing is planned after it


def test_a_late_entry_dated_before_the_clearance_still_refers_again() -> None:
    """Loss of bowel control dated yesterday, entered after today's clearance."""
    late = CheckIn(day(8), red_flags=("bowel-control",), recorded_at=at(9, 16))
    again = plan([good(2), FEVER, late], [clear(9)], day(10))
    assert again.referred
    assert again.sessions[-1].kind is SessionKind.REFERRAL and again.sessions[-1].date == day(9)
    assert "Loss of bowel control" in again.sessions[-1].decisions[0].text
    assert not any(s.kind.is_running for s in again.sessions if s.date > day(7))


def test_a_sign_recorded_before_the_clearance_is_covered_whatever_its_date() -> None:
    earlier = CheckIn(day(8), red_flags=("bowel-control",), recorded_at=at(8))
    cleared = plan([good(2), FEVER, earlier], [clear(9)], day(12))
    assert not cleared.referred


def test_a_second_clearance_assesses_the_later_report() -> None:
    late = CheckIn(day(8), red_flags=("bowel-control",), recorded_at=at(9, 16))
    cleared = plan([good(2), FEVER, late], [clear(9), clear(10)], day(14))
    assert not cleared.referred
    texts = [d.text for s in cleared.sessions for d in s.decisions if d.rule == "red-flag-cleared"]
    # the first session after both says what the last clearance assessed: the late entry, by its date
    late_entry = wording.cleared_reports([f"{day(8):%a %d %b}"], ["Loss of bowel control"])
    assert len(texts) == 1 and late_entry in texts[0] and "12 March 2026" in texts[0]
    assert all(s.date > day(10) for s in cleared.sessions if s.date > day(7) and s.kind.is_active)


def test_the_calendar_says_which_report_was_cleared() -> None:
    cleared = plan([good(2), FEVER], [clear(9)], day(9))
    text = next(d.text for s in cleared.sessions for d in s.decisions if d.rule == "red-flag-cleared")
    reported = wording.cleared_reports([f"{day(7):%a %d %b}"], ["Fever or chills with your back pain"])
    assert text.startswith(f"Alex Morgan checked {reported} and cleared you to continue on 11 March 2026")
    at_start = build(FLAGGED_AT_START, PROTOCOL, CATALOG.library, (), day(3), [clear(1)])
    text = next(d.text for s in at_start.sessions for d in s.decisions if d.rule == "red-flag-cleared")
    assert wording.cleared_at_start(["A recent bacterial infection"]) in text
    assert "checked the warning sign found when your plan was made (A recent bacterial infection)" in text


def cleared_text(checkins: list[CheckIn], prescription: Prescription = RX) -> str:
    built = build(prescription, PROTOCOL, CATALOG.library, checkins, day(14), [clear(9)])
    assert not built.referred
    return next(d.text for s in built.sessions for d in s.decisions if d.rule == "red-flag-cleared")


def test_a_clearance_names_every_sign_it_assessed_over_the_days_of_the_referral() -> None:
    """Fever on Monday stops the plan; loss of bowel control reported on Tuesday, before the
    clearance on Wednesday, was assessed by it too: the clearance names both days and both signs,
    in the plural; one sign on two days is one sign in two check-ins."""
    bowel = CheckIn(day(8), red_flags=("bowel-control",), recorded_at=at(8))
    assert cleared_text([good(2), FEVER, bowel]).startswith(
        "Alex Morgan checked the warning signs in your check-ins of Mon 09 Mar and Tue 10 Mar (Fever or "
        "chills with your back pain; Loss of bowel control) and cleared you to continue on 11 March 2026"
    )
    fever_again = CheckIn(day(8), red_flags=("fever",), recorded_at=at(8))
    assert cleared_text([good(2), FEVER, fever_again]).startswith(
        "Alex Morgan checked the warning sign in your check-ins of Mon 09 Mar and Tue 10 Mar (Fever or "
        "chills with your back pain) and cleared"
    )
    two_at_start = attrs.evolve(RX, red_flags=("recent-infection", "fever"))
    assert cleared_text([], two_at_start).startswith(
        "Alex Morgan checked the warning signs found when your plan was made (A recent bacterial "
        "infection; Fever or chills with your back pain) and cleared"
    )
    assert wording.listed(["a", "b", "c"]) == "a, b and c" and wording.listed(["a"]) == "a"


def test_a_later_sign_on_an_assessed_day_raises_its_own_alert() -> None:
    first = CheckIn(day(7), red_flags=("one-leg-tingling",), recorded_at=at(7, 9))
    second = CheckIn(day(7), red_flags=("bladder-change",), recorded_at=at(7, 18))
    checkins, actions = [first, second], [clear(7, 12)]
    built = plan(checkins, actions, day(8))
    summary = follow_up.summarize(built, checkins, actions)
    found = [
        a for a in follow_up.alerts(built, checkins, summary, actions=actions) if a.kind.value == "red flag"
    ]
    assert [(a.key, a.urgency) for a in found] == [
        (f"red-flag:{day(7)}", Urgency.SOON),
        (f"red-flag:{day(7)}:2", Urgency.EMERGENCY),
    ]
    # without a clearance between them, one day's signs are one event
    assert [a.key for a in follow_up.alerts(built, checkins, summary) if a.kind.value == "red flag"] == [
        f"red-flag:{day(7)}"
    ]


def test_through_the_store_the_recorded_time_decides(tmp_path) -> None:
    """The store's recorded_at reaches the core: a sign dated yesterday, entered after today's
    clearance, refers the plan again from the command line's and portal's use case."""
    now = [at(0)]
    app = App.open(Settings(db=f"sqlite:///{tmp_path / 'plans.db'}"), clock=lambda: now[0])
    plan_id = app.create_plan("lbp-return-to-run", RX)
    now[0] = at(7, 9)
    app.record_checkin(plan_id, CheckIn(day(7), red_flags=("fever",)))
    now[0] = at(9, 10)
    app.clear_red_flag(plan_id, "Alex Morgan", "Infection ruled out")
    assert not app.plan(plan_id).plan.referred
    now[0] = at(9, 16)
    app.record_checkin(plan_id, CheckIn(day(8), red_flags=("bowel-control",)))
    view = app.plan(plan_id)
    assert view.plan.referred and "Loss of bowel control" in view.plan.sessions[-1].decisions[0].text


# -- the property: any history of reports, clearances and actions --------------------------------
FLAGS = ("saddle-numbness", "fever", "trauma", "one-leg-tingling")
event = st.one_of(
    st.tuples(st.just("report"), st.integers(0, 3), st.none() | st.sampled_from(FLAGS), st.booleans()),
    st.tuples(st.just("clear"), st.integers(0, 2), st.none(), st.booleans()),
    st.tuples(st.just("hold"), st.integers(0, 2), st.none(), st.booleans()),
    st.tuples(st.just("level"), st.integers(0, 2), st.none(), st.booleans()),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=st.lists(st.tuples(st.integers(0, 3), event), max_size=14),
    start_flag=st.booleans(),
)
def test_every_sign_recorded_after_the_last_clearance_leaves_the_plan_referred(events, start_flag) -> None:
    """Events arrive in order, each on a day at or after the last one; a report may name a day up to
    three days before it (a late entry). Referred exactly when some sign (or the screen at the start)
    was recorded after the last clearance."""
    prescription = FLAGGED_AT_START if start_flag else RX
    now, checkins, actions = 0, [], []
    clock = itertools.count(1)
    for gap, (kind, back, flag, done) in events:
        now += gap
        moment = at(now) + dt.timedelta(seconds=next(clock))
        if kind == "report":
            reported = day(max(0, now - back))
            flags = (flag,) if flag else ()
            checkins.append(CheckIn(reported, done=done, pain_during=1, red_flags=flags, recorded_at=moment))
        elif kind == "clear":
            actions.append(ClinicianAction(ActionKind.CLEAR_RED_FLAG, day(now), "A", "n", recorded_at=moment))
        elif kind == "hold":
            actions.append(
                ClinicianAction(
                    ActionKind.HOLD_RUNNING, day(now), "A", "n", until=day(now + 5), recorded_at=moment
                )
            )
        else:
            level = ActionKind.LEVEL_UP if done else ActionKind.LEVEL_DOWN
            actions.append(ClinicianAction(level, day(now), "A", "n", recorded_at=moment))
    built = build(prescription, PROTOCOL, CATALOG.library, checkins, day(now + 1), actions)
    clearances = [a for a in actions if a.kind is ActionKind.CLEAR_RED_FLAG]
    last = clearances[-1].recorded_at if clearances else None
    unassessed = [c for c in checkins if c.red_flags and (last is None or c.recorded_at > last)]
    assert built.referred == bool(unassessed or (start_flag and last is None))
    if unassessed:
        assert built.sessions[-1].kind is SessionKind.REFERRAL
        assert not any(s.kind.is_active for s in built.sessions if s.date > built.sessions[-1].date)


def test_a_clearance_names_every_report_and_sign_it_assessed() -> None:
    """Two late entries on two days, both recorded after the first clearance: the second clearance
    names both days and both signs, and the level the plan starts again at."""
    late = [
        CheckIn(day(8), red_flags=("bowel-control",), recorded_at=at(9, 16)),
        CheckIn(day(9), red_flags=("new-lump",), recorded_at=at(9, 17)),
    ]
    cleared = plan([good(2), FEVER, *late], [clear(9), clear(10)], day(14))
    (decision,) = [d for s in cleared.sessions for d in s.decisions if d.rule == "red-flag-cleared"]
    assert (decision.verdict, decision.source) == (
        "resume",
        "The treating clinician's assessment, recorded in the plan",
    )
    assert decision.text == (
        "Alex Morgan checked the warning signs in your check-ins of Tue 10 Mar and Wed 11 Mar (Loss of "
        "bowel control; A new lump on your back) and cleared you to continue on 12 March 2026: the plan "
        "starts again at Phase 1."
    )

"""A patient's programme (planner.core.programme) and its progression (planner.core.progression)."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.core import programme as programmes
from planner.core.exceptions import DataError, InputError
from planner.core.model import (
    Access,
    ActionKind,
    CheckIn,
    ClinicianAction,
    Dose,
    Effort,
    Plan,
    Prescription,
    Session,
    SessionKind,
)
from planner.core.plain_data import checkin_to_dict
from planner.core.programme import Part, Prescribed
from planner.core.progression import Outcome
from planner.core.scheduler import build
from planner.data.catalog import builtin_catalog
from planner.data.exercises import load_library
from planner.export.plan_json import plan_to_dict
from tests.conftest import ROOT
from tests.invariants import check_plan

CATALOG = builtin_catalog()
LIBRARY = CATALOG.library
PROTOCOL = CATALOG.protocol("lbp-return-to-run")
START = dt.date(2026, 3, 2)  # a Monday
RX = Prescription("Zofia", START, "Europe/Warsaw", (1, 3, 6), (2, 5), dt.time(7, 30), 2)
DEFAULT = programmes.from_protocol(PROTOCOL, LIBRARY)


def reports(felt: Effort | None, weeks: int, pain: int = 1) -> list[CheckIn]:
    """Every session of `weeks` reported done, strength ones with how they felt."""
    out = []
    for n in range(7 * weeks):
        day = START + dt.timedelta(days=n)
        if day.isoweekday() in RX.strength_days:
            out.append(CheckIn(day, pain_during=pain, pain_next_morning=0, strength_felt=felt))
        elif day.isoweekday() in RX.run_days:
            out.append(CheckIn(day, pain_during=1, pain_next_morning=0))
    return out


def strength(plan: Plan) -> list[Session]:
    return [s for s in plan.sessions if s.kind is SessionKind.STRENGTH]


def doses(session: Session) -> tuple[tuple[str, str], ...]:
    return tuple((i.exercise_id, i.dose) for i in session.blocks[-1].items)


def action(programme: programmes.Programme, day: dt.date, starts: dt.date | None = None) -> ClinicianAction:
    return ClinicianAction(ActionKind.PROGRAMME, day, "Alex Morgan", "", programme=programme, starts=starts)


def test_the_default_programme_is_the_protocols_lists_at_the_librarys_doses() -> None:
    assert DEFAULT.ids(Part.STRENGTH) == PROTOCOL.strength_exercises
    assert DEFAULT.ids(Part.LOW_IMPACT) == PROTOCOL.low_impact
    assert DEFAULT.strength[0].dose == LIBRARY.exercise("curl-up").dose
    assert set(DEFAULT.access) == set(Access)


def test_four_weeks_of_easy_strength_reports_progress_and_hard_ones_do_not() -> None:
    today = START + dt.timedelta(days=28)
    easy = strength(build(RX, PROTOCOL, LIBRARY, reports(Effort.EASY, 4), today))
    hard = strength(build(RX, PROTOCOL, LIBRARY, reports(Effort.HARD, 4), today))
    first = doses(easy[0])
    assert doses(easy[1]) == first  # one easy report is not two
    assert doses(easy[2]) != first  # two in a row: a step up
    after = doses(easy[6])
    assert dict(after)["bird-dog"] == "2 x 12, hold 8 s each side"
    assert "single-leg-bridge" in dict(after) and "glute-bridge" not in dict(after)  # the harder variant
    assert all(doses(s) == first for s in hard[:9])
    assert any(d.rule == "progression" and d.verdict.value == "advance" for d in easy[2].decisions)
    assert any("hard" in d.text for d in hard[1].decisions)


def test_progression_needs_its_reports_the_future_does_not_climb() -> None:
    today = START + dt.timedelta(days=8)  # two easy reports (3 and 6 March), then the future
    plan = build(RX, PROTOCOL, LIBRARY, reports(Effort.EASY, 1), today)
    later = strength(plan)
    assert doses(later[2]) != doses(later[0])
    assert all(doses(s) == doses(later[2]) for s in later[2:])


def test_a_fixed_dose_never_progresses_and_a_painful_session_steps_back() -> None:
    fixed = DEFAULT.with_part(Part.STRENGTH, [attrs.evolve(p, fixed=True) for p in DEFAULT.strength])
    plan = build(
        RX, PROTOCOL, LIBRARY, reports(Effort.EASY, 4), START + dt.timedelta(days=28), [action(fixed, START)]
    )
    assert len({doses(s) for s in strength(plan)}) == 1
    easy = reports(Effort.EASY, 2)
    painful = CheckIn(START + dt.timedelta(days=15), pain_during=7, strength_felt=Effort.EASY)  # a Tuesday
    plan = build(RX, PROTOCOL, LIBRARY, [*easy, painful], START + dt.timedelta(days=16))
    by_day = {s.date: s for s in strength(plan)}
    stepped = by_day[START + dt.timedelta(days=15)]
    back = by_day[START + dt.timedelta(days=18)]
    assert dict(doses(back))["bird-dog"] == dict(doses(by_day[START + dt.timedelta(days=8)]))["bird-dog"]
    assert doses(back) != doses(stepped)
    assert any(d.verdict.value == "regress" for d in back.decisions)


def test_outcomes_put_pain_before_effort() -> None:
    day = START
    assert Outcome.of(CheckIn(day, pain_during=6, strength_felt=Effort.EASY)) is Outcome.PAINFUL
    assert Outcome.of(CheckIn(day, pain_during=4, strength_felt=Effort.EASY)) is Outcome.HARD
    assert Outcome.of(CheckIn(day, done=False, strength_felt=Effort.EASY)) is Outcome.NEUTRAL
    assert Outcome.of(CheckIn(day, strength_felt=Effort.RIGHT)) is Outcome.NEUTRAL
    assert Outcome.of(CheckIn(day, stiff_or_swollen=True, strength_felt=Effort.EASY)) is Outcome.HARD


def test_a_change_applies_from_its_day_and_the_past_stays() -> None:
    swapped = DEFAULT.with_part(
        Part.STRENGTH,
        [Prescribed("dead-bug", Dose(sets=2, reps=6, per_side=True, note="slow")), *DEFAULT.strength[1:4]],
    )
    today = START + dt.timedelta(days=10)
    done = reports(None, 2)[:5]
    before = build(RX, PROTOCOL, LIBRARY, done, today)
    after = build(RX, PROTOCOL, LIBRARY, done, today, [action(swapped, today, today + dt.timedelta(days=2))])
    cut = today + dt.timedelta(days=2)
    assert [s for s in before.sessions if s.date < cut] == [s for s in after.sessions if s.date < cut]
    changed = next(s for s in strength(after) if s.date >= cut)
    assert doses(changed)[0] == ("dead-bug", "2 x 6 each side (slow)")
    assert "curl-up" not in dict(doses(changed))
    assert any(d.rule == "clinician-programme" and "Alex Morgan" in d.text for d in changed.decisions)


def test_low_impact_sessions_offer_only_what_the_patient_can_do() -> None:
    no_pool = programmes.within_reach(attrs.evolve(DEFAULT, access=(Access.BIKE,)), LIBRARY)
    assert no_pool.ids(Part.LOW_IMPACT) == ("cycling", "walking")
    assert "foam-roll-glutes" not in no_pool.ids(Part.MOBILITY)
    rx = attrs.evolve(RX, hold_running_until=START + dt.timedelta(days=20))
    plan = build(rx, PROTOCOL, LIBRARY, [], START, [action(no_pool, START)])
    cross = {
        i.exercise_id
        for s in plan.sessions
        if s.kind is SessionKind.CROSS_TRAINING
        for i in s.blocks[1].items
    }
    assert cross == {"cycling", "walking"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda p: p.with_part(Part.STRENGTH, [Prescribed("no-such", Dose(reps=1))]),
            "unknown exercise 'no-such'",
        ),
        (
            lambda p: p.with_part(Part.MOBILITY, [Prescribed("plank", Dose(reps=1))]),
            "'plank' is core-strength",
        ),
        (
            lambda p: p.with_part(Part.STRENGTH, [Prescribed("bird-dog", Dose(reps=13))]),
            "reps 13 is outside 1-12",
        ),
        (lambda p: p.with_part(Part.STRENGTH, [Prescribed("bird-dog", Dose())]), "a dose needs"),
        (lambda p: p.with_part(Part.STRENGTH, []), "strength: the programme needs at least one"),
        (lambda p: p.with_part(Part.STRENGTH, [*p.strength, p.strength[0]]), "'curl-up' appears twice"),
        (lambda p: attrs.evolve(p, access=()), "'foam-roll-thoracic' needs foam-roller"),
        (lambda p: p.with_part(Part.STRENGTH, [p.strength[0]] * 13), "at most 12"),
    ],
)
def test_a_programme_is_checked_against_the_library(change, message) -> None:
    with pytest.raises((InputError, Exception)) as error:
        programmes.check(change(DEFAULT), LIBRARY)
    assert message in str(error.value)
    programmes.check(DEFAULT, LIBRARY)


@pytest.mark.parametrize(
    ("progression", "message"),
    [
        ("{ reps_step = 2 }", "max_reps: a reps_step needs its ceiling"),
        ("{ hold_step = 2 }", "max_hold_seconds: a hold_step needs its ceiling"),
        ("{ reps_step = 2, max_reps = 5 }", "dose: above the exercise's ceiling: reps 10 is outside 1-5"),
        ("{ reps_stp = 2 }", "reps_stp: unknown field"),
    ],
)
def test_steps_and_ceilings_are_validated_on_load(tmp_path, progression, message) -> None:
    text = (ROOT / "exercises" / "core.toml").read_text(encoding="utf-8")
    text = text.replace(
        "dose = { sets = 2, reps = 10 }\nprogression = { reps_step = 2, max_reps = 15 }",
        f"dose = {{ sets = 2, reps = 10 }}\nprogression = {progression}",
        1,
    )
    folder = tmp_path / "exercises"
    folder.mkdir()
    for path in (ROOT / "exercises").glob("*.toml"):
        (folder / path.name).write_text(
            text if path.name == "core.toml" else path.read_text(encoding="utf-8"), encoding="utf-8"
        )
    with pytest.raises(DataError) as error:
        load_library([folder])
    assert "core.toml" in str(error.value) and "abdominal-crunch" in str(error.value)
    assert message in str(error.value)


def test_needs_are_a_closed_set(tmp_path) -> None:
    text = (
        (ROOT / "exercises" / "low-impact.toml")
        .read_text(encoding="utf-8")
        .replace('needs = ["pool"]', 'needs = ["sea"]', 1)
    )
    folder = tmp_path / "exercises"
    folder.mkdir()
    for path in (ROOT / "exercises").glob("*.toml"):
        (folder / path.name).write_text(
            text if path.name == "low-impact.toml" else path.read_text(encoding="utf-8"), encoding="utf-8"
        )
    with pytest.raises(DataError, match="needs: unknown value 'sea'"):
        load_library([folder])


# -- properties over random programmes --------------------------------------------------------------
STRENGTH_IDS = sorted(
    e.id for e in LIBRARY.exercises.values() if e.category in programmes.CATEGORIES[Part.STRENGTH]
)


@st.composite
def prescribed_strength(draw: st.DrawFn) -> Prescribed:
    exercise = LIBRARY.exercise(draw(st.sampled_from(STRENGTH_IDS)))
    limits = programmes.dose_limits(exercise)
    dose = exercise.dose
    reps = draw(st.integers(1, limits["reps"])) if dose.reps else None
    hold = draw(st.integers(1, min(limits["hold_seconds"], 60))) if dose.hold_seconds else None
    sets = draw(st.integers(1, min(limits["sets"], 4))) if dose.sets else None
    new = attrs.evolve(
        dose, reps=reps, hold_seconds=hold, sets=sets, note=draw(st.sampled_from(["", "slow"]))
    )
    return Prescribed(exercise.id, new, draw(st.booleans()))


@st.composite
def random_programme(draw: st.DrawFn) -> programmes.Programme:
    chosen = draw(st.lists(prescribed_strength(), min_size=1, max_size=6, unique_by=lambda p: p.exercise))
    access = tuple(draw(st.lists(st.sampled_from(list(Access)), unique=True)))
    programme = programmes.within_reach(
        attrs.evolve(DEFAULT.with_part(Part.STRENGTH, chosen), access=access), LIBRARY
    )
    if not programme.mobility:
        programme = programme.with_part(
            Part.MOBILITY, [Prescribed("cat-cow", LIBRARY.exercise("cat-cow").dose)]
        )
    programmes.check(programme, LIBRARY)
    return programme


def ceiling_ok(exercise_id: str, dose_text: str, allowed: dict[str, set[str]]) -> bool:
    return dose_text in allowed.get(exercise_id, set())


def reachable(programme: programmes.Programme) -> dict[str, set[str]]:
    """Every (exercise, dose) a ladder may reach: the prescription and each step to the ceiling, the
    ladder of every harder variant from its own dose, and each easier variant at its own dose."""
    from planner.core.progression import Line, step_up

    found: dict[str, set[str]] = {}
    for part in (Part.STRENGTH, Part.MOBILITY):
        todo = [Line(item) for item in programme.part(part)]
        seen: set[tuple[str, Dose]] = set()
        while todo:
            line = todo.pop()
            rung = line.current
            if (rung.exercise, rung.dose) in seen:
                continue
            seen.add((rung.exercise, rung.dose))
            found.setdefault(rung.exercise, set()).add(rung.dose.describe())
            exercise = LIBRARY.exercise(rung.exercise)
            for easier in exercise.easier[:1]:
                found.setdefault(easier, set()).add(LIBRARY.exercise(easier).dose.describe())
            nxt = step_up(
                line, part, LIBRARY, programme.access, set(exercise.harder)
            )  # the same exercise's steps
            if nxt is not None:
                todo.append(attrs.evolve(line, climbed=(*line.climbed, nxt)))
            for harder in exercise.harder:  # whichever variant is free when the ceiling is reached
                variant = LIBRARY.exercise(harder)
                if variant.category in programmes.CATEGORIES[part] and programmes.can_do(
                    variant, programme.access
                ):
                    todo.append(Line(Prescribed(harder, variant.dose)))
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    programme=random_programme(),
    felt=st.lists(st.sampled_from([Effort.EASY, Effort.RIGHT, Effort.HARD, None]), min_size=10, max_size=10),
    pains=st.lists(st.integers(0, 7), min_size=10, max_size=10),
    change_day=st.integers(8, 30),
)
def test_random_programmes_keep_the_invariants(programme, felt, pains, change_day) -> None:
    strength_days = [
        START + dt.timedelta(days=n)
        for n in range(35)
        if (START + dt.timedelta(days=n)).isoweekday() in RX.strength_days
    ]
    history = [
        CheckIn(day, pain_during=pain, pain_next_morning=0, strength_felt=effort)
        for day, effort, pain in zip(strength_days, felt, pains, strict=False)
    ]
    today = START + dt.timedelta(days=35)
    plan = build(RX, PROTOCOL, LIBRARY, history, today, [action(programme, START)])
    check_plan(
        json.loads(json.dumps(plan_to_dict(plan))), PROTOCOL, [checkin_to_dict(c) for c in history], today
    )
    allowed = reachable(programme)
    for session in plan.sessions:
        if session.kind in (SessionKind.STRENGTH, SessionKind.MOBILITY):
            for exercise_id, dose in doses(session):
                # only the programme's exercises or their variants, never above a ceiling
                assert ceiling_ok(exercise_id, dose, allowed), (session.date, exercise_id, dose)
        climbed = [d for d in session.decisions if d.rule == "progression" and d.verdict.value == "advance"]
        if climbed:  # a climb needs two easy reports in a row before it
            easy = [c for c in history if c.date < session.date and c.strength_felt is Effort.EASY]
            assert len(easy) >= 2
    fixed = {p.exercise: p.dose.describe() for p in programme.strength if p.fixed}
    for session in strength(plan):
        if "easier" not in session.title:
            for exercise_id, dose in doses(session):
                assert fixed.get(exercise_id, dose) == dose  # a fixed dose never moves
    # the past never changes: a later change from a day leaves every session before it as it was
    cut = START + dt.timedelta(days=change_day)
    later = build(
        RX, PROTOCOL, LIBRARY, history, today, [action(programme, START), action(DEFAULT, START, cut)]
    )
    assert [s for s in later.sessions if s.date < cut] == [s for s in plan.sessions if s.date < cut]

"""A patient's programme: which exercises their plan uses, at which dose, and what they can do.

It starts from the protocol's defaults (or a clinic's template) and changes only by a clinician's
recorded action from a date (ActionKind.PROGRAMME), so the past stays as it was. Sessions are
built from it (planner.core.session_contents); progression moves along it (planner.core.progression).

Example:
    >>> from planner.data.catalog import builtin_catalog
    >>> catalog = builtin_catalog()
    >>> programme = from_protocol(catalog.protocol("lbp-return-to-run"), catalog.library)
    >>> [p.exercise for p in programme.strength][:2]
    ['curl-up', 'bird-dog']
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from planner.core import wording
from planner.core.catalog import Library
from planner.core.exceptions import InputError
from planner.core.model import Access, ActionKind, Category, ClinicianAction, Dose, Exercise, Protocol


class Part(enum.StrEnum):
    """The lists a programme is made of, in the order a handout shows them."""

    STRENGTH = "strength"
    MOBILITY = "mobility"
    WARM_UP = "warm-up"
    COOL_DOWN = "cool-down"
    LOW_IMPACT = "low-impact"


STRETCH = (Category.MOBILITY, Category.FOAM_ROLLING)
CATEGORIES: dict[Part, tuple[Category, ...]] = {
    Part.STRENGTH: (Category.CORE, Category.LOWER_BODY),
    Part.MOBILITY: STRETCH,
    Part.WARM_UP: (Category.WARM_UP,),
    Part.COOL_DOWN: STRETCH,
    Part.LOW_IMPACT: (Category.LOW_IMPACT,),
}
REQUIRED = (Part.STRENGTH, Part.MOBILITY, Part.LOW_IMPACT)  # the sessions that exist only through them
MAX_EXERCISES = 12  # a part longer than this no longer fits one handout session table

# The bounds a dose field has whatever the exercise: the TOML loader uses the same ones.
DOSE_BOUNDS = {"sets": 10, "reps": 100, "hold_seconds": 600, "minutes": 240}


@attrs.frozen
class Prescribed:
    """One exercise of a programme: its dose (the clinician's note is the dose's note) and whether
    the clinician fixed it ("do not progress")."""

    exercise: str
    dose: Dose
    fixed: bool = False


@attrs.frozen
class Programme:
    strength: tuple[Prescribed, ...]
    mobility: tuple[Prescribed, ...]
    warm_up: tuple[Prescribed, ...]
    cool_down: tuple[Prescribed, ...]
    low_impact: tuple[Prescribed, ...]
    access: tuple[Access, ...] = tuple(Access)  # what the patient has: everything unless told

    def part(self, part: Part) -> tuple[Prescribed, ...]:
        return tuple(getattr(self, part.name.lower()))

    def with_part(self, part: Part, items: Iterable[Prescribed]) -> Programme:
        chosen = tuple(items)
        strength, mobility, warm_up, cool_down, low_impact = (
            chosen if p is part else self.part(p) for p in Part
        )
        return Programme(strength, mobility, warm_up, cool_down, low_impact, self.access)

    def find(self, exercise_id: str) -> tuple[Part, Prescribed] | None:
        for part in Part:
            for item in self.part(part):
                if item.exercise == exercise_id:
                    return part, item
        return None

    def ids(self, part: Part) -> tuple[str, ...]:
        return tuple(p.exercise for p in self.part(part))


def from_protocol(protocol: Protocol, library: Library) -> Programme:
    """The protocol's exercises at the library's doses: a plan's programme until a clinician says
    otherwise."""

    def defaults(ids: tuple[str, ...]) -> tuple[Prescribed, ...]:
        return tuple(Prescribed(i, library.exercise(i).dose) for i in ids)

    return Programme(
        strength=defaults(protocol.strength_exercises),
        mobility=defaults(protocol.mobility_exercises),
        warm_up=defaults(protocol.warm_up_drills),
        cool_down=defaults(protocol.cool_down_stretches),
        low_impact=defaults(protocol.low_impact),
    )


def can_do(exercise: Exercise, access: Iterable[Access]) -> bool:
    """Whether the patient has what the exercise needs (a pool, a bike, a gym, a foam roller)."""
    return set(exercise.needs) <= set(access)


def dose_limits(exercise: Exercise) -> dict[str, int]:
    """The most a dose field may be for this exercise: its ceiling where it has one."""
    ceiling = exercise.progression
    return {
        "sets": ceiling.max_sets or DOSE_BOUNDS["sets"],
        "reps": ceiling.max_reps or DOSE_BOUNDS["reps"],
        "hold_seconds": ceiling.max_hold_seconds or DOSE_BOUNDS["hold_seconds"],
        "minutes": ceiling.max_minutes or DOSE_BOUNDS["minutes"],
    }


def dose_problem(exercise: Exercise, dose: Dose) -> str | None:
    """Why a dose cannot be prescribed for this exercise, or None."""
    values = {f: getattr(dose, f) for f in DOSE_BOUNDS}
    if not any(values.values()):
        return "a dose needs sets, reps, a hold or minutes"
    for field, high in dose_limits(exercise).items():
        value = values[field]
        if value is not None and not 1 <= value <= high:
            return f"{field.replace('_', ' ')} {value} is outside 1-{high} for {exercise.id}"
    return None


def check(programme: Programme, library: Library) -> None:
    """Every exercise known, of its part's category, doable with what the patient has, and dosed
    within its limits; raises InputError naming the first that is not."""
    for part in Part:
        items = programme.part(part)
        if part in REQUIRED and not items:
            raise InputError(f"{part.value}: the programme needs at least one exercise")
        if len(items) > MAX_EXERCISES:
            raise InputError(f"{part.value}: at most {MAX_EXERCISES} exercises")
        ids = [p.exercise for p in items]
        repeated = next((i for i in ids if ids.count(i) > 1), None)
        if repeated:
            raise InputError(f"{part.value}: {repeated!r} appears twice")
        for item in items:
            exercise = library.exercise(item.exercise)
            if exercise.category not in CATEGORIES[part]:
                allowed = " or ".join(CATEGORIES[part])
                raise InputError(f"{part.value}: {exercise.id!r} is {exercise.category}, not {allowed}")
            if not can_do(exercise, programme.access):
                missing = ", ".join(a for a in exercise.needs if a not in programme.access)
                raise InputError(f"{part.value}: {exercise.id!r} needs {missing}, which the patient has not")
            problem = dose_problem(exercise, item.dose)
            if problem:
                raise InputError(f"{part.value}: {problem}")


def within_reach(programme: Programme, library: Library) -> Programme:
    """The programme without what the patient cannot do: how a change of equipment is applied to
    the lists the clinician did not name."""
    parts = {
        part: [p for p in programme.part(part) if can_do(library.exercise(p.exercise), programme.access)]
        for part in Part
    }
    for part, items in parts.items():
        programme = programme.with_part(part, items)
    return programme


def changes(before: Programme, after: Programme, library: Library) -> tuple[str, ...]:
    """What a clinician changed, in the patient's words: added, removed, new doses, equipment."""
    out: list[str] = []
    for part in Part:
        old = {p.exercise: p for p in before.part(part)}
        new = {p.exercise: p for p in after.part(part)}
        for exercise_id, item in new.items():
            name = library.exercise(exercise_id).name
            if exercise_id not in old:
                out.append(wording.PROGRAMME_ADDED.format(name=name, dose=item.dose.describe()))
            elif old[exercise_id] != item:
                fixed = wording.PROGRAMME_FIXED if item.fixed else ""
                out.append(wording.PROGRAMME_DOSE.format(name=name, dose=item.dose.describe(), fixed=fixed))
        out.extend(
            wording.PROGRAMME_REMOVED.format(name=library.exercise(i).name) for i in old if i not in new
        )
    if set(before.access) != set(after.access):
        have = ", ".join(wording.ACCESS[a] for a in after.access) or wording.ACCESS_NONE
        out.append(wording.PROGRAMME_ACCESS.format(have=have))
    return tuple(out)


@attrs.frozen
class Change:
    """A clinician's programme from a day on, with the action that recorded it."""

    starts: dt.date
    programme: Programme
    action: ClinicianAction


def change_day(action: ClinicianAction) -> dt.date:
    return action.starts or action.date


def scheduled(actions: Iterable[ClinicianAction], today: dt.date) -> tuple[Change, ...]:
    """The programme changes recorded by `today`, in the order they take effect (the later record
    wins on the same day)."""
    found = [
        (change_day(a), n, Change(change_day(a), a.programme, a))
        for n, a in enumerate(actions)
        if a.kind is ActionKind.PROGRAMME and a.programme is not None and a.date <= today
    ]
    return tuple(change for _, _, change in sorted(found, key=lambda t: t[:2]))


def on(initial: Programme, recorded: Iterable[Change], day: dt.date) -> Programme:
    """The programme in effect on `day`."""
    current = initial
    for change in recorded:
        if change.starts <= day:
            current = change.programme
    return current

"""Checks on a prescription's week shape, and a sensible default for strength days.

Example:
    >>> default_strength_days((1, 3, 6), 2)
    (2, 4)
"""

from __future__ import annotations

import datetime as dt
import itertools

from planner.core import redflags, screening
from planner.core.exceptions import InputError
from planner.core.model import Prescription

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def day_names(days: tuple[int, ...]) -> str:
    return ",".join(DAY_NAMES[d - 1] for d in days)


def adjacent(a: int, b: int) -> bool:
    """Weekdays next to each other, Sunday and Monday included (the week wraps)."""
    return (a - b) % 7 in (1, 6)


def _first_adjacent_pair(days: tuple[int, ...]) -> tuple[int, int] | None:
    return next(((a, b) for a, b in itertools.combinations(sorted(days), 2) if adjacent(a, b)), None)


def check(prescription: Prescription) -> None:
    """Raise InputError naming what is wrong; the rules' sources are in planner.core.rules."""
    rx = prescription
    if not rx.name.strip():
        raise InputError("the person's name is empty")
    if not rx.run_days:
        raise InputError("no run days given; choose two or three days apart, e.g. mon,wed,sat")
    for field, days in (("run days", rx.run_days), ("strength days", rx.strength_days)):
        if len(set(days)) != len(days) or not all(1 <= d <= 7 for d in days):
            raise InputError(f"{field} must be distinct weekdays")
    pair = _first_adjacent_pair(rx.run_days)
    if pair:
        raise InputError(f"run days {day_names(pair)} are consecutive; runs need a rest day between them")
    # At most three weekdays can be pairwise apart, so three runs and three strength days always leave
    # a rest day in the week.
    if not 2 <= len(rx.strength_days) <= 3:
        raise InputError("strength work needs two or three days a week")
    pair = _first_adjacent_pair(rx.strength_days)
    if pair:
        raise InputError(f"strength days {day_names(pair)} are consecutive; leave a day between them")
    both = sorted(set(rx.run_days) & set(rx.strength_days))
    if both:
        raise InputError(f"{day_names(tuple(both))} is both a run day and a strength day; choose other days")
    if not 0 <= rx.pain <= 10:
        raise InputError(f"pain must be 0-10, not {rx.pain}")


def check_answers(prescription: Prescription) -> None:
    """The warning signs and screening answers of a new plan name only what this version asks
    (a stored plan reads older ids as planner.core.redflags says, never failing on them)."""
    for flag in prescription.red_flags:
        redflags.stop_sign(flag)
    for item in prescription.screening.items:
        screening.screening_item(item)


DATE_WINDOW_YEARS = 10  # a plan starts, and is looked at, within ten years of today


def check_dates(prescription: Prescription, today: dt.date) -> None:
    """Dates a person might really mean: the start within ten years of today, and a hold after it."""
    window = dt.timedelta(days=365 * DATE_WINDOW_YEARS + 2)
    if not today - window <= prescription.start <= today + window:
        raise InputError(f"start: {prescription.start} is more than {DATE_WINDOW_YEARS} years from today")
    hold = prescription.hold_running_until
    if hold is not None and not prescription.start <= hold <= prescription.start + window:
        raise InputError(
            f"hold running until: {hold} must be after the start and within {DATE_WINDOW_YEARS} years"
        )


def within_window(day: dt.date, today: dt.date, field: str) -> dt.date:
    """A date to look at a plan on (plan show --as-of): within the same window around today."""
    if abs((day - today).days) > 365 * DATE_WINDOW_YEARS + 2:
        raise InputError(f"{field}: {day} is more than {DATE_WINDOW_YEARS} years from today")
    return day


def run_day_patterns() -> tuple[tuple[int, ...], ...]:
    """Every week shape a runner can pick without typing: three or two run days, none next to
    another and with room for strength work, three-day weeks first."""
    shapes = []
    for count in (3, 2):
        for days in itertools.combinations(range(1, 8), count):
            if _first_adjacent_pair(days) is None:
                shapes.append(days)
    return tuple(shapes)


def default_strength_days(run_days: tuple[int, ...], count: int) -> tuple[int, ...]:
    """The first `count` non-consecutive weekdays that are not run days and leave a rest day."""
    free = [d for d in range(1, 8) if d not in run_days]
    for wanted in (count, 2):
        for days in itertools.combinations(free, wanted):
            if not _first_adjacent_pair(days) and len(run_days) + wanted < 7:
                return days
    raise InputError(f"no room for strength days beside run days {day_names(run_days)}")

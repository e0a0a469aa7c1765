"""Several check-ins for one day become one report, the most cautious answer winning.

Every check-in is kept (the store is append-only); what the planner reads is their merge: any red
flag, flare-up, stiffness, soreness or pain score reported that day stands, so a later "fine" never
cancels an earlier warning.

Example:
    >>> import datetime as dt
    >>> day = dt.date(2026, 3, 2)
    >>> merged = merge_day([CheckIn(day, red_flags=("fever",)), CheckIn(day, pain_during=1)])
    >>> merged.red_flags, merged.pain_during
    (('fever',), 1)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from planner.core.model import CheckIn, Effort, Soreness

# From least to most cautious, by what each answer does to the plan (the soreness rules).
SORENESS_ORDER = (
    Soreness.NONE,
    Soreness.WARM_UP_GONE,
    Soreness.AFTER,
    Soreness.RETURNED_DURING,
    Soreness.WARM_UP_STAYS,
)
# From least to most cautious, by what each does to strength progression (core/progression.py).
EFFORT_ORDER = (Effort.EASY, Effort.RIGHT, Effort.HARD)


def _highest(values: Iterable[int | None]) -> int | None:
    scores = [v for v in values if v is not None]
    return max(scores) if scores else None


def merge_day(reports: Sequence[CheckIn]) -> CheckIn:
    """One day's check-ins (in the order recorded) as one report."""
    first = reports[0]
    if len(reports) == 1:
        return first
    notes = [r.note for r in reports if r.note]
    return CheckIn(
        date=first.date,
        done=any(r.done for r in reports),
        pain_during=_highest(r.pain_during for r in reports),
        pain_next_morning=_highest(r.pain_next_morning for r in reports),
        soreness=max((r.soreness for r in reports), key=SORENESS_ORDER.index),
        red_flags=tuple(dict.fromkeys(flag for r in reports for flag in r.red_flags)),
        flare_up=any(r.flare_up for r in reports),
        note=" / ".join(dict.fromkeys(notes)),
        stiff_or_swollen=any(r.stiff_or_swollen for r in reports),
        strength_felt=max(
            (r.strength_felt for r in reports if r.strength_felt is not None),
            key=EFFORT_ORDER.index,
            default=None,
        ),
    )


def by_day(checkins: Iterable[CheckIn], first: dt.date, last: dt.date) -> dict[dt.date, CheckIn]:
    """The merged report for each day from `first` to `last` that has any check-in."""
    days: dict[dt.date, list[CheckIn]] = {}
    for checkin in checkins:
        if first <= checkin.date <= last:
            days.setdefault(checkin.date, []).append(checkin)
    return {day: merge_day(reports) for day, reports in sorted(days.items())}

"""What a clinician's clearance covers: the warning signs recorded before it, and nothing after.

A clearance is an assessment of the reports a clinician could see. A sign recorded after it, even one
dated earlier (a late entry), was never assessed, so it refers the plan again until a clinician
assesses that report too. "Recorded" is the time the store kept the report (`recorded_at`), never
the day the report names; the store keeps whole seconds, so a report recorded in the same second
as the clearance counts as seen by it. Values built without a store (no `recorded_at`) fall back to
their dates: a clearance covers the signs dated on or before its day.

Example:
    >>> import datetime as dt
    >>> from planner.core.model import ActionKind
    >>> at = lambda hour: dt.datetime(2026, 3, 9, hour, tzinfo=dt.UTC)
    >>> day = dt.date(2026, 3, 9)
    >>> cleared = ClinicianAction(ActionKind.CLEAR_RED_FLAG, day, "A", "n", recorded_at=at(10))
    >>> sign = CheckIn(dt.date(2026, 3, 8), red_flags=("fever",), recorded_at=at(11))
    >>> covers(cleared, sign)
    False
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from planner.core.model import ActionKind, CheckIn, ClinicianAction

SOURCE = "A clearance records one clinician's assessment of the reports before it (design, issue 19)"


def covers(action: ClinicianAction, report: CheckIn) -> bool:
    """The clearance assessed this report: recorded no later than it."""
    if action.recorded_at is not None and report.recorded_at is not None:
        return report.recorded_at <= action.recorded_at
    return report.date <= action.date


def clearances(actions: Iterable[ClinicianAction]) -> tuple[ClinicianAction, ...]:
    """A plan's clearances in the order they were recorded."""
    found = [a for a in actions if a.kind is ActionKind.CLEAR_RED_FLAG]
    return tuple(
        sorted(found, key=lambda a: (a.date, a.recorded_at or dt.datetime.min.replace(tzinfo=dt.UTC)))
    )


def covering(reports: Sequence[CheckIn], actions: Sequence[ClinicianAction]) -> ClinicianAction | None:
    """The first clearance that assessed every one of `reports`, or None: the plan stays referred."""
    return next((a for a in actions if all(covers(a, r) for r in reports)), None)


def effective_day(report: CheckIn, actions: Sequence[ClinicianAction]) -> dt.date:
    """The day a warning sign stops the plan: its own date, or the day of the latest clearance
    recorded before it when that is later (a late entry refers the plan from the clearance on, so
    it is never hidden in the days the clearance already covered)."""
    before = [a.date for a in actions if not covers(a, report)]
    return max([report.date, *before])

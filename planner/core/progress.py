"""Progress so far, week by week: running planned against running reported done, the pain reported,
and the weeks running was paused or held. One computation for every channel that draws it (the
phone page's SVG, the handout's page, the portal).

Example:
    >>> import datetime as dt
    >>> from planner import Prescription, build, builtin_catalog
    >>> catalog = builtin_catalog()
    >>> rx = Prescription("Ana", dt.date(2026, 3, 2), "Europe/London", (1, 3, 6), (2, 4), dt.time(7), 1)
    >>> plan = build(rx, catalog.protocol("lbp-return-to-run"), catalog.library, (), dt.date(2026, 3, 2))
    >>> weekly_progress(plan, ())[0].planned_minutes
    24
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from planner.core.model import CheckIn, Plan, RuleId, Status, Verdict
from planner.core.same_day import by_day


@attrs.frozen
class WeekProgress:
    monday: dt.date
    planned_seconds: int  # running in the week's run sessions, as the plan stands
    done_seconds: int  # of which reported done
    pain_during: int | None  # the highest reported that week
    pain_next_morning: int | None
    paused: bool  # a run was replaced because running was paused (pain, a flare-up, entry criteria)
    held: bool  # a run was replaced because of a clinician's hold

    @property
    def planned_minutes(self) -> int:
        return round(self.planned_seconds / 60)

    @property
    def done_minutes(self) -> int:
        return round(self.done_seconds / 60)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.isoweekday() - 1)


def _higher(current: int | None, value: int | None) -> int | None:
    return current if value is None else value if current is None else max(current, value)


def weekly_progress(plan: Plan, checkins: Iterable[CheckIn]) -> tuple[WeekProgress, ...]:
    """Every week from the plan's first to the week of its `as_of` day."""
    reports = by_day(checkins, plan.prescription.start, plan.as_of)
    last = _monday(plan.as_of)
    weeks: dict[dt.date, WeekProgress] = {}
    for session in plan.sessions:
        monday = _monday(session.date)
        if monday > last:
            break
        week = weeks.get(monday) or WeekProgress(monday, 0, 0, None, None, False, False)
        pauses = {d.rule for d in session.decisions if d.verdict is Verdict.PAUSE}
        weeks[monday] = attrs.evolve(
            week,
            planned_seconds=week.planned_seconds + session.running_seconds,
            done_seconds=week.done_seconds
            + (session.running_seconds if session.status is Status.DONE else 0),
            paused=week.paused or bool(pauses - {RuleId.CLINICIAN_HOLD}),
            held=week.held or RuleId.CLINICIAN_HOLD in pauses,
        )
    for day, report in reports.items():
        reported = weeks.get(_monday(day))
        if reported is not None:
            weeks[reported.monday] = attrs.evolve(
                reported,
                pain_during=_higher(reported.pain_during, report.pain_during),
                pain_next_morning=_higher(reported.pain_next_morning, report.pain_next_morning),
            )
    return tuple(weeks[monday] for monday in sorted(weeks))

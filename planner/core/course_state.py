"""Where a plan's course stands on a day, as small frozen values: the scheduler's walk replaces the
state with a new one at each transition (attrs.evolve), so no transition changes what another saw.

    State
    ├── progression  level, sessions counted at it, ready to rise, last level reported done, finished,
    │                since when a rise has waited for the growth cap
    ├── pause        paused since, the level it resumes at, waiting for the entry criteria, escalated
    ├── pain         the too-painful streak, pain above the safe range since, escalated
    ├── runs         the last run and its level, the days levels rose, days off running
    ├── load         running seconds by day, runs by week, the low-impact rotation
    ├── time_off     time off running since, the last report of any kind
    └── pending      decisions waiting for the next session that can carry them
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from planner.core.model import Decision


@attrs.frozen
class Progression:
    """The running level, the sessions counted at it, and whether the last report lets it rise."""

    level: int = 0
    attempts: int = 0
    ready: bool = True
    last_painful: bool = False
    last_done_level: int | None = None  # the last level a session was reported done at
    last_counted_reported: bool = False  # the last counted session was a real report, not projected
    completed: bool = False
    held_since: dt.date | None = None  # the first day a rise from this level waited for the growth cap

    def restart(self, level: int) -> Progression:
        """At `level` again, counting from nothing, free to rise once its sessions are done."""
        return attrs.evolve(
            self, level=level, attempts=0, ready=True, last_painful=False, completed=False, held_since=None
        )


@attrs.frozen
class Pause:
    """Running paused (a flare-up, painful sessions, or entry criteria not yet met)."""

    active: bool = False
    since: dt.date | None = None
    resume_level: int = 0
    entry_pending: bool = False  # resumes only on a report within the protocol's entry criteria
    escalated: bool = False
    settled: tuple[dt.date, ...] = ()  # days with a tolerable, settled report since the margin began


@attrs.frozen
class Pain:
    """What escalation and the pause rule count: the too-painful streak, unsettled pain since."""

    consecutive_painful: int = 0
    since: dt.date | None = None
    escalated: bool = False


@attrs.frozen
class Runs:
    """The runs so far: spacing between them, the rise limit, and days off running."""

    last_run: dt.date | None = None
    last_level: int | None = None
    rise_days: tuple[dt.date, ...] = ()
    no_running_until: dt.date | None = None
    days_off_from: dt.date | None = None


@attrs.frozen
class Load:
    """Running counted towards the growth cap, runs per calendar week, the low-impact rotation.
    The mappings are replaced, never changed in place."""

    day_seconds: Mapping[dt.date, int] = attrs.field(factory=dict)
    week_runs: Mapping[dt.date, int] = attrs.field(factory=dict)
    low_impact_turn: int = 0

    def with_run(self, monday: dt.date) -> Load:
        return attrs.evolve(self, week_runs={**self.week_runs, monday: self.week_runs.get(monday, 0) + 1})

    def with_seconds(self, day: dt.date, seconds: int) -> Load:
        return attrs.evolve(self, day_seconds={**self.day_seconds, day: seconds})


@attrs.frozen
class TimeOff:
    """Time off running, counted from the last run-day session reported done (the level's, or what
    a pause or hold put in its place; else the plan's start, or a clinician's clearance); and the
    last report of any kind, so a sentence says "no check-in" only when there was none, and a
    lay-off never restarts above where the last report left the plan."""

    since: dt.date | None = None
    last_report: dt.date | None = None
    report_level: int | None = None  # the level the last report left the plan at (resuming at, if paused)


@attrs.frozen
class State:
    progression: Progression = Progression()
    pause: Pause = Pause()
    pain: Pain = Pain()
    runs: Runs = Runs()
    load: Load = Load()
    time_off: TimeOff = TimeOff()
    pending: tuple[Decision, ...] = ()

    def with_pending(self, *decisions: Decision) -> State:
        return attrs.evolve(self, pending=(*self.pending, *decisions))

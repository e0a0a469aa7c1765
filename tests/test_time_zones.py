"""Sessions at any wall-clock time in any zone: a start the clocks skip moves to the first time that
exists, a time that happens twice takes the first, and every event ends after it starts with its
normal length, checked by three calendar parsers."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from planner import build
from planner.core.model import Prescription
from planner.data.catalog import builtin_catalog
from planner.export import ical
from planner.store.calendar_sync import EventState
from tests.calendar_checks import parse_everywhere

CATALOG = builtin_catalog()
ZONES = ["America/New_York", "Europe/London", "Europe/Berlin", "Australia/Sydney", "America/Santiago"]
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def test_a_start_in_the_spring_gap_moves_to_the_first_valid_time() -> None:
    start = ical.wall_clock_start(dt.date(2027, 3, 14), dt.time(2, 30), NEW_YORK)
    assert (start.hour, start.minute) == (3, 0)
    assert start.utcoffset() == dt.timedelta(hours=-4)


def test_a_start_in_the_autumn_fold_takes_the_first_occurrence() -> None:
    start = ical.wall_clock_start(dt.date(2026, 11, 1), dt.time(1, 30), NEW_YORK)
    assert start.utcoffset() == dt.timedelta(hours=-4)  # EDT, the first 01:30


@settings(max_examples=40, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    start=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
    minute=st.integers(0, 24 * 60 - 1),
)
def test_every_event_ends_after_it_starts(zone: str, start: dt.date, minute: int) -> None:
    rx = Prescription("Ana", start, zone, (1, 3, 6), (2, 4), dt.time(minute // 60, minute % 60), pain=1)
    plan = build(rx, CATALOG.protocol("beginner-walk-run"), CATALOG.library, (), start)
    events = ical.events_for(plan, "tz-test")
    for event in events:
        assert isinstance(event.start, dt.datetime) and isinstance(event.end, dt.datetime)
        length = event.end.astimezone(dt.UTC) - event.start.astimezone(dt.UTC)
        assert length >= dt.timedelta(minutes=ical.MIN_EVENT_MINUTES)
    states = {e.uid: EventState(0, None, e.snapshot) for e in events}
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    calendar = parse_everywhere(ical.render(plan, "tz-test", events, states, stamp))
    for parsed in calendar.events:
        assert parsed.end > parsed.start

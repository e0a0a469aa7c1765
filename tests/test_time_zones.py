"""Sessions at any wall-clock time in any zone: a start the clocks skip moves to the first time that
exists, a time that happens twice takes the first (written in UTC, so every client reads the same
instant), every event ends after it starts with its real length, and the VTIMEZONE is right for every
date the plan can reach. Five calendar parsers check it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import build
from planner.core.model import Prescription, SessionKind
from planner.core.scheduler import HORIZON_DAYS
from planner.data.catalog import builtin_catalog
from planner.export import ical
from planner.store.calendar_sync import EventState
from tests.calendar_checks import parse_everywhere, times_everywhere

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


# Zones with a repeated hour and a missing one (Chatham's are at 02:45 and 03:45, a 45-minute zone),
# and two without daylight saving (Kathmandu's +05:45, Tokyo) where every time is plain.
FIVE_PARSER_ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Pacific/Chatham",
    "Asia/Kathmandu",
    "Asia/Tokyo",
]
RUN_DAYS, STRENGTH_DAYS = (2, 4, 7), (3, 5)  # Sunday, when these zones change their clocks, is a run


def awkward_times(zone: str) -> list[tuple[dt.date, dt.time]]:
    """(start date, session time) for plans whose sessions start in a repeated hour, end in one,
    start in a missing hour or run across it, around each change of the clocks from September 2026
    to June 2027; plain night-time sessions for zones that never change."""
    from planner.export.vtimezone import transitions

    tz = zoneinfo.ZoneInfo(zone)
    changes = transitions(tz, dt.datetime(2026, 3, 1, tzinfo=dt.UTC), dt.datetime(2027, 7, 1, tzinfo=dt.UTC))
    cases: list[tuple[dt.date, dt.time]] = []
    for change in changes:
        shift = change.after - change.before
        if shift < dt.timedelta():  # a fold: [wall after, wall after + |shift|) happens twice
            wall = change.at + change.after
            starts = [wall - shift / 2, wall - dt.timedelta(minutes=25)]
        else:  # a gap: [wall before, wall before + shift) never happens
            wall = change.at + change.before
            starts = [wall + shift / 2, wall - dt.timedelta(minutes=25)]
        for start in starts:
            cases.append((start.date() - dt.timedelta(days=6), start.time().replace(tzinfo=None)))
    if not changes:
        cases = [(dt.date(2026, 10, 19), dt.time(1, 30)), (dt.date(2027, 3, 22), dt.time(2, 30))]
    return cases


@pytest.mark.parametrize("zone", FIVE_PARSER_ZONES)
def test_five_parsers_agree_on_every_event_in_utc(zone: str) -> None:
    """icalendar, vobject, `ical`, libical and ical.js read the same start and end for every event,
    the ones the planner meant, with the session's real length."""
    for start, time in awkward_times(zone):
        rx = Prescription("Ana", start, zone, RUN_DAYS, STRENGTH_DAYS, time, pain=1)
        plan = build(rx, CATALOG.protocol("beginner-walk-run"), CATALOG.library, (), start)
        events = ical.events_for(plan, "five")
        states = {e.uid: EventState(0, None, e.snapshot) for e in events}
        body = ical.render(plan, "five", events, states, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        parse_everywhere(body)
        readings = times_everywhere(body)
        minutes = {
            e.uid: s.minutes
            for e, s in zip(events, [s for s in plan.sessions if s.kind is not SessionKind.REST], strict=True)
        }
        for event in events:
            assert isinstance(event.start, dt.datetime) and isinstance(event.end, dt.datetime)
            meant = (int(event.start.timestamp()), int(event.end.timestamp()))
            read = {parser: times[event.uid] for parser, times in readings.items()}
            assert set(read.values()) == {meant}, (zone, event.start, read)
            assert meant[1] - meant[0] == 60 * max(minutes[event.uid], ical.MIN_EVENT_MINUTES)


def test_an_unclear_local_time_is_written_in_utc_and_a_clear_one_in_the_zone() -> None:
    london = zoneinfo.ZoneInfo("Europe/London")
    rx = Prescription(
        "Ana", dt.date(2026, 10, 19), "Europe/London", RUN_DAYS, STRENGTH_DAYS, dt.time(1, 30), pain=1
    )
    plan = build(rx, CATALOG.protocol("beginner-walk-run"), CATALOG.library, (), rx.start)
    events = ical.events_for(plan, "fold")
    body = ical.render(plan, "fold", events, {}, dt.datetime(2026, 1, 1, tzinfo=dt.UTC)).decode()
    fold = next(e for e in events if e.start.date() == dt.date(2026, 10, 25))  # type: ignore[union-attr]
    assert fold.start == dt.datetime(2026, 10, 25, 1, 30, tzinfo=london) and fold.start.fold == 0  # type: ignore[union-attr]
    assert "DTSTART:20261025T003000Z" in body  # the first 01:30, BST
    assert "DTSTART;TZID=Europe/London:20261101T013000" in body  # a week later: plain local time
    assert "\nDURATION:" not in body


def _offsets_agree(body: bytes, zone: str, first: dt.date, last: dt.date) -> None:
    """The file's own VTIMEZONE gives the zone's real offset at every hour from first to last."""
    import icalendar

    (vtimezone,) = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")
    from_file, real = vtimezone.to_tz(), zoneinfo.ZoneInfo(zone)
    moment = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    while moment.date() <= last:
        assert moment.astimezone(from_file).utcoffset() == moment.astimezone(real).utcoffset(), moment
        moment += dt.timedelta(hours=5)


@pytest.mark.parametrize("zone", [*ZONES, "Pacific/Chatham", "Asia/Kathmandu", "Asia/Tokyo"])
def test_the_vtimezone_covers_every_date_the_plan_can_reach_with_yearly_rules(zone: str) -> None:
    start = dt.date(2026, 10, 5)
    rx = Prescription("Ana", start, zone, (1, 3, 6), (2, 4), dt.time(7, 30), pain=1)
    plan = build(rx, CATALOG.protocol("beginner-walk-run"), CATALOG.library, (), start)
    events = ical.events_for(plan, "vtz")
    body = ical.render(plan, "vtz", events, {}, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    last = max(e.start.date() for e in events) + dt.timedelta(days=HORIZON_DAYS)  # type: ignore[union-attr]
    _offsets_agree(body, zone, start, last)
    text = body.decode()
    if zone != "America/Santiago":  # its rule changes at 24:00, which RRULE cannot say: one-offs
        _offsets_agree(body, zone, start, start + dt.timedelta(days=10 * 365))  # its rules never end
        assert "UNTIL" not in text and text.count("RRULE:") == (
            0 if zone in ("Asia/Kathmandu", "Asia/Tokyo") else 2
        )
    later = build(
        rx, CATALOG.protocol("beginner-walk-run"), CATALOG.library, (), start + dt.timedelta(days=40)
    )
    later_body = ical.render(
        later, "vtz", ical.events_for(later, "vtz"), {}, dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    vtz = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE")]
    if zone != "America/Santiago":
        assert vtz in later_body.decode()  # the same VTIMEZONE for every version of the plan
        other = attrs.evolve(rx, start=dt.date(2027, 5, 3))  # and every other plan in the zone
        plan = build(other, CATALOG.protocol("beginner-walk-run"), CATALOG.library, (), other.start)
        other_body = ical.render(
            plan, "other", ical.events_for(plan, "other"), {}, dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
        )
        assert vtz in other_body.decode()  # (vobject keeps the first VTIMEZONE it saw for a TZID)

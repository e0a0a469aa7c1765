"""Parse a calendar with three independent libraries and return icalendar's view of it."""

from __future__ import annotations

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream


def parse_everywhere(body: bytes) -> icalendar.Calendar:
    text = body.decode("utf-8")
    calendar = icalendar.Calendar.from_ical(body)
    for component in calendar.walk():
        assert not component.errors, component.errors
    assert calendar.get_missing_tzids() == set()
    vobject.readOne(text, validate=True)
    strict = IcsCalendarStream.calendar_from_ics(text)
    assert len(strict.events) == len(calendar.events)
    assert "METHOD" not in calendar
    return calendar


def sequences(calendar: icalendar.Calendar) -> dict[str, int]:
    return {str(e["UID"]): int(e.get("SEQUENCE", 0)) for e in calendar.events}

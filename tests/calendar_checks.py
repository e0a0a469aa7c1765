"""Parse a calendar with five independent libraries: icalendar, vobject (validating) and `ical` in
this process, libical (Evolution) and Mozilla's ical.js (Thunderbird) in subprocesses."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

PARSERS = Path(__file__).parent / "parsers"
SYSTEM_PYTHON = "/usr/bin/python3"  # libical's GObject bindings are Debian packages, outside the venv
Times = dict[str, tuple[int, int]]


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


def _seconds(moment: dt.date | dt.datetime) -> int:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(), tzinfo=dt.UTC)
    assert moment.tzinfo is not None, "a floating time: every client would read it differently"
    return int(moment.timestamp())


def icalendar_times(body: bytes) -> Times:
    return {
        str(e["UID"]): (_seconds(e.start), _seconds(e.end)) for e in icalendar.Calendar.from_ical(body).events
    }


def vobject_times(body: bytes) -> Times:
    times: Times = {}
    for event in vobject.readOne(body.decode(), validate=True).vevent_list:
        start = event.dtstart.value
        end = event.dtend.value if hasattr(event, "dtend") else start + event.duration.value
        times[event.uid.value] = (_seconds(start), _seconds(end))
    return times


def ical_times(body: bytes) -> Times:
    calendar = IcsCalendarStream.calendar_from_ics(body.decode())
    return {str(e.uid): (_seconds(e.start), _seconds(e.end)) for e in calendar.events}


def _subprocess_times(command: list[str], body: bytes) -> Times:
    done = subprocess.run(command, input=body, capture_output=True, check=True, timeout=60)
    return {uid: (int(start), int(end)) for uid, (start, end) in json.loads(done.stdout).items()}


def has_libical() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"
    return subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, check=False).returncode == 0


def libical_times(body: bytes) -> Times:
    return _subprocess_times([SYSTEM_PYTHON, str(PARSERS / "libical_times.py")], body)


def icaljs_times(body: bytes) -> Times:
    node = shutil.which("node")
    assert node is not None
    return _subprocess_times([node, str(PARSERS / "icaljs_times.mjs")], body)


def times_everywhere(body: bytes) -> dict[str, Times]:
    """Every parser's reading of every event, in seconds since the epoch; libical and ical.js are
    skipped (not failed) on a machine without them: .ci/run installs both."""
    if not has_libical():
        pytest.skip("libical's GObject bindings (gir1.2-ical-3.0, python3-gi) are not installed")
    if shutil.which("node") is None:
        pytest.skip("node is not installed (ical.js runs in it)")
    return {
        "icalendar": icalendar_times(body),
        "vobject": vobject_times(body),
        "ical": ical_times(body),
        "libical": libical_times(body),
        "ical.js": icaljs_times(body),
    }

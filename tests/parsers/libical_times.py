"""Each event's start and end in UTC as libical (Evolution's parser) reads them: run with the
system Python, which has the GObject bindings (gir1.2-ical-3.0, python3-gi), the calendar on stdin,
one JSON object {uid: [start, end]} (seconds since the epoch) on stdout."""

import json
import sys


def main() -> None:
    import gi

    gi.require_version("ICalGLib", "3.0")
    from gi.repository import ICalGLib

    calendar = ICalGLib.Component.new_from_string(sys.stdin.read())
    times = {}
    event = calendar.get_first_component(ICalGLib.ComponentKind.VEVENT_COMPONENT)
    while event is not None:
        start, end = event.get_dtstart(), event.get_dtend()
        times[event.get_uid()] = [
            start.as_timet_with_zone(start.get_timezone()),
            end.as_timet_with_zone(end.get_timezone()),
        ]
        event = calendar.get_next_component(ICalGLib.ComponentKind.VEVENT_COMPONENT)
    json.dump(times, sys.stdout)


if __name__ == "__main__":
    main()

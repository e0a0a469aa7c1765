"""A zone's VTIMEZONE for every date a plan can reach, with yearly rules where the zone has them.

Some clients keep the first VTIMEZONE they saw for a TZID (vobject does, across calendars), so it
must be right for every later version of the plan and every other plan in that zone, not only the
dates of the current one: it starts at a fixed date, not at the plan's. The zone's own recurring rule (the
POSIX TZ string at the end of its TZif file, RFC 8536 3.3) becomes RRULEs that never end; the
zone's transitions before the rule took over, within the plan's dates, are one-off observances.
Every observance is checked against zoneinfo, so a rule that does not reproduce the zone's real
transitions is not used (the one-offs then cover the whole range).

Example:
    >>> ds = observances("Europe/London", dt.date(2026, 10, 5), dt.date(2027, 12, 31))
    >>> [(o.daylight, o.rule) for o in ds]
    [(False, 'FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU'), (True, 'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU')]
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import re
import zoneinfo
from pathlib import Path

import attrs
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vRecur

# Every VTIMEZONE starts here (or earlier for an older plan), so all of them for one zone are the
# same: clients that keep the first VTIMEZONE they saw for a TZID, across calendars, stay right.
FIXED_SINCE = dt.date(2020, 1, 1)
WEEKDAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # POSIX counts from Sunday = 0
NAME = r"(?:[A-Za-z]{3,}|<[+\-0-9A-Za-z]+>)"
OFFSET = r"[+-]?\d{1,2}(?::\d{2}){0,2}"
POSIX = re.compile(
    rf"(?P<std>{NAME})(?P<stdoff>{OFFSET})"
    rf"(?:(?P<dst>{NAME})(?P<dstoff>{OFFSET})?,(?P<start>M[^,]+),(?P<end>M[^,]+))?"
)
MONTH_RULE = re.compile(r"M(?P<month>\d{1,2})\.(?P<week>[1-5])\.(?P<day>[0-6])(?:/(?P<time>[+-]?[\d:]+))?")


@attrs.frozen
class Transition:
    """A change of offset: its instant, the offsets either side, the new name, and whether it is DST."""

    at: dt.datetime  # UTC
    before: dt.timedelta
    after: dt.timedelta
    name: str
    daylight: bool

    @property
    def local(self) -> dt.datetime:
        """DTSTART of an observance: the wall-clock time of the onset, in the offset before it."""
        return (self.at + self.before).replace(tzinfo=None)


@attrs.frozen
class Observance:
    """One STANDARD or DAYLIGHT block of the VTIMEZONE."""

    daylight: bool
    start: dt.datetime
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str
    rule: str = ""


@attrs.frozen
class YearlyRule:
    """One half of a POSIX rule: the onset's month, week (5 = last), weekday and local time."""

    month: int
    week: int
    weekday: int
    time: dt.timedelta

    def onset(self, year: int, offset_before: dt.timedelta) -> dt.datetime:
        first = dt.date(year, self.month, 1)
        day = first + dt.timedelta(days=(self.weekday - (first.isoweekday() % 7)) % 7)
        day += dt.timedelta(weeks=self.week - 1)
        while day.month != self.month:  # week 5: the last such weekday of the month
            day -= dt.timedelta(weeks=1)
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + self.time - offset_before

    @property
    def rrule(self) -> str:
        week = "-1" if self.week == 5 else str(self.week)
        return f"FREQ=YEARLY;BYMONTH={self.month};BYDAY={week}{WEEKDAYS[self.weekday]}"


@attrs.frozen
class ZoneRule:
    standard: dt.timedelta
    daylight: dt.timedelta
    to_daylight: YearlyRule
    to_standard: YearlyRule


def _seconds(text: str) -> dt.timedelta:
    sign = -1 if text.startswith("-") else 1
    hours, minutes, seconds = ([int(p) for p in text.lstrip("+-").split(":")] + [0, 0])[:3]
    return sign * dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _yearly(text: str) -> YearlyRule | None:
    match = MONTH_RULE.fullmatch(text)
    if match is None:
        return None
    time = _seconds(match["time"]) if match["time"] else dt.timedelta(hours=2)
    if not dt.timedelta() <= time < dt.timedelta(days=1):
        return None  # an onset past midnight or before it: RRULE cannot say it; one-offs will
    return YearlyRule(int(match["month"]), int(match["week"]), int(match["day"]), time)


def _tzif(key: str) -> bytes:
    """The zone's TZif data, from where zoneinfo reads it: the system's zone files, else tzdata."""
    for folder in zoneinfo.TZPATH:
        path = Path(folder, key)
        if path.is_file():
            return path.read_bytes()
    return importlib.resources.files("tzdata").joinpath("zoneinfo", *key.split("/")).read_bytes()


def zone_rule(key: str) -> ZoneRule | None:
    """The zone's current recurring rule, or None (no daylight saving, or none RRULE can say)."""
    data = _tzif(key)
    footer = data.rsplit(b"\n", 2)[-2].decode("ascii") if data[4:5] >= b"2" else ""
    match = POSIX.fullmatch(footer)
    if match is None or match["dst"] is None:
        return None
    standard = -_seconds(match["stdoff"])
    daylight = -_seconds(match["dstoff"]) if match["dstoff"] else standard + dt.timedelta(hours=1)
    to_daylight, to_standard = _yearly(match["start"]), _yearly(match["end"])
    if to_daylight is None or to_standard is None:
        return None
    return ZoneRule(standard, daylight, to_daylight, to_standard)


def transitions(zone: zoneinfo.ZoneInfo, first: dt.datetime, last: dt.datetime) -> list[Transition]:
    """Every change of offset between two instants, to the second (zones change at most daily)."""
    found: list[Transition] = []

    def offset(seconds: int) -> dt.timedelta | None:
        return dt.datetime.fromtimestamp(seconds, zone).utcoffset()

    low = int(first.timestamp())
    while low < last.timestamp():
        high = low + 86400
        if offset(high) != offset(low):
            a, b = low, high
            while b - a > 1:
                middle = (a + b) // 2
                a, b = (middle, b) if offset(middle) == offset(a) else (a, middle)
            moment = dt.datetime.fromtimestamp(b, zone)
            before, after = offset(a), moment.utcoffset()
            assert before is not None and after is not None
            daylight = bool(moment.dst())
            found.append(
                Transition(moment.astimezone(dt.UTC), before, after, moment.tzname() or "", daylight)
            )
        low = high
    return found


def _ruled(rule: ZoneRule, since: dt.datetime, last: dt.datetime) -> list[dt.datetime]:
    """The rule's onsets from `since` to `last`."""
    onsets = [
        moment
        for year in range(since.year, last.year + 1)
        for moment in (
            rule.to_daylight.onset(year, rule.standard),
            rule.to_standard.onset(year, rule.daylight),
        )
        if since <= moment <= last
    ]
    return sorted(onsets)


@functools.lru_cache(maxsize=256)
def observances(key: str, first: dt.date, last: dt.date) -> tuple[Observance, ...]:
    """What the VTIMEZONE says, covering `first` to `last` (and, by its rules, every year after)."""
    zone = zoneinfo.ZoneInfo(key)
    since = min(FIXED_SINCE, first - dt.timedelta(days=366))
    begin = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    changes = transitions(zone, begin, end)
    rule = zone_rule(key)
    split = len(changes)
    if rule is not None:  # the first transition from which the rule alone reproduces the zone
        split = next(
            (
                k
                for k in range(len(changes))
                if [c.at for c in changes[k:]] == _ruled(rule, changes[k].at, end)
            ),
            len(changes),
        )
    ruled = changes[split:] if rule is not None else []
    one_offs = changes[:split]
    opening = dt.datetime.fromtimestamp(begin.timestamp(), zone)
    base_offset = opening.utcoffset()
    assert base_offset is not None
    result: list[Observance] = []
    if not ruled or one_offs:  # what holds before the first onset
        result.append(
            Observance(
                bool(opening.dst()),
                begin.replace(tzinfo=None),
                base_offset,
                base_offset,
                opening.tzname() or "",
            )
        )
    result += [Observance(c.daylight, c.local, c.before, c.after, c.name) for c in one_offs]
    if rule is not None:
        for daylight, yearly in ((False, rule.to_standard), (True, rule.to_daylight)):
            onset = next((c for c in ruled if c.daylight is daylight), None)
            if onset is not None:
                result.append(
                    Observance(daylight, onset.local, onset.before, onset.after, onset.name, yearly.rrule)
                )
    return tuple(result)


def vtimezone(key: str, first: dt.date, last: dt.date) -> Timezone:
    component = Timezone()
    component.add("TZID", key)
    for observance in observances(key, first, last):
        block = TimezoneDaylight() if observance.daylight else TimezoneStandard()
        block.add("DTSTART", observance.start)
        if observance.rule:
            block.add("RRULE", vRecur.from_ical(observance.rule))
        block.add("TZOFFSETFROM", observance.offset_from)
        block.add("TZOFFSETTO", observance.offset_to)
        block.add("TZNAME", observance.name)
        component.add_component(block)
    return component

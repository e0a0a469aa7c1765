"""Plan -> iCalendar bytes. Formats only: every choice was made by the planner.

Two steps, so the store can keep SEQUENCE numbers between them:
`events_for(plan, ...)` describes each event and its fingerprint; the store answers with each UID's
SEQUENCE (raised on change) and the events that left the plan; `render(...)` writes the calendar.
Identical inputs give identical bytes: DTSTAMP is the plan's revision time, never the clock.

One time in every client: a session is written in its zone's wall-clock time with DTSTART and DTEND
(never DURATION, which some parsers add on the clock face across a daylight-saving change), except
when its start or end falls in an hour that happens twice (or not at all) that day: then both are
written in UTC, the one form every parser reads the same way. A start the clocks skip has already
moved to the first time that exists (wall_clock_start), a repeated one is its first occurrence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
import zoneinfo
from collections.abc import Mapping
from typing import Protocol

import attrs
from icalendar import Alarm, Calendar, Event
from icalendar.prop import vDuration, vText

from planner.core import evidence, wording
from planner.core.model import BlockKind, ItemRole, Plan, Session, SessionKind, Status
from planner.core.scheduler import HORIZON_DAYS
from planner.export.vtimezone import vtimezone

UID_NAMESPACE = uuid.UUID("6f1c7c52-5b55-4d7e-9a56-0b7c3a4f2e10")
REFRESH = dt.timedelta(hours=6)
PRODID = "-//Rehab Planner//rehab-planner//EN"
COLOUR = "teal"
MIN_EVENT_MINUTES = 15
# A session's report shows in its title; an unreported past session is left as it was, so days
# passing change nothing in a subscribed calendar.
REPORTED = {Status.DONE: " (done)", Status.SKIPPED: " (skipped)"}
CATEGORY = {
    SessionKind.RUN: "Running",
    SessionKind.RUN_WALK: "Running",
    SessionKind.WALK: "Walking",
    SessionKind.STRENGTH: "Strength",
    SessionKind.MOBILITY: "Mobility",
    SessionKind.CROSS_TRAINING: "Cross-training",
    SessionKind.REST: "Rest",
    SessionKind.REFERRAL: "See a clinician",
}


class EventState(Protocol):
    """What the store remembers of a published event (planner.store.calendar_sync.EventState)."""

    @property
    def sequence(self) -> int: ...

    @property
    def cancelled_at(self) -> dt.datetime | None: ...

    @property
    def snapshot(self) -> str: ...


@attrs.frozen
class CalendarEvent:
    """One event as it will be published, before its SEQUENCE is known."""

    uid: str
    summary: str
    description: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    all_day: bool
    category: str
    url: str = ""

    @property
    def snapshot(self) -> str:
        """What a cancelled copy needs later: enough to name and place the event."""
        zone = getattr(self.start, "tzinfo", None)
        return json.dumps(
            {
                "summary": self.summary,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "all_day": self.all_day,
                "zone": str(zone) if zone else "",
            }
        )

    @property
    def fingerprint(self) -> str:
        text = "\n".join((self.summary, self.description, self.start.isoformat(), self.end.isoformat()))
        return hashlib.sha256(text.encode()).hexdigest()


def wall_clock_start(day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The session's start where the person lives. A time the clocks skip (02:30 on the spring-forward
    night) moves to the first time that exists; a time that happens twice takes the first one.

    >>> wall_clock_start(dt.date(2027, 3, 14), dt.time(2, 30), zoneinfo.ZoneInfo("America/New_York"))
    datetime.datetime(2027, 3, 14, 3, 0, tzinfo=zoneinfo.ZoneInfo(key='America/New_York'))
    """
    wall = dt.datetime.combine(day, time, tzinfo=zone)  # fold=0: the first of two occurrences
    while wall.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        wall += dt.timedelta(minutes=1)  # inside a gap: no such wall time; the gap is at most hours
    return wall


def event_uid(plan_id: str, slot: str) -> str:
    return f"{uuid.uuid5(UID_NAMESPACE, f'{plan_id}/{slot}')}@rehab-planner"


def describe_session(
    session: Session, pain_rule: str, checkin_url: str = "", *, followed: bool = True
) -> str:
    """The whole session as plain text: blocks, doses, the plan's pain rule, and why it is scheduled;
    its last line names a clinician only when a clinic follows the plan."""
    lines: list[str] = []
    for block in session.blocks:
        if block.kind is BlockKind.ADVICE:
            lines += [item.text for item in block.items if item.role is not ItemRole.PAIN_RULE]
            continue
        heading = block.kind.capitalize() + (f" ({block.minutes} min)" if block.minutes else "")
        lines.append(heading)
        lines += [
            f"- {item.text}" + (f": {item.dose}" if item.dose and item.dose not in item.text else "")
            for item in block.items
        ]
    if session.kind.is_active:
        lines.append(pain_rule)
    lines.append("Why: " + " ".join(d.text for d in session.decisions))
    lines.append(evidence.based_on(d.source for d in session.decisions))
    if checkin_url:
        lines.append(f"Check in after the session: {checkin_url}")
    lines.append(wording.FOLLOWED_WORDS[followed].not_advice_event)
    return "\n".join(lines)


def _event(session: Session, plan: Plan, plan_id: str, page_url: str, followed: bool) -> CalendarEvent:
    zone = zoneinfo.ZoneInfo(plan.prescription.timezone)  # ZoneInfo keeps one instance per zone
    all_day = session.kind is SessionKind.REST
    start: dt.date | dt.datetime
    if all_day:
        start, end = session.date, session.date + dt.timedelta(days=1)
    else:
        start = wall_clock_start(session.date, session.start, zone)
        length = dt.timedelta(minutes=max(session.minutes, MIN_EVENT_MINUTES))
        end = (start.astimezone(dt.UTC) + length).astimezone(zone)  # real minutes, across a DST change
    active = session.kind.is_active
    summary = session.title + (REPORTED.get(session.status, "") if active else "")
    return CalendarEvent(
        event_uid(plan_id, str(session.slot)),
        summary,
        describe_session(
            session, wording.pain_rule(plan.rule_set), page_url if active else "", followed=followed
        ),
        start,
        end,
        all_day,
        CATEGORY[session.kind],
        page_url if active else "",
    )


def events_for(plan: Plan, plan_id: str, *, page_url: str = "", followed: bool = True) -> list[CalendarEvent]:
    """The plan's sessions as events: what the subscribed feed publishes and the store keeps
    SEQUENCE numbers for. Rest days are not among them (see rest_day_events). `followed`: a clinic
    follows the plan (App.in_clinic), so the descriptions may name its clinician."""
    return [
        _event(s, plan, plan_id, page_url, followed) for s in plan.sessions if s.kind is not SessionKind.REST
    ]


def rest_day_events(plan: Plan, plan_id: str, *, followed: bool = True) -> list[CalendarEvent]:
    """All-day, free-time rest days for a one-off export: never synced, so an export that asks for
    them cannot cancel or re-sequence anything in the live feed."""
    return [_event(s, plan, plan_id, "", followed) for s in plan.sessions if s.kind is SessionKind.REST]


def fingerprints(events: list[CalendarEvent]) -> dict[str, tuple[str, str]]:
    return {e.uid: (e.fingerprint, e.snapshot) for e in events}


def _cancelled_event(uid: str, state: EventState) -> CalendarEvent:
    data = json.loads(state.snapshot)
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    if data["all_day"]:
        start, end = dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["end"])
    else:
        zone = zoneinfo.ZoneInfo(data["zone"])
        start, end = _in_zone(data["start"], zone), _in_zone(data["end"], zone)
    title = wording.CANCELLED_TITLE.format(title=data["summary"])
    return CalendarEvent(uid, title, wording.CANCELLED_TEXT, start, end, data["all_day"], "Cancelled")


def _day(moment: dt.date | dt.datetime) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _in_zone(text: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """A snapshot's time back in its zone: with its offset (so the second of two 01:30s stays the
    second), or, as older snapshots were kept, wall-clock time alone."""
    moment = dt.datetime.fromisoformat(text)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def unclear_local_time(moment: dt.datetime) -> bool:
    """Whether a wall-clock time happens twice (or never) that day, so parsers may place it differently.

    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> unclear_local_time(dt.datetime(2026, 10, 25, 1, 30, tzinfo=london))
    True
    >>> unclear_local_time(dt.datetime(2026, 10, 25, 7, 30, tzinfo=london))
    False
    """
    return moment.replace(fold=0).utcoffset() != moment.replace(fold=1).utcoffset()


def _written_times(item: CalendarEvent) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime]:
    """DTSTART and DTEND as written: local, or both in UTC when either is unclear on its day."""
    start, end = item.start, item.end
    if (
        isinstance(start, dt.datetime)
        and isinstance(end, dt.datetime)
        and (unclear_local_time(start) or unclear_local_time(end))
    ):
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    return start, end


def render(
    plan: Plan,
    plan_id: str,
    events: list[CalendarEvent],
    states: Mapping[str, EventState],
    stamp: dt.datetime,
    *,
    feed_url: str = "",
    reminder_minutes: int | None = None,
    followed: bool = True,
) -> bytes:
    """The calendar file. `states` comes from Store.sync_events; `stamp` is the plan's revision time."""
    rx = plan.prescription
    stamp = stamp.astimezone(dt.UTC)
    calendar = Calendar.new(
        prodid=PRODID,
        uid=uuid.uuid5(UID_NAMESPACE, plan_id),
        color=COLOUR,
        url=feed_url or None,
        source=feed_url or None,
    )
    name, description = (
        f"Rehab plan: {rx.name}",
        f"{plan.protocol_title}. {wording.FOLLOWED_WORDS[followed].not_advice_event}",
    )
    for key, text in (("NAME", name), ("X-WR-CALNAME", name), ("DESCRIPTION", description)):
        calendar.add(key, vText(text))  # TEXT, escaped: Calendar.new writes X-WR-* names raw
    calendar.add("X-WR-CALDESC", vText(description))
    calendar.add("X-WR-TIMEZONE", rx.timezone)
    calendar.add("REFRESH-INTERVAL", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    published = {e.uid for e in events}
    cancelled = [
        _cancelled_event(uid, s)
        for uid, s in sorted(states.items())
        if s.cancelled_at is not None and uid not in published and s.snapshot
    ]
    for item in [*events, *cancelled]:
        is_cancelled = item in cancelled
        start, end = _written_times(item)
        event = Event.new(
            uid=item.uid,
            summary=item.summary,
            description=item.description,
            start=start,
            end=end,
            stamp=stamp,
            sequence=states[item.uid].sequence if item.uid in states else 0,
            categories=[item.category],
            url=item.url or None,
        )
        if is_cancelled:
            event.add("STATUS", "CANCELLED")
        else:
            event.add("STATUS", "CONFIRMED")
        if item.all_day:
            event.add("TRANSP", "TRANSPARENT")
        elif reminder_minutes and not is_cancelled:
            event.add_component(
                Alarm.new_display(
                    trigger=-dt.timedelta(minutes=reminder_minutes),
                    description=item.summary,
                    uid=item.uid.replace("@", "-alarm@"),
                )
            )
        calendar.add_component(event)
    days = [_day(item.start) for item in [*events, *cancelled]]
    if any(isinstance(item.start, dt.datetime) for item in [*events, *cancelled]):
        # Every date the plan can reach, from its start: the same VTIMEZONE for every version.
        first = min([rx.start, *days]) - dt.timedelta(days=1)
        calendar.add_component(vtimezone(rx.timezone, first, max(days) + dt.timedelta(days=HORIZON_DAYS)))
    body: bytes = calendar.to_ical()
    return body

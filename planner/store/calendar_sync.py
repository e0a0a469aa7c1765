"""Calendar sync bookkeeping: what subscribed calendars have been told about each event.

Every event keeps a SEQUENCE that rises whenever its content changes (RFC 5545 3.8.7.4), and a
snapshot of its last content, so an event that leaves the plan can still be published as cancelled
for CANCELLED_GRACE. `changed_at` moves only when something changed: an unchanged plan exports
identical bytes.

The live feed and file exports are two channels with their own counters and change time: what the
feed told its subscribers depends only on the plan and the server's public address, whatever files
were made with other options or another base URL.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from planner.store.schema import event_sequences, file_event_sequences, plans

CANCELLED_GRACE = dt.timedelta(days=30)


class Channel(enum.Enum):
    """Who is told: the subscribed feed, or whoever imports a file."""

    FEED = "feed"
    FILE = "file"

    @property
    def table(self) -> sa.Table:
        return event_sequences if self is Channel.FEED else file_event_sequences

    @property
    def changed_at(self) -> sa.Column[Any]:
        return plans.c.calendar_changed_at if self is Channel.FEED else plans.c.file_changed_at


@attrs.frozen
class EventState:
    """What calendars have been told about one event: its SEQUENCE, whether it is cancelled, and
    a snapshot of its last content (so a cancelled copy can still name and place it)."""

    sequence: int
    cancelled_at: dt.datetime | None
    snapshot: str


@attrs.frozen
class CalendarSync:
    """The store's answer to a calendar export: per-UID states and when the content last changed."""

    states: Mapping[str, EventState]
    changed_at: dt.datetime


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def sync_events(
    connection: Connection,
    plan_id: str,
    fingerprints: Mapping[str, tuple[str, str]],
    now: dt.datetime,
    *,
    channel: Channel = Channel.FEED,
    record: bool = True,
) -> CalendarSync:
    """Record what each event looks like now, inside the caller's transaction; with record=False
    (a read-only database) the same answer is worked out and nothing is written.

    `fingerprints` maps uid -> (fingerprint, snapshot). Events that left the plan are published
    as cancelled (SEQUENCE + 1) for CANCELLED_GRACE, then dropped."""

    def write(statement: Any) -> None:
        if record:
            connection.execute(statement)

    states: dict[str, EventState] = {}
    changed = False
    event_sequences = channel.table
    rows = {
        r.uid: r
        for r in connection.execute(sa.select(event_sequences).where(event_sequences.c.plan_id == plan_id))
    }
    key = (event_sequences.c.plan_id == plan_id,)
    for uid, (fingerprint, snapshot) in fingerprints.items():
        row = rows.get(uid)
        if row is None:
            write(
                event_sequences.insert().values(
                    plan_id=plan_id, uid=uid, sequence=0, fingerprint=fingerprint, snapshot=snapshot
                )
            )
            states[uid], changed = EventState(0, None, snapshot), True
        elif row.fingerprint != fingerprint or row.cancelled_at is not None:
            write(
                event_sequences.update()
                .where(*key, event_sequences.c.uid == uid)
                .values(
                    sequence=row.sequence + 1, fingerprint=fingerprint, cancelled_at=None, snapshot=snapshot
                )
            )
            states[uid], changed = EventState(row.sequence + 1, None, snapshot), True
        else:
            states[uid] = EventState(row.sequence, None, snapshot)
    for uid, row in rows.items():
        if uid in fingerprints:
            continue
        if row.cancelled_at is None:
            write(
                event_sequences.update()
                .where(*key, event_sequences.c.uid == uid)
                .values(sequence=row.sequence + 1, cancelled_at=utc_text(now))
            )
            states[uid], changed = EventState(row.sequence + 1, now, row.snapshot), True
        elif now - dt.datetime.fromisoformat(row.cancelled_at) < CANCELLED_GRACE:
            cancelled_at = dt.datetime.fromisoformat(row.cancelled_at)
            states[uid] = EventState(row.sequence, cancelled_at, row.snapshot)
        elif row.snapshot:  # the grace period is over: the event leaves the feed, once, and that is a change
            write(event_sequences.update().where(*key, event_sequences.c.uid == uid).values(snapshot=""))
            changed = True
    current = connection.execute(sa.select(channel.changed_at).where(plans.c.id == plan_id)).scalar_one()
    if changed or current is None:
        current = utc_text(now)
        write(plans.update().where(plans.c.id == plan_id).values({channel.changed_at: current}))
    return CalendarSync(states, dt.datetime.fromisoformat(current))

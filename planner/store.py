"""Persistence with SQLAlchemy Core: plans, an append-only check-in history, feed tokens (as
hashes) and per-event SEQUENCE counters. SQLite (WAL) by default, PostgreSQL by URL.

Every write is one transaction; rejected input never reaches this module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Mapping
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from planner.exceptions import InputError, NotFound
from planner.model import CalendarSync, CheckIn, EventState, Prescription
from planner.serialize import (
    checkin_from_dict,
    checkin_to_dict,
    prescription_from_dict,
    prescription_to_dict,
)

SCHEMA_VERSION = 2
CANCELLED_GRACE = dt.timedelta(days=30)

metadata = sa.MetaData()
meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)
plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("protocol_id", sa.String(100), nullable=False),
    sa.Column("prescription", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revised_at", sa.String(32), nullable=False),
    sa.Column("roster_key", sa.String(200), unique=True),
    sa.Column("calendar_changed_at", sa.String(32)),
)
checkins = sa.Table(
    "checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False, index=True),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("date", sa.String(10), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
)
feed_tokens = sa.Table(
    "feed_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False, index=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked_at", sa.String(32)),
)
event_sequences = sa.Table(
    "event_sequences",
    metadata,
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), primary_key=True),
    sa.Column("uid", sa.String(200), primary_key=True),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("cancelled_at", sa.String(32)),
    sa.Column("snapshot", sa.Text, nullable=False, server_default=""),
)


@attrs.frozen
class StoredPlan:
    id: str
    protocol_id: str
    prescription: Prescription
    created_at: dt.datetime
    revised_at: dt.datetime
    roster_key: str | None


def _now_text(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).isoformat(timespec="seconds")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _upgrade(connection: Connection) -> None:
    """Bring an older database up to SCHEMA_VERSION without losing data (idempotent)."""
    inspector = sa.inspect(connection)
    # version 1 -> 2: cancelled events keep their last content; calendars know when content changed
    if "snapshot" not in {c["name"] for c in inspector.get_columns("event_sequences")}:
        connection.execute(
            sa.text("ALTER TABLE event_sequences ADD COLUMN snapshot TEXT NOT NULL DEFAULT ''")
        )
    if "calendar_changed_at" not in {c["name"] for c in inspector.get_columns("plans")}:
        connection.execute(sa.text("ALTER TABLE plans ADD COLUMN calendar_changed_at VARCHAR(32)"))


class Store:
    """One database. Create with `Store.open(url)`; every method is its own transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        is_sqlite = url.startswith("sqlite")
        engine = sa.create_engine(url, connect_args={"timeout": 30} if is_sqlite else {})
        if is_sqlite:

            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()

            @sa.event.listens_for(engine, "begin")
            def _begin(connection: Any) -> None:
                # Take the write lock up front: a read that later writes can then wait for another
                # writer (busy_timeout) instead of failing with SQLITE_BUSY halfway through.
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        store = cls(engine)
        store._migrate()
        return store

    def _migrate(self) -> None:
        with self.engine.begin() as connection:
            metadata.create_all(connection)
            row = connection.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).first()
            if row is None:
                connection.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
            elif int(row.value) < SCHEMA_VERSION:
                _upgrade(connection)
                connection.execute(
                    meta.update().where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
                )
            elif int(row.value) > SCHEMA_VERSION:
                raise InputError(f"the database has schema version {row.value}, newer than this program")

    def schema_version(self) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar_one()
            )

    # -- plans --------------------------------------------------------------------------------
    def create_plan(
        self, protocol_id: str, rx: Prescription, now: dt.datetime, roster_key: str | None = None
    ) -> str:
        plan_id = secrets.token_hex(4)
        with self.engine.begin() as connection:
            connection.execute(
                plans.insert().values(
                    id=plan_id,
                    name=rx.name,
                    protocol_id=protocol_id,
                    prescription=json.dumps(prescription_to_dict(rx)),
                    created_at=_now_text(now),
                    revised_at=_now_text(now),
                    roster_key=roster_key,
                )
            )
        return plan_id

    def update_plan(self, plan_id: str, protocol_id: str, rx: Prescription, now: dt.datetime) -> bool:
        """Replace a plan's prescription (a re-issued roster row); True when anything changed."""
        current = self.plan(plan_id)
        if current.protocol_id == protocol_id and current.prescription == rx:
            return False
        with self.engine.begin() as connection:
            connection.execute(
                plans.update()
                .where(plans.c.id == plan_id)
                .values(
                    name=rx.name,
                    protocol_id=protocol_id,
                    prescription=json.dumps(prescription_to_dict(rx)),
                    revised_at=_now_text(now),
                )
            )
        return True

    def _row_to_plan(self, row: Any) -> StoredPlan:
        return StoredPlan(
            row.id,
            row.protocol_id,
            prescription_from_dict(json.loads(row.prescription)),
            dt.datetime.fromisoformat(row.created_at),
            dt.datetime.fromisoformat(row.revised_at),
            row.roster_key,
        )

    def plan(self, plan_id: str) -> StoredPlan:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(plans).where(plans.c.id == plan_id)).first()
        if row is None:
            raise NotFound(f"unknown plan {plan_id!r} (see 'rehab-planner plan list')")
        return self._row_to_plan(row)

    def plan_by_roster_key(self, key: str) -> StoredPlan | None:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(plans).where(plans.c.roster_key == key)).first()
        return None if row is None else self._row_to_plan(row)

    def plans(self) -> list[StoredPlan]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(plans).order_by(plans.c.created_at, plans.c.id)).all()
        return [self._row_to_plan(row) for row in rows]

    def revision(self, plan_id: str) -> str:
        """Changes whenever anything the plan is built from changes (prescription, protocol,
        check-ins); cheap enough to ask on every feed request."""
        latest = sa.select(sa.func.max(checkins.c.id)).where(checkins.c.plan_id == plan_id).scalar_subquery()
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(plans.c.protocol_id, plans.c.prescription, latest.label("latest")).where(
                    plans.c.id == plan_id
                )
            ).first()
        if row is None:
            raise NotFound(f"unknown plan {plan_id!r}")
        basis = f"{row.protocol_id}|{row.prescription}|{row.latest}"
        return hashlib.sha256(basis.encode()).hexdigest()

    # -- check-ins ----------------------------------------------------------------------------
    def add_checkin(self, plan_id: str, checkin: CheckIn, now: dt.datetime) -> None:
        self.plan(plan_id)
        with self.engine.begin() as connection:
            connection.execute(
                checkins.insert().values(
                    plan_id=plan_id,
                    recorded_at=_now_text(now),
                    date=checkin.date.isoformat(),
                    data=json.dumps(checkin_to_dict(checkin)),
                )
            )
            connection.execute(plans.update().where(plans.c.id == plan_id).values(revised_at=_now_text(now)))

    def checkins(self, plan_id: str) -> list[CheckIn]:
        """In the order recorded: a later check-in for the same date corrects an earlier one."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(checkins.c.data).where(checkins.c.plan_id == plan_id).order_by(checkins.c.id)
            ).all()
        return [checkin_from_dict(json.loads(row.data)) for row in rows]

    # -- feed tokens --------------------------------------------------------------------------
    def add_token(self, plan_id: str, token: str, now: dt.datetime) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                feed_tokens.update()
                .where(feed_tokens.c.plan_id == plan_id)
                .where(feed_tokens.c.revoked_at.is_(None))
                .values(revoked_at=_now_text(now))
            )
            connection.execute(
                feed_tokens.insert().values(
                    token_hash=token_hash(token), plan_id=plan_id, created_at=_now_text(now)
                )
            )

    def active_token_count(self, plan_id: str) -> int:
        with self.engine.connect() as connection:
            return len(
                connection.execute(
                    sa.select(feed_tokens.c.token_hash).where(
                        feed_tokens.c.plan_id == plan_id, feed_tokens.c.revoked_at.is_(None)
                    )
                ).all()
            )

    def token_generation(self, plan_id: str) -> int:
        with self.engine.connect() as connection:
            return len(
                connection.execute(
                    sa.select(feed_tokens.c.token_hash).where(feed_tokens.c.plan_id == plan_id)
                ).all()
            )

    def revoke_tokens(self, plan_id: str, now: dt.datetime) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(
                feed_tokens.update()
                .where(feed_tokens.c.plan_id == plan_id)
                .where(feed_tokens.c.revoked_at.is_(None))
                .values(revoked_at=_now_text(now))
            )
        return result.rowcount

    def plan_for_token(self, token: str) -> str | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(feed_tokens.c.plan_id).where(
                    feed_tokens.c.token_hash == token_hash(token), feed_tokens.c.revoked_at.is_(None)
                )
            ).first()
        return None if row is None else str(row.plan_id)

    # -- calendar event sequences ---------------------------------------------------------------
    def sync_events(
        self, plan_id: str, fingerprints: Mapping[str, tuple[str, str]], now: dt.datetime
    ) -> CalendarSync:
        """Record what each event looks like now and raise SEQUENCE for every change.

        `fingerprints` maps uid -> (fingerprint, snapshot). Events that left the plan are published
        as cancelled (SEQUENCE + 1) for CANCELLED_GRACE, then dropped. `changed_at` moves only when
        something changed, so an unchanged plan exports identical bytes."""
        for attempt in range(3):
            try:
                return self._sync_events(plan_id, fingerprints, now)
            except sa.exc.IntegrityError:  # a concurrent first fetch inserted the same events
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _sync_events(
        self, plan_id: str, fingerprints: Mapping[str, tuple[str, str]], now: dt.datetime
    ) -> CalendarSync:
        states: dict[str, EventState] = {}
        changed = False
        with self.engine.begin() as connection:
            rows = {
                r.uid: r
                for r in connection.execute(
                    sa.select(event_sequences).where(event_sequences.c.plan_id == plan_id)
                )
            }
            key = (event_sequences.c.plan_id == plan_id,)
            for uid, (fingerprint, snapshot) in fingerprints.items():
                row = rows.get(uid)
                if row is None:
                    connection.execute(
                        event_sequences.insert().values(
                            plan_id=plan_id, uid=uid, sequence=0, fingerprint=fingerprint, snapshot=snapshot
                        )
                    )
                    states[uid], changed = EventState(0, None, snapshot), True
                elif row.fingerprint != fingerprint or row.cancelled_at is not None:
                    connection.execute(
                        event_sequences.update()
                        .where(*key, event_sequences.c.uid == uid)
                        .values(
                            sequence=row.sequence + 1,
                            fingerprint=fingerprint,
                            cancelled_at=None,
                            snapshot=snapshot,
                        )
                    )
                    states[uid], changed = EventState(row.sequence + 1, None, snapshot), True
                else:
                    states[uid] = EventState(row.sequence, None, snapshot)
            for uid, row in rows.items():
                if uid in fingerprints:
                    continue
                if row.cancelled_at is None:
                    connection.execute(
                        event_sequences.update()
                        .where(*key, event_sequences.c.uid == uid)
                        .values(sequence=row.sequence + 1, cancelled_at=_now_text(now))
                    )
                    states[uid], changed = EventState(row.sequence + 1, now, row.snapshot), True
                elif now - dt.datetime.fromisoformat(row.cancelled_at) < CANCELLED_GRACE:
                    cancelled_at = dt.datetime.fromisoformat(row.cancelled_at)
                    states[uid] = EventState(row.sequence, cancelled_at, row.snapshot)
            current = connection.execute(
                sa.select(plans.c.calendar_changed_at).where(plans.c.id == plan_id)
            ).scalar_one()
            if changed or current is None:
                current = _now_text(now)
                connection.execute(
                    plans.update().where(plans.c.id == plan_id).values(calendar_changed_at=current)
                )
        return CalendarSync(states, dt.datetime.fromisoformat(current))

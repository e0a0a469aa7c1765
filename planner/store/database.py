"""The store: plans, an append-only check-in history, feed tokens (as hashes) and calendar sync
state, in SQLite (the default) or PostgreSQL, through SQLAlchemy Core.

Work happens in transactions: `with store.read() as records:` for reads, `with store.write() as
records:` for changes, so a multi-step change (a plan and its feed token) is all or nothing.
Rejected input never reaches this module.

Example:
    >>> store = Store.open("sqlite://")
    >>> with store.read() as records:
    ...     records.plans()
    ([], [])
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from planner.core.exceptions import InputError, NotFound
from planner.core.model import ActionKind, CheckIn, ClinicianAction, Prescription
from planner.core.parsing import parse_days, parse_time
from planner.core.plain_data import (
    checkin_from_dict,
    checkin_to_dict,
    prescription_from_dict,
    prescription_to_dict,
    programme_from_dict,
    programme_to_dict,
)
from planner.core.prescription_checks import day_names
from planner.core.programme import Programme
from planner.store import calendar_sync, migrate
from planner.store.calendar_sync import CalendarSync, Channel, utc_text
from planner.store.migrate import WRITE
from planner.store.outcome_records import OutcomeRecords
from planner.store.portal_records import PortalRecords
from planner.store.retention_records import RetentionRecords
from planner.store.roster_job_records import RosterJobRecords
from planner.store.schema import checkins, clinician_actions, feed_tokens, plans
from planner.store.templates import BrandingRecords, TemplateRecords

T = TypeVar("T")


class TokenKind(enum.StrEnum):
    """What a secret in a URL opens: the read-only feed and page, or the check-in form."""

    FEED = "feed"
    CHECKIN = "checkin"


@attrs.frozen
class StoredPlan:
    id: str
    protocol_id: str
    prescription: Prescription
    created_at: dt.datetime
    revised_at: dt.datetime
    roster_key: str | None


def week_text(action: ClinicianAction) -> str | None:
    """A changed week as stored: "mon,wed,sat@07:30"."""
    if not action.run_days:
        return None
    time = action.session_time.strftime("%H:%M") if action.session_time else ""
    return f"{day_names(action.run_days)}@{time}"


def week_from(text: str | None) -> tuple[tuple[int, ...], dt.time | None]:
    if not text:
        return (), None
    days, _, time = text.partition("@")
    return parse_days(days, "week"), parse_time(time) if time else None


def programme_text(action: ClinicianAction) -> str | None:
    """A changed programme as stored: the day it starts and the programme, as JSON."""
    if action.programme is None:
        return None
    starts = (action.starts or action.date).isoformat()
    return json.dumps({"starts": starts, "programme": programme_to_dict(action.programme)}, sort_keys=True)


def programme_from(text: str | None) -> tuple[Programme | None, dt.date | None]:
    if not text:
        return None, None
    data = json.loads(text)
    return programme_from_dict(data["programme"]), dt.date.fromisoformat(data["starts"])


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _stored_plan(row: Any) -> StoredPlan:
    """A plan row; a damaged one is that plan's error alone (one line), never the whole store's."""
    try:
        return StoredPlan(
            row.id,
            row.protocol_id,
            prescription_from_dict(json.loads(row.prescription)),
            dt.datetime.fromisoformat(row.created_at),
            dt.datetime.fromisoformat(row.revised_at),
            row.roster_key,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise InputError(f"plan {row.id}: its stored record is damaged ({type(error).__name__})") from None


# Asked on every feed request, so built once: correlated subqueries give the latest check-in and
# clinician action, and the join finds the plan from its live feed token, all in one statement.
FEED_STATE = (
    sa.select(
        plans.c.id,
        plans.c.protocol_id,
        plans.c.prescription,
        plans.c.clinic_id,
        sa.select(sa.func.max(checkins.c.id))
        .where(checkins.c.plan_id == plans.c.id)
        .scalar_subquery()
        .label("latest"),
        sa.select(sa.func.max(clinician_actions.c.id))
        .where(clinician_actions.c.plan_id == plans.c.id)
        .scalar_subquery()
        .label("action"),
    )
    .join(feed_tokens, feed_tokens.c.plan_id == plans.c.id)
    .where(
        feed_tokens.c.token_hash == sa.bindparam("token_hash"),
        feed_tokens.c.revoked_at.is_(None),
        feed_tokens.c.kind == TokenKind.FEED.value,
    )
)


class Records:
    """The store's operations inside one open transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    @property
    def portal(self) -> PortalRecords:
        """The portal's records (clinicians, alerts, audit) in the same transaction."""
        return PortalRecords(self.connection)

    @property
    def branding(self) -> BrandingRecords:
        """Clinics' branding in the same transaction."""
        return BrandingRecords(self.connection)

    @property
    def templates(self) -> TemplateRecords:
        """Programme templates in the same transaction."""
        return TemplateRecords(self.connection)

    @property
    def outcomes(self) -> OutcomeRecords:
        """Outcome scores in the same transaction."""
        return OutcomeRecords(self.connection)

    @property
    def retention(self) -> RetentionRecords:
        """Retention settings and erasure in the same transaction."""
        return RetentionRecords(self.connection)

    @property
    def roster_jobs(self) -> RosterJobRecords:
        """Clinic lists being issued outside the request, in the same transaction."""
        return RosterJobRecords(self.connection)

    # -- plans --------------------------------------------------------------------------------
    def create_plan(
        self,
        protocol_id: str,
        rx: Prescription,
        now: dt.datetime,
        roster_key: str | None = None,
        created_by: int | None = None,  # the clinician who made it in the portal
    ) -> str:
        plan_id = secrets.token_hex(4)
        self.connection.execute(
            plans.insert().values(
                id=plan_id,
                name=rx.name,
                protocol_id=protocol_id,
                prescription=json.dumps(prescription_to_dict(rx)),
                created_at=utc_text(now),
                revised_at=utc_text(now),
                roster_key=roster_key,
                created_by=created_by,
            )
        )
        return plan_id

    def update_plan(self, plan_id: str, protocol_id: str, rx: Prescription, now: dt.datetime) -> bool:
        """Replace a plan's prescription (a re-issued roster row); True when anything changed."""
        current = self.plan(plan_id)
        if current.protocol_id == protocol_id and current.prescription == rx:
            return False
        self.connection.execute(
            plans.update()
            .where(plans.c.id == plan_id)
            .values(
                name=rx.name,
                protocol_id=protocol_id,
                prescription=json.dumps(prescription_to_dict(rx)),
                revised_at=utc_text(now),
            )
        )
        return True

    def plan(self, plan_id: str) -> StoredPlan:
        row = self.connection.execute(sa.select(plans).where(plans.c.id == plan_id)).first()
        if row is None:
            raise NotFound(f"unknown plan {plan_id!r} (see 'rehab-planner plan list')")
        return _stored_plan(row)

    def plan_by_roster_key(self, key: str) -> StoredPlan | None:
        row = self.connection.execute(sa.select(plans).where(plans.c.roster_key == key)).first()
        return None if row is None else _stored_plan(row)

    def plans(self) -> tuple[list[StoredPlan], list[str]]:
        """The readable plans, and the ids of any whose stored record is damaged."""
        rows = self.connection.execute(sa.select(plans).order_by(plans.c.created_at, plans.c.id)).all()
        readable: list[StoredPlan] = []
        damaged: list[str] = []
        for row in rows:
            try:
                readable.append(_stored_plan(row))
            except InputError:
                damaged.append(str(row.id))
        return readable, damaged

    def feed_state(self, token: str) -> tuple[str, str, str] | None:
        """For a live feed token, in one prepared statement: the plan, the revision of everything
        its calendar is built from (protocol, prescription, the clinic following it, whose words it
        speaks in, latest check-in, latest clinician action) and its time zone; None for an unknown
        or revoked token."""
        row = self.connection.execute(FEED_STATE, {"token_hash": token_hash(token)}).first()
        if row is None:
            return None
        basis = f"{row.protocol_id}|{row.prescription}|{row.clinic_id}|{row.latest}|{row.action}"
        zone = str(json.loads(row.prescription)["timezone"])
        return str(row.id), hashlib.sha256(basis.encode()).hexdigest(), zone

    # -- check-ins ----------------------------------------------------------------------------
    def add_checkin(
        self, plan_id: str, checkin: CheckIn, now: dt.datetime, submission: str | None = None
    ) -> bool:
        """Append a check-in; False when this form submission was stored already (a double submit)."""
        self.plan(plan_id)
        if submission is not None:
            seen = sa.select(checkins.c.id).where(
                checkins.c.plan_id == plan_id, checkins.c.submission == submission
            )
            if self.connection.execute(seen).first() is not None:
                return False
        self.connection.execute(
            checkins.insert().values(
                plan_id=plan_id,
                recorded_at=utc_text(now),
                date=checkin.date.isoformat(),
                data=json.dumps(checkin_to_dict(checkin)),
                submission=submission,
            )
        )
        self.connection.execute(plans.update().where(plans.c.id == plan_id).values(revised_at=utc_text(now)))
        return True

    def checkins(self, plan_id: str) -> list[CheckIn]:
        """In the order recorded: a later check-in for the same date corrects an earlier one."""
        rows = self.connection.execute(
            sa.select(checkins.c.data, checkins.c.recorded_at)
            .where(checkins.c.plan_id == plan_id)
            .order_by(checkins.c.id)
        ).all()
        return [
            attrs.evolve(
                checkin_from_dict(json.loads(row.data)),
                recorded_at=dt.datetime.fromisoformat(row.recorded_at),
            )
            for row in rows
        ]

    # -- clinicians' actions ------------------------------------------------------------------
    def add_action(self, plan_id: str, action: ClinicianAction, now: dt.datetime) -> None:
        self.connection.execute(
            clinician_actions.insert().values(
                plan_id=plan_id,
                kind=action.kind.value,
                date=action.date.isoformat(),
                by=action.by,
                note=action.note,
                recorded_at=utc_text(now),
                until=action.until.isoformat() if action.until else None,
                week=week_text(action),
                programme=programme_text(action),
            )
        )
        self.connection.execute(plans.update().where(plans.c.id == plan_id).values(revised_at=utc_text(now)))

    def actions(self, plan_id: str) -> list[ClinicianAction]:
        rows = self.connection.execute(
            sa.select(clinician_actions)
            .where(clinician_actions.c.plan_id == plan_id)
            .order_by(clinician_actions.c.id)
        ).all()
        return [
            ClinicianAction(
                ActionKind(r.kind),
                dt.date.fromisoformat(r.date),
                r.by,
                r.note,
                dt.date.fromisoformat(r.until) if r.until else None,
                *week_from(r.week),
                *programme_from(r.programme),
                recorded_at=dt.datetime.fromisoformat(r.recorded_at),
            )
            for r in rows
        ]

    # -- secrets: the feed address and the check-in secret ---------------------------------------
    def add_token(self, plan_id: str, token: str, now: dt.datetime, kind: TokenKind = TokenKind.FEED) -> None:
        """The plan's new token of this kind; the live one of the same kind is revoked with it."""
        self.revoke_tokens(plan_id, now, kind)
        self.connection.execute(
            feed_tokens.insert().values(
                token_hash=token_hash(token), plan_id=plan_id, created_at=utc_text(now), kind=kind.value
            )
        )

    def _tokens(self, plan_id: str, kind: TokenKind) -> Any:
        return sa.select(sa.func.count()).where(
            feed_tokens.c.plan_id == plan_id, feed_tokens.c.kind == kind.value
        )

    def active_token_count(self, plan_id: str, kind: TokenKind = TokenKind.FEED) -> int:
        query = self._tokens(plan_id, kind).where(feed_tokens.c.revoked_at.is_(None))
        return int(self.connection.execute(query).scalar_one())

    def token_generation(self, plan_id: str, kind: TokenKind = TokenKind.FEED) -> int:
        return int(self.connection.execute(self._tokens(plan_id, kind)).scalar_one())

    def revoke_tokens(self, plan_id: str, now: dt.datetime, kind: TokenKind | None = None) -> int:
        """Revoke the live token of `kind`, or of every kind."""
        query = feed_tokens.update().where(
            feed_tokens.c.plan_id == plan_id, feed_tokens.c.revoked_at.is_(None)
        )
        if kind is not None:
            query = query.where(feed_tokens.c.kind == kind.value)
        return self.connection.execute(query.values(revoked_at=utc_text(now))).rowcount

    def plan_for_token(self, token: str, kind: TokenKind = TokenKind.FEED) -> str | None:
        row = self.connection.execute(
            sa.select(feed_tokens.c.plan_id).where(
                feed_tokens.c.token_hash == token_hash(token),
                feed_tokens.c.revoked_at.is_(None),
                feed_tokens.c.kind == kind.value,
            )
        ).first()
        return None if row is None else str(row.plan_id)

    # -- calendar sync ------------------------------------------------------------------------
    def sync_events(
        self,
        plan_id: str,
        fingerprints: Mapping[str, tuple[str, str]],
        now: dt.datetime,
        *,
        channel: Channel = Channel.FEED,
        record: bool = True,
    ) -> CalendarSync:
        return calendar_sync.sync_events(
            self.connection, plan_id, fingerprints, now, channel=channel, record=record
        )


SUPPORTED = ("sqlite", "postgresql+psycopg")


def refuses_writes(error: sa.exc.DBAPIError) -> bool:
    """Whether the database refused a write because it is read-only (a read-only file or mount:
    SQLITE_READONLY; a read-only PostgreSQL server or transaction: SQLSTATE 25006)."""
    orig = error.orig
    return getattr(orig, "sqlite_errorname", "").startswith("SQLITE_READONLY") or (
        getattr(orig, "sqlstate", "") == "25006"
    )


BUSY_SECONDS = 30  # how long a SQLite writer waits for another one


def create_engine(url: str, is_sqlite: bool) -> Engine:
    """SQLite, or PostgreSQL through psycopg 3; anything else, or a missing driver, is one line."""
    scheme = url.split("://", 1)[0]
    if scheme not in SUPPORTED:
        hint = " (write postgresql+psycopg://...)" if scheme.startswith("postgres") else ""
        raise InputError(
            f"database URL: {scheme!r} is not supported; use sqlite:///PATH or postgresql+psycopg://...{hint}"
        )
    try:
        return sa.create_engine(url, connect_args={"timeout": BUSY_SECONDS} if is_sqlite else {})
    except (ImportError, sa.exc.NoSuchModuleError):
        raise InputError(
            "database URL: PostgreSQL support is not installed; "
            "install it with pip install 'rehab-planner[postgres]'"
        ) from None
    except (
        sa.exc.ArgumentError,
        ValueError,
    ) as error:  # ValueError: a host like "[::1" the URL parser refuses
        raise InputError(f"database URL: {error}") from None


def enable_wal(dbapi_connection: sqlite3.Connection) -> None:
    """Switching a file to WAL takes an exclusive lock without waiting for the busy timeout, so two
    processes opening a new database at once (two roster runs) could fail with "database is locked".
    Try again for as long as the busy timeout would have waited."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Store:
    """One database. Create with `Store.open(url)`, which brings the schema up to date."""

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self.engine = engine
        self.writes = 0  # writes committed through this Store, so a process can trust what it kept
        self.read_only = read_only  # a read-only file or mount: reads and exports still work

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Store:
        is_sqlite = url.startswith("sqlite")
        engine = create_engine(url, is_sqlite)
        if is_sqlite:

            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
                enable_wal(dbapi_connection)
                dbapi_connection.execute("PRAGMA foreign_keys=ON")

            @sa.event.listens_for(engine, "begin")
            def _begin(connection: Connection) -> None:
                # A writer takes the lock up front, so it waits for another writer (busy_timeout)
                # instead of failing with SQLITE_BUSY halfway through; readers never lock.
                # Straight to the driver: every transaction starts here, and going through
                # SQLAlchemy's execution machinery cost more than the BEGIN itself.
                write = connection.get_execution_options().get(WRITE, False)
                driver = connection.connection.driver_connection
                assert driver is not None  # a connection that is beginning is open
                driver.execute("BEGIN IMMEDIATE" if write else "BEGIN")

        if upgrade:
            migrate.upgrade(engine)
        return cls(engine)

    @contextmanager
    def read(self) -> Iterator[Records]:
        with self.engine.connect() as connection, connection.begin():
            yield Records(connection)

    @contextmanager
    def write(self) -> Iterator[Records]:
        with self.engine.connect() as connection:
            connection = connection.execution_options(**{WRITE: True})
            with connection.begin():
                yield Records(connection)
        self.writes += 1  # committed: answers kept from before it are stale in this process

    def write_retrying(self, work: Callable[[Records], T]) -> T:
        """`work` in a write transaction, run again (up to three times) when another process inserted
        the same rows first (a concurrent first fetch of a feed, two runs of one roster)."""
        for attempt in range(3):
            try:
                with self.write() as records:
                    return work(records)
            except sa.exc.IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def sync_events(
        self, plan_id: str, fingerprints: Mapping[str, tuple[str, str]], now: dt.datetime
    ) -> CalendarSync:
        """The live feed's sync (file exports sync inside their own delivery: App.calendar)."""
        return self.write_or_read(
            lambda records: records.sync_events(plan_id, fingerprints, now),
            lambda records: records.sync_events(plan_id, fingerprints, now, record=False),
        )

    def write_or_read(self, write: Callable[[Records], T], read: Callable[[Records], T]) -> T:
        """`write` (retried on a lost race); on a database that turns out to be read-only, `read`
        instead, from then on: reading and exporting still work there."""
        if not self.read_only:
            try:
                return self.write_retrying(write)
            except sa.exc.DBAPIError as error:
                if not refuses_writes(error):
                    raise
                self.read_only = True
        with self.read() as records:
            return read(records)

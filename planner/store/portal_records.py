"""The portal's records inside one transaction: clinics, clinicians, sessions, login attempts, the
audit trail, alerts, the mail outbox and the per-plan summaries. Reached as `records.portal`.

Secrets are kept as hashes (session ids as SHA-256, passwords as the caller's scrypt hash); nothing
clinical is ever deleted: acknowledging an alert or ending a session writes a time beside it.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import types
from collections.abc import Mapping
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from planner.core.follow_up import Alert, Resolution
from planner.store.calendar_sync import utc_text
from planner.store.schema import (
    alerts,
    audit,
    clinicians,
    clinics,
    login_attempts,
    outbox,
    password_links,
    plan_summaries,
    plans,
    portal_sessions,
    refresh_failures,
    throttle_events,
)


@attrs.frozen
class Clinician:
    id: int
    clinic_id: int
    clinic_name: str
    email: str
    name: str
    password_hash: str
    is_admin: bool
    disabled_at: str | None = None
    last_login_at: str | None = None


@attrs.frozen
class StoredAlert:
    id: int
    plan_id: str
    key: str
    kind: str
    urgency: int
    day: dt.date
    text: str
    source: str
    raised_at: str
    acknowledged_at: str | None
    acknowledged_by: str | None
    resolved_at: str | None = None  # closed by an event, not by a person ...
    resolution: str = ""  # ... saying which
    resolved_day: dt.date | None = None  # ... and the day the reason names

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None and self.resolved_at is None


class SortKey(enum.StrEnum):
    """What the patient list sorts by: a column of plan_summaries."""

    ATTENTION = "attention"  # status, then open alerts: who needs attention first
    NAME = "name_key"
    RECENT = "recent_share"
    OVERALL = "overall_share"
    LAST_REPORT = "last_report"


@attrs.frozen
class SummaryRow:
    plan_id: str
    name: str
    protocol_id: str
    clinician: str
    data: str  # the summary's JSON as stored: what makes one row's value differ from another's


@attrs.frozen
class SummaryPage:
    rows: tuple[SummaryRow, ...]
    total: int  # how many match, on every page
    any_failing: bool  # whether any plan of any clinic cannot be refreshed (nearly always not)


SUMMARIES_KEPT = 20_000  # decoded summaries kept: a few clinics' lists, some hundred bytes each


@functools.lru_cache(maxsize=SUMMARIES_KEPT)
def decoded_summary(data: str) -> Mapping[str, Any]:
    """A stored summary's JSON, decoded once per distinct text (the list shows the same ones again
    and again); read-only, since every reader of that text shares it."""
    return types.MappingProxyType(json.loads(data))


def _list_statements(
    sort: SortKey, descending: bool, where: tuple[sa.ColumnElement[bool], ...]
) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The patient list's count and page queries. The page carries the count as a column too (an
    uncorrelated subquery, run once), and how many plans cannot be refreshed anywhere, so a page
    with rows is one statement; the count alone answers a page past the end."""
    column = plan_summaries.c[sort.value]
    order = column.desc() if descending else column.asc()
    count = sa.select(sa.func.count()).select_from(plan_summaries).where(*where)
    page = (
        sa.select(
            plans.c.id,
            plans.c.name,
            plans.c.protocol_id,
            clinicians.c.name.label("clinician"),
            plan_summaries.c.data,
            count.scalar_subquery().label("total"),
            sa.select(sa.func.count()).select_from(refresh_failures).scalar_subquery().label("failing"),
        )
        .select_from(plan_summaries)
        .join(plans, plans.c.id == plan_summaries.c.plan_id)
        .outerjoin(clinicians, clinicians.c.id == plans.c.clinician_id)
        .where(*where)
        .order_by(order.nulls_last(), plan_summaries.c.name_key, plan_summaries.c.plan_id)
        .offset(sa.bindparam("offset"))
        .limit(sa.bindparam("limit"))
    )
    return count, page


def _list_filter(*, by_status: bool) -> tuple[sa.ColumnElement[bool], ...]:
    clinic = plan_summaries.c.clinic_id == sa.bindparam("clinic_id")
    return (clinic, plan_summaries.c.status == sa.bindparam("status")) if by_status else (clinic,)


@functools.cache
def _page_statements(
    sort: SortKey, descending: bool, *, by_status: bool
) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The list's statements for one order and filter without a search, built once: the list is
    the portal's most asked page, and building a statement cost more than running it."""
    return _list_statements(sort, descending, _list_filter(by_status=by_status))


def _share(done: int, planned: int) -> float | None:
    return done / planned if planned else None


@attrs.frozen
class Mail:
    id: int
    alert_id: int
    recipient: str
    subject: str
    body: str
    attempts: int


def _clinician(row: Any) -> Clinician:
    return Clinician(
        row.id,
        row.clinic_id,
        row.clinic_name,
        row.email,
        row.name,
        row.password_hash,
        bool(row.is_admin),
        row.disabled_at,
        row.last_login_at,
    )


def _alert(row: Any) -> StoredAlert:
    return StoredAlert(
        row.id,
        row.plan_id,
        row.key,
        row.kind,
        row.urgency,
        dt.date.fromisoformat(row.day),
        row.text,
        row.source,
        row.raised_at,
        row.acknowledged_at,
        row.acknowledged_by,
        row.resolved_at,
        row.resolution,
        dt.date.fromisoformat(row.resolved_day) if row.resolved_day else None,
    )


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None  # an insert into a table with an integer key
    return int(key[0])


OPEN = sa.and_(alerts.c.acknowledged_at.is_(None), alerts.c.resolved_at.is_(None))  # an alert to act on
WAITING = sa.and_(outbox.c.sent_at.is_(None), outbox.c.skipped_at.is_(None))  # a mail still to send
CLINICIAN = sa.select(clinicians, clinics.c.name.label("clinic_name")).join(
    clinics, clinics.c.id == clinicians.c.clinic_id
)


def _of_failing_plan(column: sa.Column[Any]) -> sa.ScalarSelect[Any]:
    return sa.select(column).where(plans.c.id == refresh_failures.c.plan_id).scalar_subquery()


FAILING = (  # built once: an admin's every look at the patient list asks it. Read from the failures
    # (nearly always none) with each one's plan looked up, so its cost does not grow with the clinic
    sa.select(
        refresh_failures.c.plan_id.label("id"),
        _of_failing_plan(plans.c.name).label("name"),
        refresh_failures.c.first_failed_at,
        refresh_failures.c.attempts,
    )
    .where(_of_failing_plan(plans.c.clinic_id) == sa.bindparam("clinic_id"))
    .order_by(refresh_failures.c.first_failed_at)
)
LIVE_SESSION = (  # built once: every portal request asks it
    CLINICIAN.add_columns(
        portal_sessions.c.created_at.label("session_created"),
        portal_sessions.c.seen_at.label("session_seen"),
    )
    .join(portal_sessions, portal_sessions.c.clinician_id == clinicians.c.id)
    .where(portal_sessions.c.id_hash == sa.bindparam("id_hash"), portal_sessions.c.ended_at.is_(None))
)


class PortalRecords:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- clinics and clinicians ---------------------------------------------------------------
    def clinic_id(self, name: str, now: dt.datetime) -> int:
        """The clinic of this name, made on first use."""
        found = self.clinic_id_by_name(name)
        if found is not None:
            return found
        result = self.connection.execute(clinics.insert().values(name=name, created_at=utc_text(now)))
        return _new_id(result)

    def silence_days(self, clinic_id: int) -> int:
        query = sa.select(clinics.c.silence_days).where(clinics.c.id == clinic_id)
        return int(self.connection.execute(query).scalar_one())

    def clinic_id_by_name(self, name: str) -> int | None:
        row = self.connection.execute(sa.select(clinics.c.id).where(clinics.c.name == name)).first()
        return None if row is None else int(row.id)

    def clinic_name(self, clinic_id: int) -> str:
        query = sa.select(clinics.c.name).where(clinics.c.id == clinic_id)
        return str(self.connection.execute(query).scalar_one())

    def outcome_weeks(self, clinic_id: int) -> int:
        """How often (in weeks) the clinic asks its patients for outcome measures."""
        query = sa.select(clinics.c.outcome_weeks).where(clinics.c.id == clinic_id)
        return int(self.connection.execute(query).scalar_one())

    def set_outcome_weeks(self, clinic_id: int, weeks: int) -> None:
        self.connection.execute(clinics.update().where(clinics.c.id == clinic_id).values(outcome_weeks=weeks))

    def add_clinician(
        self, clinic_id: int, email: str, name: str, password_hash: str, is_admin: bool, now: dt.datetime
    ) -> int:
        result = self.connection.execute(
            clinicians.insert().values(
                clinic_id=clinic_id,
                email=email,
                name=name,
                password_hash=password_hash,
                is_admin=is_admin,
                created_at=utc_text(now),
            )
        )
        return _new_id(result)

    def clinicians_by_email(self, email: str) -> list[Clinician]:
        """Every account of this e-mail, one per clinic at most, oldest first."""
        rows = self.connection.execute(CLINICIAN.where(clinicians.c.email == email).order_by(clinicians.c.id))
        return [_clinician(row) for row in rows]

    def clinician(self, clinician_id: int) -> Clinician | None:
        row = self.connection.execute(CLINICIAN.where(clinicians.c.id == clinician_id)).first()
        return None if row is None else _clinician(row)

    def all_clinicians(self) -> list[Clinician]:
        rows = self.connection.execute(CLINICIAN.order_by(clinics.c.name, clinicians.c.name))
        return [_clinician(row) for row in rows]

    def clinicians(self, clinic_id: int) -> list[Clinician]:
        rows = self.connection.execute(
            CLINICIAN.where(clinicians.c.clinic_id == clinic_id).order_by(clinicians.c.name)
        )
        return [_clinician(row) for row in rows]

    def clinic_zone(self, clinic_id: int) -> str:
        """The time zone the portal shows the clinic's account and audit times in."""
        query = sa.select(clinics.c.timezone).where(clinics.c.id == clinic_id)
        return str(self.connection.execute(query).scalar_one())

    def set_clinic_zone(self, clinic_id: int, zone: str) -> None:
        self.connection.execute(clinics.update().where(clinics.c.id == clinic_id).values(timezone=zone))

    def set_silence_days(self, clinic_id: int, days: int) -> None:
        self.connection.execute(clinics.update().where(clinics.c.id == clinic_id).values(silence_days=days))

    def add_password_link(self, token_hash: str, clinician_id: int, expires: dt.datetime) -> None:
        self.connection.execute(
            password_links.insert().values(
                token_hash=token_hash, clinician_id=clinician_id, expires_at=utc_text(expires)
            )
        )

    def link_owner(self, token_hash: str, now: dt.datetime) -> Clinician | None:
        """The clinician of a live link (unused, unexpired); None otherwise."""
        row = self.connection.execute(
            sa.select(password_links.c.clinician_id).where(
                password_links.c.token_hash == token_hash,
                password_links.c.used_at.is_(None),
                password_links.c.expires_at > utc_text(now),
            )
        ).first()
        return None if row is None else self.clinician(int(row.clinician_id))

    def use_password_link(self, token_hash: str, now: dt.datetime) -> int | None:
        """The link's clinician, once: the link is spent (one statement, so two uses at once spend
        it once); None when unknown, spent or expired."""
        spent = self.connection.execute(
            password_links.update()
            .where(
                password_links.c.token_hash == token_hash,
                password_links.c.used_at.is_(None),
                password_links.c.expires_at > utc_text(now),
            )
            .values(used_at=utc_text(now))
        )
        if not spent.rowcount:
            return None
        query = sa.select(password_links.c.clinician_id).where(password_links.c.token_hash == token_hash)
        return int(self.connection.execute(query).scalar_one())

    def set_password(self, clinician_id: int, password_hash: str) -> None:
        self.connection.execute(
            clinicians.update().where(clinicians.c.id == clinician_id).values(password_hash=password_hash)
        )

    def revoke_password_links(self, clinician_id: int, now: dt.datetime) -> None:
        """Every unused link of the clinician stops (a fresh one replaces them)."""
        self.connection.execute(
            password_links.update()
            .where(password_links.c.clinician_id == clinician_id, password_links.c.used_at.is_(None))
            .values(used_at=utc_text(now))
        )

    def set_disabled(self, clinician_id: int, now: dt.datetime | None) -> None:
        """Close the account from `now` (None: open it again)."""
        stamp = None if now is None else utc_text(now)
        self.connection.execute(
            clinicians.update().where(clinicians.c.id == clinician_id).values(disabled_at=stamp)
        )

    def logged_in(self, clinician_id: int, now: dt.datetime) -> None:
        self.connection.execute(
            clinicians.update().where(clinicians.c.id == clinician_id).values(last_login_at=utc_text(now))
        )

    # -- plans in a clinic --------------------------------------------------------------------
    def assign(self, plan_id: str, clinic_id: int, clinician_id: int | None) -> None:
        self.connection.execute(
            plans.update().where(plans.c.id == plan_id).values(clinic_id=clinic_id, clinician_id=clinician_id)
        )

    def owner(self, plan_id: str) -> tuple[int | None, int | None]:
        """The plan's clinic and assigned clinician (None, None for a plan outside any clinic)."""
        row = self.connection.execute(
            sa.select(plans.c.clinic_id, plans.c.clinician_id).where(plans.c.id == plan_id)
        ).first()
        return (None, None) if row is None else (row.clinic_id, row.clinician_id)

    def followed_plan_ids(self, ended_status: str, stale_before: dt.datetime | None = None) -> list[str]:
        """Every clinic plan whose summary does not say `ended_status` (or that has none yet); with
        `stale_before`, only those whose summary was last written before it."""
        query = (
            sa.select(plans.c.id, plan_summaries.c.data)
            .outerjoin(plan_summaries, plan_summaries.c.plan_id == plans.c.id)
            .where(plans.c.clinic_id.is_not(None))
            .order_by(plans.c.id)
        )
        if stale_before is not None:
            query = query.where(
                sa.or_(
                    plan_summaries.c.updated_at.is_(None),
                    plan_summaries.c.updated_at < utc_text(stale_before),
                )
            )
        rows = self.connection.execute(query)
        return [str(r.id) for r in rows if r.data is None or json.loads(r.data)["status"] != ended_status]

    # -- sessions and login attempts -------------------------------------------------------------
    def start_session(self, id_hash: str, clinician_id: int, now: dt.datetime) -> None:
        stamp = utc_text(now)
        self.connection.execute(
            portal_sessions.insert().values(
                id_hash=id_hash, clinician_id=clinician_id, created_at=stamp, seen_at=stamp
            )
        )

    def session(self, id_hash: str) -> tuple[Clinician, dt.datetime, dt.datetime] | None:
        """A live session's clinician, start and last use, in one read; None once ended or unknown."""
        row = self.connection.execute(LIVE_SESSION, {"id_hash": id_hash}).first()
        if row is None:
            return None
        created = dt.datetime.fromisoformat(row.session_created)
        return _clinician(row), created, dt.datetime.fromisoformat(row.session_seen)

    def touch_session(self, id_hash: str, now: dt.datetime) -> None:
        self.connection.execute(
            portal_sessions.update().where(portal_sessions.c.id_hash == id_hash).values(seen_at=utc_text(now))
        )

    def end_session(self, id_hash: str, now: dt.datetime) -> None:
        self.connection.execute(
            portal_sessions.update()
            .where(portal_sessions.c.id_hash == id_hash, portal_sessions.c.ended_at.is_(None))
            .values(ended_at=utc_text(now))
        )

    def end_sessions(self, clinician_id: int, now: dt.datetime, *, keep: str = "") -> None:
        """End every live session of the clinician, but the one whose id hash is `keep`."""
        self.connection.execute(
            portal_sessions.update()
            .where(
                portal_sessions.c.clinician_id == clinician_id,
                portal_sessions.c.ended_at.is_(None),
                portal_sessions.c.id_hash != keep,
            )
            .values(ended_at=utc_text(now))
        )

    def record_attempt(self, email: str, address: str, now: dt.datetime, succeeded: bool) -> int:
        """A login attempt, counted as failed until `attempt_succeeded` says otherwise."""
        result = self.connection.execute(
            login_attempts.insert().values(
                email=email, address=address, at=utc_text(now), succeeded=succeeded
            )
        )
        return _new_id(result)

    def attempt_succeeded(self, attempt_id: int) -> None:
        self.connection.execute(
            login_attempts.update().where(login_attempts.c.id == attempt_id).values(succeeded=True)
        )

    # -- throttles ----------------------------------------------------------------------------
    def lock(self, *keys: str) -> None:
        """Serialise the transactions that decide on these throttle keys until they commit, so a
        count read here cannot be overtaken by a parallel request's. SQLite's write transactions
        are serial already (BEGIN IMMEDIATE); PostgreSQL takes a transaction-level advisory lock
        per key, always in sorted order so two requests never wait on each other."""
        if self.connection.dialect.name != "postgresql":
            return
        for key in sorted(set(keys)):
            self.connection.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(key))))

    def throttle_count(self, scope: str, key: str, since: dt.datetime) -> int:
        query = sa.select(sa.func.count()).where(
            throttle_events.c.scope == scope,
            throttle_events.c.key == key,
            throttle_events.c.at >= utc_text(since),
        )
        return int(self.connection.execute(query).scalar_one())

    def add_throttle_event(self, scope: str, key: str, now: dt.datetime) -> None:
        self.connection.execute(throttle_events.insert().values(scope=scope, key=key, at=utc_text(now)))

    def failures_since(
        self, since: dt.datetime, *, email: str | None = None, address: str | None = None
    ) -> int:
        query = sa.select(sa.func.count()).where(
            login_attempts.c.at >= utc_text(since), login_attempts.c.succeeded.is_(False)
        )
        if email is not None:
            query = query.where(login_attempts.c.email == email)
        if address is not None:
            query = query.where(login_attempts.c.address == address)
        return int(self.connection.execute(query).scalar_one())

    # -- the audit trail ----------------------------------------------------------------------
    def add_audit(
        self,
        now: dt.datetime,
        action: str,
        *,
        who: str,
        address: str,
        clinic_id: int | None = None,
        clinician_id: int | None = None,
        plan_id: str | None = None,
        detail: str = "",
    ) -> None:
        self.connection.execute(
            audit.insert().values(
                clinic_id=clinic_id,
                clinician_id=clinician_id,
                who=who,
                at=utc_text(now),
                action=action,
                plan_id=plan_id,
                detail=detail,
                address=address,
            )
        )

    def audit_trail(self, clinic_id: int, limit: int = 500, action: str = "", plan_id: str = "") -> list[Any]:
        """The clinic's latest entries, newest first; only one action's or one plan's when given."""
        query = sa.select(audit).where(audit.c.clinic_id == clinic_id)
        if action:
            query = query.where(audit.c.action == action)
        if plan_id:
            query = query.where(audit.c.plan_id == plan_id)
        return list(self.connection.execute(query.order_by(audit.c.id.desc()).limit(limit)))

    def audit_actions(self, clinic_id: int) -> list[str]:
        """The actions the clinic's trail holds, for its filter."""
        query = sa.select(audit.c.action).where(audit.c.clinic_id == clinic_id).distinct()
        return sorted(self.connection.execute(query).scalars())

    # -- alerts and their mail ----------------------------------------------------------------
    def raise_alert(self, plan_id: str, alert: Alert, now: dt.datetime) -> int | None:
        """The new alert's id; None when this event was raised before (its key is taken)."""
        taken = sa.select(alerts.c.id).where(alerts.c.plan_id == plan_id, alerts.c.key == alert.key)
        if self.connection.execute(taken).first() is not None:
            return None
        result = self.connection.execute(
            alerts.insert().values(
                plan_id=plan_id,
                key=alert.key,
                kind=alert.kind.value,
                urgency=int(alert.urgency),
                day=alert.day.isoformat(),
                text=alert.text,
                source=alert.source,
                raised_at=utc_text(now),
            )
        )
        return _new_id(result)

    def alerts(self, plan_id: str) -> list[StoredAlert]:
        rows = self.connection.execute(
            sa.select(alerts).where(alerts.c.plan_id == plan_id).order_by(alerts.c.id.desc())
        )
        return [_alert(row) for row in rows]

    def alert(self, alert_id: int) -> StoredAlert | None:
        row = self.connection.execute(sa.select(alerts).where(alerts.c.id == alert_id)).first()
        return None if row is None else _alert(row)

    def open_alert_counts(self, plan_ids: list[str]) -> dict[str, int]:
        rows = self.connection.execute(
            sa.select(alerts.c.plan_id, sa.func.count())
            .where(alerts.c.plan_id.in_(plan_ids), OPEN)
            .group_by(alerts.c.plan_id)
        )
        return {str(plan_id): int(count) for plan_id, count in rows}

    def acknowledge(self, alert_id: int, who: str, now: dt.datetime) -> bool:
        result = self.connection.execute(
            alerts.update()
            .where(alerts.c.id == alert_id, OPEN)
            .values(acknowledged_at=utc_text(now), acknowledged_by=who)
        )
        return bool(result.rowcount)

    def resolve(self, alert_id: int, resolution: Resolution, now: dt.datetime) -> bool:
        """Close an open alert because of what happened next (planner.core.follow_up.resolution)."""
        result = self.connection.execute(
            alerts.update()
            .where(alerts.c.id == alert_id, OPEN)
            .values(
                resolved_at=utc_text(now),
                resolution=resolution.text[:200],
                resolved_day=resolution.day.isoformat(),
            )
        )
        return bool(result.rowcount)

    def acknowledge_all(self, plan_id: str, who: str, now: dt.datetime) -> list[StoredAlert]:
        """Every open alert of the plan, now acknowledged by `who`: the ones this call closed."""
        open_ones = [a for a in self.alerts(plan_id) if a.is_open]
        self.connection.execute(
            alerts.update()
            .where(alerts.c.plan_id == plan_id, OPEN)
            .values(acknowledged_at=utc_text(now), acknowledged_by=who)
        )
        return open_ones

    def open_alert_kinds(self, plan_ids: list[str]) -> dict[str, list[str]]:
        """Each plan's open alert kinds, most urgent first (one query for a page of the list)."""
        if not plan_ids:
            return {}
        rows = self.connection.execute(
            sa.select(alerts.c.plan_id, alerts.c.kind, sa.func.max(alerts.c.urgency).label("urgency"))
            .where(alerts.c.plan_id.in_(plan_ids), OPEN)
            .group_by(alerts.c.plan_id, alerts.c.kind)
            .order_by(alerts.c.plan_id, sa.desc("urgency"), alerts.c.kind)
        )
        kinds: dict[str, list[str]] = {}
        for row in rows:
            kinds.setdefault(str(row.plan_id), []).append(str(row.kind))
        return kinds

    def enqueue_mail(self, alert_id: int, recipient: str, subject: str, body: str, now: dt.datetime) -> None:
        """One message per alert and recipient: queuing it again changes nothing (a lost race on
        the unique key is retried by the caller's transaction, which then finds it queued)."""
        queued = sa.select(outbox.c.id).where(outbox.c.alert_id == alert_id, outbox.c.recipient == recipient)
        if self.connection.execute(queued).first() is not None:
            return
        stamp = utc_text(now)
        self.connection.execute(
            outbox.insert().values(
                alert_id=alert_id,
                recipient=recipient,
                subject=subject,
                body=body,
                created_at=stamp,
                next_attempt_at=stamp,
            )
        )

    def unsent_mail_count(self) -> int:
        query = sa.select(sa.func.count()).select_from(outbox).where(WAITING)
        return int(self.connection.execute(query).scalar_one())

    def due_mail(self, now: dt.datetime, limit: int = 50) -> list[Mail]:
        rows = self.connection.execute(
            sa.select(outbox)
            .where(WAITING, outbox.c.next_attempt_at <= utc_text(now))
            .order_by(outbox.c.id)
            .limit(limit)
        )
        return [
            Mail(row.id, row.alert_id, row.recipient, row.subject, row.body, row.attempts) for row in rows
        ]

    def skip_mail(self, mail_id: int, reason: str, now: dt.datetime) -> None:
        """Drop a waiting mail, never to be sent, keeping when and why (its alert closed first)."""
        self.connection.execute(
            outbox.update()
            .where(outbox.c.id == mail_id, WAITING)
            .values(skipped_at=utc_text(now), skip_reason=reason[:200])
        )

    def mail_sent(self, mail_id: int, now: dt.datetime) -> bool:
        """False when another process sent it first (the row was already marked)."""
        result = self.connection.execute(
            outbox.update()
            .where(outbox.c.id == mail_id, outbox.c.sent_at.is_(None))
            .values(sent_at=utc_text(now), attempts=outbox.c.attempts + 1)
        )
        return bool(result.rowcount)

    def mail_failed(self, mail_id: int, error: str, retry_at: dt.datetime) -> None:
        self.connection.execute(
            outbox.update()
            .where(outbox.c.id == mail_id)
            .values(
                attempts=outbox.c.attempts + 1, last_error=error[:500], next_attempt_at=utc_text(retry_at)
            )
        )

    def claim_mail(self, mail_id: int, until: dt.datetime, now: dt.datetime) -> bool:
        """Take a due mail for sending by moving its next attempt on; False when another process
        took it first. So several servers never send one mail twice."""
        result = self.connection.execute(
            outbox.update()
            .where(outbox.c.id == mail_id, WAITING, outbox.c.next_attempt_at <= utc_text(now))
            .values(next_attempt_at=utc_text(until))
        )
        return bool(result.rowcount)

    # -- plans whose follow-up fails ----------------------------------------------------------
    def record_refresh_failure(self, plan_id: str, kind: str, now: dt.datetime) -> int:
        """Count one more failed refresh of the plan; how many in a row so far."""
        row = self.connection.execute(
            sa.select(refresh_failures.c.attempts).where(refresh_failures.c.plan_id == plan_id)
        ).first()
        stamp = utc_text(now)
        if row is None:
            self.connection.execute(
                refresh_failures.insert().values(
                    plan_id=plan_id, first_failed_at=stamp, last_failed_at=stamp, attempts=1, error=kind
                )
            )
            return 1
        self.connection.execute(
            refresh_failures.update()
            .where(refresh_failures.c.plan_id == plan_id)
            .values(last_failed_at=stamp, attempts=refresh_failures.c.attempts + 1, error=kind)
        )
        return int(row.attempts) + 1

    def clear_refresh_failure(self, plan_id: str) -> None:
        self.connection.execute(refresh_failures.delete().where(refresh_failures.c.plan_id == plan_id))

    def refresh_failures(self, clinic_id: int) -> list[tuple[str, str, str, int]]:
        """(plan id, name, first failure, attempts) for the clinic's plans that cannot be refreshed."""
        rows = self.connection.execute(FAILING, {"clinic_id": clinic_id})
        return [(str(r.id), r.name, r.first_failed_at, int(r.attempts)) for r in rows]

    # -- per-plan summaries, for the patient list ------------------------------------------------
    def put_summary(self, plan_id: str, data: dict[str, Any], attention: int, now: dt.datetime) -> None:
        """The summary's JSON, with the fields the list sorts and filters on beside it."""
        plan = self.connection.execute(
            sa.select(plans.c.clinic_id, plans.c.name).where(plans.c.id == plan_id)
        ).one()
        values = {
            "data": json.dumps(data),
            "attention": attention,
            "updated_at": utc_text(now),
            "clinic_id": plan.clinic_id,
            "name_key": plan.name.casefold(),
            "status": data["status"],
            "last_report": data["last_report"],
            "recent_share": _share(data["done_recent"], data["planned_recent"]),
            "overall_share": _share(data["done_all"], data["planned_all"]),
        }
        done = self.connection.execute(
            plan_summaries.update().where(plan_summaries.c.plan_id == plan_id).values(**values)
        )
        if not done.rowcount:
            self.connection.execute(plan_summaries.insert().values(plan_id=plan_id, **values))

    def summary_page(
        self,
        clinic_id: int,
        *,
        status: str = "",
        search: str = "",
        sort: SortKey = SortKey.ATTENTION,
        descending: bool = False,
        offset: int = 0,
        limit: int = 50,
    ) -> SummaryPage:
        """One page of the clinic's list and how many match, read through the (clinic, attention or
        status, name) indexes: the rows of other pages are never decoded."""
        if search:  # a typed search: built for this request (its text is a literal LIKE pattern)
            matches = sa.or_(
                plan_summaries.c.name_key.contains(search.casefold(), autoescape=True),
                plan_summaries.c.plan_id == search,
            )
            where = (*_list_filter(by_status=bool(status)), matches)
            count, page_query = _list_statements(sort, descending, where)
        else:
            count, page_query = _page_statements(sort, descending, by_status=bool(status))
        values: dict[str, Any] = {"clinic_id": clinic_id, "offset": offset, "limit": limit}
        if status:
            values["status"] = status
        rows = self.connection.execute(page_query, values).all()
        if not rows:  # nothing here to carry the figures: not known to be none failing
            return SummaryPage((), int(self.connection.execute(count, values).scalar_one()), True)
        page = tuple(  # by position: a named look-up on each row's every column cost more than the query
            SummaryRow(plan_id, name, protocol_id, clinician or "", data)
            for plan_id, name, protocol_id, clinician, data, _, _ in rows
        )
        return SummaryPage(page, int(rows[0].total), bool(rows[0].failing))

    def summary(self, plan_id: str) -> dict[str, Any]:
        """One plan's summary ({} before its first refresh)."""
        data = self.connection.execute(
            sa.select(plan_summaries.c.data).where(plan_summaries.c.plan_id == plan_id)
        ).scalar()
        return {} if data is None else dict(json.loads(data))

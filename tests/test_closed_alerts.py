"""A closed alert names its day once: the day its reason names (kept beside the reason) is compared
with the day it closed, in the patient's zone, as dates; alerts closed before that day was kept get
it from their reason when the database is upgraded."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command

from planner.store import migrate
from planner.store.database import Store
from planner.store.portal_records import StoredAlert
from planner.web.portal.patients import closed_text

ZONE = "Europe/Helsinki"  # UTC+2 in November: 22:30 UTC is already the next day there


def closed(resolved_at: str, day: dt.date | None, reason: str) -> StoredAlert:
    raised = "2026-11-10T08:00:00+00:00"
    return StoredAlert(
        1,
        "p",
        "silence:2026-11-10",
        "silence",
        2,
        dt.date(2026, 11, 10),
        "",
        "",
        raised,
        None,
        None,
        resolved_at,
        reason,
        day,
    )


def test_the_closing_day_is_named_once_only_when_it_is_the_day_the_reason_names() -> None:
    reason = "closed: the patient checked in again on 22 Nov 2026"
    same = closed("2026-11-22T09:00:00+00:00", dt.date(2026, 11, 22), reason)
    assert closed_text(same, ZONE) == f"{reason}, at 11:00 EET"
    after_midnight = closed("2026-11-22T22:30:00+00:00", dt.date(2026, 11, 22), reason)  # 23 Nov, 00:30 there
    assert closed_text(after_midnight, ZONE) == f"{reason}, 23 Nov 2026, 00:30 EET"
    superseded = "closed: superseded by the silence alert (no check-in since 12 Nov 2026)"
    later = closed("2026-11-22T09:00:00+00:00", dt.date(2026, 11, 12), superseded)
    assert closed_text(later, ZONE) == f"{superseded}, 22 Nov 2026, 11:00 EET"
    unknown = closed("2026-11-22T09:00:00+00:00", None, reason)  # no day kept: both, never a guess
    assert closed_text(unknown, ZONE) == f"{reason}, 22 Nov 2026, 11:00 EET"


def test_alerts_closed_before_the_upgrade_get_the_day_their_reason_names(empty_db_url: str) -> None:
    engine = sa.create_engine(empty_db_url)
    with engine.begin() as connection:
        command.upgrade(migrate.alembic_config(connection), "0019b")
        connection.execute(sa.text("INSERT INTO clinics (id, name, created_at) VALUES (1, 'North', 'x')"))
        connection.execute(
            sa.text(
                "INSERT INTO plans (id, name, protocol_id, prescription, created_at, revised_at, clinic_id) "
                "VALUES ('p1', 'Ana', 'lbp-return-to-run', '{}', 'x', 'x', 1)"
            )
        )
        for n, reason in enumerate(
            (
                "closed: the patient checked in again on 22 Nov 2026",
                "closed: superseded by the silence alert (no check-in since 03 Mar 2026)",
                "",
            )
        ):
            connection.execute(
                sa.text(
                    "INSERT INTO alerts (plan_id, key, kind, urgency, day, text, source, raised_at, "
                    "resolved_at, resolution) VALUES ('p1', :key, 'silence', 2, '2026-11-01', '', '', 'x', "
                    ":at, :reason)"
                ),
                {"key": f"k{n}", "at": "2026-11-22T09:00:00+00:00" if reason else None, "reason": reason},
            )
    engine.dispose()
    Store.open(empty_db_url)  # upgrades to the head
    engine = sa.create_engine(empty_db_url)
    with engine.connect() as connection:
        days = connection.execute(sa.text("SELECT key, resolved_day FROM alerts ORDER BY key")).all()
    engine.dispose()
    assert [tuple(row) for row in days] == [("k0", "2026-11-22"), ("k1", "2026-03-03"), ("k2", None)]

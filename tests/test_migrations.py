"""Alembic migrations: a database made by the first release upgrades with nothing lost, a fresh one
matches the schema the code expects, a newer one is refused, and concurrent first opens are safe."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from planner.core.exceptions import InputError
from planner.store import migrate
from planner.store.database import Store, token_hash
from planner.store.schema import metadata
from tests.release_schema import make_release_database


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """Every test here makes or upgrades the schema itself: its database starts empty."""
    return empty_db_url


def revision_of(url: str) -> str | None:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = migrate.revision(connection)
    engine.dispose()
    return found


def test_head_constant_is_the_newest_script() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_current_head() == migrate.HEAD


def test_release_database_upgrades_with_nothing_lost(db_url) -> None:
    make_release_database(db_url)
    store = Store.open(db_url)
    assert revision_of(db_url) == migrate.HEAD
    with store.read() as records:
        (plan,), _ = records.plans()
        assert plan.id == "0ld91an5" and plan.roster_key == "roster:abc"
        assert plan.prescription.name == "Ana" and plan.prescription.run_days == (1, 3, 6)
        (checkin,) = records.checkins("0ld91an5")
        assert checkin.pain_during == 2 and checkin.note == "fine"
        assert records.active_token_count("0ld91an5") == 1
        assert (
            records.connection.execute(
                sa.text("SELECT plan_id FROM feed_tokens WHERE token_hash = :h"), {"h": "a" * 64}
            ).scalar()
            == "0ld91an5"
        )
        assert not sa.inspect(records.connection).has_table("meta")
    sync = store.sync_events("0ld91an5", {}, dt.datetime(2026, 3, 5, tzinfo=dt.UTC))
    assert sync.states["x@rehab-planner"].sequence == 5  # the counter went on: now cancelled
    assert migrate.upgrade(store.engine) == migrate.HEAD  # a second open changes nothing


def test_fresh_database_matches_the_schema(db_url) -> None:
    store = Store.open(db_url)
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    with store.write() as records:
        rx_plan = records.connection.execute(sa.select(sa.func.count()).select_from(metadata.tables["plans"]))
        assert rx_plan.scalar() == 0
    assert token_hash("x") != "x"


def test_newer_database_is_refused_with_one_line(db_url) -> None:
    Store.open(db_url)
    engine = sa.create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(InputError, match="newer than this program"):
        Store.open(db_url)


def test_unknown_first_release_version_is_refused(db_url) -> None:
    make_release_database(db_url)
    engine = sa.create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE meta SET value = '7'"))
    engine.dispose()
    with pytest.raises(InputError, match="schema version '7'"):
        Store.open(db_url)


def test_db_upgrade_command(run, db_url) -> None:
    make_release_database(db_url)
    first = run("db", "upgrade")
    assert first.code == 0 and first.out.startswith("Upgraded") and migrate.HEAD in first.out
    again = run("db", "upgrade")
    assert again.code == 0 and "up to date" in again.out


def test_concurrent_first_opens_create_the_schema_once(db_url) -> None:
    code = "import sys; from planner.store.database import Store; Store.open(sys.argv[1])"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, db_url], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    assert revision_of(db_url) == migrate.HEAD

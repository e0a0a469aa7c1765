"""Bring a database to the newest schema with Alembic: once, in one transaction, under a lock.

A database made by the first release (a `meta` table saying schema version 2, no Alembic table) is
adopted at the base revision and upgraded like any other. A database written by a newer program is
refused with one line. The check on every open is one cheap read; Alembic loads only to upgrade.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from planner.core.exceptions import InputError

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0019c"  # the newest revision in migrations/versions (a test keeps the two in step)
BASE = "0001"
RELEASE_SCHEMA_VERSION = "2"
LOCK_KEY = 0x5EB4_9A11  # a PostgreSQL advisory lock: one migration at a time per database
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_FIRST_RELEASE = "first-release"
WRITE = "rehab_planner_write"  # execution option: this transaction will write (SQLite: BEGIN IMMEDIATE)


def revision(connection: Connection) -> str | None:
    """The schema revision: Alembic's, the first release's marker, or None for an empty database."""
    inspector = sa.inspect(connection)
    if inspector.has_table("alembic_version"):
        value = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        return None if value is None else str(value)
    if not inspector.has_table("plans"):
        return None
    version = None
    if inspector.has_table("meta"):
        version = connection.execute(sa.text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    if version != RELEASE_SCHEMA_VERSION:
        raise InputError(f"the database has schema version {version!r}, which this program cannot upgrade")
    return _FIRST_RELEASE


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def upgrade(engine: Engine) -> str | None:
    """Upgrade to HEAD; returns the revision it started from, or HEAD when nothing was to do."""
    with engine.connect() as connection:
        if revision(connection) == HEAD:
            return HEAD
    from alembic import command

    with engine.connect() as plain, plain.execution_options(**{WRITE: True}).begin() as transaction:
        connection = transaction.connection
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        start = revision(connection)  # again, under the lock: another process may have done it
        if start == HEAD:
            return HEAD
        if start not in (None, _FIRST_RELEASE) and start not in known_revisions():
            raise InputError(
                f"the database has schema revision {start!r}, newer than this program: upgrade Rehab Planner"
            )
        config = alembic_config(connection)
        if start == _FIRST_RELEASE:
            command.stamp(config, BASE)
        command.upgrade(config, "head")
    return start

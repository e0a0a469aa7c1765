"""Alembic environment: always run on the connection planner.store.migrate hands over, inside its
transaction (and, on PostgreSQL, under its advisory lock)."""

from __future__ import annotations

from alembic import context

from planner.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

"""Alembic migrations for SQLite and PostgreSQL; run through planner.store.migrate, not a config file."""

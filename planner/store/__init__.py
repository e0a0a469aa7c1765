"""Storage with SQLAlchemy Core (SQLite or PostgreSQL): the schema, its Alembic migrations, the store
and the calendar sync bookkeeping."""

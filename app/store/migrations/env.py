"""Alembic's environment: run on the connection ``app.store.database.upgrade`` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from app.store.models import Base

ADVISORY_LOCK = 0x5C5C0024  # any fixed number: one migrating replica at a time


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE through copies
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()

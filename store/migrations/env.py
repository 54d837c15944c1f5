"""Alembic environment: runs on the connection the store hands over (or on a URL from the CLI)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from store import (
    account_tables,  # noqa: F401  (registers the account tables)
    outbox_tables,  # noqa: F401  (registers the outbox)
    work_tables,  # noqa: F401  (registers assignments, comments, owner links)
)
from store.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from store.config import load_settings

        url = load_settings().database_url
    with create_engine(url).connect() as conn:
        _run(conn)
        conn.commit()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run them against a database")
run_migrations_online()

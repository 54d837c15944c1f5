"""Engine set-up and schema migrations, the same code for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from domain.errors import StoreUnavailable

MIGRATIONS = Path(__file__).with_name("migrations")
# execution option of a connection that will write: on SQLite its transaction begins IMMEDIATE
WRITE_TRANSACTION = "gbt_audit_write"
SQLITE_BUSY_TIMEOUT_MS = 15_000  # a writer waits this long for another (a long import) to finish


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 runs SELECTs outside any transaction and begins one only at the first
    # write, so a read-check-write (close a round, save against a version) saw no consistent
    # state. The driver's own transaction handling is switched off; _sqlite_begin says BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys unless asked
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer (two tabs)
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints, atomic
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """A write transaction takes SQLite's write lock at BEGIN (waiting up to the busy timeout),
    so everything it reads stays current until it commits; a read gets one consistent snapshot."""
    immediate = connection.get_execution_options().get(WRITE_TRANSACTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (creates it on a new database)."""
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def head_revision() -> str | None:
    """The newest migration: what ``migrate`` brings a database to."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


@contextmanager
def reported(engine: Engine) -> Iterator[None]:
    """Turn "the database cannot be used" into StoreUnavailable with a texts/ code; every other
    database error (a bug, a broken rule) passes unchanged."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        raise unavailable(engine, exc) or exc from None


def unavailable(engine: Engine, exc: DBAPIError) -> StoreUnavailable | None:
    text = str(exc.orig).lower()
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if "database or disk is full" in text or sqlstate in ("53100", "53400"):  # disk full, quota
        return StoreUnavailable("store.disk_full", where=_shown(engine))
    if "database is locked" in text or "database table is locked" in text:
        return StoreUnavailable("store.database_busy", seconds=SQLITE_BUSY_TIMEOUT_MS // 1000)
    if engine.dialect.name == "sqlite":
        if "unable to open database file" in text or "disk i/o error" in text:
            return StoreUnavailable(
                "store.database_unreachable", url=_shown(engine), reason=exc.orig
            )
        return None
    # PostgreSQL: no SQLSTATE means the connection itself failed; class 08 is a lost connection
    if sqlstate is None or sqlstate.startswith("08") or exc.connection_invalidated:
        first_line = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
        return StoreUnavailable(
            "store.database_unreachable", url=_shown(engine), reason=first_line[:200]
        )
    return None


def _shown(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)

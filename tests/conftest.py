import shutil
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

import settings as listed
import store.accounts as _accounts

# the tests import their helpers (catalogue_builder) as plain modules
sys.path.insert(0, str(Path(__file__).parent))

PG_URL = listed.TEST_PG_URL.read()

# The tests hash hundreds of passwords: argon2 at the library's recommended cost is 0.11 s a
# hash, five for every test that builds a team (tests/account_helpers.team), about a tenth of
# the suite's time. In this process they are hashed cheaply; the app's servers and the command
# line the tests start keep the real cost (tests/test_password_cost.py checks that), and a
# cheap hash made here is upgraded at its first sign-in there, as any old hash is.
_accounts._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _postgres_reason() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when the server answers."""
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(PG_URL)
        psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            dbname=url.database,
            connect_timeout=3,
        ).close()
    except Exception as exc:  # any failure to connect means: skip, and say why
        return f"PostgreSQL at {PG_URL} not reachable ({type(exc).__name__}: {exc})"
    return None


@pytest.fixture(scope="session")
def postgres_unavailable() -> str | None:
    return _postgres_reason()


ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file migrated to the newest revision (with the bundled catalogue, which every
    opening registers), once per test session: each test gets a copy instead of migrating."""
    from store import Settings, open_store

    folder = tmp_path_factory.mktemp("migrated")
    path = folder / "audit.db"
    settings = Settings(folder, f"sqlite:///{path}", folder / "evidence", 1 << 20)
    open_store(settings).engine.dispose()  # the last connection gone: the WAL is checkpointed
    assert not path.with_name("audit.db-wal").exists()
    return path


@pytest.fixture(scope="session")
def migration_sql(postgres_unavailable) -> list[tuple[str, Any]]:
    """The SQL the migrations send to a new PostgreSQL schema, recorded once per test session
    from a real migration into a schema of its own. Replayed into a test's own new schema it
    builds the same tables, triggers and functions in a fraction of the migrations' time (no
    Alembic start-up per test); concurrent runs each record and replay their own."""
    if postgres_unavailable:
        pytest.skip(postgres_unavailable)
    from sqlalchemy import event

    from store.database import make_engine, migrate

    recorded: list[tuple[str, Any]] = []
    with _postgres_schema() as url:
        engine = make_engine(url)

        @event.listens_for(engine, "before_cursor_execute")
        def record(conn, cursor, statement, parameters, context, executemany):
            recorded.append((statement, parameters))

        migrate(engine)
        engine.dispose()
    return recorded


class _postgres_schema:
    """A new, empty schema on the test server, dropped on exit; its URL sets the search path."""

    def __enter__(self) -> str:
        from sqlalchemy import create_engine

        self.schema = f"t_{uuid.uuid4().hex[:12]}"
        self.admin = create_engine(PG_URL)
        with self.admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {self.schema}")
        sep = "&" if "?" in PG_URL else "?"
        return f"{PG_URL}{sep}options=-csearch_path%3D{self.schema}"

    def __exit__(self, *exc: object) -> None:
        with self.admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {self.schema} CASCADE")
        self.admin.dispose()


@pytest.fixture(params=ENGINES)
def database_url(request, tmp_path, postgres_unavailable):
    """A database at the newest revision, as a new store finds it after its first opening: a
    copy of the session's migrated SQLite file, or a new schema on the PostgreSQL server built
    by the migrations' recorded SQL. (The migrations are tested from empty_database_url.)"""
    if request.param == "sqlite":
        path = tmp_path / "audit.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        yield f"sqlite:///{path}"
        return
    if postgres_unavailable:
        pytest.skip(postgres_unavailable)
    statements = request.getfixturevalue("migration_sql")
    from sqlalchemy import create_engine

    with _postgres_schema() as url:
        engine = create_engine(url)
        with engine.begin() as connection:
            for statement, parameters in statements:
                connection.exec_driver_sql(statement, parameters or ())
        engine.dispose()
        yield url


@pytest.fixture(params=ENGINES)
def empty_database_url(request, tmp_path, postgres_unavailable):
    """A fresh, empty database: a SQLite file, or a new schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.db'}"
        return
    if postgres_unavailable:
        pytest.skip(postgres_unavailable)
    with _postgres_schema() as url:
        yield url


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3-compatible server (moto's server mode) on 127.0.0.1, one per test session."""
    from s3_server import moto_server

    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["folder", "s3"])
def evidence_backend(request):
    """Where a test store keeps its evidence: None for the local folder (the default), or the
    settings of a new bucket on the moto server."""
    if request.param == "folder":
        return None
    from s3_server import new_bucket

    return new_bucket(request.getfixturevalue("s3_endpoint"))


@pytest.fixture(autouse=True)
def no_unexpected_app_error(request, caplog):
    """The app shows an unexpected error as a polite message and logs it; a test of the app
    fails on such a log line unless it expects one (marker ``app_error_expected``)."""
    yield
    if request.node.get_closest_marker("app_error_expected"):
        return
    logged = [r for r in caplog.records if r.name == "gbt_audit.app"]
    assert not logged, f"the app hit an unexpected error: {logged[0].exc_info!r}"


# A journey that fails and then passes on its rerun is named in the summary (-raR), but its
# first failure is not printed anywhere: kept here (the controller sees every worker's report)
# and printed at the end, so a flaky step can be found from one CI log.
_FIRST_FAILURES: list[tuple[str, str]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.outcome == "rerun":
        _FIRST_FAILURES.append((report.nodeid, report.longreprtext))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for nodeid, text in _FIRST_FAILURES:
        terminalreporter.write_sep("-", f"{nodeid}: failed first, passed on its rerun")
        terminalreporter.write_line(text[-6000:])

import sys
import uuid
from pathlib import Path

import pytest

import settings as listed

# the tests import their helpers (catalogue_builder) as plain modules
sys.path.insert(0, str(Path(__file__).parent))

PG_URL = listed.TEST_PG_URL.read()


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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path, postgres_unavailable):
    """A fresh, empty database: a SQLite file, or a new schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.db'}"
        return
    if postgres_unavailable:
        pytest.skip(postgres_unavailable)
    from sqlalchemy import create_engine

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture(autouse=True)
def no_unexpected_app_error(request, caplog):
    """The app shows an unexpected error as a polite message and logs it; a test of the app
    fails on such a log line unless it expects one (marker ``app_error_expected``)."""
    yield
    if request.node.get_closest_marker("app_error_expected"):
        return
    logged = [r for r in caplog.records if r.name == "gbt_audit.app"]
    assert not logged, f"the app hit an unexpected error: {logged[0].exc_info!r}"

"""Settings are checked in one place and a database that cannot be used is a clear refusal —
naming the setting to fix — never a traceback; SQLite waits for a busy writer instead of failing."""

import threading

import pytest
from sqlalchemy import event, text
from store_helpers import new_store, test_audit

import store.database
from cli.main import main
from scoring import Status
from store import SettingsError, StoreUnavailable, load_settings


@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-inf", "-5", "0", "1e9", "1e-9", "50MB"])
def test_an_unusable_upload_limit_is_refused_by_its_name(raw):
    with pytest.raises(SettingsError) as refused:
        load_settings({"GBT_AUDIT_MAX_UPLOAD_MB": raw})
    assert refused.value.setting == "GBT_AUDIT_MAX_UPLOAD_MB"
    assert "GBT_AUDIT_MAX_UPLOAD_MB" in refused.value.message("en")
    assert raw in refused.value.message("zh")


def test_a_sensible_upload_limit_is_taken_in_mebibytes():
    assert load_settings({"GBT_AUDIT_MAX_UPLOAD_MB": "0.5"}).max_upload_bytes == 512 * 1024
    assert load_settings({}).max_upload_bytes == 50 * 1024 * 1024


@pytest.mark.parametrize(
    "url",
    ["not a url", "mysql://root@127.0.0.1/audits", "postgresql+nosuchdriver://u@127.0.0.1/a"],
)
def test_a_bad_database_url_is_refused_by_its_name(url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GBT_AUDIT_DATABASE_URL", url)
    assert main(["list"]) == 1
    err = capsys.readouterr().err
    assert "GBT_AUDIT_DATABASE_URL" in err and "Traceback" not in err


def test_a_password_in_a_bad_database_url_is_not_shown(tmp_path, monkeypatch, capsys):
    with pytest.raises(SettingsError) as refused:
        load_settings({"GBT_AUDIT_DATABASE_URL": "postgresql://qm:s3cret@db:port/audits"})
    assert "s3cret" not in str(refused.value)


def test_an_unreachable_database_is_refused_with_the_setting_to_check(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path))
    # nothing listens on port 1: the connection is refused at once
    monkeypatch.setenv("GBT_AUDIT_DATABASE_URL", "postgresql+psycopg://qm:s3cret@127.0.0.1:1/a")
    assert main(["list"]) == 1
    err = capsys.readouterr().err
    assert "cannot reach the database" in err and "GBT_AUDIT_DATABASE_URL" in err
    assert "s3cret" not in err and "Traceback" not in err


def test_an_unusable_upload_limit_stops_the_cli_with_exit_1(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GBT_AUDIT_MAX_UPLOAD_MB", "nan")
    assert main(["list"]) == 1
    err = capsys.readouterr().err
    assert "GBT_AUDIT_MAX_UPLOAD_MB" in err and "Traceback" not in err


def hold_write_lock(path, seconds: float, holding: threading.Event) -> threading.Thread:
    """Another process's long write (an import): SQLite's write lock held for ``seconds``."""
    import sqlite3

    def run() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        holding.set()
        threading.Event().wait(seconds)
        connection.execute("ROLLBACK")
        connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_sqlite_waits_for_a_long_write_instead_of_saying_locked(tmp_path):
    store = new_store(f"sqlite:///{tmp_path / 'audit.db'}", tmp_path)
    audit = test_audit(store)
    holding = threading.Event()
    writer = hold_write_lock(tmp_path / "audit.db", 6, holding)  # longer than the old 5 s
    holding.wait(5)
    saved = store.save_item(
        audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING
    )
    writer.join()
    assert saved.version == 1


def test_sqlite_busy_past_the_wait_is_a_clear_refusal(tmp_path, monkeypatch):
    monkeypatch.setattr(store.database, "SQLITE_BUSY_TIMEOUT_MS", 200)
    audit_store = new_store(f"sqlite:///{tmp_path / 'audit.db'}", tmp_path)
    audit = test_audit(audit_store)
    holding = threading.Event()
    writer = hold_write_lock(tmp_path / "audit.db", 2, holding)
    holding.wait(5)
    with pytest.raises(StoreUnavailable) as refused:
        audit_store.save_item(
            audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING
        )
    writer.join()
    assert refused.value.code == "store.database_busy"
    assert audit_store.item(audit.id, "1.1.1").version == 0


def test_a_full_database_is_a_clear_refusal_and_keeps_the_saved_entry(tmp_path):
    audit_store = new_store(f"sqlite:///{tmp_path / 'audit.db'}", tmp_path)
    audit = test_audit(audit_store)
    audit_store.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", notes="已保存")

    def no_room(dbapi_connection, _record):  # SQLite's own "database or disk is full"
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 1}")

    event.listen(audit_store.engine, "connect", no_room)
    audit_store.engine.dispose()
    with pytest.raises(StoreUnavailable) as refused:
        audit_store.save_item(
            audit.id, "1.1.1", expected_version=1, actor="qm", notes="长文本" * 100_000
        )
    assert refused.value.code == "store.disk_full"
    assert "storage is full" in refused.value.message("en")
    event.remove(audit_store.engine, "connect", no_room)
    audit_store.engine.dispose()
    kept = audit_store.item(audit.id, "1.1.1")
    assert (kept.version, kept.notes) == (1, "已保存")
    with audit_store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_postgresql_reporting_a_full_disk_is_a_clear_refusal_and_keeps_the_saved_entry(
    database_url, tmp_path
):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's own full database is the test above")
    audit_store = new_store(database_url, tmp_path)
    audit = test_audit(audit_store)
    audit_store.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", notes="已保存")
    # the server itself answers as it does when it cannot extend a file (SQLSTATE 53100)
    with audit_store.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE FUNCTION no_room() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER no_room BEFORE UPDATE ON item_assessments "
                "FOR EACH ROW EXECUTE FUNCTION no_room()"
            )
        )
    with pytest.raises(StoreUnavailable) as refused:
        audit_store.save_item(audit.id, "1.1.1", expected_version=1, actor="qm", notes="新内容")
    assert refused.value.code == "store.disk_full"
    assert "storage is full" in refused.value.message("en")
    kept = audit_store.item(audit.id, "1.1.1")
    assert (kept.version, kept.notes) == (1, "已保存")

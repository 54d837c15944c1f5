"""The change log is evidence of who changed what: strictly append-only in the database, and
chained by hash so that a rewrite by anyone who gets past the database's guards is detected and
the first altered entry named."""

import hashlib
import threading
from datetime import date
from itertools import pairwise

import pytest
from alembic import command
from sqlalchemy import text
from store_helpers import CATALOGUE_TEXT, company, new_store, sign_off, test_audit

from scoring import Status
from store.archive import export_audit, import_archive
from store.changelog import GENESIS
from store.database import alembic_config, make_engine, migrate


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


@pytest.fixture
def audit(store):
    return test_audit(store)


def rewrite(store, *statements: str) -> None:
    """What the database's owner (or a superuser) can do: switch the guards off and rewrite."""
    postgres = store.engine.dialect.name == "postgresql"
    with store.engine.begin() as connection:
        if postgres:
            connection.execute(text("ALTER TABLE change_log DISABLE TRIGGER USER"))
        else:
            for name in ("change_log_no_update", "change_log_no_delete"):
                connection.execute(text(f"DROP TRIGGER {name}"))
        for statement in statements:
            connection.execute(text(statement))
        if postgres:
            connection.execute(text("ALTER TABLE change_log ENABLE TRIGGER USER"))


def saves(store, audit, n: int) -> None:
    for i in range(n):
        version = store.item(audit.id, "1.1.1").version
        store.save_item(audit.id, "1.1.1", expected_version=version, actor="qm", notes=f"第 {i} 次")


def test_replace_upsert_and_truncate_cannot_rewrite_the_log(store, audit):
    saves(store, audit, 2)
    before = store.changes()
    if store.engine.dialect.name == "sqlite":
        # REPLACE deletes the old row without firing delete triggers (recursive_triggers off)
        attacks = [
            "INSERT OR REPLACE INTO change_log "
            "(id, at, actor, entity, field, old, new, prev_hash, entry_hash) "
            "SELECT id, at, 'forger', entity, field, old, new, prev_hash, entry_hash "
            "FROM change_log WHERE id = 1",
            "REPLACE INTO change_log (id, at, actor, entity, field, prev_hash, entry_hash) "
            "SELECT id, at, 'forger', entity, field, prev_hash, entry_hash FROM change_log",
        ]
    else:
        attacks = ["TRUNCATE change_log", "TRUNCATE change_log CASCADE"]
    attacks.append(  # an upsert is an update, whichever engine
        "INSERT INTO change_log (id, at, actor, entity, field, prev_hash, entry_hash) "
        "SELECT id, at, 'forger', entity, field, prev_hash, entry_hash FROM change_log WHERE true "
        "ON CONFLICT (id) DO UPDATE SET actor = 'forger'"
    )
    for attack in attacks:
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(attack))
    assert store.changes() == before
    assert store.verify_change_log().ok


def test_every_entry_is_chained_to_the_one_before(store, audit):
    saves(store, audit, 3)
    check = store.verify_change_log()
    assert check.ok and check.entries == len(store.changes()) >= 5
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT prev_hash, entry_hash FROM change_log ORDER BY id")
        ).all()
    assert rows[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in pairwise(rows))


def test_verify_names_the_first_entry_whose_content_was_rewritten(store, audit):
    saves(store, audit, 3)
    rewrite(store, "UPDATE change_log SET actor = 'someone else' WHERE id = 3")
    check = store.verify_change_log()
    assert (check.ok, check.first_broken, check.reason) == (False, 3, "content_changed")


def test_verify_names_the_entry_after_a_removed_one(store, audit):
    saves(store, audit, 3)
    rewrite(store, "DELETE FROM change_log WHERE id = 2")
    check = store.verify_change_log()
    assert (check.first_broken, check.reason) == (3, "previous_missing_or_changed")


def test_rehashing_a_rewritten_entry_still_breaks_the_next_link(store, audit):
    saves(store, audit, 3)
    rewrite(
        store,
        "UPDATE change_log SET entry_hash = 'ab' || substr(entry_hash, 3) WHERE id = 2",
    )
    check = store.verify_change_log()
    assert check.first_broken == 2


def test_concurrent_writers_never_fork_the_chain(store, audit):
    items = ["1.1.1", "1.2.1", "2.1.1", "2.1.2"]
    failures: list[BaseException] = []

    def writer(item_id: str) -> None:
        try:
            for i in range(15):
                version = store.item(audit.id, item_id).version
                store.save_item(
                    audit.id, item_id, expected_version=version, actor=item_id, notes=str(i)
                )
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    check = store.verify_change_log()
    assert check.ok and check.entries == len(store.changes())
    assert len(store.changes(audit_id=audit.id)) == 1 + 4 * 15  # "created" and every save


def test_the_migration_chains_the_entries_written_before_it(empty_database_url):
    engine = make_engine(empty_database_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO change_log (at, actor, entity, field, old, new) VALUES "
                "('2026-11-01 08:00:00', 'qm', 'organisation', 'created', NULL, '华东'), "
                "('2026-11-01 08:00:01', 'qm', 'organisation', 'name', '华东', '华东家电')"
            )
        )
    migrate(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT prev_hash, entry_hash FROM change_log")).all()
    assert rows[0].prev_hash == GENESIS and rows[1].prev_hash == rows[0].entry_hash
    from store import AuditStore
    from store.database import current_revision, head_revision

    assert current_revision(engine) == head_revision()
    store = AuditStore(engine, None, None)  # the log alone: no evidence needed
    check = store.verify_change_log()
    assert check.ok and check.entries == 2
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE change_log SET actor = 'forger'"))


def test_entries_from_an_archive_are_marked_with_its_sha256(store, tmp_path):
    origin = new_store(f"sqlite:///{tmp_path / 'origin' / 'audit.db'}", tmp_path / "origin")
    origin.register_catalogue(CATALOGUE_TEXT)
    audit = test_audit(origin, company(origin))
    origin.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    archive = export_audit(origin, audit.id, tmp_path / "audit.zip")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()

    own = company(store, name="本机已有的组织")
    imported = import_archive(store, archive, actor="client")

    entries = store.changes(organisation_id=imported.organisation_id)
    from_archive = [e for e in entries if e.imported_sha256]
    assert {e.imported_sha256 for e in from_archive} == {digest}
    assert {(e.actor, e.field) for e in from_archive} >= {("qm", "created"), ("qm", "status")}
    # the line saying who imported it is this machine's own, not the archive's
    assert [(e.actor, e.new) for e in entries if not e.imported_sha256] == [("client", "audit.zip")]
    assert all(e.imported_sha256 is None for e in store.changes(organisation_id=own.id))
    assert store.verify_change_log().ok


def test_a_new_round_and_its_log_lines_are_one_chain(store, audit):
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    sign_off(store, audit.id)
    store.close_round(
        audit.id,
        expected_version=store.audit(audit.id).version,
        actor="qm",
        next_date=date(2027, 11, 1),
    )
    assert store.verify_change_log().ok


# The README's recommended grants for the app's own PostgreSQL role ({schema} is usually public).
APP_ROLE_GRANTS = """
GRANT USAGE ON SCHEMA {schema} TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};
REVOKE UPDATE, DELETE ON {schema}.change_log FROM {role};
REVOKE INSERT, UPDATE, DELETE ON {schema}.alembic_version FROM {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};
"""


def test_the_apps_own_postgresql_role_works_but_cannot_touch_the_guards(store, tmp_path):
    if store.engine.dialect.name != "postgresql":
        pytest.skip("database roles are PostgreSQL's; a SQLite file is guarded by its folder")
    import uuid

    from sqlalchemy.engine import make_url

    role = f"gbt_app_{uuid.uuid4().hex[:10]}"
    with store.engine.begin() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        connection.execute(text(f"CREATE ROLE {role} LOGIN"))
        for grant in APP_ROLE_GRANTS.format(schema=schema, role=role).strip().splitlines():
            connection.execute(text(grant))
    url = make_url(str(store.engine.url.render_as_string(hide_password=False)))
    app = None
    try:
        app = new_store(url.set(username=role).render_as_string(False), tmp_path / "app")
        audit = test_audit(app)  # the app works as this role: opens, migrates (no-op), saves
        app.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
        assert app.verify_change_log().ok
        for attack, refusal in [
            ("DROP TRIGGER change_log_append_only ON change_log", "must be owner"),
            ("ALTER TABLE change_log DISABLE TRIGGER USER", "must be owner"),
            ("DROP FUNCTION change_log_append_only() CASCADE", "must be owner"),
            ("TRUNCATE change_log", "permission denied"),
            ("UPDATE change_log SET actor = 'forger'", "permission denied"),
            ("DELETE FROM change_log", "permission denied"),
            ("DROP TABLE change_log CASCADE", "must be owner"),
        ]:
            with pytest.raises(Exception, match=refusal), app.engine.begin() as connection:
                connection.execute(text(attack))
        assert app.verify_change_log().ok
    finally:
        if app is not None:
            app.engine.dispose()
        with store.engine.begin() as connection:
            connection.execute(text(f"DROP OWNED BY {role}"))
            connection.execute(text(f"DROP ROLE {role}"))


def test_the_hash_covers_the_account_and_entries_without_one_hash_as_before():
    """Entries written before the account was recorded keep their hashes; an entry's account
    cannot be changed or removed without breaking its link."""
    from datetime import datetime

    from store.changelog import Entry, entry_hash

    at = datetime(2026, 12, 1, 8, 0, 0)
    plain = Entry(at, "编辑王", 1, 2, "item 1.1.1", "status", None, "conforming")
    # the hash this entry had before accounts were recorded (computed at 8796eea)
    assert entry_hash(GENESIS, plain) == (
        "de46b9813f1ca0a6c3efa598a61f3f4755f7f656f1906f0a8b3f78bdcf1558b2"
    )
    signed = Entry(at, "编辑王", 1, 2, "item 1.1.1", "status", None, "conforming", None, 7, "wang")
    other = Entry(at, "编辑王", 1, 2, "item 1.1.1", "status", None, "conforming", None, 8, "li")
    assert len({entry_hash(GENESIS, e) for e in (plain, signed, other)}) == 3

"""The migrations build exactly the schema the code declares, on SQLite and PostgreSQL."""

import pytest
from alembic import command
from sqlalchemy import inspect

from store.database import (
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    migrate,
)

HEAD = head_revision()  # the newest revision: every test below migrates to it


def test_migrations_match_the_tables_the_code_declares(empty_database_url):
    engine = make_engine(empty_database_url)
    migrate(engine)
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.check(config)  # raises if autogenerate would find any difference


def test_migrating_twice_changes_nothing_and_a_new_database_starts_at_head(empty_database_url):
    engine = make_engine(empty_database_url)
    migrate(engine)
    first = current_revision(engine)
    tables = set(inspect(engine).get_table_names())
    migrate(engine)
    assert current_revision(engine) == first == HEAD
    assert set(inspect(engine).get_table_names()) == tables
    assert {"organisations", "audits", "item_assessments", "evidence", "change_log"} <= tables


def test_the_change_log_chain_migration_goes_down_and_up_again_keeping_the_guards(
    empty_database_url,
):
    from sqlalchemy import text

    engine = make_engine(empty_database_url)
    migrate(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO change_log (at, actor, entity, field) "
                "VALUES (CURRENT_TIMESTAMP, 'qm', 'audit', 'created')"
            )
        )
    migrate(engine)
    assert current_revision(engine) == HEAD
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM change_log"))


def test_the_evidence_revisions_migration_goes_down_and_up_keeping_the_documents(
    empty_database_url,
):
    """0005 adds revisions, covered periods and requests; documents stored before it become
    their own first revision, and going back to 0004 keeps them."""
    from sqlalchemy import text

    engine = make_engine(empty_database_url)
    migrate(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert current_revision(engine) == "0004"
    assert "evidence_requests" not in inspect(engine).get_table_names()
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisations (uid, name, credit_code, address, legal_representative,"
                " contact_name, contact_phone, contact_email, products_in_scope, business_scope,"
                " profile, honours, archived, created_at, version) VALUES ('u1', '甲公司', '', '',"
                " '', '', '', '', '', '', '', '', false, CURRENT_TIMESTAMP, 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO evidence (organisation_id, sha256, title, kind, original_name, size,"
                " media_type, uploaded_by, uploaded_at, version) SELECT id, :sha, '制度', 'policy',"
                " 'a.pdf', 10, 'application/pdf', 'qm', CURRENT_TIMESTAMP, 1 FROM organisations"
            ),
            {"sha": "a" * 64},
        )
    migrate(engine)
    assert current_revision(engine) == HEAD
    with engine.begin() as connection:
        row = connection.execute(
            text("SELECT revision, previous_id, covered_from FROM evidence")
        ).one()
    assert tuple(row) == (1, None, None)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    with engine.begin() as connection:
        assert connection.execute(text("SELECT title FROM evidence")).scalar_one() == "制度"


def test_accounts_sharing_a_display_name_are_told_apart_by_migration_0010_losing_nothing(
    empty_database_url,
):
    """An old database may hold '编辑王' twice (and a name imitating a rename): the oldest keeps
    its name, the others become 'name (login)' (with '#id' when that is taken too), each rename
    a change-log line from the old name to the new one, and the chain still verifies."""
    from sqlalchemy import text

    from store import AuditStore

    engine = make_engine(empty_database_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0009")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (login, display_name, password_hash, administrator, active, "
                "created_at) VALUES "
                "('wang', '编辑王', '', true, true, '2026-11-01 08:00:00'), "
                "('wang2', '编辑王 ', '', false, true, '2026-11-01 08:00:01'), "
                "('li', '李', '', false, true, '2026-11-01 08:00:02'), "
                "('wang3', '编辑王 (wang2)', '', false, true, '2026-11-01 08:00:03'), "
                "('wang3b', 'ＥＤＩＴ', '', false, true, '2026-11-01 08:00:04'), "
                "('edit', 'edit', '', false, true, '2026-11-01 08:00:05')"
            )
        )
    migrate(engine)
    assert current_revision(engine) == HEAD
    with engine.connect() as connection:
        names = dict(connection.execute(text("SELECT login, display_name FROM users")).all())
    assert names == {
        "wang": "编辑王",
        "wang2": "编辑王  (wang2 #2)",
        "li": "李",
        "wang3": "编辑王 (wang2)",
        "wang3b": "ＥＤＩＴ",
        "edit": "edit (edit)",
    }
    store = AuditStore(engine, None, None)
    renames = [(c.entity, c.old, c.new) for c in reversed(store.changes())]
    assert renames == [
        ("user wang2", "编辑王 ", "编辑王  (wang2 #2)"),
        ("user edit", "edit", "edit (edit)"),
    ]
    assert store.verify_change_log().ok
    from store.accounts import AccountError, Accounts

    with pytest.raises(AccountError) as taken:
        Accounts(store).add_user("zhao", "编辑王 (WANG2)", actor="setup", email="z@example.cn")
    assert taken.value.code == "auth.error.display_name_taken"

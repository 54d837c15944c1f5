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


def test_migrations_match_the_tables_the_code_declares(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.check(config)  # raises if autogenerate would find any difference


def test_migrating_twice_changes_nothing_and_a_new_database_starts_at_head(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    first = current_revision(engine)
    tables = set(inspect(engine).get_table_names())
    migrate(engine)
    assert current_revision(engine) == first == HEAD
    assert set(inspect(engine).get_table_names()) == tables
    assert {"organisations", "audits", "item_assessments", "evidence", "change_log"} <= tables


def test_the_change_log_chain_migration_goes_down_and_up_again_keeping_the_guards(database_url):
    from sqlalchemy import text

    engine = make_engine(database_url)
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

"""The migrations build exactly the schema the code declares, on SQLite and PostgreSQL."""

from alembic import command
from sqlalchemy import inspect

from store.database import alembic_config, current_revision, make_engine, migrate


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
    assert current_revision(engine) == first == "0001"
    assert set(inspect(engine).get_table_names()) == tables
    assert {"organisations", "audits", "item_assessments", "evidence", "change_log"} <= tables

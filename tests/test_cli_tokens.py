"""``gbt-audit token``: a personal API token is printed once (only its hash is kept), listed
without it, and revoked; changes act as the named administrator account. SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.tokens import actor_of
from cli.main import main
from scoring import display
from store import open_store
from store.account_tables import ApiTokenRow
from store.accounts import Accounts
from store.config import display_zone
from store.uow import UnitOfWork

PASSWORD = "correct horse battery"
TODAY = display.today(display_zone())


@pytest.fixture
def store(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GBT_AUDIT_DATABASE_URL", database_url)
    monkeypatch.delenv("GBT_AUDIT_CLI_ACCOUNT", raising=False)
    store = open_store()
    accounts = Accounts(store)
    accounts.add_user("boss", "老板", password=PASSWORD, administrator=True, actor="setup")
    accounts.add_user("wang", "王经理", password=PASSWORD, actor="setup")
    yield store
    store.engine.dispose()


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_token_is_printed_once_works_is_listed_without_itself_and_revoked(store, capsys):
    code, out, err = run(capsys, "token", "add", "wang", "--as", "boss", "--label", "日历")
    assert code == 0, err
    token = out.strip()
    assert token.startswith("gbt_") and len(token) > 40 and "\n" not in token
    actor = actor_of(store, token, TODAY)
    assert actor is not None and actor.login == "wang"
    with UnitOfWork(store, write=False) as uow:  # the store holds its hash, never the token
        (row,) = uow.session.query(ApiTokenRow).all()
        assert row.token_hash != token and token not in (row.token_hash, row.hint, row.label)
        assert row.hint == token[:8] and len(row.token_hash) == 64
        token_id = row.id

    code, out, _ = run(capsys, "token", "list", "wang", "--lang", "en")
    assert code == 0 and token not in out
    assert f"#{token_id}\t{token[:8]}…\tactive\t日历" in out

    code, out, err = run(capsys, "token", "revoke", token_id, "--as", "boss", "--lang", "en")
    assert code == 0, err
    assert actor_of(store, token, TODAY) is None
    assert "\trevoked\t" in run(capsys, "token", "list", "wang", "--lang", "en")[1]
    code, _, err = run(capsys, "token", "revoke", token_id, "--as", "boss", "--lang", "en")
    assert code == 1 and "revoked already" in err
    lines = [c for c in store.changes(limit=5) if c.field == "api_token"]
    assert [(c.actor, c.old, c.new) for c in lines] == [
        ("老板", f"#{token_id} {token[:8]}…", "revoked"),
        ("老板", None, f"#{token_id} {token[:8]}… 日历"),
    ]


def test_changes_need_a_named_administrator_and_refusals_change_nothing(store, capsys):
    code, out, err = run(capsys, "token", "add", "wang")
    assert (code, out) == (1, "") and "GBT_AUDIT_CLI_ACCOUNT" in err
    code, out, err = run(capsys, "token", "add", "wang", "--as", "wang")
    assert (code, out) == (1, "")
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    code, out, err = run(
        capsys, "token", "add", "wang", "--as", "boss", "--expires", yesterday, "--lang", "en"
    )
    assert (code, out) == (1, "") and "must be after today" in err
    code, out, err = run(capsys, "token", "add", "nobody", "--as", "boss", "--lang", "en")
    assert (code, out) == (1, "") and "nobody" in err
    assert run(capsys, "token", "list", "wang")[1] == ""


def test_an_expiring_token_works_until_its_day(store, capsys):
    tomorrow = TODAY + timedelta(days=1)
    code, out, _ = run(capsys, "token", "add", "wang", "--as", "boss", "--expires", tomorrow)
    assert code == 0
    token = out.strip()
    assert actor_of(store, token, TODAY) is not None
    assert actor_of(store, token, tomorrow) is None

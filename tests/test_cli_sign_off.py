"""A change made through the command line withdraws a round's sign-off exactly as the same change
made in the app does: the same event, the same change-log line, in the same transaction as the
change (issue 18). Before, ``gbt-audit evidence add --item`` linked evidence to a signed-off round
and left the sign-off standing."""

from __future__ import annotations

import pytest
from account_helpers import team
from evidence_samples import pdf
from store_helpers import CATALOGUE_TEXT

from cli.main import main
from domain.account_records import ReviewKind, ReviewState
from services import review, rounds
from services.context import Context
from store import open_store
from store.access import GuardedStore
from texts import t as text_of

ITEM = "1.1.1"


@pytest.fixture
def t(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GBT_AUDIT_DATABASE_URL", database_url)
    monkeypatch.delenv("GBT_AUDIT_EVIDENCE_URL", raising=False)
    monkeypatch.delenv("GBT_AUDIT_CLI_ACCOUNT", raising=False)
    store = open_store()
    store.register_catalogue(CATALOGUE_TEXT, "test-catalogue.yaml")
    people = team(store)
    for audit in (people.audit_a.id, people.audit_b.id):
        consultant = Context(people.actor("consultant"), store)
        rounds.save_item(consultant, audit, ITEM, expected_version=0, status="conforming")
        review.submit_for_review(consultant, audit)
        review.sign_off(Context(people.actor("admin"), store), audit)
    return store, people


def _file(tmp_path, name="售后服务管理制度.pdf", content=None):
    path = tmp_path / name
    path.write_bytes(pdf() if content is None else content)
    return path


def _withdrawal(store, audit_id):
    """The round's last review event and its change-log line."""
    status = review.review_status(Context.local_administrator(store, "test"), audit_id)
    lines = [c for c in store.changes(audit_id=audit_id, limit=20) if c.field == "review"]
    return status, lines[0]


def test_evidence_linked_through_the_command_line_withdraws_the_sign_off_as_the_app_does(
    t, tmp_path, capsys
):
    store, people = t
    # the app: the consultant uploads a document to organisation B's round and links it
    app = GuardedStore(store, people.actor("consultant"))
    with _file(tmp_path, "制度-app.pdf").open("rb") as stream:
        document, _ = app.add_evidence(
            people.b.id, "制度-app.pdf", stream, title="制度", kind="policy", actor=""
        )
    app.link_evidence(people.audit_b.id, ITEM, document.id, actor="")
    # the command line: the named administrator adds a file to organisation A's round
    path = _file(tmp_path)
    command = ["evidence", "add", str(people.audit_a.id), str(path), "--item", ITEM]
    assert main(command) == 1  # no account named: refused, nothing changed
    assert _withdrawal(store, people.audit_a.id)[0].state is ReviewState.SIGNED_OFF
    assert main([*command, "--as", "admin"]) == 0, capsys.readouterr().err

    admin = people.accounts.user("admin")
    by_app, app_line = _withdrawal(store, people.audit_b.id)
    by_cli, cli_line = _withdrawal(store, people.audit_a.id)
    for review_status in (by_app, by_cli):
        assert review_status.state is ReviewState.WITHDRAWN
        assert review_status.events[-1].kind is ReviewKind.WITHDRAWN
    assert app_line.new == cli_line.new == "withdrawn: changed after sign-off"
    assert by_app.events[-1].user_name == app_line.actor == "顾问周"
    assert cli_line.actor == by_cli.events[-1].user_name == admin.display_name
    assert (cli_line.account_id, cli_line.account_login) == (admin.id, "admin")


def test_the_named_administrator_is_who_withdraws_the_sign_off(t, tmp_path, capsys):
    store, people = t
    admin = people.accounts.user("admin")
    path = _file(tmp_path)
    command = ["evidence", "add", str(people.audit_a.id), str(path), "--item", ITEM]
    assert main([*command, "--as", "admin"]) == 0, capsys.readouterr().err
    by_cli, line = _withdrawal(store, people.audit_a.id)
    named = admin.display_name
    assert by_cli.state is ReviewState.WITHDRAWN
    assert (line.actor, by_cli.events[-1].user_name) == (named, named)
    assert (line.account_id, line.account_login) == (admin.id, "admin")
    link = [c for c in store.changes(audit_id=people.audit_a.id, limit=20) if c.field == "evidence"]
    # the change and its withdrawal: one account, one transaction
    assert (link[0].actor, link[0].account_id) == (named, admin.id)


def test_a_file_refused_by_the_command_line_leaves_the_sign_off_standing(t, tmp_path, capsys):
    store, people = t
    empty = _file(tmp_path, "空.pdf", b"")
    command = ["evidence", "add", str(people.audit_a.id), str(empty), "--item", ITEM]
    assert main([*command, "--as", "admin"]) == 1
    by_cli, _ = _withdrawal(store, people.audit_a.id)
    assert by_cli.state is ReviewState.SIGNED_OFF
    assert store.evidence_links(people.audit_a.id).get(ITEM, ()) == ()


def test_an_unknown_administrator_changes_nothing(t, tmp_path, capsys):
    store, people = t
    path = _file(tmp_path)
    command = ["evidence", "add", str(people.audit_a.id), str(path), "--item", ITEM]
    assert main([*command, "--as", "editor"]) == 1
    assert text_of("auth.cli_as.not_admin", "zh", login="editor") in capsys.readouterr().err
    by_cli, _ = _withdrawal(store, people.audit_a.id)
    assert by_cli.state is ReviewState.SIGNED_OFF
    assert store.evidence_library(people.a.id) == []

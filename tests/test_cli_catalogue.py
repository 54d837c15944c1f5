"""``gbt-audit catalogue``: import a body's table, export a blank 自评表, diff, move an audit."""

from __future__ import annotations

from datetime import date

import pytest
from account_helpers import cli_administrator
from store_helpers import sign_off
from workbook_builder import ROWS, example_table, table

from cli.main import main
from criteria import DEFAULT_CATALOGUE, load_catalogue
from domain.records import AuditState, OrganisationProfile
from scoring import Status
from store import open_store
from texts import t


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_writes_a_catalogue_that_validate_accepts(capsys, tmp_path):
    table_path = example_table(tmp_path)
    out = tmp_path / "body.yaml"
    code, stdout, _ = run(
        capsys, "catalogue", "import", table_path, "--out", out, "--id", "example-body"
    )
    assert code == 0
    assert "example-body" in stdout and "52" in stdout
    code, stdout, _ = run(capsys, "validate", out)
    assert code == 0
    assert "52 sourced, 0 low, 0 provisional" in stdout


def test_a_refused_table_exits_1_naming_sheet_row_and_column(capsys, tmp_path):
    rows = [r if r[0] != "1.1.2" else ("1.1.2", "网点", "二十") for r in ROWS]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(table(rows))
    code, _, err = run(
        capsys, "catalogue", "import", path, "--out", tmp_path / "x.yaml", "--lang", "en"
    )
    assert code == 1
    assert "sheet “评分表” row 5 column C" in err
    assert not (tmp_path / "x.yaml").exists()


def test_columns_can_be_given_on_the_command_line(capsys, tmp_path):
    path = tmp_path / "odd.xlsx"
    path.write_bytes(table([r[:3] for r in ROWS], header=("Nr", "Text", "Pkt")))
    out = tmp_path / "odd.yaml"
    args = ("catalogue", "import", path, "--out", out)
    assert run(capsys, *args)[0] == 1
    assert run(capsys, *args, "--columns", "number=A,title=B,points=C")[0] == 0
    assert len(load_catalogue(out).items) == 3


def test_a_bad_columns_option_is_a_usage_error(capsys, tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(table())
    code, _, err = run(
        capsys, "catalogue", "import", path, "--out", tmp_path / "o.yaml", "--columns", "pts=C"
    )
    assert code == 2
    assert "pts=C" in err


def test_export_blank_then_import_gives_the_same_catalogue(capsys, tmp_path):
    blank = tmp_path / "blank.xlsx"
    assert run(capsys, "catalogue", "export-blank", "--out", blank)[0] == 0
    out = tmp_path / "again.yaml"
    assert run(capsys, "catalogue", "import", blank, "--out", out)[0] == 0
    assert load_catalogue(out).content_hash == load_catalogue(DEFAULT_CATALOGUE).content_hash


def test_diff_lists_the_bodys_changes(capsys, tmp_path):
    table_path = example_table(tmp_path)
    code, out, _ = run(capsys, "catalogue", "diff", DEFAULT_CATALOGUE, table_path, "--lang", "en")
    assert code == 0
    assert "Items added: 1" in out and "+ 3.2.6" in out
    assert "Items removed: 1" in out and "− 3.2.5" in out
    assert "1.3.1" in out and "1.50 → 2.00 points" in out
    assert "2.1 " in out and "5.00 → 6.00 points" in out


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    cli_administrator(store, monkeypatch)
    return store


def test_move_opens_a_new_round_on_the_imported_catalogue(capsys, tmp_path, store, monkeypatch):
    organisation = store.create_organisation(OrganisationProfile(name="华东家电"), actor="qm")
    bundled = store.catalogues()[0]
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=bundled.content_hash,
        title="2026 自评",
        audit_date=date(2026, 11, 10),
        assessor="王敏",
        actor="qm",
    )
    for item in bundled.items:
        store.save_item(audit.id, item.id, expected_version=0, actor="qm", status=Status.CONFORMING)
    body = tmp_path / "body.yaml"
    assert run(capsys, "catalogue", "import", example_table(tmp_path), "--out", body)[0] == 0
    code, previewed, err = run(
        capsys, "catalogue", "move", audit.id, "--to", body, "--map", "3.2.5=3.2.6", "--preview"
    )
    assert code == 0, err
    assert "3.2.5 → 3.2.6：按映射带过去（符合 → 符合）" in previewed
    assert open_store().audit(audit.id).state is AuditState.DRAFT  # a preview changes nothing
    monkeypatch.delenv("GBT_AUDIT_CLI_ACCOUNT")  # acting as nobody (not the shell's user)
    code, _, err = run(capsys, "catalogue", "move", audit.id, "--to", body, "--map", "3.2.5=3.2.6")
    assert code == 1 and t("auth.cli_as.missing", "zh", setting="GBT_AUDIT_CLI_ACCOUNT") in err
    assert open_store().audit(audit.id).state is AuditState.DRAFT
    monkeypatch.setenv("GBT_AUDIT_CLI_ACCOUNT", "cli-admin")
    # moving freezes the round, as closing does: only once its sign-off holds
    code, _, err = run(capsys, "catalogue", "move", audit.id, "--to", body, "--map", "3.2.5=3.2.6")
    assert code == 1 and t("auth.review.error.not_signed_off", "zh", round_no=1) in err
    assert open_store().audit(audit.id).state is AuditState.DRAFT
    sign_off(store, audit.id)
    code, out, err = run(
        capsys, "catalogue", "move", audit.id, "--to", body, "--map", "3.2.5=3.2.6"
    )
    assert code == 0, err
    assert "100" in out
    assert out.startswith(previewed)  # the move did what the preview said, line for line
    reopened = open_store()
    assert reopened.audit(audit.id).state is AuditState.FROZEN
    moved = [c for c in reopened.changes(audit_id=audit.id) if c.field != "review"]
    moved = [c for c in moved if c.account_login]
    assert moved and {c.account_login for c in moved} == {"cli-admin"}
    newest = reopened.audits(organisation.id)[-1]
    assert reopened.item(newest.id, "3.2.6").status is Status.CONFORMING

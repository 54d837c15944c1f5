"""The store commands: list, export the dossier, move archives, verify evidence."""

import io

import pytest
from account_helpers import PASSWORD, cli_administrator
from pypdf import PdfReader
from test_dossier_xlsx import recalculated

from cli.main import main
from domain.records import OrganisationProfile
from scoring import Status
from services import assignments
from services.context import Context
from store import open_store
from store.accounts import Accounts
from texts import t

PDF_TEXT = "售后服务管理制度"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    cli_administrator(store, monkeypatch)
    return store


def evidence_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<h1>{PDF_TEXT}</h1>").write_pdf()


@pytest.fixture
def audit(store):
    from datetime import date

    organisation = store.create_organisation(
        OrganisationProfile(name="华东家电连锁有限公司"), actor="qm"
    )
    catalogue = store.catalogues()[0]
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=catalogue.content_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 10),
        assessor="王敏",
        actor="qm",
    )
    for item in catalogue.items:
        status = Status.NOT_CONFORMING if item.id == "3.2.5" else Status.CONFORMING
        store.save_item(audit.id, item.id, expected_version=0, actor="qm", status=status)
    record, _ = store.add_evidence(
        organisation.id,
        "制度.pdf",
        io.BytesIO(evidence_pdf()),
        title=PDF_TEXT,
        kind="policy",
        actor="qm",
    )
    store.link_evidence(audit.id, "1.4.1", record.id, actor="qm")
    return audit


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_organisations_audits_and_scores(capsys, audit):
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert "#1 华东家电连锁有限公司" in out
    assert f"audit {audit.id}: round 1" in out and "97.00 五星级" in out


def test_export_writes_a_dossier_and_a_table_that_agree_with_the_store(
    capsys, audit, store, tmp_path
):
    code, out, err = run(capsys, "export", audit.id, "--out", tmp_path / "out")
    assert code == 0, err
    pdf_path, xlsx_path = (
        (tmp_path / "out").glob("*申请资料.pdf"),
        (tmp_path / "out").glob("*自评表.xlsx"),
    )
    pdf_path, xlsx_path = next(pdf_path), next(xlsx_path)
    text = "".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    result, _ = store.score(audit.id)
    assert "97.0" in text and "五星级" in text
    assert all(item.id in text for item in store.catalogue(audit.catalogue_hash).items)
    assert store.evidence(1).sha256 in text.replace("\n", "")
    assert PDF_TEXT in text  # the evidence page itself, merged in
    book = recalculated(xlsx_path)  # the score cell is a formula: as a spreadsheet shows it
    values = [cell for row in book.worksheets[0].iter_rows(values_only=True) for cell in row]
    assert float(result.score) in values or round(float(result.score), 2) in values
    assert "evidence embedded 1" in out


def test_export_of_an_unknown_audit_is_refused(capsys, store, tmp_path):
    code, _, err = run(capsys, "export", 99, "--out", tmp_path)
    assert code == 1 and "audit #99 does not exist" in err


def test_archives_move_through_the_command_line(capsys, audit, store, tmp_path, monkeypatch):
    archive = tmp_path / "audit.zip"
    assert run(capsys, "archive", "export", audit.id, archive)[0] == 0
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "other"))
    monkeypatch.delenv("GBT_AUDIT_CLI_ACCOUNT")
    monkeypatch.setenv("USER", "root")  # the shell's user is nobody's account
    code, _, err = run(capsys, "archive", "import", archive)
    assert code == 1 and t("auth.cli_as.missing", "en", setting="GBT_AUDIT_CLI_ACCOUNT") in err
    other = open_store()
    assert other.organisations() == [] and other.changes() == []
    li = cli_administrator(other, monkeypatch, "li")
    code, _, err = run(capsys, "archive", "import", archive, "--as", "nobody")
    assert code == 1 and t("auth.cli_as.unknown", "en", login="nobody") in err
    code, out, _ = run(capsys, "archive", "import", archive, "--as", "LI")
    assert code == 0 and "imported as organisation #1" in out
    own = other.changes(limit=1)[0]  # the import's own line, after the archive's entries
    assert (own.actor, own.account_id, own.account_login) == ("命令行管理员 li", li, "li")
    code, _, err = run(capsys, "archive", "import", archive)  # the same company again
    assert code == 1 and "already here" in err


def test_an_import_names_the_logins_whose_work_stays_behind(
    capsys, audit, store, tmp_path, monkeypatch
):
    accounts = Accounts(store)
    zhao = accounts.add_user("zhao", "赵工", password=PASSWORD, actor="t")
    accounts.grant("zhao", audit.organisation_id, "editor", actor="t")
    admin = accounts.actor(accounts.user("cli-admin").id)
    assert admin is not None
    assignments.assign(Context(admin, store), audit.id, "1.1", zhao.id)
    archive = tmp_path / "audit.zip"
    assert run(capsys, "archive", "export", audit.id, archive)[0] == 0
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "other"))
    cli_administrator(open_store(), monkeypatch)  # no account zhao on this machine
    code, out, _ = run(capsys, "archive", "import", archive)
    assert code == 0
    assert out.splitlines()[-1] == " / ".join(
        t("ui.imported_unmatched", lang, logins="zhao") for lang in ("zh", "en")
    )


def test_verify_exits_1_and_names_a_damaged_file(capsys, audit, store):
    assert run(capsys, "verify")[0] == 0
    path = store.blobs.local_path(store.evidence(1).sha256)
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.4 replaced")
    code, out, err = run(capsys, "verify")
    assert code == 1
    assert f"changed: {store.evidence(1).sha256}" in err
    assert "0 of 1 evidence files are as uploaded" in out


def test_verify_exits_1_and_names_the_first_rewritten_change_log_entry(capsys, audit, store):
    code, out, _ = run(capsys, "verify")
    assert code == 0 and "hash chain unbroken" in out
    from sqlalchemy import text

    with store.engine.begin() as connection:  # the file's owner bypasses the guard
        connection.execute(text("DROP TRIGGER change_log_no_update"))
        connection.execute(text("UPDATE change_log SET new = 'not_conforming' WHERE id = 5"))
    code, out, err = run(capsys, "verify")
    assert code == 1
    assert "change log broken at entry #5: its content was altered" in err
    assert "变更记录在第 #5 条处断开" in err

"""``gbt-audit evidence add`` and ``gbt-audit evidence move``, on the folder and on a bucket."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from account_helpers import cli_administrator
from blob_helpers import files_on_disk
from evidence_samples import elf_program, image, pdf
from s3_server import environment, new_bucket

from cli.main import main
from store import open_store

PDF = pdf()


@pytest.fixture
def env(tmp_path, monkeypatch, database_url, evidence_backend):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GBT_AUDIT_DATABASE_URL", database_url)
    monkeypatch.delenv("GBT_AUDIT_EVIDENCE_URL", raising=False)
    if evidence_backend is not None:
        for name, value in environment(evidence_backend.endpoint_url, evidence_backend).items():
            monkeypatch.setenv(name, value)
    return evidence_backend


@pytest.fixture
def audit(env, monkeypatch):
    from domain.records import OrganisationProfile

    store = open_store()
    cli_administrator(store, monkeypatch)
    organisation = store.create_organisation(OrganisationProfile(name="华东家电"), actor="qm")
    catalogue = store.catalogues()[0]
    return store.create_audit(
        organisation.id,
        catalogue_hash=catalogue.content_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 10),
        assessor="王敏",
        actor="qm",
    )


def write(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def test_each_file_gets_one_line_stored_or_refused_with_why(audit, tmp_path, capsys):
    batch = tmp_path / "batch"
    good = write(batch, "售后服务管理制度.pdf", PDF)
    photo = write(batch, "服务网点照片.png", image("PNG"))
    program = write(batch, "制度.pdf", elf_program())
    empty = write(batch, "空.txt", b"")
    absent = batch / "不存在.pdf"

    files = [str(p) for p in (good, photo, program, empty, absent)]
    status = main(["evidence", "add", str(audit.id), *files, "--item", "1.4.1", "--lang", "en"])

    out, err = capsys.readouterr()
    assert status == 1
    assert out.count("stored: ") == 2 and f"stored: {good} → evidence #" in out
    assert f"refused: {program}: " in err and f"refused: {empty}: " in err
    assert f"refused: {absent}: the file cannot be read" in err
    assert "5 files: 2 stored, 0 already there, 3 refused" in out
    store = open_store()
    library = store.evidence_library(audit.organisation_id)
    assert sorted(e.sha256 for e in library) == sorted(
        hashlib.sha256(p.read_bytes()).hexdigest() for p in (good, photo)
    )
    assert len(store.evidence_links(audit.id)["1.4.1"]) == 2
    assert all(c.ok for c in store.verify_evidence())


def test_the_same_file_again_is_reported_as_already_there(audit, tmp_path, capsys):
    path = write(tmp_path, "制度.pdf", PDF)
    assert main(["evidence", "add", str(audit.id), str(path)]) == 0
    assert main(["evidence", "add", str(audit.id), str(path), "--lang", "en"]) == 0
    assert "1 files: 0 stored, 1 already there, 0 refused" in capsys.readouterr().out


def test_an_unknown_item_refuses_the_whole_batch_before_any_file_is_stored(audit, tmp_path, capsys):
    path = write(tmp_path, "制度.pdf", PDF)
    status = main(["evidence", "add", str(audit.id), str(path), "--item", "9.9.9"])
    assert status == 1
    assert "9.9.9" in capsys.readouterr().err
    assert open_store().evidence_library(audit.organisation_id) == []


def test_title_kind_and_validity_are_recorded(audit, tmp_path):
    path = write(tmp_path, "营业执照.pdf", PDF)
    args = ["--title", "营业执照（副本）", "--kind", "licence", "--valid-until", "2027-06-30"]
    assert main(["evidence", "add", str(audit.id), str(path), *args]) == 0
    (record,) = open_store().evidence_library(audit.organisation_id)
    assert (record.title, record.kind, record.valid_until) == (
        "营业执照（副本）",
        "licence",
        date(2027, 6, 30),
    )


@pytest.mark.parametrize("evidence_backend", ["folder"], indirect=True)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_evidence_moves_from_the_folder_to_a_bucket_and_back(
    audit, tmp_path, monkeypatch, s3_endpoint, capsys
):
    path = write(tmp_path, "制度.pdf", PDF)
    assert main(["evidence", "add", str(audit.id), str(path)]) == 0
    folder = tmp_path / "data" / "evidence"
    sha256 = hashlib.sha256(PDF).hexdigest()
    bucket = new_bucket(s3_endpoint)
    for name, value in environment(s3_endpoint, bucket).items():
        if name != "GBT_AUDIT_EVIDENCE_URL":
            monkeypatch.setenv(name, value)

    assert main(["evidence", "move", bucket.url]) == 0
    assert "1 copied, 0 already there, 1 removed" in capsys.readouterr().out
    assert not [p for p in files_on_disk(folder) if p.name == sha256]

    monkeypatch.setenv("GBT_AUDIT_EVIDENCE_URL", bucket.url)
    assert main(["verify"]) == 0
    assert main(["evidence", "move", str(folder)]) == 0
    monkeypatch.delenv("GBT_AUDIT_EVIDENCE_URL")
    store = open_store()
    assert store.blobs.local_path(sha256).read_bytes() == PDF
    assert main(["verify"]) == 0


@pytest.mark.parametrize("evidence_backend", ["folder"], indirect=True)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_changed_file_stops_the_move_and_nothing_is_removed(audit, tmp_path, capsys):
    path = write(tmp_path, "制度.pdf", PDF)
    assert main(["evidence", "add", str(audit.id), str(path)]) == 0
    store = open_store()
    stored = store.blobs.local_path(hashlib.sha256(PDF).hexdigest())
    stored.chmod(0o644)
    stored.write_bytes(PDF + b"x")
    assert main(["evidence", "move", str(tmp_path / "elsewhere")]) == 1
    assert "BlobChanged" in capsys.readouterr().err
    assert stored.exists()

"""Archives: one audit with its organisation, rounds, log and evidence, moved between machines.
Import refuses anything suspicious and then leaves the existing data untouched."""

import hashlib
import io
import json
import stat
import zipfile

import pytest
from evidence_samples import image
from store_helpers import VALID_CODE, company, new_store, sign_off, test_audit

from scoring import Status
from store.archive import ArchiveRefused, export_audit, import_archive

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def source(database_url, tmp_path, evidence_backend):
    return new_store(database_url, tmp_path / "consultant", evidence_backend)


def filled_audit(store):
    audit = test_audit(store, company(store, code=VALID_CODE))
    record, _ = store.add_evidence(
        audit.organisation_id,
        "制度.pdf",
        io.BytesIO(PDF),
        title="售后服务管理制度",
        kind="制度文件",
        actor="qm",
    )
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    store.link_evidence(audit.id, "1.1.1", record.id, actor="qm")
    store.save_item(
        audit.id,
        "1.1.2",
        expected_version=0,
        actor="qm",
        status=Status.SAMPLED,
        samples_checked=5,
        samples_conforming=4,
    )
    store.add_deduction(audit.id, reason="未公示三包", category="law", actor="qm")
    sign_off(store, audit.id)
    second = store.close_round(audit.id, expected_version=store.audit(audit.id).version, actor="qm")
    store.save_item(second.id, "2.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    return second


def test_an_export_imports_on_another_machine_with_every_hash_verified(source, tmp_path):
    audit = filled_audit(source)
    archive = export_audit(source, audit.id, tmp_path / "out" / "audit.zip")
    # the other machine: its own SQLite file and evidence folder (the source may be PostgreSQL)
    target = new_store(f"sqlite:///{tmp_path / 'client' / 'audit.db'}", tmp_path / "client")
    result = import_archive(target, archive, actor="client")
    assert len(result.audit_ids) == 2
    new_second = result.audit_ids[audit.id]
    new_first = result.audit_ids[audit.previous_audit_id]
    assert target.audit(new_first).state == "frozen"
    assert target.audit(new_second).previous_audit_id == new_first
    assert target.score(new_second)[0].score == source.score(audit.id)[0].score
    assert target.round_result(new_first) == source.round_result(audit.previous_audit_id)
    item = target.item(new_second, "1.1.1")
    (evidence_id,) = item.evidence_ids
    document = target.evidence(evidence_id)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert all(check.ok for check in target.verify_evidence(result.organisation_id))
    log = target.changes(organisation_id=result.organisation_id)
    assert log[0].field == "imported"
    assert any(c.field == "status" and c.new == "sampled" for c in log)


def rewrite(archive_path, out_path, mutate):
    """Copy an archive, letting ``mutate(name, data) -> (name, data) | None`` change members."""
    with zipfile.ZipFile(archive_path) as src, zipfile.ZipFile(out_path, "w") as dst:
        for info in src.infolist():
            changed = mutate(info.filename, src.read(info))
            if changed is not None:
                dst.writestr(changed[0], changed[1])
    return out_path


@pytest.fixture
def exported(source, tmp_path):
    audit = filled_audit(source)
    return source, export_audit(source, audit.id, tmp_path / "audit.zip")


def assert_refused_and_untouched(store, path, message):
    before = (
        [o.id for o in store.organisations(include_archived=True)],
        len(store.changes()),
        sorted(store.blobs.iter_hashes()),
    )
    with pytest.raises(ArchiveRefused, match=message):
        import_archive(store, path, actor="x")
    after = (
        [o.id for o in store.organisations(include_archived=True)],
        len(store.changes()),
        sorted(store.blobs.iter_hashes()),
    )
    assert after == before


def test_a_tampered_evidence_file_is_refused(exported, tmp_path):
    store, archive = exported
    bad = rewrite(
        archive,
        tmp_path / "bad.zip",
        lambda n, d: (n, d + b"x") if n.startswith("evidence/") else (n, d),
    )
    assert_refused_and_untouched(store, bad, "does not match its recorded SHA-256")


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("../../etc/cron.d/evil", "tries to leave the archive folder"),
        ("/etc/passwd", "absolute path"),
        ("C:/Windows/evil", "absolute path"),
        ("evidence/notahash", "not part of the archive format"),
    ],
)
def test_path_traversal_and_strange_members_are_refused(exported, tmp_path, member, message):
    store, archive = exported
    bad = rewrite(archive, tmp_path / "bad.zip", lambda n, d: (n, d))
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr(member, b"x")
    assert_refused_and_untouched(store, bad, message)


def test_a_symbolic_link_member_is_refused(exported, tmp_path):
    store, archive = exported
    bad = rewrite(archive, tmp_path / "bad.zip", lambda n, d: (n, d))
    with zipfile.ZipFile(bad, "a") as zf:
        info = zipfile.ZipInfo("evidence/" + "a" * 64)
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    assert_refused_and_untouched(store, bad, "symbolic link")


def test_a_zip_bomb_is_refused_before_it_is_expanded(exported, tmp_path):
    store, archive = exported
    bad = rewrite(archive, tmp_path / "bad.zip", lambda n, d: (n, d))
    with zipfile.ZipFile(bad, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("evidence/" + "b" * 64, b"\0" * (4 << 20))  # 4 MiB of zeros: ~1000×
    assert_refused_and_untouched(store, bad, "zip bomb")


def test_an_oversize_member_is_refused(exported, tmp_path):
    store, archive = exported
    bad = rewrite(archive, tmp_path / "bad.zip", lambda n, d: (n, d))
    with zipfile.ZipFile(bad, "a", zipfile.ZIP_STORED) as zf:
        zf.writestr("evidence/" + "c" * 64, io.BytesIO(b"").read() + b"1" * (6 << 20))
    assert_refused_and_untouched(store, bad, "the limit is")


def test_an_unknown_format_version_is_refused(exported, tmp_path):
    store, archive = exported

    def bump(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["format_version"] = 99
            return name, json.dumps(manifest).encode()
        return name, data

    bad = rewrite(archive, tmp_path / "bad.zip", bump)
    assert_refused_and_untouched(store, bad, "unknown archive format version 99")


def test_a_file_that_is_not_a_zip_is_refused(exported, tmp_path):
    store, _ = exported
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"this is not a zip")
    assert_refused_and_untouched(store, bad, "not a readable .zip archive")


def test_importing_an_organisation_that_is_already_here_is_refused(exported):
    store, archive = exported
    assert_refused_and_untouched(store, archive, "already here")


def test_inconsistent_records_roll_back_the_whole_import(exported, tmp_path):
    store, archive = exported

    def break_links(name, data):
        if name != "data.json":
            return name, data
        records = json.loads(data)
        records["organisation"]["credit_code"] = ""
        records["organisation"]["uid"] = "an-organisation-not-here-yet"
        records["links"][0]["evidence_id"] = 424242
        payload = json.dumps(records).encode()
        return name, payload

    altered = rewrite(archive, tmp_path / "altered.zip", break_links)

    # re-sign the manifest so only the records are inconsistent
    def resign(name, data):
        if name != "manifest.json":
            return name, data
        manifest = json.loads(data)
        with zipfile.ZipFile(altered) as zf:
            payload = zf.read("data.json")
        for entry in manifest["files"]:
            if entry["path"] == "data.json":
                entry["sha256"] = hashlib.sha256(payload).hexdigest()
                entry["size"] = len(payload)
        return name, json.dumps(manifest).encode()

    bad = rewrite(altered, tmp_path / "bad.zip", resign)
    before_orgs = store.organisations()
    with pytest.raises(ArchiveRefused, match="links evidence 424242, which is not in the archive"):
        import_archive(store, bad, actor="x")
    assert store.organisations() == before_orgs


def test_an_archive_with_a_photo_imports(source, tmp_path):
    # the upload check decodes a stored image; on import it is stored in the staging area first
    audit = test_audit(source, company(source, code=VALID_CODE))
    photo = image("PNG")
    record, _ = source.add_evidence(
        audit.organisation_id,
        "服务网点.png",
        io.BytesIO(photo),
        title="网点照片",
        kind="照片",
        actor="qm",
    )
    source.link_evidence(audit.id, "1.1.1", record.id, actor="qm")
    archive = export_audit(source, audit.id, tmp_path / "out" / "audit.zip")
    target = new_store(f"sqlite:///{tmp_path / 'client' / 'audit.db'}", tmp_path / "client")
    result = import_archive(target, archive, actor="client")
    (imported,) = target.evidence_library(target.audit(result.audit_ids[audit.id]).organisation_id)
    assert target.evidence_content(imported.id) == photo

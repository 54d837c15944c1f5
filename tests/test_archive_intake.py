"""One intake rule for the upload and the archive: every file the upload accepts travels in its
audit's archive and imports again (through the same checks), on the folder and on a bucket; a
file over the limit is refused by both with the same reason."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from store_helpers import CATALOGUE_TEXT, VALID_CODE, company, new_store, settings_for, test_audit
from test_evidence_checks import ACCEPTED

from evidence import FORMATS, EvidenceRefused, RefusalCode
from store import open_store
from store.archive import ArchiveRefused, export_audit, import_archive

MiB = 1 << 20


def docx_expanding_to(size: int) -> bytes:
    """A real .docx whose document.xml is ``size`` bytes of text: a few hundred KiB on disk
    (the upload takes it; Word would open it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("_rels/.rels", "<Relationships/>")
        with package.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b"<w:document><w:body>")
            for _ in range(size // MiB):
                part.write(b" " * MiB)
            part.write(b"</w:body></w:document>")
    return out.getvalue()


def test_every_format_the_intake_accepts_is_in_this_round_trip():
    assert {name.rsplit(".", 1)[1] for name, _, _ in ACCEPTED} == set(FORMATS)


def test_an_audit_holding_every_kind_of_evidence_goes_through_its_archive(
    tmp_path, database_url, evidence_backend
):
    source = new_store(f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "consultant")
    audit = test_audit(source, company(source, code=VALID_CODE))
    files = [*ACCEPTED, ("报告.docx", docx_expanding_to(64 * MiB), None)]
    uploaded = {}
    for n, (name, data, _) in enumerate(files):
        record, new = source.add_evidence(
            audit.organisation_id,
            name,
            io.BytesIO(data),
            title=f"{n} {name}",
            kind="other",
            actor="qm",
        )
        # .jpg and .jpeg (.tif and .tiff) samples are the same bytes: one record each pair
        assert new or record.sha256 in uploaded, name
        source.link_evidence(audit.id, "1.1.1", record.id, actor="qm")
        uploaded.setdefault(record.sha256, (record.original_name, record.media_type, data))
    archive = export_audit(source, audit.id, tmp_path / "audit.zip")

    target = new_store(database_url, tmp_path / "client", evidence_backend)
    result = import_archive(target, archive, actor="client")

    assert result.evidence_files == len(uploaded) == len(files) - 2
    library = target.evidence_library(result.organisation_id)
    assert {e.sha256: (e.original_name, e.media_type) for e in library} == {
        sha: (name, media_type) for sha, (name, media_type, _) in uploaded.items()
    }
    for record in library:
        with target.blobs.open(record.sha256) as stored:
            assert stored.read() == uploaded[record.sha256][2]
    assert all(check.ok for check in target.verify_evidence())


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_upload_limit_is_the_archives_limit_on_both_sides(tmp_path, database_url):
    """At the limit: accepted by the upload, carried and imported. One byte over on the
    importing machine (a lower limit there): refused by the upload and by the import alike."""
    limit = 2 * MiB
    text = (b"visit log, 2026-01-05, resolved\n" * limit)[:limit]
    source = open_store(settings_for(database_url, tmp_path / "a", max_upload_bytes=limit))
    source.register_catalogue(CATALOGUE_TEXT, "test-catalogue.yaml")
    audit = test_audit(source, company(source, code=VALID_CODE))
    record, _ = source.add_evidence(
        audit.organisation_id, "回访.txt", io.BytesIO(text), title="回访", kind="record", actor="qm"
    )
    archive = export_audit(source, audit.id, tmp_path / "audit.zip")

    same = open_store(settings_for(f"sqlite:///{tmp_path / 'b.db'}", tmp_path / "b", limit))
    assert import_archive(same, archive, actor="x").evidence_files == 1

    lower = open_store(settings_for(f"sqlite:///{tmp_path / 'c.db'}", tmp_path / "c", limit - 1))
    elsewhere = company(lower, name="本机的组织")
    with pytest.raises(EvidenceRefused) as upload_refused:
        lower.add_evidence(
            elsewhere.id, "回访.txt", io.BytesIO(text), title="回访", kind="record", actor="qm"
        )
    assert upload_refused.value.code is RefusalCode.TOO_LARGE
    with pytest.raises(ArchiveRefused, match=f"limit is {limit - 1} bytes"):
        import_archive(lower, archive, actor="x")
    assert record.size == limit


def test_an_import_upload_left_by_a_killed_process_is_removed_by_gc(tmp_path, monkeypatch):
    from cli.main import main

    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    work = store.blobs.work_folder("import-")  # where the app writes an uploaded archive
    (work / "archive.zip").write_bytes(b"\0" * MiB)
    assert main(["gc"]) == 0
    assert work.exists()  # an import may be running right now
    assert main(["gc", "--grace-minutes", "0"]) == 0
    assert not work.exists()
    assert Path(store.blobs.spool).exists()

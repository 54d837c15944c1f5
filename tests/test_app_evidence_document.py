"""The evidence page offers the original file only after re-hashing it, when asked (a run of
the page reads no file nobody opened), lists earlier revisions, and removes a file only once it
is confirmed."""

import io

import pytest
from app_helpers import app, fresh_app, new_audit, texts

from ui.markup import plain

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PDF_2 = b"%PDF-1.4\n% revision 2\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


def add(store, audit, content=PDF):
    record, _ = store.add_evidence(
        audit.organisation_id,
        "制度.pdf",
        io.BytesIO(content),
        title="售后制度",
        kind="policy",
        actor="qm",
    )
    return record


def downloads(at):
    return [e for e in at.get("download_button")]


def open_all(at):
    """Press every "open" button, as a person would, one after the other."""
    while opening := [b for b in at.button if b.label == "打开"]:
        opening[0].click().run()
    return at


def test_the_original_file_is_offered_for_download(store):
    audit = new_audit(store)
    add(store, audit)
    at = app("evidence", audit.id)
    assert not at.exception
    assert downloads(at) == []  # not read until asked
    open_all(at)
    assert len(downloads(at)) == 1
    # the label is Markdown: the file name is escaped so it shows as typed
    assert f"下载原件 {plain('制度.pdf')}" in str(downloads(at)[0].proto.label)


def test_a_tampered_file_is_named_and_not_offered(store):
    audit = new_audit(store)
    record = add(store, audit)
    store.blobs.local_path(record.sha256).write_bytes(PDF + b"changed")
    at = open_all(app("evidence", audit.id))
    assert not at.exception
    assert downloads(at) == []
    assert "文件「售后制度」与上传时不一致（哈希不符），不能下载" in texts(at)


def test_earlier_revisions_are_listed_with_who_replaced_them_and_stay_downloadable(store):
    audit = new_audit(store)
    first = add(store, audit)
    store.replace_evidence(first.id, "制度-2026.pdf", io.BytesIO(PDF_2), actor="王经理")
    at = app("evidence", audit.id)
    assert not at.exception
    assert "历史版本（共 2 版）" in texts(at) or any(
        "历史版本（共 2 版）" in e.label for e in at.expander
    )
    assert "王经理" in texts(at)
    assert len(open_all(at).get("download_button")) == 2


def test_the_new_revision_uploader_takes_the_apps_limit(monkeypatch, store):
    monkeypatch.setenv("GBT_AUDIT_MAX_UPLOAD_MB", "20")
    audit = new_audit(store)
    add(store, audit)
    at = app("evidence", audit.id)
    uploaders = at.get("file_uploader")
    assert len(uploaders) == 2  # the batch and the new revision
    assert all(u.proto.max_upload_size_mb == 20 for u in uploaders)


def test_removing_a_file_asks_first_and_then_removes_it(store):
    audit = new_audit(store)
    add(store, audit)
    at = app("evidence", audit.id)
    next(b for b in at.button if b.label == "删除此文件").click().run()
    assert store.evidence_library(audit.organisation_id)
    next(b for b in at.button if b.label == "确认删除").click().run()
    assert not at.exception
    assert store.evidence_library(audit.organisation_id) == []


def test_a_batch_proposes_each_files_description_from_its_name_and_stores_it(store):
    audit = new_audit(store)
    at = app("evidence", audit.id)
    at.file_uploader[0].upload("回访记录202603.pdf", PDF, "application/pdf").run()
    assert not at.exception
    next(b for b in at.button if b.label == "上传").click().run()
    assert not at.exception
    (record,) = store.evidence_library(audit.organisation_id)
    assert (record.title, record.kind) == ("回访记录202603", "record")
    assert (record.covered_from.isoformat(), record.covered_to.isoformat()) == (
        "2026-03-01",
        "2026-03-31",
    )


def test_a_run_of_the_page_reads_no_file_that_was_not_opened(store, monkeypatch):
    """Every other click on the page (a save, a choice) reruns it: the chosen document and
    its revisions are read and re-hashed only when opened, then only when downloaded."""
    import evidence.preview
    from store.evidence_revisions import EvidenceRevisionsMixin

    audit = new_audit(store)
    first = add(store, audit)
    store.replace_evidence(first.id, "制度-2026.pdf", io.BytesIO(PDF_2), actor="王经理")
    reads = []
    original = EvidenceRevisionsMixin.evidence_content
    monkeypatch.setattr(
        EvidenceRevisionsMixin,
        "evidence_content",
        lambda self, evidence_id: reads.append(evidence_id) or original(self, evidence_id),
    )
    previews = []
    made = evidence.preview.make_preview
    monkeypatch.setattr(
        evidence.preview,
        "make_preview",
        lambda *args, **kwargs: previews.append(1) or made(*args, **kwargs),
    )
    at = app("evidence", audit.id)
    at.run()
    at.run()
    assert not at.exception
    assert reads == []
    assert len(previews) <= 1  # the preview is kept by the file's hash
    open_all(at)
    at.run()
    assert len(downloads(at)) == 2
    assert len(reads) == 2  # once each, when opened

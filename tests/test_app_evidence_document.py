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


FAKE_PDF = b"\x89PNG\r\n\x1a\n" + b"\0" * 64  # a PNG named .pdf: refused


def batch(at, *files):
    at.file_uploader[0].set_value([(name, data, "application/pdf") for name, data in files]).run()
    assert not at.exception
    return [s for s in at.multiselect if s.key.startswith("evidence.batch_items.")]


def test_each_file_of_a_batch_supports_its_own_items(store):
    """The items chosen for a batch were linked to every file of it: a spare-parts photo got
    linked to the items chosen for the policy beside it."""
    audit = new_audit(store)
    at = app("evidence", audit.id)
    policy, record = batch(at, ("售后服务制度.pdf", PDF), ("回访记录202603.pdf", PDF + b"%2\n"))
    assert "售后服务制度" in policy.label and "回访记录202603" in record.label
    policy.set_value(["1.1.1", "1.1.2"])
    record.set_value(["3.2.1"])
    next(b for b in at.button if b.label == "上传").click().run()
    assert not at.exception
    library = {e.title: e.id for e in store.evidence_library(audit.organisation_id)}
    links = store.evidence_links(audit.id)
    linked = {(item, evidence) for item, ids in links.items() for evidence in ids}
    assert linked == {
        ("1.1.1", library["售后服务制度"]),
        ("1.1.2", library["售后服务制度"]),
        ("3.2.1", library["回访记录202603"]),
    }
    shown = texts(at)  # a line per file, with what it was linked to
    assert "售后服务制度\\.pdf：已保存为「售后服务制度」，已关联评价项 1.1.1、1.1.2" in shown
    assert "回访记录202603\\.pdf：已保存为「回访记录202603」，已关联评价项 3.2.1" in shown
    assert not at.file_uploader[0].value  # the uploader is empty after: no second upload


def test_a_batch_says_for_each_file_whether_it_was_stored_and_stores_none_twice(store):
    audit = new_audit(store)
    at = app("evidence", audit.id)
    good, _refused = batch(at, ("售后服务制度.pdf", PDF), ("报告.pdf", FAKE_PDF))
    good.set_value(["1.1.1"])
    next(b for b in at.button if b.label == "上传").click().run()
    assert not at.exception
    shown = texts(at)
    assert "售后服务制度\\.pdf：已保存为「售后服务制度」" in shown
    assert "报告\\.pdf：未保存。" in shown and "文件内容不是" in shown
    assert "2 个文件中有 1 个未保存" in shown
    assert [e.title for e in store.evidence_library(audit.organisation_id)] == ["售后服务制度"]
    # pressed again with the refused file still there: the stored one is not stored again
    next(b for b in at.button if b.label == "上传").click().run()
    assert len(store.evidence_library(audit.organisation_id)) == 1
    assert "售后服务制度\\.pdf：已保存为「售后服务制度」" in texts(at)
    assert "证据库中已有相同内容" not in texts(at)


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

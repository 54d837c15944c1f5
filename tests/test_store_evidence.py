"""The evidence library: files stored once by content, linked to items, checked for readiness."""

import io
from datetime import date

import pytest
from store_helpers import company, new_store, settings_for, test_audit

from domain.readiness import Check, readiness
from domain.records import Rectification
from evidence import EvidenceRefused
from scoring import Status
from store import InvalidEntry, open_store

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


def upload(store, organisation_id, name="售后服务管理制度.pdf", content=PDF, **meta):
    meta.setdefault("title", "售后服务管理制度")
    meta.setdefault("kind", "制度文件")
    return store.add_evidence(organisation_id, name, io.BytesIO(content), actor="qm", **meta)


def test_an_uploaded_file_is_kept_with_its_metadata_and_hash(store):
    org = company(store)
    record, new = upload(store, org.id, valid_until=date(2027, 6, 30))
    assert new
    assert record.media_type == "application/pdf"
    assert record.size == len(PDF)
    assert record.original_name == "售后服务管理制度.pdf"
    assert record.uploaded_by == "qm"
    with store.blobs.open(record.sha256) as stored:
        assert stored.read() == PDF


def test_the_same_file_uploaded_twice_is_stored_once(store):
    org = company(store)
    first, _ = upload(store, org.id)
    again, new = upload(store, org.id, name="副本.pdf")
    assert not new and again.id == first.id
    assert len(store.evidence_library(org.id)) == 1
    assert list(store.blobs.iter_hashes()) == [first.sha256]


def test_a_refused_file_leaves_nothing_behind(store):
    org = company(store)
    with pytest.raises(EvidenceRefused) as refused:
        upload(store, org.id, name="报告.pdf", content=b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert refused.value.code == "content_mismatch"
    assert store.evidence_library(org.id) == []
    assert list(store.blobs.iter_hashes()) == []


def test_one_file_can_support_several_items(store):
    audit = test_audit(store)
    record, _ = upload(store, audit.organisation_id)
    store.link_evidence(audit.id, "1.1.1", record.id, actor="qm")
    store.link_evidence(audit.id, "2.1.1", record.id, actor="qm")
    store.link_evidence(audit.id, "2.1.1", record.id, actor="qm")  # linking twice is harmless
    assert store.evidence_links(audit.id) == {"1.1.1": (record.id,), "2.1.1": (record.id,)}
    assert store.items_supported_by(record.id) == [(audit.id, "1.1.1"), (audit.id, "2.1.1")]
    store.unlink_evidence(audit.id, "1.1.1", record.id, actor="qm")
    assert store.item(audit.id, "1.1.1").evidence_ids == ()


def test_evidence_of_another_organisation_cannot_be_linked(store):
    audit = test_audit(store)
    other = company(store, name="别家公司")
    record, _ = upload(store, other.id)
    with pytest.raises(InvalidEntry, match="another organisation"):
        store.link_evidence(audit.id, "1.1.1", record.id, actor="qm")


def test_verification_reports_changed_and_missing_files(store):
    org = company(store)
    good, _ = upload(store, org.id)
    changed, _ = upload(
        store, org.id, name="b.txt", content="培训记录\n".encode(), title="培训记录"
    )
    missing, _ = upload(store, org.id, name="c.txt", content=b"visit log\n", title="回访记录")
    path = store.blobs.local_path(changed.sha256)
    path.write_bytes(path.read_bytes() + b"tampered")
    store.blobs.local_path(missing.sha256).unlink()
    states = {r.sha256: r.state.value for r in store.verify_evidence(org.id)}
    assert states == {good.sha256: "ok", changed.sha256: "changed", missing.sha256: "missing"}


def test_readiness_flags_what_an_evaluator_would(store):
    audit = test_audit(store)
    expired, _ = upload(store, audit.organisation_id, valid_until=date(2026, 1, 31))
    save = store.save_item
    save(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    save(audit.id, "2.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    store.link_evidence(audit.id, "2.1.1", expired.id, actor="qm")
    save(audit.id, "1.2.1", expected_version=0, actor="qm", status=Status.NOT_APPLICABLE)
    save(
        audit.id,
        "2.1.2",
        expected_version=0,
        actor="qm",
        status=Status.NOT_CONFORMING,
        rectification=Rectification("补充回访", "李", date(2026, 10, 1)),
    )
    store.add_deduction(audit.id, reason="违反三包规定", category="law", actor="qm")
    warnings = readiness(
        store.catalogue(audit.catalogue_hash),
        store.audit(audit.id),
        store.items(audit.id),
        store.deductions(audit.id),
        {e.id: e for e in store.evidence_library(audit.organisation_id)},
        date(2026, 11, 23),
    )
    found = {(w.check, w.ref) for w in warnings}
    assert (Check.CONFORMING_WITHOUT_EVIDENCE, "1.1.1") in found
    assert (Check.EXPIRED_EVIDENCE, "2.1.1") in found
    assert (Check.EXCLUSION_WITHOUT_JUSTIFICATION, "1.2.1") in found
    assert (Check.DEDUCTION_WITHOUT_RECTIFICATION, "special_deductions[0]") in found
    assert (Check.OVERDUE_ACTION, "2.1.2") in found
    assert (Check.PREREQUISITE_NOT_MET, "legal_entity") in found
    assert (Check.CONFORMING_WITHOUT_EVIDENCE, "2.1.1") not in found
    assert "已于 2026-01-31 过期" in next(
        w.text("zh") for w in warnings if w.check is Check.EXPIRED_EVIDENCE
    )


def test_a_readiness_line_names_the_item_and_the_prerequisite_in_the_readers_language(store):
    audit = test_audit(store)
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    catalogue = store.catalogue(audit.catalogue_hash)
    today = date(2026, 11, 23)
    warnings = readiness(catalogue, store.audit(audit.id), store.items(audit.id), [], {}, today)
    lines = {w.ref: (w.text("zh"), w.text("en")) for w in warnings}
    item, prerequisite = catalogue.item("1.1.1"), catalogue.spec.prerequisites[0]
    for ref, title in (("1.1.1", item.title), (prerequisite.id, prerequisite.title)):
        zh, en = lines[ref]
        assert title.zh in zh and title.en in en and title.zh not in en


def test_an_audit_with_evidence_survives_a_restart(database_url, tmp_path):
    store = new_store(database_url, tmp_path)
    audit = test_audit(store)
    record, _ = upload(store, audit.organisation_id)
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    store.link_evidence(audit.id, "1.1.1", record.id, actor="qm")
    store.engine.dispose()

    reopened = open_store(settings_for(database_url, tmp_path))
    item = reopened.item(audit.id, "1.1.1")
    assert item.status is Status.CONFORMING and item.evidence_ids == (record.id,)
    assert reopened.blobs.verify(record.sha256).ok
    assert reopened.score(audit.id)[0].earned_points == 10

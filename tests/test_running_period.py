"""How long the service system has run, as its linked operating records show, and the
readiness checks on dated evidence."""

import io
from dataclasses import replace
from datetime import date

import pytest
from store_helpers import new_store, test_audit

from domain.readiness import Check, readiness
from domain.running_period import running_period
from scoring import Status


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


def record(store, audit, name, start, end, kind="record", item="1.1.1", **meta):
    document, _ = store.add_evidence(
        audit.organisation_id,
        name,
        io.BytesIO(f"{name}\n".encode()),
        title=name.rsplit(".", 1)[0],
        kind=kind,
        actor="qm",
        covered_from=start,
        covered_to=end,
        **meta,
    )
    store.link_evidence(audit.id, item, document.id, actor="qm")
    return document


def period(store, audit):
    library = {e.id: e for e in store.evidence_library(audit.organisation_id)}
    return running_period(
        store.catalogue(audit.catalogue_hash), store.evidence_links(audit.id), library
    )


def test_three_months_of_unbroken_records_on_system_items_suggest_the_prerequisite(store):
    audit = test_audit(store)
    assert period(store, audit) is None
    record(store, audit, "回访记录 1 月.txt", date(2026, 1, 1), date(2026, 1, 31))
    record(store, audit, "回访记录 2 月.txt", date(2026, 2, 1), date(2026, 2, 28), item="1.1.2")
    shown = period(store, audit)
    assert (shown.start, shown.end, shown.months, shown.suggests_running) == (
        date(2026, 1, 1),
        date(2026, 2, 28),
        2,
        False,
    )
    record(store, audit, "回访记录 3 月.txt", date(2026, 3, 1), date(2026, 3, 31), item="1.2.1")
    shown = period(store, audit)
    assert (shown.months, shown.records, shown.suggests_running) == (3, 3, True)
    assert store.audit(audit.id).prerequisites.get("system_running_3_months") is None


def test_a_gap_a_policy_or_a_record_outside_the_system_does_not_count(store):
    audit = test_audit(store)
    record(store, audit, "1 月.txt", date(2025, 10, 1), date(2025, 12, 31))  # then a gap
    record(store, audit, "制度.txt", date(2026, 1, 1), date(2026, 6, 30), kind="policy")
    record(store, audit, "服务记录.txt", date(2026, 1, 1), date(2026, 6, 30), item="2.1.1")
    record(store, audit, "5 月.txt", date(2026, 5, 1), date(2026, 5, 31))
    shown = period(store, audit)
    assert (shown.start, shown.end, shown.months) == (date(2026, 5, 1), date(2026, 5, 31), 1)


def test_readiness_flags_records_older_than_the_period_and_evidence_expiring_before_certification(
    store,
):
    audit = test_audit(store)  # audit date 2026-11-01: the period under review from 2025-11-01
    old = record(store, audit, "2024 台账.txt", date(2024, 1, 1), date(2024, 12, 31))
    licence = record(
        store, audit, "营业执照.txt", None, None, kind="licence", valid_until=date(2027, 1, 31)
    )
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    store.update_audit(
        audit.id,
        expected_version=store.audit(audit.id).version,
        actor="qm",
        planned_certification_on=date(2027, 3, 1),
    )
    audit = store.audit(audit.id)
    library = {e.id: e for e in store.evidence_library(audit.organisation_id)}
    catalogue = store.catalogue(audit.catalogue_hash)
    warnings = readiness(catalogue, audit, store.items(audit.id), [], library, date(2026, 11, 20))
    dated = {
        (w.check, w.values["title"])
        for w in warnings
        if w.check in (Check.STALE_EVIDENCE, Check.EXPIRES_BEFORE_CERTIFICATION)
    }
    assert dated == {
        (Check.STALE_EVIDENCE, old.title),
        (Check.EXPIRES_BEFORE_CERTIFICATION, licence.title),
    }
    later = replace(audit, planned_certification_on=date(2027, 1, 15))
    warnings = readiness(catalogue, later, store.items(audit.id), [], library, date(2026, 11, 20))
    assert Check.EXPIRES_BEFORE_CERTIFICATION not in {w.check for w in warnings}
    text = next(w for w in warnings if w.check is Check.STALE_EVIDENCE).text("zh")
    assert "早于本期评价期间（自 2025-11-01 起）" in text

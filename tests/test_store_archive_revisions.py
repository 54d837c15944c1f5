"""Archives carry evidence revisions, covered periods and requests; archives written before
they existed still import."""

import io
from datetime import date
from pathlib import Path

import pytest
from store_helpers import company, new_store, sign_off, test_audit

from store.archive import export_audit, import_archive

FIXTURES = Path(__file__).parent / "fixtures"
V1 = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
V2 = b"%PDF-1.4\n% revision 2\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def source(tmp_path):
    # the consultant's machine: its own SQLite file; the importing side runs on both engines
    return new_store(f"sqlite:///{tmp_path / 'consultant.db'}", tmp_path / "consultant")


@pytest.fixture
def target(database_url, tmp_path, evidence_backend):
    return new_store(database_url, tmp_path / "client", evidence_backend)


def test_an_archive_written_before_revisions_existed_still_imports(target):
    # made by the main branch's code before migration 0005 (export_audit of a small round)
    result = import_archive(target, FIXTURES / "archive-before-0005.zip", actor="client")
    (document,) = target.evidence_library(result.organisation_id)
    assert (document.title, document.revision, document.previous_id) == (
        "售后服务管理制度",
        1,
        None,
    )
    assert (document.covered_from, document.covered_to) == (None, None)
    (audit_id,) = result.audit_ids.values()
    assert target.evidence_links(audit_id) == {"1.1.1": (document.id,)}
    assert target.evidence_requests(audit_id) == []
    assert target.evidence_content(document.id).startswith(b"%PDF-1.4")


def test_revisions_periods_and_requests_travel_in_the_archive(source, target, tmp_path):
    first_round = test_audit(source, company(source))
    v1, _ = source.add_evidence(
        first_round.organisation_id,
        "回访记录2026-03.pdf",
        io.BytesIO(V1),
        title="回访记录",
        kind="record",
        actor="qm",
        covered_from=date(2026, 3, 1),
        covered_to=date(2026, 3, 31),
    )
    source.link_evidence(first_round.id, "1.1.1", v1.id, actor="qm")
    sign_off(source, first_round.id)
    second_round = source.close_round(
        first_round.id, expected_version=source.audit(first_round.id).version, actor="qm"
    )
    v2 = source.replace_evidence(v1.id, "回访记录-修订.pdf", io.BytesIO(V2), actor="王经理")
    source.request_evidence(
        second_round.id,
        "2.1.1",
        needed="投诉台账",
        owner="王经理",
        due=date(2026, 12, 1),
        actor="顾问",
    )
    archive = export_audit(source, second_round.id, tmp_path / "round.zip")

    result = import_archive(target, archive, actor="client")

    first, second = (result.audit_ids[first_round.id], result.audit_ids[second_round.id])
    (current,) = target.evidence_library(result.organisation_id)
    old, new = target.evidence_revisions(current.id)
    assert (old.revision, new.revision, new.previous_id) == (1, 2, old.id)
    assert (old.replaced_by, new.uploaded_by) == ("王经理", "王经理")
    assert (old.covered_from, old.covered_to) == (date(2026, 3, 1), date(2026, 3, 31))
    assert target.evidence_links(first) == {"1.1.1": (old.id,)}  # the closed round keeps v1
    assert target.evidence_links(second) == {"1.1.1": (new.id,)}
    (request,) = target.evidence_requests(second)
    assert (request.item_id, request.needed, request.owner, request.open) == (
        "2.1.1",
        "投诉台账",
        "王经理",
        True,
    )
    assert target.evidence_content(old.id) == V1 and target.evidence_content(new.id) == V2
    assert v2.id  # the source keeps its own ids; the target numbered its own

"""Evidence a reviewer can trust: downloads checked against the hash, revisions that closed
rounds keep, removal only of what no round uses, and requests answered by a linked file."""

import io
from datetime import date

import pytest
from store_helpers import company, new_store, sign_off, test_audit

from domain.evidence_rules import EvidenceRule

POLICY_V1 = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
POLICY_V2 = b"%PDF-1.4\n% revision 2\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
POLICY_V3 = b"%PDF-1.4\n% revision 3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


def upload(store, organisation_id, content=POLICY_V1, name="售后服务管理制度.pdf", **meta):
    meta.setdefault("title", "售后服务管理制度")
    meta.setdefault("kind", "policy")
    record, _ = store.add_evidence(organisation_id, name, io.BytesIO(content), actor="qm", **meta)
    return record


def close(store, audit):
    sign_off(store, audit.id)  # only a signed-off round closes
    return store.close_round(audit.id, expected_version=store.audit(audit.id).version, actor="qm")


# -- download ----------------------------------------------------------------------------------


def test_a_download_is_the_stored_bytes_checked_against_their_hash(store):
    record = upload(store, company(store).id)
    assert store.evidence_content(record.id) == POLICY_V1


def test_a_changed_file_is_refused_not_served(store):
    record = upload(store, company(store).id)
    path = store.blobs.local_path(record.sha256)
    path.write_bytes(POLICY_V1.replace(b"1.4", b"1.7"))
    with pytest.raises(EvidenceRule) as refused:
        store.evidence_content(record.id)
    assert refused.value.code == "evidence.tampered"
    assert "售后服务管理制度" in refused.value.message("zh")


def test_a_missing_file_is_refused_with_its_own_reason(store):
    record = upload(store, company(store).id)
    store.blobs.local_path(record.sha256).unlink()
    with pytest.raises(EvidenceRule) as refused:
        store.evidence_content(record.id)
    assert refused.value.code == "evidence.missing"


# -- revisions ---------------------------------------------------------------------------------


def test_a_new_revision_replaces_the_document_and_the_old_one_stays_downloadable(store):
    org = company(store)
    first = upload(store, org.id)
    store.update_evidence(first.id, actor="qm", title="售后服务管理制度 2025")
    second = store.replace_evidence(
        first.id, "制度-2026.pdf", io.BytesIO(POLICY_V2), actor="王经理"
    )
    assert (second.revision, second.previous_id, second.title) == (
        2,
        first.id,
        "售后服务管理制度 2025",
    )
    assert [e.id for e in store.evidence_library(org.id)] == [second.id]
    revisions = store.evidence_revisions(first.id)
    assert [r.revision for r in revisions] == [1, 2]
    assert revisions == store.evidence_revisions(second.id)
    assert revisions[0].replaced_by == "王经理" and revisions[0].replaced_at is not None
    assert revisions[1].current and revisions[1].uploaded_by == "王经理"
    assert store.evidence_content(first.id) == POLICY_V1
    assert store.evidence_content(second.id) == POLICY_V2


def test_only_the_current_revision_can_be_replaced_and_not_by_a_file_already_stored(store):
    org = company(store)
    first = upload(store, org.id)
    store.replace_evidence(first.id, "v2.pdf", io.BytesIO(POLICY_V2), actor="qm")
    with pytest.raises(EvidenceRule) as stale:
        store.replace_evidence(first.id, "v3.pdf", io.BytesIO(POLICY_V3), actor="qm")
    assert stale.value.code == "evidence.not_current"
    current = store.evidence_library(org.id)[0]
    with pytest.raises(EvidenceRule) as same:
        store.replace_evidence(current.id, "again.pdf", io.BytesIO(POLICY_V1), actor="qm")
    assert same.value.code == "evidence.same_content"
    assert [r.revision for r in store.evidence_revisions(first.id)] == [1, 2]


def test_draft_links_follow_the_new_revision_while_a_closed_round_keeps_what_it_was_scored_on(
    store,
):
    first_round = test_audit(store)
    v1 = upload(store, first_round.organisation_id)
    store.link_evidence(first_round.id, "1.1.1", v1.id, actor="qm")
    second_round = close(store, first_round)
    v2 = store.replace_evidence(v1.id, "v2.pdf", io.BytesIO(POLICY_V2), actor="qm")
    assert store.evidence_links(first_round.id) == {"1.1.1": (v1.id,)}
    assert store.evidence_links(second_round.id) == {"1.1.1": (v2.id,)}


# -- removal -----------------------------------------------------------------------------------


def test_a_file_no_item_uses_can_be_removed_with_its_revisions(store):
    org = company(store)
    v1 = upload(store, org.id)
    v2 = store.replace_evidence(v1.id, "v2.pdf", io.BytesIO(POLICY_V2), actor="qm")
    store.remove_evidence(v2.id, actor="qm")
    assert store.evidence_library(org.id) == []
    assert "removed" in [c.field for c in store.changes(organisation_id=org.id)]


def test_removing_a_file_a_closed_round_uses_is_refused_naming_the_round(store):
    first_round = test_audit(store)
    v1 = upload(store, first_round.organisation_id)
    store.link_evidence(first_round.id, "1.1.1", v1.id, actor="qm")
    second_round = close(store, first_round)
    v2 = store.replace_evidence(v1.id, "v2.pdf", io.BytesIO(POLICY_V2), actor="qm")
    store.unlink_evidence(second_round.id, "1.1.1", v2.id, actor="qm")
    with pytest.raises(EvidenceRule) as refused:
        store.remove_evidence(v2.id, actor="qm")
    assert refused.value.code == "evidence.used_by_rounds"
    assert refused.value.values["rounds"] == "#1"
    assert store.evidence_content(v1.id) == POLICY_V1


def test_removing_a_file_a_draft_item_uses_asks_to_unlink_it_first(store):
    audit = test_audit(store)
    record = upload(store, audit.organisation_id)
    store.link_evidence(audit.id, "2.1.1", record.id, actor="qm")
    with pytest.raises(EvidenceRule) as refused:
        store.remove_evidence(record.id, actor="qm")
    assert refused.value.code == "evidence.used_by_items"
    assert "2.1.1" in refused.value.values["items"]
    store.unlink_evidence(audit.id, "2.1.1", record.id, actor="qm")
    store.remove_evidence(record.id, actor="qm")
    assert store.evidence_library(audit.organisation_id) == []


def test_a_covered_period_is_kept_and_may_not_end_before_it_starts(store):
    org = company(store)
    record = upload(store, org.id, covered_from=date(2026, 3, 1), covered_to=date(2026, 3, 31))
    assert (record.covered_from, record.covered_to) == (date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(EvidenceRule) as refused:
        store.update_evidence(record.id, actor="qm", covered_to=date(2026, 2, 1))
    assert refused.value.code == "evidence.bad_period"


# -- requests ----------------------------------------------------------------------------------


def test_a_request_stays_open_until_a_file_is_linked_to_its_item(store):
    audit = test_audit(store)
    request = store.request_evidence(
        audit.id,
        "2.1.1",
        needed="2026 年 3 月回访记录",
        owner="王经理",
        due=date(2026, 12, 1),
        actor="顾问",
    )
    assert request.open and request.requested_by == "顾问"
    other = upload(store, audit.organisation_id)
    store.link_evidence(audit.id, "1.1.1", other.id, actor="王经理")  # another item
    assert store.evidence_requests(audit.id)[0].open
    answer = upload(store, audit.organisation_id, content=POLICY_V2, name="回访记录.pdf")
    store.link_evidence(audit.id, "2.1.1", answer.id, actor="王经理")
    closed = store.evidence_requests(audit.id)[0]
    assert not closed.open
    assert (closed.closed_by, closed.evidence_id) == ("王经理", answer.id)


def test_an_open_request_moves_on_to_the_next_round_and_closes_there(store):
    first_round = test_audit(store)
    store.request_evidence(
        first_round.id, "2.1.1", needed="回访记录", owner="王经理", due=None, actor="顾问"
    )
    second_round = close(store, first_round)
    assert store.evidence_requests(first_round.id) == []
    record = upload(store, first_round.organisation_id)
    store.link_evidence(second_round.id, "2.1.1", record.id, actor="王经理")
    assert not store.evidence_requests(second_round.id)[0].open


def test_a_request_needs_someone_and_something_and_can_be_closed_by_hand(store):
    audit = test_audit(store)
    for owner, needed, code in (
        (" ", "回访记录", "evidence.request_needs_owner"),
        ("王经理", "", "evidence.request_needs_what"),
    ):
        with pytest.raises(EvidenceRule) as refused:
            store.request_evidence(
                audit.id, "2.1.1", needed=needed, owner=owner, due=None, actor="顾问"
            )
        assert refused.value.code == code
    request = store.request_evidence(
        audit.id, "2.1.1", needed="回访记录", owner="王经理", due=None, actor="顾问"
    )
    changed = store.update_evidence_request(
        request.id, actor="顾问", owner="李主管", due=date(2026, 12, 15), closed=True
    )
    assert (changed.owner, changed.due, changed.open) == ("李主管", date(2026, 12, 15), False)


def test_a_request_is_an_action_of_the_colleague_in_the_register_and_reminders_until_answered(
    store,
):
    from domain.action_register import Source
    from domain.records import ActionState
    from reminders.dates import audit_due_dates
    from reminders.digest import digests
    from reminders.ics import calendar_ics
    from store.action_register import action_rows

    audit = test_audit(store)
    today = date(2026, 11, 20)
    request = store.request_evidence(
        audit.id,
        "2.1.1",
        needed="2026 年 3 月回访记录",
        owner="wang@example.cn",
        due=date(2026, 11, 25),
        actor="顾问",
    )
    (row,) = [r for r in action_rows(store, audit.id, today) if r.source is Source.REQUEST]
    assert (row.item_id, row.action, row.owner, row.state) == (
        "2.1.1",
        "2026 年 3 月回访记录",
        "wang@example.cn",
        ActionState.OPEN,
    )
    (to_wang,) = [d for d in digests(store, today, days=14) if d.recipient == "wang@example.cn"]
    assert [i.summary for i in to_wang.upcoming] == ["证据索取到期：2.1.1 2026 年 3 月回访记录"]
    feed = calendar_ics("自评", audit_due_dates(store, audit.id, today)).decode()
    assert f"request-{request.id}" in feed

    record = upload(store, audit.organisation_id)
    store.link_evidence(audit.id, "2.1.1", record.id, actor="wang@example.cn")
    (row,) = [r for r in action_rows(store, audit.id, today) if r.source is Source.REQUEST]
    assert row.state is ActionState.DONE
    assert not [d for d in digests(store, today, days=14) if d.recipient == "wang@example.cn"]

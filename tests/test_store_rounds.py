"""Rounds: a closed round keeps its entries and scores; the next starts from it; rounds compare."""

from datetime import date

import pytest
from store_helpers import company, new_store, sign_off, test_audit

from domain.account_records import ReviewError
from scoring import Status
from store import InvalidEntry, ReadOnly


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


def fill_first_round(store, audit):
    save = store.save_item
    save(
        audit.id,
        "1.1.1",
        expected_version=0,
        actor="qm",
        status=Status.NOT_CONFORMING,
        finding="无售后部门",
    )
    save(
        audit.id,
        "1.1.2",
        expected_version=0,
        actor="qm",
        status=Status.SAMPLED,
        samples_checked=10,
        samples_conforming=8,
    )
    save(audit.id, "1.2.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    save(audit.id, "2.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    save(audit.id, "2.1.2", expected_version=0, actor="qm", status=Status.CONFORMING)
    store.add_deduction(audit.id, reason="未按制度回访", category="own_rules", actor="qm")
    # 0 + 16 + 30 + 25 + 15 = 86, −1 = 85: 三星级


def test_closing_a_round_freezes_it_and_opens_the_next_from_a_copy(store):
    first = test_audit(store)
    fill_first_round(store, first)
    sign_off(store, first.id)
    second = store.close_round(
        first.id,
        expected_version=store.audit(first.id).version,
        actor="qm",
        next_date=date(2027, 2, 1),
    )
    closed = store.audit(first.id)
    assert closed.state == "frozen" and closed.frozen_at is not None
    assert (second.round_no, second.previous_audit_id, second.state) == (2, first.id, "draft")
    assert second.audit_date == date(2027, 2, 1)
    copied = store.items(second.id)
    assert copied["1.1.1"].finding == "无售后部门"
    assert copied["1.1.2"].samples_conforming == 8
    assert [d.reason for d in store.deductions(second.id)] == ["未按制度回访"]
    assert store.score(second.id)[0].score == store.score(first.id)[0].score == 85


def test_the_store_closes_only_a_round_whose_sign_off_holds(store):
    """The bare store (the command line, the certification cycle) refuses as the app does:
    not signed off, or changed since the sign-off; nothing is frozen either time."""
    first = test_audit(store)
    fill_first_round(store, first)
    with pytest.raises(ReviewError) as unsigned:
        store.close_round(first.id, expected_version=store.audit(first.id).version, actor="qm")
    assert (unsigned.value.code, unsigned.value.values["state"]) == (
        "auth.review.error.not_signed_off",
        "not_submitted",
    )
    sign_off(store, first.id)
    store.save_item(first.id, "1.1.1", expected_version=1, actor="qm", status=Status.CONFORMING)
    with pytest.raises(ReviewError) as changed:
        store.close_round(first.id, expected_version=store.audit(first.id).version, actor="qm")
    assert changed.value.values["state"] == "withdrawn"
    assert store.audit(first.id).state == "draft"
    assert [a.round_no for a in store.audits(first.organisation_id)] == [1]


def test_a_frozen_round_refuses_changes(store):
    first = test_audit(store)
    fill_first_round(store, first)
    sign_off(store, first.id)
    store.close_round(first.id, expected_version=store.audit(first.id).version, actor="qm")
    with pytest.raises(ReadOnly, match="round 1 is frozen"):
        store.save_item(first.id, "1.1.1", expected_version=1, actor="qm", status=Status.CONFORMING)
    with pytest.raises(ReadOnly):
        store.add_deduction(first.id, reason="x", category="law", actor="qm")


def test_the_snapshot_keeps_the_scores_as_computed_then(store):
    first = test_audit(store)
    fill_first_round(store, first)
    sign_off(store, first.id)
    store.close_round(first.id, expected_version=store.audit(first.id).version, actor="qm")
    snapshot = store.round_result(first.id)
    assert snapshot["score"] == 85
    assert snapshot["tier"]["id"] == "three_star"
    assert snapshot["catalogue"]["hash"] == first.catalogue_hash


def test_comparing_rounds_shows_score_tier_indicator_and_item_changes(store):
    first = test_audit(store)
    fill_first_round(store, first)
    sign_off(store, first.id)
    second = store.close_round(first.id, expected_version=store.audit(first.id).version, actor="qm")
    store.save_item(second.id, "1.1.1", expected_version=1, actor="qm", status=Status.CONFORMING)
    store.save_item(
        second.id, "2.1.2", expected_version=1, actor="qm", status=Status.NOT_CONFORMING
    )
    deduction = store.deductions(second.id)[0]
    store.remove_deduction(deduction.id, expected_version=deduction.version, actor="qm")
    # 10 + 16 + 30 + 25 + 0 = 81, no deduction: 81
    comparison = store.compare(first.id, second.id)
    assert (comparison.score_before, comparison.score_after) == (85, 81)
    assert comparison.score_delta == -4
    assert not comparison.tier_changed
    assert [c.id for c in comparison.improved] == ["1.1.1"]
    assert [c.id for c in comparison.regressed] == ["2.1.2"]
    by_id = {d.id: d for d in comparison.indicators}
    assert by_id["1.1"].delta == pytest.approx(100 * 26 / 30 - 100 * 16 / 30)
    assert by_id["2"].delta == pytest.approx(100 * 25 / 40 - 100)


def test_rounds_of_different_organisations_do_not_compare(store):
    one = test_audit(store)
    other = test_audit(store, company(store, name="另一家公司"))
    with pytest.raises(InvalidEntry, match="different organisations"):
        store.compare(one.id, other.id)


def test_the_next_round_keeps_who_assessed_each_item_and_when(store):
    """The QM scored the items; the manager closed the round. The next round's items still say
    the QM saved them, at the time they did; the closer is recorded as the one who closed."""
    first = test_audit(store)
    fill_first_round(store, first)
    assessed = store.items(first.id)
    sign_off(store, first.id)
    second = store.close_round(
        first.id, expected_version=store.audit(first.id).version, actor="张经理"
    )
    carried = store.items(second.id)
    assert set(carried) == set(assessed)
    for item_id, record in carried.items():
        assert (record.updated_by, record.updated_at) == (
            assessed[item_id].updated_by,
            assessed[item_id].updated_at,
        ), item_id
    assert {r.updated_by for r in carried.values()} == {"qm"}
    frozen = [c for c in store.changes(audit_id=first.id) if c.field == "state"]
    assert [(c.actor, c.old, c.new) for c in frozen] == [("张经理", "draft", "frozen")]
    opened = [c for c in store.changes(audit_id=second.id) if c.field == "created"]
    assert [c.actor for c in opened] == ["张经理"]

"""Moving an audit onto another catalogue (e.g. the body's own table): the old round is frozen
with the score it had; a new round on the target carries what was entered, item by number or by
the user's mapping, evidence included; the change log says what was moved where."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import yaml
from catalogue_builder import ItemDef, catalogue_dict
from evidence_samples import pdf
from store_helpers import company, new_store, sign_off, test_audit

from domain.account_records import ReviewError
from domain.records import AuditState, Rectification
from scoring import Status
from store import InvalidEntry
from store.catalogue_move import Fate, MoveChanged, ResetReason, plan_move

# the body's table: 1.1.1 worth more, 1.1.2 scored as a whole (no sampling), 1.2.1 may not be
# excluded, 2.1.2 replaced by 2.1.3
BODY_ITEMS = [
    ItemDef("1.1.1", 20),
    ItemDef("1.1.2", 10),
    ItemDef("1.2.1", 30),
    ItemDef("2.1.1", 25),
    ItemDef("2.1.3", 15),
]


def body_text() -> str:
    data = catalogue_dict(BODY_ITEMS)
    data["id"] = "body-table"
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


@pytest.fixture
def audit(store):
    audit = test_audit(store, company(store))
    save = store.save_item
    save(
        audit.id,
        "1.1.1",
        expected_version=0,
        actor="qm",
        status=Status.NOT_CONFORMING,
        finding="无售后部门",
        rectification=Rectification("设立售后服务部", "王经理"),
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
    save(
        audit.id,
        "1.2.1",
        expected_version=0,
        actor="qm",
        status=Status.NOT_APPLICABLE,
        justification="不涉及",
    )
    save(audit.id, "2.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    save(audit.id, "2.1.2", expected_version=0, actor="qm", status=Status.CONFORMING)
    organisation_id = audit.organisation_id
    for item_id, name in (("1.1.1", "org-chart.pdf"), ("2.1.2", "manual.pdf")):
        record, _ = store.add_evidence(
            organisation_id,
            name,
            io.BytesIO(pdf(width=100 + len(name))),
            title=name,
            kind="record",
            actor="qm",
        )
        store.link_evidence(audit.id, item_id, record.id, actor="qm")
    store.add_deduction(audit.id, reason="未按制度回访", category="own_rules", actor="qm")
    sign_off(store, audit.id)  # moving freezes the round: only once its sign-off holds
    return store.audit(audit.id)


def moved(store, audit, mapping=None):
    body = store.register_catalogue(body_text(), "body.yaml")
    return store.move_to_catalogue(
        audit.id, body.content_hash, mapping=mapping, expected_version=audit.version, actor="顾问"
    )


def test_a_round_not_signed_off_is_not_moved_by_any_door(store):
    # the store refuses it itself, so the command line meets the rule as the app does
    draft = test_audit(store, company(store))
    body = body_catalogue(store)
    with pytest.raises(ReviewError) as refused:
        store.move_to_catalogue(
            draft.id, body.content_hash, expected_version=draft.version, actor="顾问"
        )
    assert refused.value.code == "auth.review.error.not_signed_off"
    assert store.audit(draft.id).state is AuditState.DRAFT
    assert len(store.audits(draft.organisation_id)) == 1


def test_the_old_round_is_frozen_with_the_score_it_had(store, audit):
    before = store.round_result(audit.id)
    moved(store, audit)
    old = store.audit(audit.id)
    assert old.state is AuditState.FROZEN
    assert store.round_result(audit.id) == before
    assert old.catalogue_id == "test-catalogue"


def test_items_with_the_same_number_carry_status_findings_actions_and_evidence(store, audit):
    new = moved(store, audit)
    assert new.catalogue_id == "body-table"
    assert new.round_no == audit.round_no + 1
    items = store.items(new.id)
    first = items["1.1.1"]
    assert first.status is Status.NOT_CONFORMING
    assert first.finding == "无售后部门"
    assert first.rectification.action == "设立售后服务部"
    assert len(first.evidence_ids) == 1
    assert items["2.1.1"].status is Status.CONFORMING
    assert [d.reason for d in store.deductions(new.id)] == ["未按制度回访"]


def test_an_item_whose_number_changed_is_carried_where_the_user_maps_it(store, audit):
    new = moved(store, audit, {"2.1.2": "2.1.3"})
    carried = store.item(new.id, "2.1.3")
    assert carried.status is Status.CONFORMING
    assert len(carried.evidence_ids) == 1


def test_unmapped_items_start_open_and_the_score_is_on_the_new_catalogue(store, audit):
    new = moved(store, audit)
    assert store.item(new.id, "2.1.3").status is Status.NOT_ASSESSED
    result, _ = store.score(new.id)
    # applicable 100; earned 2.1.1 25; 1.1.2 and 1.2.1 start open (see below); −1 deduction
    assert result.earned_points == 25
    assert result.applicable_points == 100


def test_a_status_the_target_item_cannot_take_starts_open_keeping_its_notes(store, audit):
    new = moved(store, audit)
    sampled_on_binary = store.item(new.id, "1.1.2")
    excluded_not_excludable = store.item(new.id, "1.2.1")
    assert sampled_on_binary.status is Status.NOT_ASSESSED
    assert sampled_on_binary.samples_checked is None
    assert excluded_not_excludable.status is Status.NOT_ASSESSED
    assert excluded_not_excludable.justification == "不涉及"


def test_the_change_log_records_the_catalogues_the_mapping_and_the_resets(store, audit):
    new = moved(store, audit, {"2.1.2": "2.1.3"})
    log = {(c.field, c.old, c.new) for c in store.changes(audit_id=new.id)}
    fields = {field: (old, new_value) for field, old, new_value in log}
    assert fields["catalogue"][0].startswith("test-catalogue ")
    assert fields["catalogue"][1].startswith("body-table ")
    assert "2.1.2→2.1.3" in fields["mapping"][1]
    assert fields["item 1.1.2 status"] == ("sampled", "not_assessed")


def test_a_mapping_to_an_unknown_item_is_refused_and_nothing_changes(store, audit):
    with pytest.raises(InvalidEntry, match=r"9\.9\.9"):
        moved(store, audit, {"2.1.2": "9.9.9"})
    assert store.audit(audit.id).state is AuditState.DRAFT
    assert len(store.audits(audit.organisation_id)) == 1


def test_two_items_mapped_onto_one_are_refused(store, audit):
    body = store.register_catalogue(body_text(), "body.yaml")
    source = store.catalogue(audit.catalogue_hash)
    with pytest.raises(InvalidEntry, match=r"2\.1\.3"):
        plan_move(source, body, {"2.1.2": "2.1.3", "2.1.1": "2.1.3"})


def test_the_plan_lists_what_is_left_behind_and_what_starts_open(store, audit):
    body = store.register_catalogue(body_text(), "body.yaml")
    plan = plan_move(store.catalogue(audit.catalogue_hash), body)
    assert plan.left_behind == ("2.1.2",)
    assert plan.start_open == ("2.1.3",)
    assert plan.carried["1.1.1"] == "1.1.1"
    assert Decimal(body.item("1.1.1").points) == 20


def test_an_archive_of_a_moved_audit_carries_both_catalogues(store, audit, tmp_path):
    from store.archive import export_audit, import_archive

    new = moved(store, audit, {"2.1.2": "2.1.3"})
    path = export_audit(store, new.id, tmp_path / "moved.zip")
    other = new_store(f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "other")
    outcome = import_archive(other, path, actor="顾问")
    copied = other.audit(outcome.audit_ids[new.id])
    assert other.catalogue(copied.catalogue_hash).id == "body-table"
    assert other.item(copied.id, "2.1.3").status is Status.CONFORMING
    assert other.round_result(outcome.audit_ids[audit.id]) == store.round_result(audit.id)


def body_catalogue(store, sampled: bool = False):
    """The body's table; ``sampled``: its 1.1.2 is scored by samples too."""
    data = catalogue_dict(
        [
            ItemDef("1.1.2", 10, scoring="sampled") if sampled and i.id == "1.1.2" else i
            for i in BODY_ITEMS
        ]
    )
    data["id"] = "body-table-sampled" if sampled else "body-table"
    return store.register_catalogue(yaml.safe_dump(data, allow_unicode=True), "body.yaml")


def test_the_preview_says_item_by_item_what_the_move_does_and_why(store, audit):
    body = body_catalogue(store)
    preview = store.preview_catalogue_move(audit.id, body.content_hash, {"2.1.2": "2.1.3"})
    fates = {
        (m.source_id, m.target_id): (m.fate, m.status_before, m.status_after, m.reason)
        for m in preview.items
    }
    assert fates == {
        ("1.1.1", "1.1.1"): (Fate.KEPT, Status.NOT_CONFORMING, Status.NOT_CONFORMING, None),
        ("1.1.2", "1.1.2"): (
            Fate.RESET,
            Status.SAMPLED,
            Status.NOT_ASSESSED,
            ResetReason.TARGET_NOT_SAMPLED,
        ),
        ("1.2.1", "1.2.1"): (
            Fate.RESET,
            Status.NOT_APPLICABLE,
            Status.NOT_ASSESSED,
            ResetReason.TARGET_NOT_EXCLUDABLE,
        ),
        ("2.1.1", "2.1.1"): (Fate.KEPT, Status.CONFORMING, Status.CONFORMING, None),
        ("2.1.2", "2.1.3"): (Fate.MAPPED, Status.CONFORMING, Status.CONFORMING, None),
    }
    # the page once said "0 items start from 未评" here: two do
    assert [m.target_id for m in preview.starting_unassessed] == ["1.1.2", "1.2.1"]
    assert [m.evidence for m in preview.items if m.evidence] == [1, 1]
    assert preview.deductions == 1
    assert store.audit(audit.id).state is AuditState.DRAFT  # a preview changes nothing


def test_a_sampled_item_stays_sampled_with_its_counts_where_the_target_samples(store, audit):
    body = body_catalogue(store, sampled=True)
    preview = store.preview_catalogue_move(audit.id, body.content_hash)
    (sampled,) = [m for m in preview.items if m.source_id == "1.1.2"]
    assert (sampled.fate, sampled.status_after, sampled.samples) == (
        Fate.KEPT,
        Status.SAMPLED,
        (10, 8),
    )


@pytest.mark.parametrize("sampled", [False, True], ids=["binary 1.1.2", "sampled 1.1.2"])
@pytest.mark.parametrize("mapping", [None, {"2.1.2": "2.1.3"}, {"2.1.2": None}])
def test_the_move_does_exactly_what_its_preview_said(store, audit, sampled, mapping):
    body = body_catalogue(store, sampled)
    before = store.items(audit.id)
    preview = store.preview_catalogue_move(audit.id, body.content_hash, mapping)
    new = store.move_to_catalogue(
        audit.id,
        body.content_hash,
        mapping=mapping,
        expected_version=audit.version,
        actor="顾问",
        expected_preview=preview,
    )
    after = store.items(new.id)
    for move in preview.items:
        if move.target_id is None:
            assert move.fate is Fate.LEFT_BEHIND and move.source_id not in after
            continue
        item = after.get(move.target_id)
        status = item.status if item else Status.NOT_ASSESSED
        samples = (item.samples_checked, item.samples_conforming) if item else (None, None)
        assert status is move.status_after, move
        assert samples == (move.samples or (None, None)), move
        assert len(item.evidence_ids if item else ()) == move.evidence, move
        if move.fate in (Fate.KEPT, Fate.MAPPED):  # who assessed it, and when, travel with it
            source = before[move.source_id]
            assert (item.updated_by, item.updated_at) == (source.updated_by, source.updated_at)
        if move.fate is Fate.RESET:
            assert item.updated_by == "顾问"
    log = {c.field for c in store.changes(audit_id=new.id)}
    resets = {f"item {m.target_id} status" for m in preview.of(Fate.RESET)}
    assert {f for f in log if f.startswith("item ")} == resets
    assert len(store.deductions(new.id)) == preview.deductions


def test_a_round_changed_after_its_preview_is_not_moved(store, audit):
    body = body_catalogue(store)
    preview = store.preview_catalogue_move(audit.id, body.content_hash)
    store.save_item(
        audit.id,
        "2.1.1",
        expected_version=store.item(audit.id, "2.1.1").version,
        actor="qm",
        status=Status.NOT_CONFORMING,
    )
    sign_off(store, audit.id)  # the change withdrew the sign-off; given again, on the new content
    with pytest.raises(MoveChanged) as refused:
        store.move_to_catalogue(
            audit.id,
            body.content_hash,
            expected_version=store.audit(audit.id).version,
            actor="顾问",
            expected_preview=preview,
        )
    assert refused.value.code == "catalogues.move_changed"
    assert store.audit(audit.id).state is AuditState.DRAFT
    assert len(store.audits(audit.organisation_id)) == 1


def test_a_layouts_column_mapping_is_remembered_and_replaced(database_url, tmp_path):
    from store_helpers import new_store

    store = new_store(database_url, tmp_path)
    assert store.remembered_columns("a" * 64) is None
    store.remember_columns("a" * 64, {"number": 1, "title": 2, "points": 3}, actor="qm")
    assert store.remembered_columns("a" * 64) == {"number": 1, "title": 2, "points": 3}
    store.remember_columns("a" * 64, {"number": 2, "title": 3, "points": 4}, actor="qm")
    assert store.remembered_columns("a" * 64) == {"number": 2, "title": 3, "points": 4}

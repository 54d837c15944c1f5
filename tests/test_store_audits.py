"""Audits and item assessments: saved safely, versioned against lost updates, scored exactly."""

import re
from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy import text
from store_helpers import company, new_store, test_audit

from domain.records import ActionState, Rectification
from scoring import Status, display
from store import ConflictError, InvalidEntry, NotFound


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


@pytest.fixture
def audit(store):
    return test_audit(store)


def test_an_audit_records_the_catalogue_and_hash_it_is_scored_against(store, audit):
    catalogue = store.catalogue(audit.catalogue_hash)
    assert audit.catalogue_id == "test-catalogue" == catalogue.id
    assert audit.scheme_id == "default"
    assert audit.round_no == 1
    assert audit.state == "draft"


def test_rounds_are_numbered_per_organisation(store, audit):
    second = test_audit(store, store.organisation(audit.organisation_id))
    other = test_audit(store, company(store, name="另一家"))
    assert (second.round_no, other.round_no) == (2, 1)


def test_an_unknown_tier_scheme_is_refused(store, audit):
    with pytest.raises(InvalidEntry, match="unknown tier scheme 'gold'"):
        store.update_audit(audit.id, expected_version=audit.version, actor="qm", scheme_id="gold")


def test_an_item_assessment_is_saved_with_a_new_version(store, audit):
    saved = store.save_item(
        audit.id,
        "1.1.1",
        expected_version=0,
        actor="qm",
        status=Status.NOT_CONFORMING,
        finding="未设立售后服务部门",
        rectification=Rectification("设立售后服务部", "张总", date(2026, 12, 31)),
    )
    assert saved.version == 1
    again = store.item(audit.id, "1.1.1")
    assert again.status is Status.NOT_CONFORMING
    assert again.rectification.owner == "张总"
    assert again.updated_by == "qm"


def test_two_tabs_saving_the_same_item_do_not_overwrite_each_other(store, audit):
    seen = store.item(audit.id, "1.1.1")  # both tabs read version 0
    store.save_item(
        audit.id, "1.1.1", expected_version=seen.version, actor="甲", status=Status.CONFORMING
    )
    with pytest.raises(ConflictError) as refused:
        store.save_item(
            audit.id,
            "1.1.1",
            expected_version=seen.version,
            actor="乙",
            status=Status.NOT_CONFORMING,
        )
    assert refused.value.code == "conflict.changed" and refused.value.by == "甲"
    assert store.item(audit.id, "1.1.1").status is Status.CONFORMING
    # each language alone, the record by its label, the time in the organisation's zone
    saved_at = display.moment(store.item(audit.id, "1.1.1").updated_at, display.zone())
    chinese, english = refused.value.text("zh"), refused.value.text("en")
    assert chinese.startswith("评价项 1.1.1已由他人（甲）于 " + saved_at)
    assert not re.search(r"[A-Za-z]", chinese)
    assert english.startswith("The item 1.1.1 was changed by 甲 at " + saved_at)
    assert not re.search(r"[\u4e00-\u9fff]", english.replace("甲", ""))


@pytest.mark.parametrize(
    ("item_id", "changes", "message"),
    [
        (
            "1.1.2",
            {"status": Status.SAMPLED, "samples_checked": 5, "samples_conforming": 6},
            r"conforming samples \(6\) exceed samples checked \(5\)",
        ),
        (
            "1.1.2",
            {"status": Status.SAMPLED, "samples_checked": 0, "samples_conforming": 0},
            "samples checked must be ≥ 1",
        ),
        (
            "1.1.2",
            {"status": Status.SAMPLED, "samples_checked": None, "samples_conforming": None},
            "needs samples checked and conforming",
        ),
        (
            "1.1.1",
            {"status": Status.SAMPLED, "samples_checked": 2, "samples_conforming": 1},
            "not on samples",
        ),
        ("1.1.1", {"status": Status.NOT_APPLICABLE, "justification": "x"}, "may not be excluded"),
        ("9.9.9", {"status": Status.CONFORMING}, "unknown item id"),
        ("1.1.1", {"effort": -1}, "effort must be positive"),
        ("1.1.1", {"colour": "red"}, "has no field"),
        ("1.1.1", {"rectification": Rectification("", "张总")}, "needs its action text"),
    ],
)
def test_impossible_entries_are_refused_and_the_saved_entry_kept(
    store, audit, item_id, changes, message
):
    store.save_item(
        audit.id,
        "1.1.2",
        expected_version=0,
        actor="qm",
        status=Status.SAMPLED,
        samples_checked=10,
        samples_conforming=9,
    )
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    before = store.items(audit.id)
    version = before[item_id].version if item_id in before else 0
    with pytest.raises(InvalidEntry, match=message):
        store.save_item(audit.id, item_id, expected_version=version, actor="qm", **changes)
    assert store.items(audit.id) == before


def test_an_exclusion_may_be_saved_before_its_justification_is_written(store, audit):
    saved = store.save_item(
        audit.id, "1.2.1", expected_version=0, actor="qm", status=Status.NOT_APPLICABLE
    )
    assert saved.status is Status.NOT_APPLICABLE
    result, _ = store.score(audit.id)
    assert "1.2.1" in result.open_items  # counted as not assessed until justified


def test_switching_away_from_sampled_drops_the_sample_counts(store, audit):
    store.save_item(
        audit.id,
        "1.1.2",
        expected_version=0,
        actor="qm",
        status=Status.SAMPLED,
        samples_checked=4,
        samples_conforming=3,
    )
    saved = store.save_item(
        audit.id, "1.1.2", expected_version=1, actor="qm", status=Status.CONFORMING
    )
    assert (saved.samples_checked, saved.samples_conforming) == (None, None)


def test_the_store_scores_the_audit_as_the_rules_say(store, audit):
    save = store.save_item
    save(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    save(
        audit.id,
        "1.1.2",
        expected_version=0,
        actor="qm",
        status=Status.SAMPLED,
        samples_checked=4,
        samples_conforming=3,
    )
    save(
        audit.id,
        "1.2.1",
        expected_version=0,
        actor="qm",
        status=Status.NOT_APPLICABLE,
        justification="不提供安装服务",
    )
    save(audit.id, "2.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    store.add_deduction(audit.id, reason="三包期内拒绝更换", category="law", actor="qm")
    store.set_bonus(audit.id, "首创以旧换新上门回收", expected_version=0, actor="qm")
    result, plan = store.score(audit.id)
    # applicable 70, earned 10 + 15 + 25 = 50 → 71.43, −1 +1
    assert result.applicable_points == 70
    assert result.earned_points == 50
    assert result.score == Fraction(50, 70) * 100
    assert result.tier.id == "compliant"
    assert plan.target.id == "three_star"


def test_only_one_special_bonus_exists_and_it_can_be_withdrawn(store, audit):
    first = store.set_bonus(audit.id, "行业领先", expected_version=0, actor="qm")
    second = store.set_bonus(audit.id, "更好的理由", expected_version=first.version, actor="qm")
    assert store.bonus(audit.id).reason == "更好的理由"
    with pytest.raises(ConflictError):
        store.set_bonus(audit.id, "第三个", expected_version=0, actor="qm")
    store.set_bonus(audit.id, None, expected_version=second.version, actor="qm")
    assert store.bonus(audit.id) is None


def test_special_deductions_need_a_known_category_and_reason(store, audit):
    with pytest.raises(InvalidEntry, match="unknown category 'weather'"):
        store.add_deduction(audit.id, reason="x", category="weather", actor="qm")
    with pytest.raises(InvalidEntry, match="needs its reason"):
        store.add_deduction(audit.id, reason=" ", category="law", actor="qm")
    assert store.deductions(audit.id) == []
    added = store.add_deduction(
        audit.id, reason="未公示三包政策", category="law", actor="qm", item_id="2.1.1"
    )
    updated = store.update_deduction(
        added.id,
        expected_version=added.version,
        actor="qm",
        rectification=Rectification(
            "门店张贴三包政策", "赵主管", date(2026, 12, 1), ActionState.IN_PROGRESS
        ),
    )
    assert updated.rectification.state is ActionState.IN_PROGRESS
    store.remove_deduction(added.id, expected_version=updated.version, actor="qm")
    assert store.deductions(audit.id) == []


def test_every_change_is_logged_old_to_new(store, audit):
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="甲", status=Status.CONFORMING)
    store.save_item(
        audit.id,
        "1.1.1",
        expected_version=1,
        actor="乙",
        status=Status.NOT_CONFORMING,
        finding="无组织架构图",
    )
    log = [(c.actor, c.entity, c.field, c.old, c.new) for c in store.changes(audit_id=audit.id)]
    assert ("乙", "item 1.1.1", "status", "conforming", "not_conforming") in log
    assert ("乙", "item 1.1.1", "finding", "", "无组织架构图") in log
    assert ("甲", "item 1.1.1", "status", "not_assessed", "conforming") in log


def test_the_change_log_is_append_only_in_the_database_itself(store, audit):
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    for statement in ("UPDATE change_log SET actor = 'forger'", "DELETE FROM change_log"):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(statement))
    assert {c.actor for c in store.changes(audit_id=audit.id)} == {"qm"}


def test_a_crash_mid_save_leaves_the_database_as_it_was(store, audit, monkeypatch):
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    log_before = store.changes(audit_id=audit.id)

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(type(store), "_log", staticmethod(crash))
    with pytest.raises(RuntimeError, match="power cut"):
        store.save_item(
            audit.id, "1.1.1", expected_version=1, actor="qm", status=Status.NOT_CONFORMING
        )
    monkeypatch.undo()
    assert store.item(audit.id, "1.1.1").status is Status.CONFORMING
    assert store.item(audit.id, "1.1.1").version == 1
    assert store.changes(audit_id=audit.id) == log_before


def test_prerequisites_are_recorded_per_audit(store, audit):
    updated = store.update_audit(
        audit.id,
        expected_version=audit.version,
        actor="qm",
        prerequisites={"legal_entity": True, "no_major_incident": None},
    )
    assert updated.prerequisites == {"legal_entity": True, "no_major_incident": None}
    with pytest.raises(InvalidEntry, match="unknown prerequisite"):
        store.update_audit(
            audit.id,
            expected_version=updated.version,
            actor="qm",
            prerequisites={"licence_to_fly": True},
        )


def test_missing_records_are_reported_not_found(store):
    with pytest.raises(NotFound, match="audit #999"):
        store.audit(999)
    with pytest.raises(NotFound, match="organisation #999"):
        store.organisation(999)


def test_a_special_deduction_refusal_is_worded_by_its_code_in_one_language(store, audit):
    """The store had refused in Chinese and English run together ("特别扣分项 special
    deduction: …") and took any category it was given by default."""
    from texts import t

    cases = {
        ("x", ""): "audit.deduction_no_category",
        (" ", "law"): "audit.deduction_no_reason",
        ("x", "weather"): "audit.deduction_unknown_category",
    }
    for (reason, category), code in cases.items():
        with pytest.raises(InvalidEntry) as refused:
            store.add_deduction(audit.id, reason=reason, category=category, actor="qm")
        assert [p.code for p in refused.value.problems] == [code]
        zh = refused.value.text("zh")
        assert zh.startswith(t("audit.where.deduction", "zh")) and "special" not in zh
        assert not re.search(r"[\u4e00-\u9fff]", refused.value.text("en"))
    with pytest.raises(InvalidEntry) as refused:
        store.add_deduction(audit.id, reason="x", category="law", item_id="9.9.9", actor="qm")
    assert [p.code for p in refused.value.problems] == ["audit.deduction_unknown_item"]
    assert store.deductions(audit.id) == []


def test_the_store_refuses_more_special_deductions_than_the_plausible_bound(store, audit):
    from scoring.validation import MAX_SPECIAL_DEDUCTIONS

    for n in range(MAX_SPECIAL_DEDUCTIONS):
        store.add_deduction(audit.id, reason=f"问题 {n}", category="law", actor="qm")
    too_many = f"at most {MAX_SPECIAL_DEDUCTIONS} special deductions"
    with pytest.raises(InvalidEntry, match=too_many) as r:
        store.add_deduction(audit.id, reason="one more", category="law", actor="qm")
    assert [p.code for p in r.value.problems] == ["audit.deduction_too_many"]
    result, plan = store.score(audit.id)  # the bound itself still scores and plans
    assert result.verdict.deductions == MAX_SPECIAL_DEDUCTIONS
    assert plan.deductions_required == MAX_SPECIAL_DEDUCTIONS - 4


def test_a_sample_count_refusal_reads_in_the_readers_language(store, audit):
    """ "conforming samples (11) exceed samples checked (10)" was shown in English only."""
    with pytest.raises(InvalidEntry) as refused:
        store.save_item(
            audit.id,
            "1.1.2",
            expected_version=0,
            actor="qm",
            status=Status.SAMPLED,
            samples_checked=10,
            samples_conforming=11,
        )
    assert [p.code for p in refused.value.problems] == ["audit.conforming_exceeds_checked"]
    assert refused.value.text("zh") == "评价项 1.1.2：符合样本数（11）超过抽查样本数（10）"
    assert (
        refused.value.text("en")
        == "item 1.1.2: conforming samples (11) exceed samples checked (10)"
    )

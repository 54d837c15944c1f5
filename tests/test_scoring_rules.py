"""The scoring rules of GB/T 27922 certification, one rule per test."""

from fractions import Fraction

import pytest
from catalogue_builder import ItemDef, build_catalogue, hundred_items
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import (
    AuditError,
    AuditInput,
    ItemAssessment,
    SpecialBonus,
    SpecialDeduction,
    Status,
    score_audit,
    score_item,
)

CATALOGUE = build_catalogue(
    [
        ItemDef("1.1.1", 10),
        ItemDef("1.1.2", 20, scoring="sampled"),
        ItemDef("1.2.1", 30, excludable=True),
        ItemDef("2.1.1", 25),
        ItemDef("2.1.2", 15, excludable=True),
    ]
)


def audit(*entries: ItemAssessment, **kwargs) -> AuditInput:
    return AuditInput(assessments={e.item_id: e for e in entries}, **kwargs)


def a(item_id: str, status: Status, **kwargs) -> ItemAssessment:
    return ItemAssessment(item_id, status, **kwargs)


def all_conforming(**kwargs) -> AuditInput:
    return audit(*(a(i.id, Status.CONFORMING) for i in CATALOGUE.items), **kwargs)


def test_a_conforming_item_earns_its_full_points():
    result = score_audit(CATALOGUE, audit(a("1.1.1", Status.CONFORMING)))
    assert result.item("1.1.1").earned == 10


def test_a_not_conforming_item_earns_nothing():
    result = score_audit(CATALOGUE, audit(a("1.1.1", Status.NOT_CONFORMING)))
    assert result.item("1.1.1").earned == 0
    assert result.item("1.1.1").lost == 10


def test_a_sampled_item_earns_points_in_proportion_to_conforming_samples():
    entry = a("1.1.2", Status.SAMPLED, samples_checked=10, samples_conforming=7)
    result = score_audit(CATALOGUE, audit(entry))
    assert result.item("1.1.2").earned == 14  # 20 × 7/10


def test_sampled_points_are_exact_fractions_not_floats():
    entry = a("1.1.2", Status.SAMPLED, samples_checked=3, samples_conforming=1)
    result = score_audit(CATALOGUE, audit(entry))
    assert result.item("1.1.2").earned == Fraction(20, 3)


def test_an_unassessed_item_counts_zero_and_is_reported_open():
    result = score_audit(CATALOGUE, audit())
    assert result.earned_points == 0
    assert result.open_items == ("1.1.1", "1.1.2", "1.2.1", "2.1.1", "2.1.2")


def test_an_excluded_item_leaves_the_applicable_total():
    entry = a("1.2.1", Status.NOT_APPLICABLE, justification="不涉及安装")
    result = score_audit(CATALOGUE, audit(entry))
    assert result.applicable_points == 70
    assert result.excluded_items == ("1.2.1",)


def test_score_is_earned_over_applicable_times_100():
    result = score_audit(
        CATALOGUE,
        audit(
            a("1.1.1", Status.CONFORMING),  # 10
            a("1.1.2", Status.SAMPLED, samples_checked=4, samples_conforming=3),  # 15
            a("1.2.1", Status.NOT_APPLICABLE, justification="无安装业务"),  # excluded 30
            a("2.1.1", Status.CONFORMING),  # 25
            a("2.1.2", Status.NOT_CONFORMING),  # 0 of 15
        ),
    )
    assert result.applicable_points == 70
    assert result.earned_points == 50
    assert result.score == Fraction(50, 70) * 100


def test_each_special_deduction_takes_one_point_off_the_score():
    deductions = (
        SpecialDeduction("违反三包规定", "law"),
        SpecialDeduction("未按制度回访", "own_rules"),
    )
    result = score_audit(CATALOGUE, all_conforming(deductions=deductions))
    assert result.score == 98


def test_one_special_bonus_adds_one_point():
    result = score_audit(
        CATALOGUE,
        audit(
            a("1.1.1", Status.CONFORMING),
            a("1.2.1", Status.CONFORMING),
            a("2.1.1", Status.CONFORMING),
            bonuses=(SpecialBonus("行业领先的延保承诺"),),
        ),
    )
    assert result.score == 66  # 65 + 1


def test_a_second_special_bonus_is_refused():
    bonuses = (SpecialBonus("一"), SpecialBonus("二"))
    with pytest.raises(AuditError, match="at most 1 special bonus"):
        score_audit(CATALOGUE, all_conforming(bonuses=bonuses))


def test_the_score_never_exceeds_100():
    result = score_audit(CATALOGUE, all_conforming(bonuses=(SpecialBonus("卓越"),)))
    assert result.raw_score == 101
    assert result.score == 100


def test_the_score_never_falls_below_0():
    deductions = tuple(SpecialDeduction(f"问题{n}", "law") for n in range(3))
    result = score_audit(CATALOGUE, audit(deductions=deductions))
    assert result.raw_score == -3
    assert result.score == 0


def test_with_all_but_one_item_excluded_the_score_rests_on_that_item():
    catalogue = build_catalogue(
        [
            ItemDef("1.1.1", 40, scoring="sampled"),
            ItemDef("1.1.2", 20, excludable=True),
            ItemDef("1.2.1", 30, excludable=True),
            ItemDef("2.1.1", 10, excludable=True),
        ]
    )
    excluded = [
        a(i, Status.NOT_APPLICABLE, justification="不适用") for i in ("1.1.2", "1.2.1", "2.1.1")
    ]
    sampled = a("1.1.1", Status.SAMPLED, samples_checked=8, samples_conforming=6)
    result = score_audit(catalogue, audit(*excluded, sampled))
    assert result.applicable_points == 40
    assert result.earned_points == 30
    assert result.score == 75


def test_excluding_every_item_is_refused():
    catalogue = build_catalogue(
        [ItemDef("1.1.1", 60, excludable=True), ItemDef("1.1.2", 40, excludable=True)]
    )
    entries = audit(
        a("1.1.1", Status.NOT_APPLICABLE, justification="x"),
        a("1.1.2", Status.NOT_APPLICABLE, justification="y"),
    )
    with pytest.raises(AuditError, match="every item is excluded"):
        score_audit(catalogue, entries)


def test_an_exclusion_needs_a_justification_and_until_then_counts_as_not_assessed():
    entry = a("1.2.1", Status.NOT_APPLICABLE, justification="  ")
    result = score_audit(CATALOGUE, audit(entry))
    assert result.applicable_points == 100  # not excluded until justified
    assert "1.2.1" in result.open_items
    assert [str(w) for w in result.warnings] == [
        "item 1.2.1: excluded as not applicable without a justification (删减理由)"
    ]
    with pytest.raises(AuditError, match="without a justification"):
        score_audit(CATALOGUE, audit(entry), strict=True)


def test_an_item_the_catalogue_does_not_allow_to_exclude_cannot_be_excluded():
    with pytest.raises(AuditError, match=r"item 1\.1\.1: may not be excluded"):
        score_audit(CATALOGUE, audit(a("1.1.1", Status.NOT_APPLICABLE, justification="x")))


@pytest.mark.parametrize(
    ("checked", "conforming", "message"),
    [
        (10, 11, r"conforming samples \(11\) exceed samples checked \(10\)"),
        (10, -1, "cannot be negative"),
        (0, 0, "samples checked must be ≥ 1"),
        (-2, 0, "samples checked must be ≥ 1"),
        (None, 3, "needs samples checked and conforming"),
    ],
)
def test_impossible_sample_counts_are_refused(checked, conforming, message):
    entry = a("1.1.2", Status.SAMPLED, samples_checked=checked, samples_conforming=conforming)
    with pytest.raises(AuditError, match=message):
        score_audit(CATALOGUE, audit(entry))


def test_only_items_verified_on_samples_may_be_sampled():
    entry = a("1.1.1", Status.SAMPLED, samples_checked=5, samples_conforming=5)
    with pytest.raises(AuditError, match="not on samples"):
        score_audit(CATALOGUE, audit(entry))


def test_an_unknown_item_id_is_refused():
    with pytest.raises(AuditError, match=r"item 9\.9\.9: unknown item id"):
        score_audit(CATALOGUE, audit(a("9.9.9", Status.CONFORMING)))


def test_a_special_deduction_needs_a_known_category_and_a_reason():
    with pytest.raises(AuditError) as refused:
        score_audit(CATALOGUE, all_conforming(deductions=(SpecialDeduction("", "weather"),)))
    messages = [str(p) for p in refused.value.problems]
    assert "special_deductions[0]: a special deduction needs its reason" in messages
    assert any("unknown category 'weather'" in m for m in messages)


def test_an_unknown_tier_scheme_is_refused():
    with pytest.raises(AuditError, match="unknown tier scheme 'gold'"):
        score_audit(CATALOGUE, all_conforming(), "gold")


def test_unmet_prerequisites_make_the_company_ineligible_whatever_the_score():
    result = score_audit(
        CATALOGUE, all_conforming(prerequisites={"legal_entity": True, "no_major_incident": False})
    )
    assert result.score == 100
    assert result.tier is None  # not eligible: no tier awarded
    assert result.verdict.tier_once_eligible.id == "five_star"
    assert not result.eligibility.eligible
    assert result.eligibility.unmet == ("no_major_incident",)


def test_unconfirmed_prerequisites_leave_eligibility_unconfirmed():
    result = score_audit(CATALOGUE, all_conforming(prerequisites={"legal_entity": True}))
    assert result.eligibility.status == "unconfirmed"
    assert result.eligibility.unconfirmed == ("no_major_incident",)
    assert not result.eligibility.eligible


def test_all_prerequisites_met_make_the_company_eligible():
    met = {"legal_entity": True, "no_major_incident": True}
    assert score_audit(CATALOGUE, all_conforming(prerequisites=met)).eligibility.eligible


def test_rollups_give_earned_and_applicable_points_per_first_and_second_level_indicator():
    result = score_audit(
        CATALOGUE,
        audit(
            a("1.1.1", Status.CONFORMING),
            a("1.1.2", Status.SAMPLED, samples_checked=2, samples_conforming=1),
            a("1.2.1", Status.NOT_APPLICABLE, justification="不适用"),
            a("2.1.1", Status.NOT_CONFORMING),
        ),
    )
    first, second = result.sections
    assert (first.indicator_id, first.earned, first.applicable) == ("1", 20, 30)
    assert [(c.indicator_id, c.earned, c.applicable) for c in first.children] == [
        ("1.1", 20, 30),
        ("1.2", 0, 0),
    ]
    assert first.children[1].percent is None  # nothing applicable: no percentage
    assert (second.earned, second.applicable, second.open) == (0, 40, 1)
    assert first.percent == Fraction(200, 3)


def test_gaps_list_every_assessed_item_that_lost_points_most_recoverable_first():
    result = score_audit(
        CATALOGUE,
        audit(
            a("1.1.1", Status.NOT_CONFORMING),  # lost 10
            a("1.1.2", Status.SAMPLED, samples_checked=4, samples_conforming=3),  # lost 5
            a("1.2.1", Status.CONFORMING),
            a("2.1.1", Status.CONFORMING),
            a("2.1.2", Status.NOT_CONFORMING),  # lost 15
        ),
    )
    assert [(g.item_id, g.lost) for g in result.gaps] == [
        ("2.1.2", 15),
        ("1.1.1", 10),
        ("1.1.2", 5),
    ]
    assert result.gaps[0].score_gain == 15  # of 100 applicable points


def test_equal_losses_keep_catalogue_order():
    catalogue = hundred_items(4)
    failed = {f"1.1.{n}": ItemAssessment(f"1.1.{n}", Status.NOT_CONFORMING) for n in range(1, 5)}
    result = score_audit(catalogue, AuditInput(assessments=failed))
    assert [g.item_id for g in result.gaps] == ["1.1.1", "1.1.2", "1.1.3", "1.1.4"]


def test_results_record_the_catalogue_they_were_scored_against():
    result = score_audit(CATALOGUE, all_conforming())
    assert result.catalogue_id == "test-catalogue"
    assert result.catalogue_hash == CATALOGUE.content_hash


MIXED = build_catalogue(
    [
        ItemDef("1.1.1", "12.5"),
        ItemDef("1.1.2", "7.25", scoring="sampled"),
        ItemDef("1.2.1", 30, scoring="sampled", excludable=True),
        ItemDef("2.1.1", "20.25", excludable=True),
        ItemDef("2.1.2", 30),
    ]
)


@st.composite
def mixed_audits(draw):
    entries = {}
    for item in MIXED.items:
        choices = [Status.CONFORMING, Status.NOT_CONFORMING, Status.NOT_ASSESSED]
        if item.scoring == "sampled":
            choices.append(Status.SAMPLED)
        if item.excludable:
            choices.append(Status.NOT_APPLICABLE)
        status = draw(st.sampled_from(choices))
        if status is Status.SAMPLED:
            checked = draw(st.integers(1, 40))
            entry = ItemAssessment(
                item.id,
                status,
                samples_checked=checked,
                samples_conforming=draw(st.integers(0, checked)),
            )
        elif status is Status.NOT_APPLICABLE:
            entry = ItemAssessment(
                item.id, status, justification=draw(st.sampled_from(["", "不涉及"]))
            )
        else:
            entry = ItemAssessment(item.id, status)
        entries[item.id] = entry
    deductions = tuple(SpecialDeduction(f"d{n}", "law") for n in range(draw(st.integers(0, 7))))
    bonuses = (SpecialBonus("b"),) if draw(st.booleans()) else ()
    return AuditInput(assessments=entries, deductions=deductions, bonuses=bonuses)


@settings(max_examples=300, deadline=None)
@given(audit=mixed_audits())
def test_the_fast_exact_score_equals_the_item_by_item_rule(audit):
    # the rule written plainly: every item scored on its own, summed as fractions
    items = [score_item(item, audit.assessment(item.id)) for item in MIXED.items]
    applicable = sum((r.applicable_points for r in items), Fraction(0))
    if not applicable:
        return
    earned = sum((r.earned for r in items), Fraction(0))
    expected = earned / applicable * 100 - len(audit.deductions) + len(audit.bonuses)
    expected = min(Fraction(100), max(Fraction(0), expected))
    result = score_audit(MIXED, audit)
    assert (result.applicable_points, result.earned_points, result.score) == (
        applicable,
        earned,
        expected,
    )
    assert [r.earned for r in result.items] == [r.earned for r in items]
    assert sum((s.earned for s in result.sections), Fraction(0)) == earned

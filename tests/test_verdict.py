"""The verdict an evaluator would sign: a tier is awarded only when the score reaches the first
threshold, there are fewer special deductions than the catalogue's fail_at_deductions, and no
prerequisite is unmet."""

from fractions import Fraction

import pytest
import yaml
from catalogue_builder import ItemDef, build_catalogue, catalogue_dict, hundred_items
from hypothesis import given
from hypothesis import strategies as st

from criteria import parse_catalogue
from scoring import (
    AuditError,
    AuditInput,
    ItemAssessment,
    SpecialDeduction,
    Status,
    display,
    plan_next_tier,
    result_to_dict,
    score_audit,
)
from scoring.validation import MAX_SPECIAL_DEDUCTIONS
from texts import t

CATALOGUE = hundred_items(100)  # 100 binary items of 1 point: the score is the items conforming
MET = {"legal_entity": True, "no_major_incident": True}


def audit(conforming: int, deductions: int = 0, prerequisites=MET) -> AuditInput:
    return AuditInput(
        assessments={
            f"1.1.{n}": ItemAssessment(
                f"1.1.{n}", Status.CONFORMING if n <= conforming else Status.NOT_CONFORMING
            )
            for n in range(1, 101)
        },
        deductions=tuple(SpecialDeduction(f"问题{n}", "law") for n in range(deductions)),
        prerequisites=prerequisites,
    )


@given(conforming=st.integers(75, 100), deductions=st.integers(5, 30))
def test_five_special_deductions_fail_whatever_the_score(conforming, deductions):
    result = score_audit(CATALOGUE, audit(conforming, deductions))
    assert result.tier is None and result.verdict.tier is None
    assert "too_many_deductions" in result.verdict.fail_reasons


def test_four_special_deductions_do_not_fail_by_themselves():
    result = score_audit(CATALOGUE, audit(100, 4))  # 100 − 4 = 96
    assert result.verdict.fail_reasons == ()
    assert result.tier.id == "five_star"


def test_the_deduction_limit_is_data_in_the_catalogue():
    data = catalogue_dict([ItemDef("1.1.1", 100)])
    data["special_items"]["fail_at_deductions"] = 2
    catalogue = parse_catalogue(yaml.safe_dump(data, allow_unicode=True))
    two = AuditInput(
        assessments={"1.1.1": ItemAssessment("1.1.1", Status.CONFORMING)},
        deductions=(SpecialDeduction("a", "law"), SpecialDeduction("b", "law")),
    )
    assert score_audit(catalogue, two).verdict.fail_reasons == ("too_many_deductions",)


def test_a_score_below_the_first_threshold_fails_and_says_so():
    result = score_audit(CATALOGUE, audit(69))
    assert result.verdict.fail_reasons == ("score_below_first_tier",)
    assert "69.00" in display.verdict_label(result, "en")
    assert "below 70.00" in display.verdict_label(result, "en")


def test_both_fail_reasons_are_given_when_both_apply():
    result = score_audit(CATALOGUE, audit(70, 5))  # 65 and 5 deductions
    assert result.verdict.fail_reasons == ("score_below_first_tier", "too_many_deductions")
    label = display.verdict_label(result, "en")
    assert "below 70.00" in label and "5 special deductions" in label


def test_not_eligible_means_no_tier_but_shows_the_tier_once_eligible_apart():
    unmet = {"legal_entity": True, "no_major_incident": False}
    result = score_audit(CATALOGUE, audit(92, prerequisites=unmet))
    assert result.tier is None and result.verdict.not_eligible
    assert result.verdict.tier_once_eligible.id == "four_star"
    label = display.verdict_label(result, "zh")
    assert label.startswith("不具备申请资格") and "four_star" in label


def test_unconfirmed_prerequisites_keep_the_tier_and_say_so_next_to_it():
    result = score_audit(CATALOGUE, audit(85, prerequisites={"legal_entity": True}))
    assert result.tier.id == "three_star"
    assert result.verdict.unconfirmed == ("no_major_incident",)
    assert display.verdict_label(result, "en") == "three_star (1 prerequisite(s) to confirm)"


def test_a_verdict_tile_shows_a_short_headline_with_its_qualifier_beneath():
    """The app's tier tile is narrow: the headline is the tier (or why there is none) and the
    qualifier goes beneath it, so "三星级（3 项…" is never cut off mid-sentence."""
    unconfirmed = score_audit(CATALOGUE, audit(85, prerequisites={"legal_entity": True}))
    assert display.verdict_headline(unconfirmed, "en") == (
        "three_star",
        "1 prerequisite(s) to confirm",
    )
    failed = score_audit(CATALOGUE, audit(92, 5))
    headline, why = display.verdict_headline(failed, "en")
    assert headline == failed.scheme.fail_title.en and "5 special deductions" in why
    ineligible = score_audit(CATALOGUE, audit(92, prerequisites={"legal_entity": False}))
    headline, why = display.verdict_headline(ineligible, "zh")
    assert headline == "无等级" and why.startswith("不具备申请资格")
    assert display.verdict_headline(score_audit(CATALOGUE, audit(92)), "en") == ("four_star", None)


def test_open_items_are_not_gaps_and_their_points_are_kept_apart():
    entries = {
        "1.1.1": ItemAssessment("1.1.1", Status.NOT_CONFORMING),
        "1.1.2": ItemAssessment("1.1.2", Status.CONFORMING),
    }  # 98 items not assessed
    result = score_audit(CATALOGUE, AuditInput(assessments=entries))
    assert [g.item_id for g in result.gaps] == ["1.1.1"]
    assert len(result.open_items) == 98 and result.open_points == 98


def test_an_exclusion_without_justification_is_open_not_a_gap():
    catalogue = build_catalogue([ItemDef("1.1.1", 60), ItemDef("1.1.2", 40, excludable=True)])
    entries = {
        "1.1.1": ItemAssessment("1.1.1", Status.CONFORMING),
        "1.1.2": ItemAssessment("1.1.2", Status.NOT_APPLICABLE),  # no justification yet
    }
    result = score_audit(catalogue, AuditInput(assessments=entries))
    assert result.score == 60  # still counts in the applicable total, earning nothing
    assert result.gaps == () and result.open_items == ("1.1.2",)


def test_the_json_result_carries_the_verdict_and_its_reasons():
    result = score_audit(CATALOGUE, audit(100, 5))
    data = result_to_dict(result, plan_next_tier(result, audit(100, 5)))
    verdict = data["verdict"]
    assert verdict["tier"] is None and verdict["failed"] is True
    assert verdict["fail_reasons"] == ["too_many_deductions"]
    assert verdict["deductions_to_rectify"] == 1
    assert verdict["score_tier"]["id"] == "five_star"
    assert data["plan"]["deductions_required"] == 1


def test_more_than_a_hundred_special_deductions_are_refused_at_once():
    many = audit(100, 1_000)
    with pytest.raises(AuditError) as refused:
        score_audit(CATALOGUE, many)
    (problem,) = refused.value.problems
    assert problem.path == ("special_deductions",)
    assert f"at most {MAX_SPECIAL_DEDUCTIONS}" in problem.message


def test_ninety_nine_special_deductions_are_scored_and_planned():
    many = audit(100, 99)
    result = score_audit(CATALOGUE, many)
    plan = plan_next_tier(result, many)
    assert plan.deductions_required == 95
    assert plan.reachable and len(plan.fixes) == 95
    assert result.raw_score == 1 and Fraction(0) <= result.score


def test_a_change_of_entries_that_moves_the_tier_reads_from_and_to():
    four, five = score_audit(CATALOGUE, audit(94)), score_audit(CATALOGUE, audit(96))
    assert display.tier_change(four, five, "en") == t(
        "verdict.tier_changed", "en", before="four_star", after="five_star"
    )
    failed = score_audit(CATALOGUE, audit(96, 5))  # 91, five deductions: no tier
    assert display.tier_change(five, failed, "en") == t(
        "verdict.tier_changed", "en", before="five_star", after=failed.scheme.fail_title.en
    )
    assert display.tier_change(four, score_audit(CATALOGUE, audit(93)), "en") is None

"""Tiers: a score reaches a tier at its threshold exactly; display never rounds up."""

from fractions import Fraction

import pytest
from catalogue_builder import hundred_items

from scoring import AuditInput, ItemAssessment, Status, score_audit, tier_for

CATALOGUE = hundred_items(100)  # 100 items of 1 point: sampled-free exact scores
DEFAULT = CATALOGUE.scheme("default")
STARS = CATALOGUE.scheme("body-stars")


def tier_id(scheme, score):
    tier = tier_for(scheme, Fraction(score))
    return tier.id if tier else None


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("0", None),
        ("69.99", None),
        ("70", "compliant"),
        ("79.99", "compliant"),
        ("80", "three_star"),
        ("89.99", "three_star"),
        ("90", "four_star"),
        ("94.99", "four_star"),
        ("95", "five_star"),
        ("100", "five_star"),
    ],
)
def test_default_scheme_thresholds_70_80_90_95(score, expected):
    assert tier_id(DEFAULT, score) == expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("69.99", None),
        ("70", "three_star"),
        ("80", "four_star"),
        ("90", "five_star"),
        ("94.99", "five_star"),
        ("95", "five_star_excellence"),
    ],
)
def test_alternative_scheme_three_four_five_stars(score, expected):
    assert tier_id(STARS, score) == expected


def test_a_fraction_just_below_a_threshold_does_not_reach_it():
    assert tier_id(DEFAULT, Fraction(6999999, 100000)) is None


def test_the_tier_is_decided_on_the_exact_score_and_the_display_truncates():
    entries = {f"1.1.{n}": ItemAssessment(f"1.1.{n}", Status.CONFORMING) for n in range(1, 70)}
    result = score_audit(CATALOGUE, AuditInput(assessments=entries))
    assert result.score == 69
    assert result.tier is None
    assert result.next_tier is not None and result.next_tier.id == "compliant"
    assert result.points_to_next_tier == 1


def test_the_scheme_is_chosen_per_audit_or_per_call():
    entries = {f"1.1.{n}": ItemAssessment(f"1.1.{n}", Status.CONFORMING) for n in range(1, 81)}
    by_default = score_audit(CATALOGUE, AuditInput(assessments=entries))
    by_audit = score_audit(CATALOGUE, AuditInput(assessments=entries, scheme_id="body-stars"))
    by_call = score_audit(CATALOGUE, AuditInput(assessments=entries), "body-stars")
    assert by_default.tier.id == "three_star"
    assert by_audit.tier.id == "four_star"
    assert by_call.tier.id == "four_star"


def test_at_the_top_tier_there_is_no_next_tier():
    entries = {i.id: ItemAssessment(i.id, Status.CONFORMING) for i in CATALOGUE.items}
    result = score_audit(CATALOGUE, AuditInput(assessments=entries))
    assert result.next_tier is None
    assert result.points_to_next_tier is None

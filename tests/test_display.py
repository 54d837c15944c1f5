"""One rule for every number a person sees (scoring/display.py): reached amounts are truncated,
shortfalls rounded up, two decimals everywhere."""

from fractions import Fraction

import pytest
from catalogue_builder import ItemDef, build_catalogue
from hypothesis import given
from hypothesis import strategies as st

from dossier import numbers
from scoring import (
    AuditInput,
    ItemAssessment,
    Status,
    display,
    plan_next_tier,
    result_to_dict,
    score_audit,
)
from scoring.text_report import render_text
from ui.labels import needed, points

# one sampled item of 100 points: 94,997 of 100,000 samples conforming scores exactly 94.997
SAMPLED = build_catalogue([ItemDef("1.1.1", 100, scoring="sampled")])


def scored(conforming: int, checked: int = 100_000):
    audit = AuditInput(
        assessments={
            "1.1.1": ItemAssessment(
                "1.1.1",
                Status.SAMPLED,
                samples_checked=checked,
                samples_conforming=conforming,
            )
        },
        prerequisites={"legal_entity": True, "no_major_incident": True},
    )
    result = score_audit(SAMPLED, audit)
    return result, plan_next_tier(result, audit)


@pytest.mark.parametrize(
    ("exact", "shown"),
    [
        (Fraction(94997, 1000), "94.99"),
        (Fraction(6999, 100), "69.99"),
        (Fraction(69999, 1000), "69.99"),
        (Fraction(70), "70.00"),
        (Fraction(200, 3), "66.66"),
        (Fraction(100), "100.00"),
        (Fraction(0), "0.00"),
    ],
)
def test_scores_are_truncated_to_two_decimals_never_rounded_up(exact, shown):
    assert display.score(exact) == shown


@given(
    threshold=st.integers(1, 10_000).map(lambda n: Fraction(n, 100)),
    below=st.fractions(min_value=Fraction(1, 10**9), max_value=Fraction(1, 10)),
)
def test_a_shown_score_never_reaches_a_threshold_the_exact_score_missed(threshold, below):
    assert Fraction(display.score(threshold - below)) < threshold


@given(need=st.fractions(min_value=Fraction(1, 10**9), max_value=Fraction(100)))
def test_a_shortfall_is_rounded_up_so_nothing_short_reads_as_done(need):
    assert Fraction(display.shortfall(need)) >= need
    assert display.shortfall(need) != "0.00"


def test_0_003_short_reads_0_01():
    assert display.shortfall(Fraction(3, 1000)) == "0.01"


@given(
    points_cents=st.integers(1, 10_000),
    share=st.fractions(min_value=0, max_value=1),
)
def test_an_items_earned_and_lost_points_as_shown_add_up_to_its_points(points_cents, share):
    item_points = Fraction(points_cents, 100)
    earned = item_points * share
    shown = Fraction(display.points(earned)) + Fraction(display.shortfall(item_points - earned))
    assert shown == item_points


def test_points_show_two_decimals_everywhere():
    assert [display.points(Fraction(x)) for x in (3, Fraction(3, 2), Fraction(4439, 1000))] == [
        "3.00",
        "1.50",
        "4.43",
    ]


def test_percentages_are_truncated_to_two_decimals():
    assert display.percent(Fraction(99999, 1000)) == "99.99%"
    assert display.percent(None) == "—"


def test_94_997_reads_94_99_on_every_surface_and_the_missing_0_003_reads_0_01():
    result, plan = scored(94_997)
    assert result.score == Fraction(94997, 1000)
    assert result.tier.id == "four_star"
    assert result.points_to_next_tier == Fraction(3, 1000)
    text = render_text(result, plan, SAMPLED, "en")
    assert "94.99" in text and "95.00" not in text.split("Next tier")[0]
    assert "0.01 points to go" in text
    data = result_to_dict(result, plan)
    assert data["score_display"] == "94.99"
    assert data["score_exact"] == "94997/1000"
    assert data["points_to_next_tier_display"] == "0.01"
    assert numbers.score_text(result.score) == "94.99"  # the dossier's filters
    assert numbers.needed_text(result.points_to_next_tier) == "0.01"
    assert points(result.earned_points) == "94.99"  # the app's labels
    assert needed(result.points_to_next_tier) == "0.01"


def test_json_keeps_every_exact_value_as_text_beside_its_float():
    result, plan = scored(94_997)
    data = result_to_dict(result, plan)

    def floats_without_exact(node, path=""):
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, float) and f"{key}_exact" not in node:
                    yield f"{path}.{key}"
                yield from floats_without_exact(value, f"{path}.{key}")
        elif isinstance(node, list):
            for n, value in enumerate(node):
                yield from floats_without_exact(value, f"{path}[{n}]")

    assert list(floats_without_exact(data)) == []
    assert Fraction(data["earned_points_exact"]) == result.earned_points


def test_a_certificate_tier_is_read_in_the_readers_language_when_it_names_a_tier():
    from criteria import load_catalogue

    catalogue = load_catalogue("criteria/gbt27922-2011.yaml")
    tiers = catalogue.scheme().tiers
    # typed on the certificate form as printed on the certificate, or kept as a title
    assert display.held_tier("三星级", tiers, "en") == "Three-star"
    assert display.held_tier("three_star", tiers, "zh") == "三星级"
    assert display.held_tier(" Four-star ", tiers, "zh") == "四星级"
    # anything else is the holder's own words
    assert display.held_tier("三星级（试行）", tiers, "en") == "三星级（试行）"
    assert display.held_tier("", tiers, "en") == ""
    assert display.held_tier("三星级", (), "en") == "三星级"

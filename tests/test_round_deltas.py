"""Two rounds compared: every change is exact. A round that gains 0.30 reads +0.30 — a float
subtraction (100 − 99.7 = 0.2999…) then truncation showed +0.29."""

from fractions import Fraction

from catalogue_builder import ItemDef, build_catalogue

from scoring import AuditInput, ItemAssessment, Status, display, result_to_dict, score_audit
from scoring.compare import compare_rounds

# 0.4 + 0.3 + 99.3 = 100 points: the score is the points earned
CATALOGUE = build_catalogue(
    [ItemDef("1.1.1", "0.4"), ItemDef("1.1.2", "0.3"), ItemDef("1.1.3", "99.3", scoring="sampled")]
)


def round_of(**statuses: Status | tuple[int, int]) -> dict:
    entries = {}
    for key, status in statuses.items():
        item_id = key.removeprefix("i").replace("_", ".")
        if isinstance(status, tuple):
            checked, conforming = status
            entries[item_id] = ItemAssessment(
                item_id, Status.SAMPLED, samples_checked=checked, samples_conforming=conforming
            )
        else:
            entries[item_id] = ItemAssessment(item_id, status)
    return result_to_dict(score_audit(CATALOGUE, AuditInput(assessments=entries)))


def test_a_round_that_gains_exactly_0_30_reads_plus_0_30():
    before = round_of(i1_1_1=Status.CONFORMING, i1_1_3=Status.CONFORMING)  # 0.4 + 99.3 = 99.7
    after = round_of(  # every item conforming: 100
        i1_1_1=Status.CONFORMING, i1_1_2=Status.CONFORMING, i1_1_3=Status.CONFORMING
    )
    assert after["score"] - before["score"] < 0.3  # what the floats alone would say
    comparison = compare_rounds(before, after)
    assert comparison.score_delta == Fraction(3, 10)
    assert display.signed(comparison.score_delta) == "+0.30"
    (change,) = comparison.items
    assert (change.id, display.signed(change.delta)) == ("1.1.2", "+0.30")


def test_an_item_that_loses_exactly_0_30_reads_minus_0_30():
    before = round_of(i1_1_1=Status.CONFORMING, i1_1_2=Status.CONFORMING)  # 0.7 of 1.1
    after = round_of(i1_1_1=Status.NOT_CONFORMING, i1_1_2=Status.CONFORMING)
    comparison = compare_rounds(before, after)
    assert display.signed(comparison.score_delta) == "−0.40"
    by_id = {d.id: d for d in comparison.indicators}
    # the indicator 1.1 went from 0.7 % to 0.3 % of its points
    assert by_id["1.1"].delta == Fraction(-4, 10)
    assert display.signed(by_id["1.1"].delta) == "−0.40"
    assert [c.id for c in comparison.regressed] == ["1.1.1"]


def test_a_sampled_item_compares_exactly_across_rounds():
    before = round_of(i1_1_3=(3, 1))  # 99.3 / 3 = 33.1
    after = round_of(i1_1_3=(3, 2))  # 66.2
    comparison = compare_rounds(before, after)
    assert comparison.score_delta == Fraction("33.1")
    assert display.signed(comparison.items[0].delta) == "+33.10"


def test_a_snapshot_written_without_exact_values_compares_by_what_it_wrote():
    """The first release's snapshots held floats only: 99.7 is read as the 99.7 written."""
    before = round_of(i1_1_1=Status.CONFORMING, i1_1_3=Status.CONFORMING)
    after = round_of(i1_1_1=Status.CONFORMING, i1_1_2=Status.CONFORMING, i1_1_3=Status.CONFORMING)
    for snapshot in (before, after):
        for key in [k for k in snapshot if k.endswith("_exact")]:
            del snapshot[key]
        for item in snapshot["items"]:
            del item["earned_exact"]
    comparison = compare_rounds(before, after)
    assert display.signed(comparison.score_delta) == "+0.30"
    assert display.signed(comparison.items[0].delta) == "+0.30"

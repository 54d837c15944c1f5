"""The dossier refuses data that contradicts itself, numbers its evidence predictably and shows
numbers the way the scoring rules allow."""

from dataclasses import replace
from fractions import Fraction

import pytest
from dossier_fixtures import dossier_data, item_records, realistic_catalogue, write_evidence

from domain.records import BonusRecord, DeductionRecord
from dossier import DossierDataError, write_xlsx
from dossier.checks import check_consistency
from dossier.merge import fit
from dossier.numbers import file_size_text, needed_text, points_text, score_text
from dossier.view import build_view, evidence_refs
from scoring import Status


def test_the_realistic_catalogue_has_the_standards_shape():
    catalogue = realistic_catalogue()
    assert len(catalogue.first_levels) == 3
    assert len(catalogue.second_levels) == 15
    assert len(catalogue.items) == 48
    assert sum(item.points for item in catalogue.items) == 100


def test_consistent_data_passes():
    check_consistency(dossier_data())


def test_a_result_scored_against_another_catalogue_is_refused():
    data = dossier_data()
    other = replace(data.result, catalogue_hash="0" * 64)
    with pytest.raises(DossierDataError, match="computed against catalogue 000000000000"):
        check_consistency(replace(data, result=other))


def test_an_item_recorded_otherwise_than_it_was_scored_is_refused():
    data = dossier_data()
    items = dict(data.items)
    items["1.1.1"] = replace(items["1.1.1"], status=Status.NOT_CONFORMING)
    with pytest.raises(DossierDataError, match=r"item 1\.1\.1: scored as conforming"):
        check_consistency(replace(data, items=items))


def test_sample_counts_must_match_too():
    data = dossier_data()
    items = dict(data.items)
    items["1.2.2"] = replace(items["1.2.2"], samples_conforming=10)
    with pytest.raises(DossierDataError, match="other sample counts"):
        check_consistency(replace(data, items=items))


def test_specials_must_match_the_deductions_and_bonuses_scored():
    data = dossier_data()
    extra = DeductionRecord(id=2, audit_id=7, reason="x", category="law")
    with pytest.raises(DossierDataError, match="2 special deductions recorded"):
        check_consistency(replace(data, deductions=(*data.deductions, extra)))
    with pytest.raises(DossierDataError, match="0 special bonuses recorded"):
        check_consistency(replace(data, bonuses=()))


def test_a_second_bonus_beyond_the_limit_is_shown_but_not_counted():
    # the engine refuses a second bonus; a store that keeps one anyway gets it marked
    data = dossier_data()
    data = replace(data, bonuses=(*data.bonuses, BonusRecord(2, 7, "上门快")))
    check_consistency(data)
    view = build_view(data)
    assert [b.counted for b in view.bonuses] == [True, False]
    assert any(w.key == "dossier.extra_bonus" for w in view.warnings)


def test_item_records_outside_the_catalogue_and_another_scheme_are_refused():
    data = dossier_data()
    items = {**data.items, "9.9.9": replace(data.items["1.1.1"], item_id="9.9.9")}
    audit = replace(data.audit, scheme_id="stars-70-80-90")
    with pytest.raises(DossierDataError) as raised:
        check_consistency(replace(data, items=items, audit=audit))
    assert len(raised.value.problems) == 2


def test_exports_refuse_inconsistent_data(tmp_path):
    data = dossier_data()
    broken = replace(data, result=replace(data.result, catalogue_hash="0" * 64))
    with pytest.raises(DossierDataError):
        write_xlsx(broken, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_evidence_is_numbered_in_the_order_the_item_table_first_cites_it(tmp_path):
    _, records = write_evidence(tmp_path)
    refs = evidence_refs(dossier_data(records))
    # 1.1.1 cites the organisation chart (102) and the licence (103) first; 1.1.2 the handbook
    assert [refs[102], refs[103], refs[101]] == ["E-01", "E-02", "E-03"]
    assert sorted(refs.values()) == [f"E-{n:02d}" for n in range(1, 11)]


def test_evidence_no_item_cites_comes_last_and_a_dangling_citation_is_reported(tmp_path):
    _, records = write_evidence(tmp_path)
    items = item_records()
    items["1.1.1"] = replace(items["1.1.1"], evidence_ids=(999,))
    view = build_view(dossier_data(records, items=items))
    assert view.rows[0].evidence_refs == ("#999",)
    assert any(w.key == "dossier.evidence_dangling" and w.subject == "1.1.1" for w in view.warnings)
    uncited = next(e for e in view.evidence if e.record.id == 103)  # cited only by 1.1.1
    assert uncited.ref == "E-10" and uncited.supports == ()


def test_open_items_unjustified_exclusions_and_expired_evidence_are_warned_about(tmp_path):
    _, records = write_evidence(tmp_path)
    warnings = {(w.key, w.subject) for w in build_view(dossier_data(records)).warnings}
    assert ("dossier.open_items", "3.2.5") in warnings
    assert ("dossier.unjustified_exclusion", "2.6.1") in warnings
    assert any(key == "dossier.evidence_expired" for key, _ in warnings)


def test_an_unmet_prerequisite_is_warned_about_by_its_title_not_its_id():
    data = dossier_data(
        prerequisites={
            "legal_entity": True,
            "no_major_incident": False,
            "system_running_3_months": None,
        }
    )
    subjects = [w.subject for w in build_view(data).warnings if w.key == "dossier.eligibility"]
    assert subjects == ["近期无重大质量或服务事故"]


def test_points_and_scores_are_truncated_to_two_decimals():
    assert points_text(Fraction(20, 3)) == "6.66"
    assert points_text(Fraction(5, 2)) == "2.50"
    assert points_text(Fraction(3)) == "3.00"
    assert score_text(Fraction(69999, 1000)) == "69.99"  # never shown as 70.00
    assert score_text(None) == "—"


def test_points_still_needed_are_rounded_up():
    assert needed_text(Fraction(1174, 1000)) == "1.18"
    assert needed_text(Fraction(2)) == "2.00"


def test_file_sizes_read_like_file_sizes():
    assert [file_size_text(n) for n in (523, 12_800, 3_400_000)] == ["523 B", "12.5 KiB", "3.2 MiB"]


AREA = (50.0, 60.0, 550.0, 760.0)  # 500 × 700 points


def corners(crop):
    x0, y0, x1, y1 = crop
    return [(x0, y0), (x0, y1), (x1, y0), (x1, y1)]


def apply(matrix, point):
    a, b, c, d, e, f = matrix
    x, y = point
    return a * x + c * y + e, b * x + d * y + f


@pytest.mark.parametrize("rotation", [0, 90, 180, 270, -90, 450])
def test_an_evidence_page_is_fitted_into_its_frame_upright_and_whole(rotation):
    crop = (10.0, 20.0, 10.0 + 842, 20.0 + 595)  # a landscape page with an offset crop box
    matrix, shown = fit(crop, rotation, AREA)
    mapped = [apply(matrix, corner) for corner in corners(crop)]
    xs, ys = [x for x, _ in mapped], [y for _, y in mapped]
    assert (min(xs), min(ys), max(xs), max(ys)) == pytest.approx(shown)
    left, bottom, right, top = shown
    assert AREA[0] <= left and right <= AREA[2] + 1e-9 and AREA[1] <= bottom
    assert top == AREA[3]  # aligned to the top of the area, under the caption
    assert left - AREA[0] == pytest.approx(AREA[2] - right)  # centred across it
    upright_landscape = rotation % 180 == 0
    assert ((right - left) > (top - bottom)) == upright_landscape


def test_rotation_by_90_turns_the_pages_top_to_the_right():
    crop = (0.0, 0.0, 200.0, 100.0)
    matrix, (_, _, right, top) = fit(crop, 90, AREA)
    top_left_of_page = apply(matrix, (0.0, 100.0))  # turned clockwise, it ends top right
    assert top_left_of_page == pytest.approx((right, top))

"""A certification body's scoring table (xlsx) becomes a catalogue, or is refused with the sheet,
row and column of every problem; a blank 自评表 exported from a catalogue reads back as the same."""

from __future__ import annotations

import hashlib
import io
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hostile_workbooks import HOSTILE
from workbook_builder import ROWS, example_layout, example_table, table

from criteria import default_catalogue, load_catalogue
from criteria.workbook import ImportOptions, import_workbook, preview
from criteria.workbook_columns import parse_column_spec
from criteria.workbook_export import export_blank
from criteria.workbook_problems import WorkbookError

FORMAT_1 = Path(__file__).parent / "fixtures" / "gbt27922-2011-format-1.yaml"


def refusal(data: bytes, **options) -> tuple[str, str | None, int | None, str | None]:
    """The first problem as (code, sheet, row, column)."""
    with pytest.raises(WorkbookError) as caught:
        import_workbook(data, "body.xlsx", ImportOptions(**options))
    problem = caught.value.problems[0]
    return problem.code, problem.sheet, problem.row, problem.column


def replaced(number: str, row: tuple[object, ...]) -> list[tuple[object, ...]]:
    return [row if r[0] == number else r for r in ROWS]


# -- what a table becomes ----------------------------------------------------------------------


def test_a_table_with_indicator_rows_becomes_a_catalogue_with_the_bodys_points():
    data = table()
    imported = import_workbook(data, "机构评分表.xlsx")
    catalogue = imported.catalogue
    assert [i.id for i in catalogue.items] == ["1.1.1", "1.1.2", "2.1.1"]
    assert catalogue.item("1.1.2").points == Decimal(20)
    assert catalogue.item("1.1.2").scoring == "sampled"
    assert catalogue.item("1.1.2").excludable is True
    assert catalogue.second_level("1.1").title.zh == "组织架构"
    assert catalogue.spec.total_points == 100
    assert imported.header_row == 1
    assert imported.columns.letters() == {
        "number": "A",
        "title": "B",
        "points": "C",
        "scoring": "D",
        "excludable": "E",
    }


def test_the_points_the_body_gave_are_sourced_from_the_workbook_named_with_its_hash():
    data = table()
    catalogue = import_workbook(data, "机构评分表.xlsx").catalogue
    assert {i.source.confidence for i in catalogue.items} == {"sourced"}
    assert {i.source.refs for i in catalogue.items} == {("workbook",)}
    workbook = next(s for s in catalogue.spec.sources if s.id == "workbook")
    assert workbook.title == "机构评分表.xlsx"
    assert hashlib.sha256(data).hexdigest() in (workbook.note or "")


def test_the_output_is_a_catalogue_file_the_loader_accepts(tmp_path):
    imported = import_workbook(table(), "body.xlsx")
    path = tmp_path / "body.yaml"
    path.write_text(imported.text, encoding="utf-8")
    assert load_catalogue(path).content_hash == imported.catalogue.content_hash


def test_tier_schemes_and_special_items_come_from_the_base_catalogue():
    catalogue = import_workbook(table(), "body.xlsx").catalogue
    bundled = default_catalogue().spec
    assert catalogue.spec.tier_schemes == bundled.tier_schemes
    assert catalogue.spec.special_items == bundled.special_items
    assert catalogue.spec.prerequisites == bundled.prerequisites


def test_four_part_numbers_lose_the_common_clause_prefix():
    rows = [("5", "评价指标", 100)] + [(f"5.{r[0]}", *r[1:]) for r in ROWS]
    imported = import_workbook(table(rows), "body.xlsx")
    assert imported.clause_prefix == 5
    assert [i.id for i in imported.catalogue.items] == ["1.1.1", "1.1.2", "2.1.1"]


def test_indicators_may_be_columns_with_their_points_in_brackets():
    header = ("一级指标", "二级指标", "序号", "要求", "标准分")
    rows = [
        ("售后服务体系（60分）", "组织架构（60分）", "1.1.1", "设立售后服务部门", 40),
        ("售后服务体系（60分）", "组织架构（60分）", "1.1.2", "网点覆盖", 20),
        ("商品服务（40分）", "商品信息（40分）", "2.1.1", "随附资料齐全", 40),
    ]
    catalogue = import_workbook(table(rows, header=header), "body.xlsx").catalogue
    assert catalogue.first_level("1").title.zh == "售后服务体系"
    assert catalogue.second_level("2.1").title.zh == "商品信息"


def test_a_title_banner_above_the_header_and_note_rows_are_fine():
    rows = [*ROWS, (None, "注：本表为示例", None), ("合计", None, 100)]
    data = table(rows, banner="某认证机构 售后服务认证评分表", merges=["A1:E1"])
    imported = import_workbook(data, "body.xlsx")
    assert imported.header_row == 2
    assert imported.skipped_rows == (10,)


def test_numbers_typed_as_numbers_read_as_shown():
    rows = [(1, "售后服务体系", 60), (1.1, "组织架构", 60), *ROWS[2:]]
    catalogue = import_workbook(table(rows), "body.xlsx").catalogue
    assert catalogue.first_level("1").title.zh == "售后服务体系"


def test_points_stored_as_text_numbers_are_read():
    data = table(replaced("1.1.1", ("1.1.1", "设立售后服务部门", "40", "符合性", "否")))
    assert import_workbook(data, "body.xlsx").catalogue.item("1.1.1").points == 40


def test_columns_the_guess_misses_can_be_mapped_by_letter():
    header = ("No.", "Anforderung", "Punkte")
    rows = [(r[0], r[1], r[2]) for r in ROWS]
    data = table(rows, header=header)
    assert refusal(data)[0] == "columns_missing"
    columns = parse_column_spec("title=B,points=C")
    catalogue = import_workbook(data, "body.xlsx", ImportOptions(columns=columns)).catalogue
    assert catalogue.item("2.1.1").title.zh == "随附资料齐全"


def test_the_preview_shows_the_first_rows_and_the_guessed_mapping():
    shown = preview(table(banner="评分细则"), "body.xlsx")
    assert shown.header_row == 2
    assert shown.rows[1][:3] == ("编号", "评价内容", "分值")
    assert shown.columns.letters()["points"] == "C"


def test_the_example_bodys_table_imports(tmp_path):
    path = example_table(tmp_path)
    imported = import_workbook(path.read_bytes(), path.name)
    assert imported.clause_prefix == 5
    assert len(imported.catalogue.items) == 52
    assert imported.catalogue.item("3.2.6").points == 3
    assert not any(i.source.confidence == "provisional" for i in imported.catalogue.items)


# -- refusals, each with its sheet, row and column ---------------------------------------------


def test_merged_cells_are_filled_down_into_every_row_they_cover():
    header = ("一级指标", "二级指标", "序号", "要求", "标准分")
    rows = [
        ("售后服务体系（60分）", "组织架构（60分）", "1.1.1", "设立售后服务部门", 40),
        (None, None, "1.1.2", "网点覆盖", 20),
        ("商品服务（40分）", "商品信息（40分）", "2.1.1", "随附资料齐全", 40),
        ("合计", None, None, None, 100),
    ]
    data = table(rows, header=header, merges=["A2:A3", "B2:B3", "A5:D5"])
    catalogue = import_workbook(data, "body.xlsx").catalogue
    assert catalogue.first_level("1").title.zh == "售后服务体系"
    assert [i.id for i in catalogue.second_level("1.1").items] == ["1.1.1", "1.1.2"]


def test_a_points_cell_holding_words_is_refused():
    data = table(replaced("1.1.2", ("1.1.2", "服务网点覆盖销售区域", "二十分", "抽样", "是")))
    assert refusal(data) == ("points_text", "评分表", 5, "C")


@pytest.mark.parametrize("written", ["20分", "20 分", "２０分", "２０", "分值：20", "20.0"])
def test_points_are_read_as_bodies_write_them(written):
    data = table(replaced("1.1.2", ("1.1.2", "服务网点覆盖销售区域", written, "抽样", "是")))
    assert import_workbook(data, "body.xlsx").catalogue.item("1.1.2").points == 20


def test_a_duplicate_number_is_refused_at_its_second_row():
    rows = [*ROWS[:4], ("1.1.2", "又一项", 10), *ROWS[4:]]
    assert refusal(table(rows)) == ("duplicate", "评分表", 6, "A")


def test_a_level_without_items_is_refused():
    rows = [*ROWS, ("2.2", "配送", None)]
    assert refusal(table(rows)) == ("level_without_items", "评分表", 9, "A")


def test_items_that_do_not_add_up_to_their_indicator_are_refused():
    rows = [ROWS[0], ("1.1", "组织架构", 50), *ROWS[2:]]
    assert refusal(table(rows)) == ("total_mismatch", "评分表", 3, "C")


def test_a_total_row_that_does_not_add_up_is_refused():
    rows = [*ROWS, ("合计", None, 90)]
    assert refusal(table(rows)) == ("whole_mismatch", "评分表", 9, "C")


def test_items_that_do_not_add_up_to_100_are_refused_for_the_sheet():
    rows = [r for r in ROWS if r[0] not in ("1", "1.1")]
    rows = [("1", "售后服务体系"), ("1.1", "组织架构"), ("1.1.1", "A", 30), *rows[1:]]
    assert refusal(table(rows)) == ("total_not_100", "评分表", None, None)


def test_a_table_whose_total_is_not_100_is_accepted_when_a_total_row_says_so():
    rows = [("1", "体系"), ("1.1", "组织"), ("1.1.1", "A", 30), ("1.1.2", "B", 20)]
    rows.append(("合计", None, 50))
    assert import_workbook(table(rows), "body.xlsx").catalogue.spec.total_points == 50


@pytest.mark.parametrize(
    ("words", "mode"),
    [
        ("按抽样比例扣分", "sampled"),
        ("抽查5份记录，按不符合比例扣分", "sampled"),
        ("每缺一项扣1分", "sampled"),
        ("未建立不得分", "binary"),
        ("打分", "binary"),
    ],
)
def test_a_scoring_mode_in_words_is_read_and_listed_for_confirmation(words, mode):
    data = table(replaced("1.1.1", ("1.1.1", "设立售后服务部门", 40, words, "否")))
    imported = import_workbook(data, "body.xlsx")
    assert imported.catalogue.item("1.1.1").scoring == mode
    assert [(r.item_id, r.row, r.text, r.read) for r in imported.scoring_read] == [
        ("1.1.1", 4, words, mode)
    ]
    assert imported.catalogue.item("1.1.1").guidance.zh == words


def test_the_person_confirming_a_scoring_mode_may_change_it():
    data = table(replaced("1.1.1", ("1.1.1", "设立售后服务部门", 40, "抽查两份，按比例扣分", "否")))
    options = ImportOptions(scoring_overrides={"1.1.1": "binary"})
    imported = import_workbook(data, "body.xlsx", options)
    assert imported.catalogue.item("1.1.1").scoring == "binary"
    assert imported.scoring_read[0].read == "sampled"
    assert imported.scoring_read[0].used == "binary"


def test_numbers_of_five_parts_are_refused():
    rows = [*ROWS, ("2.1.1.1.1", "太深", 1)]
    assert refusal(table(rows))[0:3] == ("number_depth", "评分表", 9)


def test_four_part_numbers_with_different_first_parts_are_refused():
    rows = [("5.1.1.1", "A", 60), ("6.1.1.1", "B", 40)]
    assert refusal(table(rows)) == ("prefix_differs", "评分表", 3, "A")


def test_an_indicator_without_a_name_is_refused_at_its_first_item():
    rows = [r for r in ROWS if r[0] != "2.1"]
    assert refusal(table(rows)) == ("heading_missing", "评分表", 7, "A")


def test_points_without_an_item_number_are_refused():
    rows = [*ROWS[:3], (None, "无编号的一项", 5), *ROWS[3:]]
    assert refusal(table(rows)) == ("number_missing", "评分表", 5, "A")


def test_a_formula_without_a_computed_value_is_refused():
    rows = [ROWS[0], ("1.1", "组织架构", "=C4+C5"), *ROWS[2:]]
    assert refusal(table(rows)) == ("formula_without_value", "评分表", 3, "C")


def test_every_problem_is_reported_at_once_in_both_languages():
    rows = [
        ROWS[0],
        ROWS[1],
        ("1.1.1", "设立售后服务部门", "四十", "符合性", "否"),
        ("1.1.2", "服务网点覆盖销售区域", 20, "抽样", "也许"),
        *ROWS[4:],
    ]
    with pytest.raises(WorkbookError) as caught:
        import_workbook(table(rows), "body.xlsx")
    assert [p.code for p in caught.value.problems] == ["points_text", "excludable_unknown"]
    zh, en = caught.value.lines("zh"), caught.value.lines("en")
    assert "第 4 行 C 列" in zh[0] and "四十" in zh[0]
    assert "row 5 column E" in en[1]


def test_a_file_that_is_no_workbook_is_refused():
    assert refusal(b"not a zip")[0] == "not_a_workbook"


def test_an_unknown_sheet_is_refused_naming_the_sheets_there_are():
    with pytest.raises(WorkbookError) as caught:
        import_workbook(table(), "body.xlsx", ImportOptions(sheet="Sheet9"))
    assert "评分表" in caught.value.problems[0].message("en")


# -- the blank 自评表 reads back as the same catalogue -----------------------------------------


def exported(catalogue) -> bytes:
    buffer = io.BytesIO()
    export_blank(catalogue, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("which", ["bundled", "format-1", "imported example"])
def test_import_export_import_gives_the_same_content_hash(which, tmp_path):
    if which == "bundled":
        catalogue = default_catalogue()
    elif which == "format-1":
        catalogue = load_catalogue(FORMAT_1)
    else:
        path = example_table(tmp_path)
        catalogue = import_workbook(path.read_bytes(), path.name).catalogue
    again = import_workbook(exported(catalogue), "自评表.xlsx").catalogue
    assert again.content_hash == catalogue.content_hash


def test_the_blank_table_keeps_the_provisional_marks_of_a_provisional_catalogue():
    catalogue = default_catalogue()
    again = import_workbook(exported(catalogue), "自评表.xlsx").catalogue
    assert [i.source.confidence for i in again.items] == [
        i.source.confidence for i in catalogue.items
    ]


def test_a_subtotal_row_is_checked_against_the_indicator_above_it():
    good = [*ROWS[:4], ("小计", None, 60), *ROWS[4:]]
    assert import_workbook(table(good), "body.xlsx").catalogue.spec.total_points == 100
    bad = [*ROWS[:4], ("小计", None, 50), *ROWS[4:]]
    assert refusal(table(bad)) == ("total_mismatch", "评分表", 6, "C")


@pytest.mark.parametrize(
    ("points", "code"),
    [(0, "points_not_positive"), (-2, "points_not_positive"), (1.125, "points_decimals")],
)
def test_points_must_be_positive_with_at_most_two_decimals(points, code):
    data = table(replaced("1.1.1", ("1.1.1", "设立售后服务部门", points, "符合性", "否")))
    assert refusal(data) == (code, "评分表", 4, "C")


def test_a_heading_column_whose_points_do_not_add_up_is_refused_where_it_states_them():
    header = ("一级指标", "二级指标", "序号", "要求", "标准分")
    rows = [
        ("体系（60分）", "组织（50分）", "1.1.1", "A", 40),
        ("体系（60分）", "组织（50分）", "1.1.2", "B", 20),
        ("商品（40分）", "信息（40分）", "2.1.1", "C", 40),
    ]
    assert refusal(table(rows, header=header)) == ("total_mismatch", "评分表", 2, "B")


# -- tables as bodies write them (examples/make_body_table.py --layout=...) -------------------


@pytest.mark.parametrize("layout", ["rows", "merged", "thousand"])
def test_each_layout_imports_with_the_right_items_points_modes_and_exclusions(layout, tmp_path):
    path = example_layout(tmp_path, layout)
    catalogue = import_workbook(path.read_bytes(), path.name).catalogue
    bundled = default_catalogue()
    if layout == "rows":  # the made-up body's own points and one replaced item
        assert len(catalogue.items) == 52
        return
    scale = 10 if layout == "thousand" else 1
    assert [i.id for i in catalogue.items] == [i.id for i in bundled.items]
    assert [i.points for i in catalogue.items] == [i.points * scale for i in bundled.items]
    assert [i.scoring for i in catalogue.items] == [i.scoring for i in bundled.items]
    assert [i.excludable for i in catalogue.items] == [i.excludable for i in bundled.items]
    assert [s.title.zh for s in catalogue.second_levels] == [
        s.title.zh for s in bundled.second_levels
    ]
    assert catalogue.spec.total_points == 100 * scale


def test_the_merged_layout_is_found_past_an_instruction_sheet_with_its_columns_guessed(tmp_path):
    path = example_layout(tmp_path, "merged")
    imported = import_workbook(path.read_bytes(), path.name)
    assert imported.sheet == "评分细则"
    assert imported.columns.letters() == {
        "first": "A",
        "number": "B",
        "second": "C",
        "title": "D",
        "points": "E",
        "scoring": "F",
        "excludable": "G",
    }
    assert min(imported.columns.confidence.values()) >= 0.9
    sampled = {i.id for i in default_catalogue().items if i.scoring == "sampled"}
    assert {r.item_id for r in imported.scoring_read if r.read == "sampled"} == sampled


def test_a_thousand_point_table_scores_on_the_100_scale(tmp_path):
    from scoring import AuditInput, ItemAssessment, Status, score_audit

    path = example_layout(tmp_path, "thousand")
    catalogue = import_workbook(path.read_bytes(), path.name).catalogue
    assessments = {i.id: ItemAssessment(i.id, Status.CONFORMING) for i in catalogue.items}
    first = catalogue.items[0]
    assessments[first.id] = ItemAssessment(first.id, Status.NOT_CONFORMING)
    result = score_audit(catalogue, AuditInput(assessments=assessments))
    assert result.score == 100 - first.points / 10


@pytest.mark.parametrize(
    ("yes", "no"), [("可", "否"), ("是", "否"), ("√", None), ("Y", "N"), ("y", "n"), ("可", "不可")]
)
def test_exclusion_columns_are_read_in_their_usual_spellings(yes, no):
    rows = [
        *ROWS[:2],
        ("1.1.1", "设立售后服务部门", 40, "符合性", no),
        ("1.1.2", "服务网点覆盖销售区域", 20, "抽样", yes),
        *ROWS[4:],
    ]
    header = ("编号", "评价内容", "分值", "评分方式", "可否删减")
    catalogue = import_workbook(table(rows, header=header), "body.xlsx").catalogue
    assert catalogue.item("1.1.2").excludable is True
    assert catalogue.item("1.1.1").excludable is False


def test_a_total_labelled_in_any_column_is_checked_and_its_numbers_shown_as_written():
    rows = [*ROWS, (None, None, 90, None, "合 计")]
    with pytest.raises(WorkbookError) as caught:
        import_workbook(table(rows), "body.xlsx")
    problem = caught.value.problems[0]
    assert (problem.code, problem.row, problem.column) == ("whole_mismatch", 9, "C")
    assert (problem.values["stated"], problem.values["sum"]) == ("90", "100")
    assert "E+" not in " ".join(caught.value.lines("zh"))


def test_a_refusal_lists_fifty_problems_and_counts_the_rest():
    rows = [("1", "体系"), ("1.1", "组织")]
    rows += [(f"1.1.{n}", f"项目{n}", "很多") for n in range(1, 121)]
    with pytest.raises(WorkbookError) as caught:
        import_workbook(table(rows), "body.xlsx")
    assert len(caught.value.problems) == 120
    lines = caught.value.lines("en")
    assert len(lines) == 51
    assert "70" in lines[-1]


# -- hostile workbooks: refused before openpyxl reads them --------------------------------------


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_workbook_is_refused_in_seconds_naming_what_it_exceeds(case):
    data = HOSTILE[case]()
    started = time.monotonic()
    with pytest.raises(WorkbookError) as caught:
        import_workbook(data, "hostile.xlsx")
    assert time.monotonic() - started < 20
    assert caught.value.problems[0].code == EXPECTED_HOSTILE[case]
    assert len(caught.value.lines("zh")) <= 51


EXPECTED_HOSTILE = {
    "zip bomb": "bounds_zip_member_size",
    "a million rows": "bounds_rows",
    "a million shared strings": "bounds_shared_strings",
    "formulas": "bounds_formulas",
    "1e308": "points_too_large",
    "entities": "bounds_xml_forbidden",
    "a cell at row 1048576": "bounds_rows",
}


def test_a_file_larger_than_the_bound_is_refused_before_it_is_opened():
    assert refusal(b"\0" * (17 << 20))[0] == "bounds_too_large"

"""A certification body's scoring table (xlsx) becomes a catalogue, or is refused with the sheet,
row and column of every problem; a blank 自评表 exported from a catalogue reads back as the same."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from workbook_builder import ROWS, example_table, table

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


def test_merged_cells_in_the_table_are_refused_where_they_start():
    assert refusal(table(merges=["B4:B5"])) == ("merged", "评分表", 4, "B")


def test_a_points_cell_holding_text_is_refused():
    data = table(replaced("1.1.2", ("1.1.2", "服务网点覆盖销售区域", "20分", "抽样", "是")))
    assert refusal(data) == ("points_text", "评分表", 5, "C")


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


def test_an_unknown_scoring_mode_is_refused():
    data = table(replaced("1.1.1", ("1.1.1", "设立售后服务部门", 40, "打分", "否")))
    assert refusal(data) == ("scoring_unknown", "评分表", 4, "D")


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

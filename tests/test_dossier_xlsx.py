"""The spreadsheet self-evaluation table holds the same rows and numbers as the PDF."""

import re
import shutil
import subprocess
from dataclasses import replace

import pytest
from dossier_fixtures import dossier_data, item_records, write_evidence
from openpyxl import load_workbook
from pypdf import PdfReader

from dossier import render_pdf, write_xlsx
from dossier.numbers import points_text
from scoring import display
from scoring.display import score as display_score


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsx")
    source, records = write_evidence(folder)
    data = dossier_data(records)
    write_xlsx(data, folder / "自评表.xlsx")
    report = render_pdf(data, source, folder / "dossier.pdf")
    pdf = [page.extract_text() for page in PdfReader(folder / "dossier.pdf").pages]
    return data, recalculated(folder / "自评表.xlsx"), report, pdf, folder / "自评表.xlsx"


def recalculated(path):
    """The workbook as a spreadsheet shows it: its formulas computed by LibreOffice (headless),
    read back with their values (test_dossier_xlsx_formulas compares them with the app)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (Debian libreoffice-calc; ./dev.sh test installs it)")
    out = path.parent / "recalculated"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{path.parent}/profile",
         "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return load_workbook(out / path.name, data_only=True)


def totals(sheet) -> dict[str, object]:
    """The totals block under the table: label (column F) -> value (column J)."""
    rows = [(row[5].value, row[9].value) for row in sheet.iter_rows(min_row=2) if row[5].value]
    labels = [label for label, _ in rows]
    assert len(labels) == len(set(labels)), "a row appears twice"
    return dict(rows)


def test_one_row_per_item_with_the_standards_ids_and_chinese_headers(exported):
    data, book, *_ = exported
    sheet = book["自评表"]
    header = [cell.value for cell in sheet[1]]
    assert header[:10] == [
        "一级指标编号", "一级指标", "二级指标编号", "二级指标", "项目编号",
        "评价项目", "分值", "状态", "涉及分值", "得分",
    ]  # fmt: skip
    item_rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[4]]
    assert [row[4] for row in item_rows] == [item.id for item in data.catalogue.items]
    first = item_rows[0]
    assert first[:4] == ("1", "售后服务体系", "1.1", "组织架构")
    assert dict((row[4], row[7]) for row in item_rows)["1.2.2"] == "抽样 9/10"
    # LibreOffice's copy drops the frozen header; the file as written keeps it
    assert load_workbook(exported[4])["自评表"].freeze_panes == "A2"


def test_totals_equal_the_score_result(exported):
    data, book, *_ = exported
    result = data.result
    shown = totals(book["自评表"])
    assert shown["涉及项分值"] == pytest.approx(float(result.applicable_points))
    assert shown["实得分"] == pytest.approx(float(result.earned_points), abs=0.005)
    assert shown["基础得分（实得分 ÷ 涉及项分值 × 100）"] == float(display_score(result.base_score))
    assert shown["特别扣分"] == -float(result.deduction_total)
    assert shown["特别加分"] == float(result.bonus_total)
    assert shown["最终得分"] == float(display_score(result.score))
    assert shown["等级"] == result.tier.title.zh


def test_totals_equal_the_numbers_the_pdf_prints(exported):
    _, book, report, pdf, _ = exported
    shown = totals(book["自评表"])
    summary = pdf[report.section("summary").page - 1]
    for label, key in [
        ("Applicable points", "涉及项分值"),
        ("Earned points", "实得分"),
        ("Final score", "最终得分"),
    ]:
        printed = re.search(rf"{label}[^\n]*\s([0-9.]+)\n", summary).group(1)
        assert float(printed) == shown[key], label


def test_subtotals_per_indicator_equal_the_rollups(exported):
    data, book, *_ = exported
    rows = list(book["自评表"].iter_rows(min_row=2, values_only=True))
    subtotals = {row[5].split()[1]: row for row in rows if row[5] and row[5].startswith("小计")}
    for first in data.result.sections:
        for second in first.children:
            row = subtotals[second.indicator_id]
            assert row[8] == float(points_text(second.applicable))
            assert row[9] == float(points_text(second.earned))
    assert len(subtotals) == 15


def test_the_evidence_sheet_lists_every_file_with_its_sha256(exported):
    data, book, *_ = exported
    sheet = book["证据索引"]
    assert [c.value for c in sheet[1]][:4] == ["编号", "标题", "类别", "原文件名"]
    hashes = {row[6] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert hashes == {record.sha256 for record in data.evidence}


def test_evidence_refs_agree_between_the_spreadsheet_and_the_pdf(exported):
    _, book, report, *_ = exported
    refs = {row[1]: row[0] for row in book["证据索引"].iter_rows(min_row=2, values_only=True)}
    assert refs == {e.title: e.ref for e in report.evidence}


def test_user_text_that_looks_like_a_formula_stays_text(tmp_path):
    items = item_records()
    items["1.5.3"] = replace(items["1.5.3"], finding='=HYPERLINK("http://evil.example","点我")')
    write_xlsx(dossier_data(items=items), tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx")["自评表"]
    cell = next(row[10] for row in sheet.iter_rows() if row[4].value == "1.5.3")
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


def test_the_spreadsheet_is_written_atomically(tmp_path):
    destination = tmp_path / "out.xlsx"
    destination.write_bytes(b"old")
    write_xlsx(dossier_data(), destination)
    assert load_workbook(destination).sheetnames == ["自评表", "证据索引", "基本信息"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_every_number_cell_shows_exactly_two_truncated_decimals(exported):
    # under "General" Excel rounds to fit the column: 94.99 could read 95
    _, book, *_ = exported
    sheet = book["自评表"]
    numbers_seen = 0
    for row in sheet.iter_rows(min_row=2):
        for cell in (row[6], row[8], row[9]):  # 分值, 涉及分值, 得分 (and the totals)
            if isinstance(cell.value, int | float):
                numbers_seen += 1
                assert cell.number_format == "0.00", cell.coordinate
                assert round(cell.value * 100, 6) == int(round(cell.value * 100, 6))
    assert numbers_seen > 150


def test_each_item_row_carries_its_confidence(exported):
    _, book, *_ = exported
    sheet = book["自评表"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("分值可信度")
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[4]]
    assert {row[column] for row in rows} <= {"有出处", "低可信度", "暂定"}
    assert all(row[column] for row in rows)


def test_five_special_deductions_show_as_a_failed_evaluation_with_its_reason(tmp_path):
    from domain.records import DeductionRecord

    deductions = tuple(
        DeductionRecord(id=n, audit_id=7, category="law", item_id=None, reason=f"问题 {n}")
        for n in range(1, 6)
    )
    data = dossier_data(deductions=deductions)
    write_xlsx(data, tmp_path / "自评表.xlsx")
    shown = totals(load_workbook(tmp_path / "自评表.xlsx")["自评表"])
    assert data.result.tier is None
    assert "特别扣分项 5 个（达到 5 个即评价不合格，不论得分）" in shown["等级"]
    assert shown["须先整改的特别扣分项（个）"] == 1
    # the next step names the deduction to rectify and the tier it reaches, not "0 to 达标级"
    assert shown["下一步"] == display.next_step_text(data.result, "zh")
    assert shown["下一步"].startswith("下一步：整改 1 个特别扣分项")
    assert not any(str(label).startswith("距达标级") for label in shown)

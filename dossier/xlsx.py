"""write_xlsx: the self-evaluation table (自评表) as a spreadsheet, with the evidence index.

Cells hold values, not formulas, so every reader sees the numbers the PDF prints: scores and
points truncated to two decimals (scoring/display.py), each with the number format "0.00" —
under Excel's "General" format a narrow column would round 94.99 up to "95". Text a user typed
is always stored as text, so "=HYPERLINK(...)" in a finding stays words and never becomes a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dossier import numbers
from dossier.atomic import atomic_output
from dossier.checks import check_consistency
from dossier.data import DossierData
from dossier.document import ACTION_STATES
from dossier.text import printable
from dossier.view import DossierView, IndicatorGroup, build_view

ITEM_COLUMNS = (  # header, width
    ("一级指标编号", 8),
    ("一级指标", 14),
    ("二级指标编号", 8),
    ("二级指标", 14),
    ("项目编号", 9),
    ("评价项目", 36),
    ("分值", 7),
    ("状态", 12),
    ("涉及分值", 9),
    ("得分", 8),
    ("评价发现", 40),
    ("删减理由", 28),
    ("整改措施", 32),
    ("责任人", 10),
    ("完成期限", 11),
    ("整改进度", 9),
    ("证据", 16),
    ("分值可信度", 10),
)
POINTS, APPLICABLE, EARNED = 7, 9, 10  # 1-based columns of the numbers
LABEL = 6  # where subtotal and total labels go
# the value is already truncated to two decimals; the format shows exactly those two (never
# "General", which rounds to fit the column)
NUMBER_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"

HEADER_FILL = PatternFill("solid", fgColor="E8EEF5")
SECOND_FILL = PatternFill("solid", fgColor="F3F6FA")
FIRST_FILL = PatternFill("solid", fgColor="DCE5F0")
BOLD = Font(bold=True)
THIN = Side(style="thin", color="B8C4D2")
HEADER_BORDER = Border(bottom=Side(style="medium", color="1F4E79"))
CELL_BORDER = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def write_xlsx(data: DossierData, destination: Path) -> None:
    check_consistency(data)
    view = build_view(data)
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on one empty worksheet
    _items_sheet(sheet, view)
    _evidence_sheet(book.create_sheet("证据索引"), view)
    _facts_sheet(book.create_sheet("基本信息"), view)
    with atomic_output(destination) as stream:
        book.save(stream)


def _items_sheet(sheet: Worksheet, view: DossierView) -> None:
    sheet.title = "自评表"
    _header(sheet, ITEM_COLUMNS)
    for first in view.groups:
        for second in first.children:
            for row in second.rows:
                action = row.rectification
                _append(
                    sheet,
                    [
                        first.id,
                        first.rollup.title_zh,
                        second.id,
                        second.rollup.title_zh,
                        row.id,
                        row.item.title.zh,
                        _points(row.result.points),
                        row.status_text,
                        _points(row.result.applicable_points),
                        _points(row.result.earned),
                        row.finding,
                        row.justification,
                        action.action if action else "",
                        action.owner if action else "",
                        action.due if action else None,
                        ACTION_STATES[action.state] if action else "",
                        " ".join(row.evidence_refs),
                        row.confidence_text,
                    ],
                )
            _subtotal(sheet, second, f"小计 {second.id} {second.rollup.title_zh}", SECOND_FILL)
        _subtotal(sheet, first, f"合计 {first.id} {first.rollup.title_zh}", FIRST_FILL)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(ITEM_COLUMNS))}{sheet.max_row}"
    sheet.freeze_panes = "A2"
    _totals(sheet, view)


def _subtotal(sheet: Worksheet, group: IndicatorGroup, label: str, fill: PatternFill) -> None:
    rollup = group.rollup
    row: list[Any] = [None] * len(ITEM_COLUMNS)
    row[LABEL - 1] = f"{label}（得分率 {numbers.score_text(rollup.percent)}%）"
    row[POINTS - 1] = _points(sum((r.result.points for r in _rows_of(group)), Fraction(0)))
    row[APPLICABLE - 1] = _points(rollup.applicable)
    row[EARNED - 1] = _points(rollup.earned)
    cells = _append(sheet, row)
    for cell in cells:
        cell.font = BOLD
        cell.fill = fill


def _rows_of(group: IndicatorGroup) -> list[Any]:
    return [*group.rows, *(r for child in group.children for r in child.rows)]


def _totals(sheet: Worksheet, view: DossierView) -> None:
    result = view.data.result
    sheet.append([None])
    lines: list[tuple[str, Any, str | None]] = [
        ("涉及项分值", _points(result.applicable_points), None),
        ("实得分", _points(result.earned_points), None),
        ("基础得分（实得分 ÷ 涉及项分值 × 100）", _score(result.base_score), None),
        ("特别扣分", -_points(result.deduction_total), None),
        ("特别加分", _points(result.bonus_total), None),
        ("最终得分", _score(result.score), None),
        ("等级", view.tier_title.zh, None),
        ("申请资格", view.eligibility_text, None),
    ]
    if result.next_tier is not None and result.points_to_next_tier is not None:
        lines.append(
            (
                f"距{result.next_tier.title.zh}还差（分，进位）",
                _needed(result.points_to_next_tier),
                None,
            )
        )
    if view.deductions_to_rectify:
        lines.append(("须先整改的特别扣分项（个）", view.deductions_to_rectify, "0"))
    for label, value, number_format in lines:
        row: list[Any] = [None] * len(ITEM_COLUMNS)
        row[LABEL - 1] = label
        row[EARNED - 1] = value
        cells = _append(sheet, row)
        label_cell, value_cell = cells[LABEL - 1], cells[EARNED - 1]
        label_cell.font = value_cell.font = BOLD
        if number_format:
            value_cell.number_format = number_format
    note: list[Any] = [None] * len(ITEM_COLUMNS)
    note[LABEL - 1] = (
        "分值与得分均截断至两位小数，不进位（显示的分数不会达到精确得分未达到的等级线）；"
        "“还差”按进位显示。"
    )
    _append(sheet, note)


EVIDENCE_COLUMNS = (
    ("编号", 8),
    ("标题", 28),
    ("类别", 12),
    ("原文件名", 30),
    ("大小（字节）", 12),
    ("文件类型", 20),
    ("SHA-256", 68),
    ("有效期至", 11),
    ("已过期", 8),
    ("支持项目", 20),
    ("上传人", 10),
    ("上传时间（UTC）", 17),
    # added later at the end, so the columns above keep their places for existing readers
    ("版本", 6),
    ("覆盖期间自", 11),
    ("覆盖期间至", 11),
)


def _evidence_sheet(sheet: Worksheet, view: DossierView) -> None:
    _header(sheet, EVIDENCE_COLUMNS)
    for entry in view.evidence:
        record = entry.record
        _append(
            sheet,
            [
                entry.ref,
                record.title,
                record.kind,
                record.original_name,
                record.size,
                record.media_type,
                record.sha256,
                record.valid_until,
                "是" if entry.expired else "",
                ", ".join(entry.supports),
                record.uploaded_by,
                record.uploaded_at,
                record.revision,
                record.covered_from,
                record.covered_to,
            ],
        )
    sheet.freeze_panes = "A2"


def _facts_sheet(sheet: Worksheet, view: DossierView) -> None:
    data, org, audit = view.data, view.data.organisation, view.data.audit
    facts: list[tuple[str, Any]] = [
        ("企业名称", org.name),
        ("统一社会信用代码", org.credit_code),
        ("认证范围", org.products_in_scope),
        ("自评名称", audit.title),
        ("自评日期", audit.audit_date),
        ("自评轮次", audit.round_no),
        ("评价人", audit.assessor),
        ("评价目录", f"{data.catalogue.id}（版本 {data.catalogue.spec.version}）"),
        ("目录内容哈希", data.catalogue.content_hash),
        ("等级方案", data.result.scheme.title.zh),
        ("最终得分", _score(data.result.score)),
        ("等级", view.tier_title.zh),
        ("申请资格", view.eligibility_text),
        ("生成时间（UTC）", data.generated_at),
    ]
    for label, value in facts:
        label_cell, value_cell = _append(sheet, [label, value])
        label_cell.font = BOLD
        if label == "最终得分":
            value_cell.number_format = NUMBER_FORMAT
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 70


def _header(sheet: Worksheet, columns: Sequence[tuple[str, int]]) -> None:
    sheet.append([name for name, _ in columns])
    for n, (_, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=n)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(n)].width = width


def _append(sheet: Worksheet, values: Sequence[Any]) -> list[Cell]:
    """Append a row: text stays text (never a formula), dates and numbers get formats."""
    sheet.append(list(values))
    # a row just appended has only plain cells (merged cells come from merge_cells)
    cells = [c for c in sheet[sheet.max_row] if isinstance(c, Cell)][: len(values)]
    for cell, value in zip(cells, values, strict=True):
        if isinstance(value, str):
            cell.value = printable(value)
            cell.data_type = "s"  # openpyxl takes a string starting with "=" for a formula
            cell.alignment = WRAP
        elif isinstance(value, float):  # a score or points, already truncated (_points/_score)
            cell.number_format = NUMBER_FORMAT
        elif isinstance(value, datetime):
            if value.tzinfo is not None:  # Excel keeps no time zone: the header says UTC
                cell.value = value.astimezone(UTC).replace(tzinfo=None)
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
        cell.border = CELL_BORDER
    return cells


def _points(value: Fraction) -> float:
    return float(numbers.points(value))


def _score(value: Fraction) -> float:
    return float(numbers.score(value))


def _needed(value: Fraction) -> float:
    return float(numbers.needed_text(value))

"""write_xlsx: the self-evaluation table (自评表) as a spreadsheet, with the evidence index.

The numbers a reader can try "what if" on are live formulas: an item's applicable and earned
points follow from its status (and sample counts), and the subtotals, totals, base and final
scores add them up, so changing 不符合 to 符合 in Excel moves every figure above it. Each formula
keeps the app's rule (scoring/display.py): the exact value sits in a hidden column and the shown
cell is TRUNC(ROUND(exact, 9), 2) with the number format "0.00" — never "General", which would
round 94.997 up to 95 (the ROUND to 9 places only removes floating-point dust such as
19.999999999999996 for 3 × 20/3; the exact values have small denominators). A shortfall is
rounded up, as in the app. The recalculated values equal the app's figures (checked by a test
that recalculates the file in LibreOffice). Text a user typed is always stored as text, so
"=HYPERLINK(...)" in a finding stays words and never becomes a formula (quote-prefixed, so it stays
text when the cell is edited or the sheet saved as CSV).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
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
from dossier.view import DossierView, build_view
from scoring import Status, display
from scoring.next_step import NextStepKind, next_step
from store.config import display_zone
from texts import keys, t

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
    # added later at the end, so the columns above keep their places for existing readers
    ("抽查样本数", 9),
    ("符合样本数", 9),
    ("涉及分值（精确）", 10),  # hidden: the exact values the shown cells truncate
    ("得分（精确）", 10),
)
POINTS, STATUS, APPLICABLE, EARNED, JUSTIFICATION = 7, 8, 9, 10, 12  # 1-based columns
CHECKED, CONFORMING, EXACT_APPLICABLE, EXACT_EARNED = 19, 20, 21, 22
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


def _col(n: int) -> str:
    return get_column_letter(n)


def _shown(exact: str) -> str:
    """The formula of a reached value as shown: truncated to two decimals (see the docstring)."""
    return f"=TRUNC(ROUND({exact},9),2)"


def _sum(column: int, rows: Sequence[int]) -> str:
    """SUM over the given rows of one column, as contiguous ranges."""
    ranges: list[str] = []
    start: int | None = None
    previous = 0  # read only once a range has started
    for row in [*sorted(rows), None]:
        if start is not None and (row is None or row != previous + 1):
            c = _col(column)
            ranges.append(f"{c}{start}" if start == previous else f"{c}{start}:{c}{previous}")
            start = None
        if row is not None:
            start = row if start is None else start
            previous = row
    return f"SUM({','.join(ranges) or 0})"


def _formula(cell: Cell, formula: str, number_format: str = NUMBER_FORMAT) -> None:
    cell.value = formula
    cell.data_type = "f"
    cell.number_format = number_format


def _item_formulas(sheet: Worksheet, n: int, excludable: bool) -> None:
    """An item's exact applicable and earned points from its status, and the shown cells."""
    status, points = f"{_col(STATUS)}{n}", f"{_col(POINTS)}{n}"
    checked, conforming = f"{_col(CHECKED)}{n}", f"{_col(CONFORMING)}{n}"
    sampled, conform = t("status.sampled", "zh"), t("status.conforming", "zh")
    excluded = t("status.not_applicable", "zh")
    # an exclusion counts only on an excludable item with a justification (scoring.engine)
    justified = f'TRIM({_col(JUSTIFICATION)}{n})<>""' if excludable else "FALSE()"
    applicable = f'IF(AND({status}="{excluded}",{justified}),0,{points})'
    earned = (
        f'IF({status}="{conform}",{points},IF(LEFT({status},{len(sampled)})="{sampled}",'
        f"IF(N({checked})>0,{points}*N({conforming})/N({checked}),0),0))"
    )
    _formula(_cell(sheet, n, EXACT_APPLICABLE), f"={applicable}", "General")
    _formula(_cell(sheet, n, EXACT_EARNED), f"={earned}", "General")
    _formula(_cell(sheet, n, APPLICABLE), _shown(f"{_col(EXACT_APPLICABLE)}{n}"))
    _formula(_cell(sheet, n, EARNED), _shown(f"{_col(EXACT_EARNED)}{n}"))


def _items_sheet(sheet: Worksheet, view: DossierView) -> None:
    sheet.title = "自评表"
    _header(sheet, ITEM_COLUMNS)
    every: list[int] = []
    for first in view.groups:
        in_first: list[int] = []
        for second in first.children:
            in_second: list[int] = []
            for row in second.rows:
                action = row.rectification
                assessment = row.result.assessment
                cells = _append(
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
                        assessment.samples_checked if row.status is Status.SAMPLED else None,
                        assessment.samples_conforming if row.status is Status.SAMPLED else None,
                        None,
                        None,
                    ],
                )
                cells[POINTS - 1].value = float(row.result.points)  # ≤ 2 decimals: exact
                _item_formulas(sheet, cells[0].row, row.item.excludable)
                in_second.append(cells[0].row)
            _subtotal(sheet, in_second, f"小计 {second.id} {second.rollup.title_zh}", SECOND_FILL)
            in_first += in_second
        _subtotal(sheet, in_first, f"合计 {first.id} {first.rollup.title_zh}", FIRST_FILL)
        every += in_first
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(ITEM_COLUMNS))}{sheet.max_row}"
    sheet.freeze_panes = "A2"
    for hidden in (EXACT_APPLICABLE, EXACT_EARNED):
        sheet.column_dimensions[_col(hidden)].hidden = True
    _totals(sheet, view, every)


def _subtotal(sheet: Worksheet, rows: list[int], label: str, fill: PatternFill) -> None:
    """A group's sums; its 得分率 (earned ÷ applicable, in percent) in the status column."""
    line: list[Any] = [None] * len(ITEM_COLUMNS)
    line[LABEL - 1] = label
    cells = _append(sheet, line)
    n = cells[0].row
    applicable, earned = _sum(EXACT_APPLICABLE, rows), _sum(EXACT_EARNED, rows)
    _formula(cells[POINTS - 1], _shown(_sum(POINTS, rows)))
    _formula(cells[EXACT_APPLICABLE - 1], f"={applicable}", "General")
    _formula(cells[EXACT_EARNED - 1], f"={earned}", "General")
    _formula(cells[APPLICABLE - 1], _shown(f"{_col(EXACT_APPLICABLE)}{n}"))
    _formula(cells[EARNED - 1], _shown(f"{_col(EXACT_EARNED)}{n}"))
    exact_a, exact_e = f"{_col(EXACT_APPLICABLE)}{n}", f"{_col(EXACT_EARNED)}{n}"
    percent = f'=IF({exact_a}>0,TRUNC(ROUND({exact_e}/{exact_a}*100,9),2),"—")'
    _formula(cells[STATUS - 1], percent, '"得分率 "0.00"%"')
    for cell in cells:
        cell.font = BOLD
        cell.fill = fill


def _totals(sheet: Worksheet, view: DossierView, items: list[int]) -> None:
    """The totals under the table: each a formula over the items' exact values (hidden column
    beside it), shown by the app's rule. Deductions and bonuses are counted in the app."""
    result = view.data.result
    sheet.append([None])
    first = sheet.max_row + 1  # the totals' rows, in the order below
    exact = _col(EXACT_EARNED)
    applicable, earned, base, deducted, bonus, final = (f"{exact}{first + k}" for k in range(6))
    lines: list[tuple[str, Any, str | None]] = [
        ("涉及项分值", f"={_sum(EXACT_APPLICABLE, items)}", "reached"),
        ("实得分", f"={_sum(EXACT_EARNED, items)}", "reached"),
        ("基础得分（实得分 ÷ 涉及项分值 × 100）", f"={earned}/{applicable}*100", "reached"),
        ("特别扣分", -float(result.deduction_total), "reached"),
        ("特别加分", float(result.bonus_total), "reached"),
        ("最终得分", f"=MIN(MAX({base}+{deducted}+{bonus},0),100)", "reached"),
        ("等级", view.tier_title.zh, None),
        ("申请资格", view.eligibility_text, None),
    ]
    step = next_step(result)
    if step.kind is NextStepKind.NEXT_TIER and result.points_to_next_tier is not None:
        assert result.next_tier is not None
        minimum = float(result.next_tier.min_score)
        lines.append(
            (
                f"距{result.next_tier.title.zh}还差（分，进位）",
                f"=MAX(0,ROUNDUP(ROUND({minimum}-{final},9),2))",
                "missing",
            )
        )
    if view.deductions_to_rectify:
        lines.append(("须先整改的特别扣分项（个）", view.deductions_to_rectify, "0"))
    lines.append(("下一步", view.next_step.zh, None))
    for label, value, kind in lines:
        row: list[Any] = [None] * len(ITEM_COLUMNS)
        row[LABEL - 1] = label
        if kind not in ("reached", "missing"):
            row[EARNED - 1] = value
        cells = _append(sheet, row)
        label_cell, value_cell = cells[LABEL - 1], cells[EARNED - 1]
        label_cell.font = value_cell.font = BOLD
        n = cells[0].row
        if kind == "reached":
            if isinstance(value, str):
                _formula(cells[EXACT_EARNED - 1], value, "General")
            else:
                cells[EXACT_EARNED - 1].value = value
            _formula(value_cell, _shown(f"{exact}{n}"))
        elif kind == "missing":
            _formula(value_cell, value)
        elif kind:
            value_cell.number_format = kind
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
    ("上传时间", 17),  # in the organisation's zone, named on the cover sheet
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
                _kind_label(record.kind),
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
        ("评价目录", display.catalogue_name(data.catalogue, "zh")),
        ("目录内容哈希", data.catalogue.content_hash),
        ("等级方案", data.result.scheme.title.zh),
        ("最终得分", _score(data.result.score)),
        ("等级", view.tier_title.zh),
        ("申请资格", view.eligibility_text),
        ("生成时间", data.generated_at),
        ("时区", display.zone_note(display_zone())),
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


def _cell(sheet: Worksheet, row: int, column: int) -> Cell:
    """A cell of a row this module wrote (plain: it merges none of the cells it fills)."""
    cell = sheet.cell(row, column)
    assert isinstance(cell, Cell)
    return cell


# what makes a spreadsheet read a typed value as a formula (OWASP's CSV-injection list)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
            if cell.value.startswith(FORMULA_STARTS):
                # Excel's leading apostrophe: the cell stays text even when someone edits it
                # or saves the sheet as CSV and opens that
                cell.quotePrefix = True
        elif isinstance(value, float):  # a score or points, already truncated (_points/_score)
            cell.number_format = NUMBER_FORMAT
        elif isinstance(value, datetime):
            # Excel keeps no time zone: the organisation's, named once on the cover sheet
            cell.value = display.local(value, display_zone()).replace(tzinfo=None)
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
        cell.border = CELL_BORDER
    return cells


def _kind_label(kind: str) -> str:
    """An evidence kind by its label, as the app shows it (a kind without one as it is)."""
    key = f"kind.{kind}"
    return t(key, "zh") if key in keys() else kind


def _points(value: Fraction) -> float:
    return float(numbers.points(value))


def _score(value: Fraction) -> float:
    return float(numbers.score(value))


def _needed(value: Fraction) -> float:
    return float(numbers.needed_text(value))

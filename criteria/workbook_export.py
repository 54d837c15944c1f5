"""A blank 自评表 of any catalogue as .xlsx, laid out the way a body's scoring table is, so that
``import_workbook`` reads it back as the same catalogue (same content hash).

Indicators are rows of their own with their points, items carry every field (English and the
source in their own columns), a 合计 row closes the table, and the catalogue's other parts (tier
schemes, prerequisites, special items, sources) are kept as YAML on the 目录信息 sheet. The
self-assessment columns on the right are left blank for the company to fill in.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from criteria.catalogue import Catalogue
from criteria.schema import Item
from criteria.workbook import META_SHEET, SPEC_KEYS, plain_data
from texts import t

SHEET = "自评表"
# header, width; the headers are among the importer's synonyms (criteria/workbook_columns.py)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("编号", 10),
    ("评价内容", 44),
    ("分值", 8),
    ("评分方式", 10),
    ("可删减", 8),
    ("评分说明", 44),
    ("查证材料", 30),
    ("评价内容（英文）", 36),
    ("评分说明（英文）", 36),
    ("查证材料（英文）", 30),
    ("分值来源", 10),
    ("可信度", 10),
    ("来源说明", 30),
    ("自评结论", 12),
    ("自评得分", 10),
    ("评价发现", 36),
)
HEADING_FILL = PatternFill("solid", fgColor="DCE5F0")
WRAP = Alignment(wrap_text=True, vertical="top")


def export_blank(catalogue: Catalogue, destination: IO[bytes]) -> None:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on one empty worksheet
    sheet.title = SHEET
    title = f"{catalogue.spec.title.zh} 自评表（{catalogue.id} {catalogue.spec.version}）"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([header for header, _ in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for first in catalogue.first_levels:
        _heading(sheet, first.id, first.title.zh, first.title.en, _points_of(first))
        for second in first.children:
            _heading(sheet, second.id, second.title.zh, second.title.en, _points_of(second))
            for item in second.items:
                _write(sheet, _item_row(item))
    _write(sheet, ["合计", None, _number(catalogue.spec.total_points)])
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B3"
    _meta_sheet(book.create_sheet(META_SHEET), catalogue)
    book.save(destination)


def _points_of(node: Any) -> Decimal:
    items = node.items if hasattr(node, "items") else [i for c in node.children for i in c.items]
    return sum((i.points for i in items), Decimal(0))


def _heading(sheet: Worksheet, node_id: str, zh: str, en: str, points: Decimal) -> None:
    row = [node_id, zh, _number(points)] + [None] * 4 + [en]
    for cell in _write(sheet, row):
        cell.font = Font(bold=True)
        cell.fill = HEADING_FILL


def _item_row(item: Item) -> list[Any]:
    source = item.source
    return [
        item.id,
        item.title.zh,
        _number(item.points),
        t(f"workbook.scoring_{item.scoring}", "zh"),
        t("workbook.yes" if item.excludable else "workbook.no", "zh"),
        item.guidance.zh,
        "\n".join(e.zh for e in item.evidence),
        item.title.en,
        item.guidance.en,
        "\n".join(e.en for e in item.evidence),
        ", ".join(source.refs),
        source.confidence,
        source.note or "",
    ]


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral() else float(value)


def _write(sheet: Worksheet, values: Sequence[Any]) -> list[Any]:
    sheet.append(list(values))
    cells = list(sheet[sheet.max_row])[: len(values)]
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text stays text, never a formula
        cell.alignment = WRAP
    return cells


def _meta_sheet(sheet: Worksheet, catalogue: Catalogue) -> None:
    """The catalogue apart from its items, one YAML line per row (read back by the importer)."""
    data = plain_data(catalogue.spec.model_dump(mode="python", exclude_none=True))
    meta = {key: data[key] for key in SPEC_KEYS if key in data}
    if catalogue.spec.format_version == 1:  # format 1 cannot state the limit (it is 5)
        meta["special_items"].pop("fail_at_deductions")
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    for line in text.splitlines():
        sheet.append([line])
        sheet.cell(sheet.max_row, 1).data_type = "s"
    sheet.column_dimensions["A"].width = 120

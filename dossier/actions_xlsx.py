"""The action register as a spreadsheet: one row per rectification action, overdue in red."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from domain.action_register import ActionRow, Source
from dossier.xlsx import _append, _header
from texts import t

COLUMNS = (  # text code, width
    ("actions.col_item", 10),
    ("actions.col_subject", 32),
    ("actions.col_finding", 36),
    ("actions.col_action", 36),
    ("actions.col_owner", 14),
    ("actions.col_due", 12),
    ("actions.col_state", 10),
    ("actions.col_overdue", 8),
)
OVERDUE_FONT = Font(color="C00000", bold=True)


def actions_xlsx(rows: Sequence[ActionRow], lang: str = "zh") -> bytes:
    """The rows as shown (filtered and sorted by the caller), as an .xlsx file's bytes."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on one empty worksheet
    sheet.title = t("actions.sheet", lang)
    _header(sheet, [(t(code, lang), width) for code, width in COLUMNS])
    sheet.freeze_panes = "A2"
    for row in rows:
        cells = _append(
            sheet,
            [
                row_label(row, lang),
                row.subject,
                row.finding,
                row.action,
                row.owner,
                row.due,  # a real date cell, so a spreadsheet can sort and filter by it
                t(f"action.{row.state.value}", lang),
                t("actions.overdue", lang) if row.overdue else "",
            ],
        )
        if row.overdue:
            cells[5].font = cells[7].font = OVERDUE_FONT
    stream = BytesIO()
    book.save(stream)
    return stream.getvalue()


def row_label(row: ActionRow, lang: str = "zh") -> str:
    """The item id, or "特别扣分 #n" for a deduction (with its item when it names one)."""
    if row.source is Source.ITEM:
        return row.ref
    if row.source is Source.REQUEST:
        return t("actions.request_ref", lang, item=row.item_id or "")
    label = t("actions.deduction_ref", lang, n=row.ref)
    return f"{label} · {row.item_id}" if row.item_id else label

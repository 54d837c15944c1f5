"""Reading single cells of a scoring table: item numbers, points, scoring mode, yes/no.

Each reader returns the value or raises CellRefused with a problem code (texts: workbook.<code>);
the caller adds the sheet, row and column.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from texts import LANGS, t


class CellRefused(ValueError):
    def __init__(self, code: str, **values: Any) -> None:
        self.code = code
        self.values = values
        super().__init__(code)


TOTAL_LABEL = re.compile(r"^\s*(合计|总计|总分|小计|subtotal|total)\s*(.*)$", re.IGNORECASE)
HEADING_POINTS = re.compile(r"^(.*?)\s*[（(]\s*(\d+(?:\.\d+)?)\s*分?\s*[)）]\s*$")
_NUMBER = re.compile(r"^\d+(\.\d+)*$")


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    """A cell as text; numbers as Excel shows them by default (2.0 -> "2")."""
    if is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def number(value: object) -> tuple[int, ...] | None:
    """An item or indicator number such as 1.2.3 or 5.1.2.1 as its parts; None if the cell holds
    no number. A number typed as a number (Excel keeps 1.1 as a float) is read as shown."""
    if isinstance(value, bool) or is_empty(value):
        return None
    if isinstance(value, int | float):
        raw = text(value)
    else:
        raw = str(value).strip().replace("．", ".").rstrip(".")
    if not _NUMBER.match(raw):
        return None
    parts = tuple(int(p) for p in raw.split("."))
    if 0 in parts:
        raise CellRefused("number_zero", value=raw)
    return parts


def points(value: object) -> Decimal:
    """Points: a positive number with at most two decimals (a number stored as text counts)."""
    if isinstance(value, bool):
        raise CellRefused("points_text", value=str(value))
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
        near = amount.quantize(Decimal("0.01"))
        if abs(amount - near) < Decimal("1e-9"):  # 0.1 + 0.2 in a spreadsheet formula
            amount = near
    else:
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise CellRefused("points_text", value=str(value).strip()) from None
        if not amount.is_finite():
            raise CellRefused("points_text", value=str(value).strip())
    if amount <= 0:
        raise CellRefused("points_not_positive", value=text(value))
    if amount != amount.quantize(Decimal("0.01")):
        raise CellRefused("points_decimals", value=text(value))
    return amount.normalize() if amount == amount.to_integral() else amount


def _words(key: str) -> set[str]:
    return {t(key, lang).strip().lower() for lang in LANGS}


SCORING_WORDS = {
    "binary": {"binary", "定性", "符合性", "是否符合", "全扣", "整项扣分", "符合/不符合"},
    "sampled": {"sampled", "抽样", "抽查", "按比例", "比例扣分", "按比例扣分"},
}
YES = {"是", "可", "可删减", "允许", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "不可", "不可删减", "不允许", "n", "no", "false", "0", "×", "✗", "-"}


def scoring(value: object) -> str:
    """binary (the whole item is lost when not met) or sampled (lost in proportion)."""
    if is_empty(value):
        return "binary"
    word = text(value).lower()
    for mode, words in SCORING_WORDS.items():
        if word in words | _words(f"workbook.scoring_{mode}"):
            return mode
    raise CellRefused("scoring_unknown", value=text(value))


def yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if is_empty(value):
        return False
    word = text(value).lower()
    if word in YES | _words("workbook.yes"):
        return True
    if word in NO | _words("workbook.no"):
        return False
    raise CellRefused("excludable_unknown", value=text(value))


def lines(value: object) -> list[str]:
    """A cell holding one entry per line (expected evidence)."""
    return [line.strip() for line in text(value).splitlines() if line.strip()]

"""Reading single cells of a scoring table: item numbers, points, scoring mode, yes/no.

Each reader returns the value or raises CellRefused with a problem code (texts: workbook.<code>);
the caller adds the sheet, row and column.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import cache
from typing import Any

from texts import LANGS, t


class CellRefused(ValueError):
    def __init__(self, code: str, **values: Any) -> None:
        self.code = code
        self.values = values
        super().__init__(code)


TOTAL_LABEL = re.compile(
    r"^\s*(合\s*计|总\s*计|总\s*分|小\s*计|subtotal|total)\s*[:：]?\s*(.*)$", re.IGNORECASE
)
HEADING_POINTS = re.compile(r"^(.*?)\s*[（(]\s*(\d+(?:\.\d+)?)\s*分?\s*[)）]\s*$")
# points as bodies write them: "3分", "2.5 分", "分值：3", "３分" (full width is folded first)
_POINTS_TEXT = re.compile(r"^(?:分值|满分|标准分)?\s*[:：]?\s*([+-]?\d+(?:\.\d+)?)\s*(?:分值|分)?$")
MAX_POINTS = Decimal(100_000)  # no table gives one item more; 1e308 is refused, not computed
_NUMBER = re.compile(r"^\d+(\.\d+)*$")


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def folded(value: str) -> str:
    """Full-width digits, dots and brackets as their ASCII twins (NFKC), spaces trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def label(value: str) -> str:
    """A total row's label without the spaces some tables put between characters (合 计)."""
    return re.sub(r"\s+", "", value)


def shown(value: object) -> str:
    """A number as a person writes it: 100, 2.5, never 1E+2."""
    if isinstance(value, Decimal):
        text_value = format(value, "f")
        return text_value.rstrip("0").rstrip(".") if "." in text_value else text_value
    return text(value)


def text(value: object) -> str:
    """A cell as text; numbers as Excel shows them by default (2.0 -> "2")."""
    if is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
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
        raw = folded(str(value)).replace("。", ".").rstrip(".")
    if not _NUMBER.match(raw):
        return None
    parts = tuple(int(p) for p in raw.split("."))
    if 0 in parts:
        raise CellRefused("number_zero", value=raw)
    return parts


def points(value: object) -> Decimal:
    """Points: a positive number with at most two decimals, as a number or as text the way
    bodies write it ("3分", "2.5分", "３"); refusals quote the cell as written."""
    if isinstance(value, bool):
        raise CellRefused("points_text", value=str(value))
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if value != value or abs(value) > MAX_POINTS:  # NaN, inf, 1e308
            raise CellRefused("points_too_large", value=text(value), limit=shown(MAX_POINTS))
        amount = Decimal(repr(value))
        near = amount.quantize(Decimal("0.01"))
        if abs(amount - near) < Decimal("1e-9"):  # 0.1 + 0.2 in a spreadsheet formula
            amount = near
    else:
        written = str(value).strip()
        found = _POINTS_TEXT.match(folded(written))
        if found is None:
            raise CellRefused("points_text", value=written)
        digits = found.group(1)
        if len(digits) > 12:
            raise CellRefused("points_too_large", value=written, limit=shown(MAX_POINTS))
        amount = Decimal(digits)
    if amount > MAX_POINTS:
        raise CellRefused("points_too_large", value=text(value), limit=shown(MAX_POINTS))
    if amount <= 0:
        raise CellRefused("points_not_positive", value=text(value))
    if amount != amount.quantize(Decimal("0.01")):
        raise CellRefused("points_decimals", value=text(value))
    return amount.to_integral() if amount == amount.to_integral() else amount.normalize()


@cache
def _words(key: str) -> frozenset[str]:
    """The words a text key stands for in either language (read once: asked for every cell)."""
    return frozenset(t(key, lang).strip().lower() for lang in LANGS)


SCORING_WORDS = {
    "binary": {"binary", "定性", "符合性", "是否符合", "全扣", "整项扣分", "符合/不符合"},
    "sampled": {"sampled", "抽样", "抽查", "按比例", "比例扣分", "按比例扣分"},
}
# free text in a 评分方法 column: sampling or a proportion means sampled, anything else pass/fail
SAMPLED_TEXT = re.compile(r"抽样|抽查|比例|按.{0,20}扣分|每.{0,12}扣|sampl|proportion", re.I)
YES = {
    "是",
    "可",
    "可以",
    "可删减",
    "允许",
    "允许删减",
    "y",
    "yes",
    "true",
    "1",
    "√",
    "✓",
    "✔",
    "○",
}
NO = {
    "否",
    "不可",
    "不可以",
    "不可删减",
    "不允许",
    "不能",
    "n",
    "no",
    "false",
    "0",
    "×",
    "✗",
    "✘",
    "-",
}


def scoring(value: object) -> str:
    """binary (the whole item is lost when not met) or sampled (lost in proportion)."""
    return scoring_read(value)[0]


def scoring_read(value: object) -> tuple[str, bool]:
    """The scoring mode and whether it was read from free text (to be confirmed by a person)."""
    if is_empty(value):
        return "binary", False
    word = folded(text(value)).lower()
    for mode, words in SCORING_WORDS.items():
        if word in words or word in _words(f"workbook.scoring_{mode}"):
            return mode, False
    return ("sampled" if SAMPLED_TEXT.search(word) else "binary"), True


def yes_no(value: object) -> bool:
    """删减 columns as bodies fill them: 可/否, 是/否, √/blank, Y/N."""
    if isinstance(value, bool):
        return value
    if is_empty(value):
        return False
    word = folded(text(value)).lower()
    if word in YES or word in _words("workbook.yes"):
        return True
    if word in NO or word in _words("workbook.no"):
        return False
    raise CellRefused("excludable_unknown", value=text(value))


def lines(value: object) -> list[str]:
    """A cell holding one entry per line (expected evidence)."""
    return [line.strip() for line in text(value).splitlines() if line.strip()]

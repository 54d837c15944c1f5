"""What a file's name suggests about it, as defaults a person checks before saving: a title,
a kind, and the period a record covers ("回访记录2026-03.xlsx" covers March 2026)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_YEAR = r"(20\d\d)"
_MONTH = r"(0?[1-9]|1[0-2])"
_SEP = r"[-._/年]?"
# no digit may touch a date: "12026031" is no date, nor a part of one
_EDGE_L, _EDGE_R = r"(?<!\d)", r"(?!\d)"
_DAY = re.compile(_EDGE_L + _YEAR + r"([-._/年]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])" + _EDGE_R)
_MONTH_RE = re.compile(_EDGE_L + _YEAR + _SEP + _MONTH + r"(?:月)?" + _EDGE_R)
_MONTH_RANGE = re.compile(
    _EDGE_L
    + _YEAR
    + _SEP
    + _MONTH
    + r"月?\s*(?:至|到|~|～|—|–|-{1,2}|_)\s*"
    + r"(?:"
    + _YEAR
    + _SEP
    + r")?"
    + _MONTH
    + r"月?"
    + _EDGE_R
)
_QUARTER = re.compile(_EDGE_L + _YEAR + r"\s*(?:年\s*)?(?:[Qq]|第)([1-4])(?:季度?)?" + _EDGE_R)

# the first keyword found decides; photos are told by their extension
_KINDS = (
    ("contract", ("合同", "协议", "contract", "agreement")),
    ("licence", ("执照", "许可", "资质", "证书", "licen", "certificate")),
    ("training", ("培训", "training")),
    ("report", ("报告", "分析", "report")),
    ("record", ("记录", "台账", "日志", "回访", "登记", "record", "log")),
    ("policy", ("制度", "办法", "规定", "程序", "手册", "规范", "policy", "procedure", "manual")),
)
_PHOTO_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "heic", "webp", "gif"})


@dataclass(frozen=True)
class NameHints:
    title: str
    kind: str
    covered_from: date | None
    covered_to: date | None


def hints_from_name(name: str) -> NameHints:
    stem, _, extension = name.rpartition(".") if "." in name else (name, "", "")
    start, end = covered_period(stem)
    return NameHints(stem.strip() or name, _kind(stem, extension.lower()), start, end)


def covered_period(text: str) -> tuple[date | None, date | None]:
    """The period a name states: a range of months, a quarter, a month or a day."""
    if found := _MONTH_RANGE.search(text):
        year, month, year_2, month_2 = found.groups()
        start = _month_start(int(year), int(month))
        end = _month_end(int(year_2 or year), int(month_2))
        if start and end and start <= end:
            return start, end
    if found := _QUARTER.search(text):
        year, quarter = int(found.group(1)), int(found.group(2))
        return _month_start(year, 3 * quarter - 2), _month_end(year, 3 * quarter)
    if found := _DAY.search(text):
        year, _, month, day = found.groups()
        try:
            return (day_ := date(int(year), int(month), int(day))), day_
        except ValueError:
            return None, None
    if found := _MONTH_RE.search(text):
        year, month = int(found.group(1)), int(found.group(2))
        return _month_start(year, month), _month_end(year, month)
    return None, None


def _month_start(year: int, month: int) -> date | None:
    return date(year, month, 1) if 1 <= month <= 12 else None


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _kind(stem: str, extension: str) -> str:
    if extension in _PHOTO_EXTENSIONS:
        return "photo"
    lowered = stem.casefold()
    for kind, words in _KINDS:
        if any(word in lowered for word in words):
            return kind
    return "other"

"""Which column of a body's scoring table holds what: roles, header synonyms, the guess, overrides.

Certification bodies name their columns differently (序号 / 编号 / 条款号, 分值 / 标准分 ...), so
the mapping is guessed from the header row and the user may correct any of it
(``number=A,points=D``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from openpyxl.utils import column_index_from_string, get_column_letter

# role -> header synonyms, compared after normalising (lower case, no spaces or brackets)
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "number": (
        "编号",
        "序号",
        "条款",
        "条款号",
        "条款编号",
        "指标编号",
        "项目编号",
        "no",
        "number",
        "id",
    ),
    "title": (
        "评价内容",
        "评价项目",
        "评价要求",
        "要求",
        "三级指标",
        "评价指标",
        "内容",
        "title",
        "requirement",
        "item",
    ),
    "points": ("分值", "标准分", "满分", "分数", "配分", "points", "score", "maxpoints"),
    "first": ("一级指标", "firstlevel", "level1"),
    "second": ("二级指标", "secondlevel", "level2"),
    "scoring": ("评分方式", "评分方法", "打分方式", "scoring", "scoringmode"),
    "excludable": ("可删减", "是否可删减", "允许删减", "删减", "excludable"),
    "guidance": ("评分说明", "评分指南", "指南", "评价方法", "评分细则", "guidance"),
    "evidence": ("查证材料", "证据", "证据材料", "见证材料", "查证要点", "evidence"),
    "title_en": ("评价内容英文", "titleen"),
    "guidance_en": ("评分说明英文", "guidanceen"),
    "evidence_en": ("查证材料英文", "evidenceen"),
    "source_refs": ("分值来源", "sourcerefs", "refs"),
    "confidence": ("可信度", "confidence"),
    "source_note": ("来源说明", "sourcenote"),
}
ROLES: tuple[str, ...] = tuple(SYNONYMS)
REQUIRED: tuple[str, ...] = ("number", "title", "points")
HEADER_SCAN_ROWS = 30  # a header row further down than this is not looked for


def normalise(header: object) -> str:
    text = str(header or "").strip().lower()
    return re.sub(r"[\s()（）\[\]【】:：_\-/.]+", "", text)


@dataclass(frozen=True)
class ColumnMap:
    """role -> 1-based column index."""

    columns: Mapping[str, int]

    def get(self, role: str) -> int | None:
        return self.columns.get(role)

    def letters(self) -> dict[str, str]:
        return {role: get_column_letter(index) for role, index in self.columns.items()}

    def missing(self) -> list[str]:
        return [role for role in REQUIRED if role not in self.columns]

    def describe(self) -> str:
        return ",".join(f"{role}={letter}" for role, letter in self.letters().items())


def role_of(header: object) -> str | None:
    key = normalise(header)
    if not key:
        return None
    for role, names in SYNONYMS.items():
        if key in names:
            return role
    return None


def guess_columns(header: Sequence[object]) -> ColumnMap:
    """Roles recognised in one header row; the first column wins when two share a role."""
    found: dict[str, int] = {}
    for index, value in enumerate(header, start=1):
        role = role_of(value)
        if role is not None and role not in found:
            found[role] = index
    return ColumnMap(found)


def find_header_row(rows: Sequence[Sequence[object]], given: Collection[str] = ()) -> int | None:
    """The 1-based row among the first ones that names the most roles: at least the required
    ones the user did not map (``given``) and at least one."""
    best: tuple[int, int] | None = None
    for number, row in enumerate(rows[:HEADER_SCAN_ROWS], start=1):
        mapping = guess_columns(row)
        if not mapping.columns or set(mapping.missing()) - set(given):
            continue
        if best is None or len(mapping.columns) > best[1]:
            best = (number, len(mapping.columns))
    return best[0] if best else None


class ColumnSpecError(ValueError):
    """A ``--columns`` value that cannot be read."""


def parse_column_spec(spec: str) -> dict[str, int]:
    """``number=A,title=B,points=C`` -> {"number": 1, ...}; unknown roles and letters refused."""
    result: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        role, sep, letter = part.partition("=")
        role, letter = role.strip(), letter.strip().upper()
        if not sep or role not in SYNONYMS:
            raise ColumnSpecError(f"{part!r}: expected ROLE=LETTER, ROLE one of {', '.join(ROLES)}")
        if not re.fullmatch(r"[A-Z]{1,3}", letter):
            raise ColumnSpecError(f"{part!r}: {letter!r} is not a column letter")
        result[role] = column_index_from_string(letter)
    return result


def merged(guessed: ColumnMap, overrides: Mapping[str, int]) -> ColumnMap:
    """The guess with the user's choices on top; a column given a new role loses its old one."""
    columns = {r: c for r, c in guessed.columns.items() if c not in overrides.values()}
    columns.update(overrides)
    return ColumnMap(columns)

"""Which column of a body's scoring table holds what: roles, header synonyms, the guess, overrides.

Certification bodies name their columns differently (序号 / 编号 / 条款号, 分值 / 标准分 ...), so
the mapping is guessed from the header row and the user may correct any of it
(``number=A,points=D``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from openpyxl.utils import column_index_from_string, get_column_letter

from criteria import workbook_cells as cells

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
    "title": (  # in order of preference: 评价内容 is the requirement, 评价项目 often its group
        "评价内容",
        "评价要求",
        "三级指标",
        "要求",
        "内容",
        "评价项目",
        "评价指标",
        "title",
        "requirement",
        "item",
    ),
    "points": (
        "分值",
        "标准分",
        "标准分值",
        "满分",
        "分数",
        "配分",
        "points",
        "score",
        "maxpoints",
    ),
    "first": ("一级指标", "firstlevel", "level1"),
    "second": ("二级指标", "secondlevel", "level2"),
    "scoring": (
        "评分方式",
        "评分方法",
        "打分方式",
        "扣分方式",
        "评分标准",
        "scoring",
        "scoringmode",
    ),
    "excludable": (
        "可删减",
        "是否可删减",
        "可否删减",
        "能否删减",
        "允许删减",
        "是否允许删减",
        "删减",
        "可删减项",
        "删减项",
        "是否删减",
        "excludable",
    ),
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
    """role -> 1-based column index, and how sure the guess is of each (0–1; 1 for a column the
    user chose)."""

    columns: Mapping[str, int]
    confidence: Mapping[str, float] = field(default_factory=dict)

    def get(self, role: str) -> int | None:
        return self.columns.get(role)

    def letters(self) -> dict[str, str]:
        return {role: get_column_letter(index) for role, index in self.columns.items()}

    def missing(self) -> list[str]:
        return [role for role in REQUIRED if role not in self.columns]

    def describe(self) -> str:
        return ",".join(f"{role}={letter}" for role, letter in self.letters().items())

    def sure(self, role: str) -> float:
        return self.confidence.get(role, 1.0 if role in self.columns else 0.0)


def _rank(
    header: object, synonyms: Mapping[str, Sequence[str]] = SYNONYMS
) -> tuple[str, int] | None:
    """The role a header names and how preferred that name is (0 best)."""
    key = normalise(header)
    if not key:
        return None
    for role, names in synonyms.items():
        if key in names:
            return role, names.index(key)
    return None


def role_of(header: object) -> str | None:
    found = _rank(header)
    return found[0] if found else None


def guess_columns(
    header: Sequence[object],
    data: Sequence[Sequence[object]] = (),
    synonyms: Mapping[str, Sequence[str]] = SYNONYMS,
) -> ColumnMap:
    """Roles from the header row — the preferred name wins when two columns name one role, the
    first column when the names rank alike — checked against the rows below (``data``): a
    column whose cells do not look like its role loses confidence, a required role no header
    names is looked for in the cells (numbers like 1.2.3, points), and a second title column
    repeating its value over the rows (评价项目 beside 评价内容) is the second-level indicator."""
    found: dict[str, tuple[int, int]] = {}  # role -> (rank, column)
    others: dict[str, list[int]] = {}
    for index, value in enumerate(header, start=1):
        ranked = _rank(value, synonyms)
        if ranked is None:
            continue
        role, rank = ranked
        if role not in found or rank < found[role][0]:
            if role in found:
                others.setdefault(role, []).append(found[role][1])
            found[role] = (rank, index)
        else:
            others.setdefault(role, []).append(index)
    columns = {role: index for role, (_, index) in found.items()}
    confidence: dict[str, float] = {}
    rows = [r for r in data if any(not _empty(v) for v in r)][:CONTENT_ROWS]
    if not rows:
        return ColumnMap(columns, {role: 0.5 for role in columns})
    for spare in others.get("title", []):
        if "second" not in columns and _repeats(_column(rows, spare)):
            columns["second"] = spare
    taken = set(columns.values())
    width = max(len(r) for r in rows)
    for role, test in (("number", _looks_numbered), ("points", _looks_points)):
        if role in columns:
            continue
        free = [i for i in range(1, width + 1) if i not in taken]
        best = max(free, key=partial(_scored_by, test, rows), default=None)
        if best is not None and test(_column(rows, best)) >= 0.6:
            columns[role] = best
            taken.add(best)
            confidence[role] = round(0.5 * test(_column(rows, best)), 2)
    for role, index in columns.items():
        if role not in confidence:
            fit = _fit(role, _column(rows, index))
            confidence[role] = round(0.5 + 0.5 * fit, 2) if role in found else round(fit, 2)
    return ColumnMap(columns, confidence)


CONTENT_ROWS = 200  # rows below the header looked at to check the guess
_NUMBERED = re.compile(r"^\d+(\.\d+){1,3}\.?$")


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _scored_by(
    test: Callable[[Sequence[object]], float], rows: Sequence[Sequence[object]], index: int
) -> float:
    """How well column ``index`` of ``rows`` passes ``test`` (picks the best free column)."""
    return test(_column(rows, index))


def _column(rows: Sequence[Sequence[object]], index: int) -> list[object]:
    return [r[index - 1] for r in rows if index <= len(r) and not _empty(r[index - 1])]


def _share(values: Sequence[object], test: Callable[[object], bool]) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def _looks_numbered(values: Sequence[object]) -> float:
    return _share(values, lambda v: bool(_NUMBERED.match(str(v).strip())))


def _looks_points(values: Sequence[object]) -> float:
    def fits(value: object) -> bool:
        try:
            return cells.points(value) <= 200
        except cells.CellRefused:
            return False

    return _share(values, fits)


def _yes_no(value: object) -> bool:
    try:
        cells.yes_no(value)
    except cells.CellRefused:
        return False
    return True


def _repeats(values: Sequence[object]) -> bool:
    """A heading column: the same value over several rows (merged down, or typed again)."""
    return len(values) >= 3 and len(set(map(str, values))) * 2 <= len(values)


def _fit(role: str, values: Sequence[object]) -> float:
    """How well a column's cells look like its role, 0–1 (1 where cells say nothing)."""
    if not values:
        return 0.0 if role in REQUIRED else 1.0
    if role == "number":
        return _looks_numbered(values)
    if role == "points":
        return _looks_points(values)
    if role == "title":
        return _share(values, lambda v: isinstance(v, str) and len(v.strip()) >= 4)
    if role == "excludable":
        return _share(values, _yes_no)
    return 1.0


def find_header_row(
    rows: Sequence[Sequence[object]],
    given: Collection[str] = (),
    synonyms: Mapping[str, Sequence[str]] = SYNONYMS,
    required: Collection[str] = REQUIRED,
) -> int | None:
    """The 1-based row among the first ones that names the most roles: at least the required
    ones the user did not map (``given``) and at least one."""
    best: tuple[int, int] | None = None
    for number, row in enumerate(rows[:HEADER_SCAN_ROWS], start=1):
        mapping = guess_columns(row, (), synonyms)
        missing = {role for role in required if role not in mapping.columns}
        if not mapping.columns or missing - set(given):
            continue
        if best is None or len(mapping.columns) > best[1]:
            best = (number, len(mapping.columns))
    return best[0] if best else None


def layout_key(sheet: str, header: Sequence[object]) -> str:
    """The same for every upload of one table layout: its sheet name and header cells."""
    cells = "\x1f".join(normalise(value) for value in header)
    return hashlib.sha256(f"{sheet}\x1e{cells}".encode()).hexdigest()


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
    confidence = {r: guessed.sure(r) for r in columns if r not in overrides}
    return ColumnMap(columns, {**confidence, **{r: 1.0 for r in overrides}})

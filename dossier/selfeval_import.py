"""A filled 自评表 brought back: per item the status (符合 / 不符合 / 抽样 a/b / 删减 with its
reason / 未评), the finding, the rectification (action, owner, due date, progress), and the
company data of a 基本信息 sheet when there is one.

It reads our own 自评表 of every release (the 17 columns of the first releases, the 18 with
分值可信度 since) and a body's filled table through the same column mapping as the catalogue
import (criteria.workbook_columns), with the self-evaluation's own columns added. The workbook is
bounded before openpyxl sees it (criteria.workbook_bounds).

What it cannot place it says and leaves out: a row whose number is not an item of the catalogue,
an item whose points differ from the catalogue's (its status is still read: a status does not
depend on the points), special deductions and bonuses given only as sums. What it cannot read
(an unknown status, 抽样 without a/b, a date that is no date) refuses the whole table, naming
sheet, cell and value, as the catalogue import does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import yaml
from openpyxl.utils import get_column_letter

from criteria import Catalogue
from criteria import workbook_cells as cells
from criteria.workbook import Book, open_book
from criteria.workbook_columns import SYNONYMS, ColumnMap, find_header_row, guess_columns
from criteria.workbook_problems import WorkbookError, WorkbookProblem
from domain.records import ActionState, OrganisationProfile, Rectification
from scoring.model import AuditInput, ItemAssessment, Status
from scoring.validation import Severity, validate_audit
from texts import LANGS, t

# the self-evaluation's columns, added to the catalogue import's roles
SELFEVAL_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    **SYNONYMS,
    "status": ("状态", "评价结果", "自评结果", "符合情况", "评价结论", "结论", "status"),
    "earned": ("得分", "自评得分", "实得分", "earned"),
    "finding": ("评价发现", "不符合事实", "发现", "问题描述", "存在问题", "finding"),
    "justification": ("删减理由", "不适用理由", "删减说明", "justification"),
    "action": ("整改措施", "纠正措施", "action"),
    "owner": ("责任人", "负责人", "整改责任人", "owner"),
    "due": ("完成期限", "整改期限", "完成时间", "计划完成日期", "due"),
    "progress": ("整改进度", "整改状态", "进度", "progress"),
}
SELFEVAL_REQUIRED = ("number",)
FACTS_SHEET = "基本信息"
SAMPLED = re.compile(r"^(?:抽样|sampled)\s*[:：]?\s*(\d+)\s*[/／]\s*(\d+)$", re.IGNORECASE)
PROGRESS: Mapping[str, ActionState] = {
    "未开始": ActionState.OPEN,
    "待整改": ActionState.OPEN,
    "open": ActionState.OPEN,
    "进行中": ActionState.IN_PROGRESS,
    "整改中": ActionState.IN_PROGRESS,
    "in progress": ActionState.IN_PROGRESS,
    "已完成": ActionState.DONE,
    "完成": ActionState.DONE,
    "已整改": ActionState.DONE,
    "done": ActionState.DONE,
}
EXCLUDED_WORDS = {"删减", "不适用", "不适用（删减）", "n/a", "na"}
SPECIAL_LABELS = ("特别扣分", "特别加分")


@dataclass(frozen=True)
class FilledItem:
    item_id: str
    row: int
    status: Status
    samples_checked: int | None = None
    samples_conforming: int | None = None
    justification: str = ""
    finding: str = ""
    rectification: Rectification = field(default_factory=Rectification)


@dataclass(frozen=True)
class FilledTable:
    sheet: str
    columns: ColumnMap
    items: tuple[FilledItem, ...]
    notices: tuple[WorkbookProblem, ...]  # what was left out or differs, to be shown
    company: OrganisationProfile | None  # from 基本信息, when it names the company
    audit_title: str = ""
    audit_date: date | None = None
    assessor: str = ""
    catalogue_hash: str = ""  # the 目录内容哈希 the table was exported from, if it says

    def by_id(self) -> dict[str, FilledItem]:
        return {item.item_id: item for item in self.items}


def read_filled_table(data: bytes, name: str, catalogue: Catalogue) -> FilledTable:
    """The statuses and actions of a filled 自评表; WorkbookError names every cell it cannot
    read."""
    with open_book(data, name) as book:  # read once: the bounds, then openpyxl read-only
        facts = _facts(book[FACTS_SHEET]) if FACTS_SHEET in book.sheetnames else {}
        sheet, rows, header = _items_sheet(book, name)
    columns = guess_columns(rows[header - 1], rows[header:], SELFEVAL_SYNONYMS)
    if "status" not in columns.columns and "earned" not in columns.columns:
        problem = WorkbookProblem("selfeval_no_status", sheet.title)
        raise WorkbookError(name, [problem])
    reader = _Reader(sheet.title, columns, catalogue)
    for row_no in range(header + 1, len(rows) + 1):
        reader.row(row_no, rows[row_no - 1])
    if reader.problems:
        raise WorkbookError(name, reader.problems)
    notices = list(reader.notices)
    exported_from = cells.text(facts.get("目录内容哈希"))
    if exported_from and exported_from != catalogue.content_hash:
        notices.append(
            WorkbookProblem(
                "selfeval_catalogue_differs",
                FACTS_SHEET,
                values={"table": exported_from[:12], "used": catalogue.short_hash},
            )
        )
    problems = [
        WorkbookProblem(
            "selfeval_invalid",
            sheet.title,
            rows_of.get(str(p.path[1])) if len(p.path) > 1 else None,
            None,
            {"reason": p.message},
        )
        for p in validate_audit(catalogue, audit_input(reader.items))
        if p.severity is Severity.ERROR
        for rows_of in [{i.item_id: i.row for i in reader.items}]
    ]
    if problems:
        raise WorkbookError(name, problems)
    return FilledTable(
        sheet=sheet.title,
        columns=columns,
        items=tuple(reader.items),
        notices=tuple(notices),
        company=_company(facts),
        audit_title=cells.text(facts.get("自评名称")),
        audit_date=_date_or_none(facts.get("自评日期")),
        assessor=cells.text(facts.get("评价人")),
        catalogue_hash=cells.text(facts.get("目录内容哈希")),
    )


def _items_sheet(book: Book, name: str) -> tuple[Any, list[tuple[Any, ...]], int]:
    """The first sheet whose header names an item number and a status (or earned points)."""
    for sheet in book.book.worksheets:
        if sheet.title == FACTS_SHEET:
            continue
        rows = book.rows(sheet)
        header = find_header_row(rows, (), SELFEVAL_SYNONYMS, SELFEVAL_REQUIRED)
        if header is None:
            continue
        roles = guess_columns(rows[header - 1], (), SELFEVAL_SYNONYMS).columns
        if "status" in roles or "earned" in roles:
            return sheet, rows, header
    raise WorkbookError(name, [WorkbookProblem("selfeval_no_sheet")])


def _facts(sheet: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for row in sheet.iter_rows(min_row=1, max_row=200, max_col=2, values_only=True):
        if row and isinstance(row[0], str):
            facts[row[0].strip()] = row[1] if len(row) > 1 else None
    return facts


def _company(facts: Mapping[str, Any]) -> OrganisationProfile | None:
    name = cells.text(facts.get("企业名称"))
    if not name:
        return None
    return OrganisationProfile(
        name=name,
        credit_code=cells.text(facts.get("统一社会信用代码")),
        products_in_scope=cells.text(facts.get("认证范围")),
    )


def _date_or_none(value: object) -> date | None:
    try:
        return _date(value)
    except cells.CellRefused:
        return None


def _date(value: object) -> date | None:
    if cells.is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    written = cells.folded(cells.text(value))
    found = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", written)
    if found:
        try:
            return date(*map(int, found.groups()))
        except ValueError:
            pass
    raise cells.CellRefused("selfeval_date", value=cells.text(value))


def _key(word: str) -> str:
    return cells.folded(word).lower()


@cache
def _words(key: str) -> frozenset[str]:
    return frozenset(_key(t(key, lang)) for lang in LANGS)


def status_of(value: object) -> tuple[Status, int | None, int | None]:
    """A status cell as written by us or by a person: 符合, 不符合, 抽样 8/10, 删减, 未评."""
    if cells.is_empty(value):
        return Status.NOT_ASSESSED, None, None
    word = _key(cells.text(value))
    sampled = SAMPLED.match(word)
    if sampled:
        conforming, checked = int(sampled.group(1)), int(sampled.group(2))
        if checked == 0 or conforming > checked:
            raise cells.CellRefused("selfeval_samples", value=cells.text(value))
        return Status.SAMPLED, checked, conforming
    if word in {_key(w) for w in EXCLUDED_WORDS}:
        return Status.NOT_APPLICABLE, None, None
    for status in Status:
        if word == status.value or word in _words(f"status.{status.value}"):
            if status is Status.SAMPLED:
                raise cells.CellRefused("selfeval_samples", value=cells.text(value))
            return status, None, None
    if word in {"√", "✓", "是", "yes", "y"}:
        return Status.CONFORMING, None, None
    if word in {"×", "✗", "否", "no", "n"}:
        return Status.NOT_CONFORMING, None, None
    raise cells.CellRefused("selfeval_status", value=cells.text(value))


class _Reader:
    def __init__(self, sheet: str, columns: ColumnMap, catalogue: Catalogue) -> None:
        self.sheet = sheet
        self.columns = columns
        self.catalogue = catalogue
        self.items: list[FilledItem] = []
        self.problems: list[WorkbookProblem] = []
        self.notices: list[WorkbookProblem] = []
        self.seen: dict[str, int] = {}
        self.specials: set[str] = set()

    def cell(self, row: Sequence[Any], role: str) -> Any:
        index = self.columns.get(role)
        return row[index - 1] if index is not None and index <= len(row) else None

    def at(self, code: str, row_no: int, role: str | None, **values: Any) -> WorkbookProblem:
        column = get_column_letter(self.columns.columns[role]) if role else None
        return WorkbookProblem(code, self.sheet, row_no, column, values)

    def read(self, row_no: int, row: Sequence[Any], role: str, reader: Any) -> Any:
        try:
            return reader(self.cell(row, role))
        except cells.CellRefused as exc:
            self.problems.append(self.at(exc.code, row_no, role, **exc.values))
            return None

    def row(self, row_no: int, row: Sequence[Any]) -> None:
        try:
            parts = cells.number(self.cell(row, "number"))
        except cells.CellRefused:
            parts = None
        if parts is None:
            self.unnumbered(row_no, row)
            return
        if len(parts) == 4:  # 5.1.2.1: the clause in front
            parts = parts[1:]
        item_id = ".".join(map(str, parts))
        if len(parts) != 3:
            return  # an indicator's heading row
        if not self.catalogue.has_item(item_id):
            self.notices.append(self.at("selfeval_unknown_item", row_no, "number", id=item_id))
            return
        if item_id in self.seen:
            self.problems.append(
                self.at("duplicate", row_no, "number", number=item_id, first=self.seen[item_id])
            )
            return
        self.seen[item_id] = row_no
        self.points(row_no, row, item_id)
        if "status" in self.columns.columns:
            read = self.read(row_no, row, "status", status_of)
        else:
            read = self.from_earned(row_no, row, item_id)
        if read is None:
            return
        status, checked, conforming = read
        due = self.read(row_no, row, "due", _date) if "due" in self.columns.columns else None
        progress = self.read(row_no, row, "progress", _progress)
        self.items.append(
            FilledItem(
                item_id=item_id,
                row=row_no,
                status=status,
                samples_checked=checked,
                samples_conforming=conforming,
                justification=cells.text(self.cell(row, "justification")),
                finding=cells.text(self.cell(row, "finding")),
                rectification=Rectification(
                    action=cells.text(self.cell(row, "action")),
                    owner=cells.text(self.cell(row, "owner")),
                    due=due,
                    state=progress or ActionState.OPEN,
                ),
            )
        )

    def points(self, row_no: int, row: Sequence[Any], item_id: str) -> None:
        """Points that differ from the catalogue's are named; the status still counts."""
        value = self.cell(row, "points")
        if cells.is_empty(value):
            return
        try:
            stated = cells.points(value)
        except cells.CellRefused:
            return
        expected = self.catalogue.item(item_id).points
        if stated != expected:
            self.notices.append(
                self.at(
                    "selfeval_points_differ",
                    row_no,
                    "points",
                    id=item_id,
                    stated=cells.shown(stated),
                    catalogue=cells.shown(Decimal(expected)),
                )
            )

    def from_earned(
        self, row_no: int, row: Sequence[Any], item_id: str
    ) -> tuple[Status, int | None, int | None] | None:
        """A body's table with only a score per item: full points are 符合, 0 不符合; anything
        between cannot be placed without the samples (a/b)."""
        value = self.cell(row, "earned")
        if cells.is_empty(value):
            return Status.NOT_ASSESSED, None, None
        try:
            earned = Decimal(0) if value in (0, "0") else cells.points(value)
        except cells.CellRefused:
            self.problems.append(self.at("selfeval_earned", row_no, "earned", value=value))
            return None
        points = Decimal(self.catalogue.item(item_id).points)
        if earned == points:
            return Status.CONFORMING, None, None
        if earned == 0:
            return Status.NOT_CONFORMING, None, None
        self.problems.append(
            self.at(
                "selfeval_earned_partial",
                row_no,
                "earned",
                id=item_id,
                value=cells.shown(earned),
                points=cells.shown(points),
            )
        )
        return None

    def unnumbered(self, row_no: int, row: Sequence[Any]) -> None:
        """Subtotal and total rows are recomputed, not read; special deductions and bonuses
        given only as sums cannot be placed on an item, so they are named and left out."""
        for value in row:
            if not isinstance(value, str):
                continue
            label = value.strip()
            if label in SPECIAL_LABELS and label not in self.specials:
                self.specials.add(label)  # the first releases wrote each total twice
                amount = next(
                    (v for v in row if isinstance(v, int | float) and not isinstance(v, bool)),
                    None,
                )
                if amount:
                    self.notices.append(
                        WorkbookProblem(
                            "selfeval_special_sum",
                            self.sheet,
                            row_no,
                            None,
                            {"label": label, "value": cells.text(amount)},
                        )
                    )
                return


def _progress(value: object) -> ActionState | None:
    if cells.is_empty(value):
        return None
    word = _key(cells.text(value))
    progress = {_key(w): state for w, state in PROGRESS.items()}
    if word in progress:
        return progress[word]
    for state in ActionState:
        if word in _words(f"action.{state.value}"):
            return state
    raise cells.CellRefused("selfeval_progress", value=cells.text(value))


def audit_input(items: Sequence[FilledItem]) -> AuditInput:
    """The statuses as the scoring engine takes them (not yet assessed items left out)."""
    return AuditInput(
        assessments={
            i.item_id: ItemAssessment(
                i.item_id,
                i.status,
                samples_checked=i.samples_checked,
                samples_conforming=i.samples_conforming,
                justification=i.justification or None,
                finding=i.finding or None,
            )
            for i in items
            if i.status is not Status.NOT_ASSESSED
        }
    )


def audit_file_text(table: FilledTable, catalogue: Catalogue, source: str) -> str:
    """An audit file in the examples/ format (``gbt-audit score`` scores it), with each item's
    rectification kept under ``rectification``."""
    items: dict[str, Any] = {}
    for item in table.items:
        if item.status is Status.NOT_ASSESSED and not item.rectification.is_set:
            continue
        entry: dict[str, Any] = {"status": item.status.value}
        if item.status is Status.SAMPLED:
            entry["checked"] = item.samples_checked
            entry["conforming"] = item.samples_conforming
        if item.justification:
            entry["justification"] = item.justification
        if item.finding:
            entry["finding"] = item.finding
        action = item.rectification
        if action.is_set or action.owner:
            entry["rectification"] = {
                "action": action.action,
                "owner": action.owner,
                "due": action.due,
                "progress": action.state.value,
            }
        items[item.item_id] = entry["status"] if len(entry) == 1 else entry
    spec: dict[str, Any] = {"catalogue": catalogue.id, "catalogue_hash": catalogue.content_hash}
    if table.company is not None:
        spec["organisation"] = table.company.name
    if table.assessor:
        spec["assessor"] = table.assessor
    if table.audit_date is not None:
        spec["date"] = table.audit_date
    spec["items"] = items
    header = t("selfeval.file_header", "en", source=source)
    body = yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=1000)
    return f"# {header}\n{body}"

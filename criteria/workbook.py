"""Import a certification body's scoring table (评分细则 / 自评表, .xlsx) as a catalogue.

The table has one row per item: its number, title and points, optionally the scoring mode,
whether it may be excluded, guidance and expected evidence. First- and second-level indicators
are either rows of their own (a number with fewer parts, e.g. "1.2 人员配置", points optional) or
columns repeating the indicator's name on every item row ("人员配置（6分）"). Numbers with four
parts (5.1.2.1) carry the standard's clause number in front ("5 评价指标"): when every number
shares that first part it is dropped, so 5.1.2.1 becomes item 1.2.1.

The tree is built from the numbers and every total is checked: items against their indicator's
points where the table gives them, the whole against a 合计 row or 100. A table that does not fit
is refused with every reason and where it is (sheet, row, column), never half-imported.
Tier schemes, prerequisites and the special-item rules are not in a scoring table: they come from
a base catalogue (the bundled one unless told otherwise), or from the 目录信息 sheet that
``export_blank`` writes, so an exported table reads back as the same catalogue.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from criteria import workbook_cells as cells
from criteria.catalogue import Catalogue
from criteria.loader import (
    CatalogueError,
    catalogue_from_data,
    default_catalogue,
    parse_catalogue,
)
from criteria.workbook_bounds import SheetScan, check_workbook
from criteria.workbook_columns import (
    ColumnMap,
    find_header_row,
    guess_columns,
    layout_key,
    merged,
)
from criteria.workbook_problems import WorkbookError, WorkbookProblem
from texts import t

META_SHEET = "目录信息"  # written by export_blank: the catalogue apart from its items, as YAML
WORKBOOK_SOURCE = "workbook"  # the id of the source entry naming the imported file
SPEC_KEYS = (  # the catalogue's keys other than its indicators, in file order
    "format_version",
    "id",
    "standard",
    "title",
    "version",
    "total_points",
    "sources",
    "tier_schemes",
    "default_tier_scheme",
    "prerequisites",
    "special_items",
)
PREVIEW_ROWS = 12
# libyaml writes the same text four times faster (a 4,800-item catalogue is 1.8 MB of YAML)
DUMPER: type[Any] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True)
class ImportOptions:
    sheet: str | None = None
    columns: Mapping[str, int] = field(default_factory=dict)  # role -> 1-based column
    exact_columns: bool = False  # ``columns`` is the whole mapping, not changes to the guess
    catalogue_id: str | None = None
    title: str | None = None
    version: str | None = None
    # item id -> "binary"/"sampled": the person's answer where the mode was read from free text
    scoring_overrides: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScoringRead:
    """An item whose scoring mode was read from the free text of a 评分方法 column, to be shown
    for confirmation: the text, the mode read and the mode used (the person's, if given)."""

    item_id: str
    row: int
    text: str
    read: str
    used: str


@dataclass(frozen=True)
class SheetPreview:
    """What the user sees before importing: the first rows and the guessed column roles."""

    sheets: tuple[str, ...]
    sheet: str
    header_row: int | None
    rows: tuple[tuple[Any, ...], ...]
    columns: ColumnMap
    layout: str = ""  # workbook_columns.layout_key of the sheet and its header row


@dataclass(frozen=True)
class ImportedCatalogue:
    catalogue: Catalogue
    text: str  # the catalogue file (YAML)
    sheet: str
    header_row: int | None
    columns: ColumnMap
    clause_prefix: int | None  # the number's first part dropped (5 in 5.1.2.1), if any
    skipped_rows: tuple[int, ...]  # rows without a number or points, e.g. notes
    sha256: str
    scoring_read: tuple[ScoringRead, ...] = ()


def preview(data: bytes, name: str, sheet: str | None = None) -> SheetPreview:
    with open_book(data, name) as book:
        return _preview(book, sheet)


def _preview(book: Book, sheet: str | None) -> SheetPreview:
    sheet_obj = book.pick(sheet)
    rows = book.rows(sheet_obj)
    header = find_header_row(rows)
    columns = guess_columns(rows[header - 1], rows[header:]) if header else ColumnMap({})
    return SheetPreview(
        sheets=tuple(s.title for s in book.sheets()),
        sheet=sheet_obj.title,
        header_row=header,
        rows=tuple(tuple(r) for r in rows[:PREVIEW_ROWS]),
        columns=columns,
        layout=_layout(sheet_obj.title, rows, header),
    )


@dataclass(frozen=True)
class WorkbookRead:
    """What the Catalogues page shows of an upload, from one reading of it: the preview and the
    table as it would import with ``options`` (or why it would not)."""

    preview: SheetPreview
    imported: ImportedCatalogue | None
    refusal: WorkbookError | None


def read_workbook(
    data: bytes, name: str, options: ImportOptions | None = None, base: Catalogue | None = None
) -> WorkbookRead:
    """The preview and the import of one upload, the file read once. A file refused before any
    sheet can be shown (the bounds, not a workbook) raises WorkbookError."""
    options = options or ImportOptions()
    name = PurePath(name).name
    with open_book(data, name) as book:
        shown = _preview(book, options.sheet)
        try:
            return WorkbookRead(shown, _import(book, data, name, options, base), None)
        except WorkbookError as exc:
            return WorkbookRead(shown, None, exc)


def _layout(sheet: str, rows: list[tuple[Any, ...]], header: int | None) -> str:
    """The layout's key: the header row, or where no header was recognised the first row with
    anything in it (a header in words the guess does not know)."""
    if header is None:
        header = next((n for n, r in enumerate(rows[:30], 1) if any(map(_filled, r))), None)
    return layout_key(sheet, rows[header - 1]) if header else ""


def _filled(value: object) -> bool:
    return not cells.is_empty(value)


def import_workbook(
    data: bytes,
    name: str,
    options: ImportOptions | None = None,
    base: Catalogue | None = None,
) -> ImportedCatalogue:
    """The catalogue a scoring table describes; WorkbookError names every problem found."""
    options = options or ImportOptions()
    name = PurePath(name).name
    with open_book(data, name) as book:
        return _import(book, data, name, options, base)


def _import(
    book: Book, data: bytes, name: str, options: ImportOptions, base: Catalogue | None
) -> ImportedCatalogue:
    sheet = book.pick(options.sheet)
    rows = book.rows(sheet)
    meta = _meta(book, name)
    formulas = book.scan_of(sheet)
    header = find_header_row(rows, options.columns)
    guessed = guess_columns(rows[header - 1], rows[header:]) if header else ColumnMap({})
    columns = (
        ColumnMap(options.columns) if options.exact_columns else merged(guessed, options.columns)
    )
    if columns.missing():
        raise WorkbookError(
            name,
            [
                WorkbookProblem(
                    "columns_missing",
                    sheet.title,
                    values={"roles": ", ".join(columns.missing())},
                )
            ],
        )
    reader = _TableReader(sheet.title, formulas, header or 0, columns, options.scoring_overrides)
    tree = reader.read(rows)
    problems = reader.problems
    if problems:
        raise WorkbookError(name, problems)
    sha256 = hashlib.sha256(data).hexdigest()
    spec = _spec(meta, name, sha256, sheet.title, options, base, tree, reader.prefix)
    text = _yaml_text(spec, name, sha256)
    catalogue = _catalogue(spec, text, name)
    return ImportedCatalogue(
        catalogue=catalogue,
        text=text,
        sheet=sheet.title,
        header_row=header,
        columns=columns,
        clause_prefix=reader.prefix,
        skipped_rows=tuple(reader.skipped),
        sha256=sha256,
        scoring_read=tuple(reader.scoring_read),
    )


def _catalogue(spec: dict[str, Any], text: str, name: str) -> Catalogue:
    """The catalogue ``text`` describes. ``text`` was written from ``spec`` a moment ago, so the
    data reading it back would give is ``plain_data(spec)``: that is checked instead of parsing
    1.8 MB of YAML again (a 4,800-item table). Only a refusal reads the text, for its lines."""
    try:
        return catalogue_from_data(plain_data(spec), name)
    except CatalogueError:
        pass
    try:
        return parse_catalogue(text, name)
    except CatalogueError as exc:  # what the table cannot show, e.g. a broken 目录信息 sheet
        raise WorkbookError(
            name,
            [
                WorkbookProblem("catalogue_invalid", None, values={"reason": p.describe(name)})
                for p in exc.problems
            ],
        ) from None


# -- the workbook ------------------------------------------------------------------------------


class Book:
    """A workbook read once: the bounds first (nothing unbounded reaches openpyxl), then
    openpyxl in read-only mode for the values Excel computed; merged ranges and formulas without
    values come from the bounds pass (read-only mode has neither). Each sheet's rows are read
    once, however often they are asked for."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        self.scan = check_workbook(data, name)
        try:
            self.book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise WorkbookError(
                name, [WorkbookProblem("not_a_workbook", values={"reason": str(exc)})]
            ) from None
        self._rows: dict[str, list[tuple[Any, ...]]] = {}

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.book.close()

    @property
    def sheetnames(self) -> list[str]:
        return list(self.book.sheetnames)

    def __getitem__(self, title: str) -> Any:
        return self.book[title]

    def sheets(self) -> list[Any]:
        """The sheets that may hold a table (not the 目录信息 sheet export_blank writes)."""
        return [s for s in self.book.worksheets if s.title != META_SHEET]

    def scan_of(self, sheet: Any) -> SheetScan:
        return self.scan.sheet(getattr(sheet, "_worksheet_path", ""))

    def rows(self, sheet: Any) -> list[tuple[Any, ...]]:
        if sheet.title not in self._rows:
            self._rows[sheet.title] = sheet_values(sheet, self.scan_of(sheet).merged)
        return self._rows[sheet.title]

    def pick(self, wanted: str | None) -> Any:
        """The sheet asked for, or the first one with a header row the guess knows."""
        sheets = self.sheets()
        if wanted is not None:
            for sheet in sheets:
                if sheet.title == wanted:
                    return sheet
            known = ", ".join(s.title for s in sheets)
            problem = WorkbookProblem("sheet_unknown", values={"sheet": wanted, "known": known})
            raise WorkbookError(self.name, [problem])
        for sheet in sheets:
            if find_header_row(self.rows(sheet)) is not None:
                return sheet
        if not sheets:
            raise WorkbookError(self.name, [WorkbookProblem("no_sheet")])
        return sheets[0]  # the column mapping will say what is missing


def open_book(data: bytes, name: str) -> Book:
    return Book(data, name)


def sheet_values(sheet: Any, merged_ranges: Sequence[str]) -> list[tuple[Any, ...]]:
    """The sheet's values row by row, all rows as wide as the widest, a merged range's value in
    every cell it covers (bodies merge 一级指标, 二级指标 and 合计 cells down and across; only the
    first cell holds the value). The sheet's stated size is not trusted: every row is read."""
    sheet.reset_dimensions()
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    ranges = []
    for ref in merged_ranges:
        try:
            ranges.append(range_boundaries(ref))
        except (ValueError, TypeError):
            continue
    height = max([len(rows), *(r[3] for r in ranges if r[3] is not None)])
    width = max([0, *map(len, rows), *(r[2] for r in ranges if r[2] is not None)])
    rows.extend([] for _ in range(height - len(rows)))
    for row in rows:
        row.extend([None] * (width - len(row)))
    for min_col, min_row, max_col, max_row in ranges:
        if min_col is None or min_row is None or max_col is None or max_row is None:
            continue
        value = rows[min_row - 1][min_col - 1]
        for row in rows[min_row - 1 : max_row]:
            row[min_col - 1 : max_col] = [value] * (max_col - min_col + 1)
    return [tuple(row) for row in rows]


# -- rows to a tree ----------------------------------------------------------------------------


@dataclass
class _Node:
    id: str
    row: int | None = None  # the heading row, if the table has one
    title: str = ""
    title_en: str = ""
    points: Decimal | None = None
    points_at: tuple[int, str] | None = None  # where the stated points stand
    children: list[Any] = field(default_factory=list)
    numbered_rows: list[int] = field(default_factory=list)  # rows numbered under this node


class _TableReader:
    def __init__(
        self,
        sheet: str,
        formulas: SheetScan,
        header: int,
        columns: ColumnMap,
        scoring_overrides: Mapping[str, str] | None = None,
    ):
        self.sheet = sheet
        self.scoring_overrides = dict(scoring_overrides or {})
        self.scoring_read: list[ScoringRead] = []
        self.formulas = formulas
        self.header = header
        self.columns = columns
        self.problems: list[WorkbookProblem] = []
        self.skipped: list[int] = []
        self.prefix: int | None = None
        # row, label, points, the number of the item row above it
        self.totals: list[tuple[int, str, Decimal, tuple[int, ...] | None]] = []
        self.last_number: tuple[int, ...] | None = None
        self.refused_items = 0  # totals are not checked while an item's points are unknown
        self.grand_total: tuple[int, Decimal] | None = None

    # cells

    def cell(self, row: tuple[Any, ...], role: str) -> Any:
        index = self.columns.get(role)
        if index is None or index > len(row):
            return None
        return row[index - 1]

    def letter(self, role: str) -> str:
        return get_column_letter(self.columns.columns[role])

    def refuse(self, code: str, row: int | None, role: str | None = None, **values: Any) -> None:
        column = self.letter(role) if role else None
        self.problems.append(WorkbookProblem(code, self.sheet, row, column, values))

    def formula(self, row_no: int, role: str) -> str | None:
        """The formula of a cell that holds no computed value (a script wrote it, Excel never
        opened the file)."""
        if role not in self.columns.columns:
            return None
        return self.formulas.formula_at(row_no, self.columns.columns[role])

    def read_cell(self, row_no: int, row: tuple[Any, ...], role: str, reader: Any) -> Any:
        value = self.cell(row, role)
        if value is None:
            formula = self.formula(row_no, role)
            if formula is not None:
                self.refuse("formula_without_value", row_no, role, formula=formula[:80])
                return None
        try:
            return reader(value)
        except cells.CellRefused as exc:
            self.refuse(exc.code, row_no, role, **exc.values)
            return None

    # rows

    def read(self, rows: list[tuple[Any, ...]]) -> list[_Node]:
        numbered: list[tuple[int, tuple[int, ...], tuple[Any, ...]]] = []
        for row_no in range(self.header + 1, len(rows) + 1):
            row = rows[row_no - 1]
            parts = self.read_cell(row_no, row, "number", cells.number)
            if parts is not None:
                numbered.append((row_no, parts, row))
                self.last_number = parts
            else:
                self.unnumbered(row_no, row)
        if not numbered:
            if not self.problems:
                self.problems.append(WorkbookProblem("no_items", self.sheet))
            return []
        return self.tree(self.strip_prefix(numbered))

    def unnumbered(self, row_no: int, row: tuple[Any, ...]) -> None:
        """A row without an item number: a total to check, or a note to skip."""
        number_text = cells.text(self.cell(row, "number"))
        label = _total_label(row, number_text or cells.text(self.cell(row, "title")))
        points_cell = self.cell(row, "points")
        if label and not cells.is_empty(points_cell):
            amount = self.read_cell(row_no, row, "points", cells.points)
            if amount is not None:
                label_text = f"{cells.label(label.group(1))} {label.group(2)}"
                self.totals.append((row_no, label_text, amount, self.last_number))
            return
        if not _is_number(points_cell):  # a note, or a header row the guess did not know
            if any(not cells.is_empty(v) for v in row):
                self.skipped.append(row_no)
            return
        if number_text:
            self.refuse("number_invalid", row_no, "number", value=number_text)
        else:
            self.refuse("number_missing", row_no, "number")

    def strip_prefix(
        self, numbered: list[tuple[int, tuple[int, ...], tuple[Any, ...]]]
    ) -> list[tuple[int, tuple[int, ...], tuple[Any, ...]]]:
        depth = max(len(parts) for _, parts, _ in numbered)
        if depth == 3:
            return numbered
        deepest = next(n for n, parts, _ in numbered if len(parts) == depth)
        if depth != 4:
            self.refuse("number_depth", deepest, "number", depth=depth)
            return []
        prefixes = {parts[0] for _, parts, _ in numbered}
        if len(prefixes) != 1:
            other = next(n for n, parts, _ in numbered if parts[0] != numbered[0][1][0])
            self.refuse("prefix_differs", other, "number", prefix=numbered[0][1][0])
            return []
        self.prefix = prefixes.pop()
        kept = []
        for row_no, parts, row in numbered:
            if len(parts) == 1:  # the clause heading itself, e.g. "5 评价指标"
                amount = self.read_cell(row_no, row, "points", _optional_points)
                if amount is not None:
                    self.grand_total = (row_no, amount)
                continue
            kept.append((row_no, parts[1:], row))
        return kept

    def tree(self, numbered: list[tuple[int, tuple[int, ...], tuple[Any, ...]]]) -> list[_Node]:
        firsts: dict[str, _Node] = {}
        seconds: dict[str, _Node] = {}
        seen: dict[str, int] = {}
        for row_no, parts, row in numbered:
            node_id = ".".join(map(str, parts))
            if node_id in seen:
                self.refuse("duplicate", row_no, "number", number=node_id, first=seen[node_id])
                continue
            seen[node_id] = row_no
            first = firsts.setdefault(str(parts[0]), _Node(str(parts[0])))
            first.numbered_rows.append(row_no)
            if len(parts) == 1:
                self.heading_row(first, row_no, row)
                continue
            second_id = f"{parts[0]}.{parts[1]}"
            second = seconds.get(second_id)
            if second is None:
                second = seconds[second_id] = _Node(second_id)
                first.children.append(second)
            second.numbered_rows.append(row_no)
            if len(parts) == 2:
                self.heading_row(second, row_no, row)
                continue
            self.heading_column(first, row_no, row, "first")
            self.heading_column(second, row_no, row, "second")
            item = self.item(node_id, row_no, row)
            if item is not None:
                second.children.append(item)
        nodes = list(firsts.values())
        self.check(nodes)
        return nodes

    def heading_row(self, node: _Node, row_no: int, row: tuple[Any, ...]) -> None:
        node.row = row_no
        node.title = cells.text(self.cell(row, "title"))
        node.title_en = cells.text(self.cell(row, "title_en"))
        amount = self.read_cell(row_no, row, "points", _optional_points)
        if amount is not None:
            node.points, node.points_at = amount, (row_no, "points")

    def heading_column(self, node: _Node, row_no: int, row: tuple[Any, ...], role: str) -> None:
        value = cells.text(self.cell(row, role))
        if not value or node.row is not None:
            return
        found = cells.HEADING_POINTS.match(value)
        title = found.group(1).strip() if found else value
        amount = Decimal(found.group(2)) if found else None
        if not node.title:
            node.title = title
            if amount is not None:
                node.points, node.points_at = amount, (row_no, role)
        elif node.title != title:
            self.refuse("heading_differs", row_no, role, number=node.id, title=node.title)

    def item(self, node_id: str, row_no: int, row: tuple[Any, ...]) -> dict[str, Any] | None:
        errors = len(self.problems)
        self.refused_items += 1  # until it is read in full
        title = cells.text(self.cell(row, "title"))
        if not title:
            self.refuse("title_missing", row_no, "title", number=node_id)
        if cells.is_empty(self.cell(row, "points")) and not self.formula(row_no, "points"):
            self.refuse("points_missing", row_no, "points", number=node_id)
            amount = None
        else:
            amount = self.read_cell(row_no, row, "points", cells.points)
        scoring_cell = self.cell(row, "scoring")
        scoring, free_text = cells.scoring_read(scoring_cell)
        if free_text:
            used = self.scoring_overrides.get(node_id, scoring)
            self.scoring_read.append(
                ScoringRead(node_id, row_no, cells.text(scoring_cell), scoring, used)
            )
            scoring = used
        excludable = self.read_cell(row_no, row, "excludable", cells.yes_no)
        evidence = self.evidence(row_no, row)
        if len(self.problems) > errors:
            return None
        self.refused_items -= 1
        guidance = cells.text(self.cell(row, "guidance"))
        if not guidance and free_text:  # a 评分方法 in words is the item's guidance too
            guidance = cells.text(scoring_cell)
        return {
            "id": node_id,
            "title": _text(title, cells.text(self.cell(row, "title_en"))),
            "points": amount,
            "guidance": (
                _text(guidance, cells.text(self.cell(row, "guidance_en")))
                if guidance
                else _placeholder("workbook.no_guidance")
            ),
            "evidence": evidence,
            "scoring": scoring,
            "excludable": excludable,
            "source": self.source(row),
            "_row": row_no,
        }

    def evidence(self, row_no: int, row: tuple[Any, ...]) -> list[dict[str, str]]:
        zh = cells.lines(self.cell(row, "evidence"))
        en = cells.lines(self.cell(row, "evidence_en"))
        if not zh:
            return [_placeholder("workbook.no_evidence")]
        if en and len(en) != len(zh):
            self.refuse("evidence_lines", row_no, "evidence_en", zh=len(zh), en=len(en))
            return []
        return [_text(z, en[i] if en else "") for i, z in enumerate(zh)]

    def source(self, row: tuple[Any, ...]) -> dict[str, Any]:
        """Points the body's table gives are sourced from it; a table exported by this tool
        carries each item's own source back in its source columns."""
        confidence = cells.text(self.cell(row, "confidence"))
        if not confidence:
            return item_source([WORKBOOK_SOURCE], "sourced", None)
        refs = [r.strip() for r in cells.text(self.cell(row, "source_refs")).split(",")]
        note = cells.text(self.cell(row, "source_note")) or None
        return item_source([r for r in refs if r], confidence, note)

    # totals

    def check(self, firsts: list[_Node]) -> None:
        for first in firsts:
            self.check_node(first, "first")
            for second in first.children:
                self.check_node(second, "second")
        if self.refused_items:  # sums without the refused items' points would mislead
            return
        whole = sum((_sum(f) for f in firsts), Decimal(0))
        stated_whole = False
        for row_no, label, amount, above in self.totals:
            target = self.total_target(label, above, firsts)
            if target is None:
                self.refuse("total_unknown", row_no, "number", label=label.strip())
                continue
            stated_whole = stated_whole or target[0] == ""
            if target[1] != amount:
                code = "whole_mismatch" if target[0] == "" else "total_mismatch"
                self.refuse(
                    code,
                    row_no,
                    "points",
                    number=target[0],
                    stated=cells.shown(amount),
                    sum=cells.shown(target[1]),
                )
        if self.grand_total is not None:
            stated_whole = True
            row_no, amount = self.grand_total
            if amount != whole:
                self.refuse(
                    "whole_mismatch",
                    row_no,
                    "points",
                    stated=cells.shown(amount),
                    sum=cells.shown(whole),
                )
        # any total is fine once the table states it: a 合计 row, or every first-level
        # indicator's points (each checked above); scores are on the 100 scale either way
        stated_whole = stated_whole or all(f.points is not None for f in firsts)
        if not stated_whole and whole != 100 and not self.problems:
            self.problems.append(
                WorkbookProblem("total_not_100", self.sheet, values={"sum": cells.shown(whole)})
            )

    def total_target(
        self, label: str, above: tuple[int, ...] | None, firsts: list[_Node]
    ) -> tuple[str, Decimal] | None:
        """Which node a 合计/小计 row closes: the number after the label; without one, 小计 closes
        the second-level indicator above it and 合计/总计 the whole table."""
        words = label.split()
        named = cells.number(words[1]) if len(words) > 1 else None
        if named is None and words[0].lower() in ("小计", "subtotal") and above is not None:
            named = above
            if self.prefix is not None:
                named = named[1:]
            named = named[:2]
        elif named is not None and self.prefix is not None and named[0] == self.prefix:
            named = named[1:]
        if not named:
            return ("", sum((_sum(f) for f in firsts), Decimal(0)))
        node_id = ".".join(map(str, named))
        for first in firsts:
            for node in (first, *first.children):
                if node.id == node_id:
                    return (node_id, _sum(node))
        return None

    def check_node(self, node: _Node, role: str) -> None:
        if node.numbered_rows == [node.row]:  # its own heading row and nothing under it
            self.refuse("level_without_items", node.row, "number", number=node.id)
            return
        if not node.children:
            return
        if not node.title:
            first_row = _first_row(node)
            heading_role = role if role in self.columns.columns else "number"
            self.refuse("heading_missing", first_row, heading_role, number=node.id)
        if self.refused_items or node.points is None or node.points_at is None:
            return
        if node.points != _sum(node):
            row_no, at_role = node.points_at
            total = _sum(node)
            self.refuse(
                "total_mismatch",
                row_no,
                at_role,
                number=node.id,
                stated=cells.shown(node.points),
                sum=cells.shown(total),
            )


def _total_label(row: tuple[Any, ...], first: str) -> re.Match[str] | None:
    """A 合计/小计 label in the number or title cell, or else in any text cell of the row
    (bodies put it in column A, in the indicator column, or merged across several)."""
    found = cells.TOTAL_LABEL.match(first)
    if found:
        return found
    for value in row:
        if isinstance(value, str):
            found = cells.TOTAL_LABEL.match(value)
            if found:
                return found
    return None


def _is_number(value: object) -> bool:
    try:
        cells.points(value)
    except cells.CellRefused as exc:
        return exc.code != "points_text"
    return True


def _optional_points(value: object) -> Decimal | None:
    return None if cells.is_empty(value) else cells.points(value)


def _sum(node: _Node | dict[str, Any]) -> Decimal:
    if isinstance(node, dict):
        return node["points"] or Decimal(0)
    return sum((_sum(c) for c in node.children), Decimal(0))


def _first_row(node: _Node) -> int:
    return min(r for r in node.numbered_rows if r != node.row)


def _text(zh: str, en: str) -> dict[str, str]:
    """The body's table is in Chinese; where it gives no English the Chinese stands for both."""
    return {"zh": zh, "en": en or zh}


def _placeholder(key: str) -> dict[str, str]:
    return {"zh": t(key, "zh"), "en": t(key, "en")}


def item_source(refs: list[str], confidence: str, note: str | None) -> dict[str, Any]:
    """An item's ``source`` entry as the catalogue schema has it."""
    entry: dict[str, Any] = {"refs": refs, "confidence": confidence}
    if note:
        entry["note"] = note
    return entry


# -- the catalogue around the items ------------------------------------------------------------


def _spec(
    meta: dict[str, Any] | None,
    name: str,
    sha256: str,
    sheet: str,
    options: ImportOptions,
    base: Catalogue | None,
    tree: list[_Node],
    prefix: int | None,
) -> dict[str, Any]:
    if meta is None:
        meta = _meta_from_base(base or default_catalogue(), name, sha256, sheet, prefix)
    total = sum((_sum(f) for f in tree), Decimal(0))
    meta["total_points"] = total
    if options.catalogue_id:
        meta["id"] = options.catalogue_id
    if options.title:
        meta["title"] = {"zh": options.title, "en": options.title}
    if options.version:
        meta["version"] = options.version
    spec = {key: meta[key] for key in SPEC_KEYS if key in meta}
    spec["indicators"] = [_indicator(first) for first in tree]
    if spec.get("format_version") == 1:  # an exported format-1 catalogue: its own spelling
        for first in spec["indicators"]:
            for second in first["children"]:
                for item in second["items"]:
                    confidence = item["source"].pop("confidence")
                    item["source"]["provisional"] = confidence == "provisional"
    return spec


def _indicator(node: _Node) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": node.id, "title": _text(node.title, node.title_en)}
    if node.children and isinstance(node.children[0], dict):
        entry["items"] = node.children
    else:
        entry["children"] = [_indicator(c) for c in node.children]
    return entry


def _meta(book: Book, name: str) -> dict[str, Any] | None:
    if META_SHEET not in book.sheetnames:
        return None
    rows = book[META_SHEET].iter_rows(values_only=True)
    lines = ["" if not r or r[0] is None else str(r[0]) for r in rows]  # indentation matters
    try:
        data = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        raise WorkbookError(
            name, [WorkbookProblem("meta_invalid", META_SHEET, values={"reason": str(exc)})]
        ) from None
    if not isinstance(data, dict):
        raise WorkbookError(
            name, [WorkbookProblem("meta_invalid", META_SHEET, values={"reason": "not a mapping"})]
        )
    return data


def _meta_from_base(
    base: Catalogue, name: str, sha256: str, sheet: str, prefix: int | None
) -> dict[str, Any]:
    data: dict[str, Any] = plain_data(base.spec.model_dump(mode="python", exclude_none=True))
    stem = PurePath(name).stem
    note = t("workbook.source_note", "en", sheet=sheet, sha256=sha256)
    if prefix is not None:
        note += " " + t("workbook.source_prefix", "en", prefix=prefix)
    data["format_version"] = 2
    data["id"] = _slug(stem, sha256)
    data["title"] = {"zh": stem, "en": stem}
    data["version"] = f"sha256-{sha256[:12]}"
    data["sources"] = [
        {"id": WORKBOOK_SOURCE, "title": name, "note": note},
        *(s for s in data.get("sources", []) if s["id"] != WORKBOOK_SOURCE),
    ]
    return data


def _slug(stem: str, sha256: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if not slug or not slug[0].isalpha():
        slug = f"body-{slug or sha256[:8]}".rstrip("-")
    return slug[:60]


def _yaml_text(spec: dict[str, Any], name: str, sha256: str) -> str:
    header = t("workbook.yaml_header", "en", name=name, sha256=sha256)
    body = yaml.dump(
        plain_data(spec),
        Dumper=DUMPER,
        allow_unicode=True,
        sort_keys=False,
        width=1000,
        default_flow_style=False,
    )
    return f"# {header}\n{body}"


def plain_data(value: Any) -> Any:
    """Decimals as YAML numbers; everything else as it is."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list | tuple):
        return [plain_data(v) for v in value]
    return value

"""Bounds on an uploaded workbook, checked before openpyxl reads it, so a hostile file is refused
in seconds within a small, fixed memory budget: the file's size; its zip members' sizes and
expansion (criteria.zip_bounds, as archives have); then, streaming each XML part once through
defusedxml (no DTD, no entities), the rows, columns and cells of every sheet and the number of
shared strings. Each part is read in chunks and the count stops at its limit, so a million-row
sheet costs the time of reading the first few thousand rows.

A real scoring table or 自评表 has a few hundred rows and fewer than 30 columns; the limits
leave ten times that room.

The same pass keeps what openpyxl's fast read-only mode does not give (``WorkbookScan``): each
sheet's merged ranges, and the formulas of cells that hold no computed value (a script wrote
them and Excel never opened the file). So the workbook is read once, not twice.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl.formula.translate import Translator, TranslatorError
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from criteria.workbook_problems import WorkbookError, WorkbookProblem
from criteria.zip_bounds import zip_excess


@dataclass(frozen=True)
class WorkbookLimits:
    file_bytes: int = 16 << 20
    members: int = 500
    member_bytes: int = 48 << 20  # one XML part, uncompressed
    total_bytes: int = 128 << 20  # every part together, uncompressed
    ratio: int = 200  # uncompressed ÷ compressed; spreadsheet XML compresses 5–30×
    rows: int = 5_000  # per sheet
    columns: int = 100
    cells: int = 200_000  # per workbook
    shared_strings: int = 100_000
    formulas: int = 1_000  # subtotals and totals: a few dozen


LIMITS = WorkbookLimits()
CHUNK = 1 << 16
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?\d+$")


@dataclass(frozen=True)
class SheetScan:
    """What the bounds pass saw of one sheet besides its size."""

    merged: tuple[str, ...] = ()  # merged ranges ("A3:A12")
    formulas: Mapping[str, str] = field(default_factory=dict)  # cell -> "=…", without a value

    def formula_at(self, row: int, column: int) -> str | None:
        return self.formulas.get(f"{get_column_letter(column)}{row}")


@dataclass(frozen=True)
class WorkbookScan:
    sheets: Mapping[str, SheetScan] = field(default_factory=dict)  # by zip member

    def sheet(self, member: str) -> SheetScan:
        return self.sheets.get(member.lstrip("/"), SheetScan())


class _Exceeded(Exception):
    def __init__(self, problem: WorkbookProblem) -> None:
        self.problem = problem


def check_workbook(data: bytes, name: str, limits: WorkbookLimits = LIMITS) -> WorkbookScan:
    """Refuse (WorkbookError) a file that is too large, not a zip, a zip bomb, holds a DTD or
    entities, or whose sheets or shared strings exceed the limits; if none of that, return
    each sheet's merged ranges and formulas without values."""
    if len(data) > limits.file_bytes:
        _refuse(name, "too_large", size=len(data), limit=limits.file_bytes)
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        infos = book.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        problem = WorkbookProblem("not_a_workbook", values={"reason": str(exc)[:200]})
        raise WorkbookError(name, [problem]) from None
    excess = zip_excess(
        infos,
        lambda _member: limits.member_bytes,
        max_members=limits.members,
        max_total=limits.total_bytes,
        max_ratio=limits.ratio,
    )
    if excess is not None:
        _refuse(
            name,
            f"zip_{excess.kind}",
            member=excess.member or "",
            value=excess.value,
            limit=excess.limit,
        )
    cells = 0
    sheets: dict[str, SheetScan] = {}
    try:
        for info in infos:
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            with _reading(name, info.filename):
                stream = _Capped(book, info)
                if re.match(r"^xl/worksheets/[^/]+\.xml$", info.filename):
                    seen = _SheetSeen()
                    cells += _sheet(stream, info.filename, limits, cells, seen)
                    sheets[info.filename] = seen.scan()
                elif info.filename == "xl/sharedStrings.xml":
                    _shared_strings(stream, info.filename, limits)
                else:
                    _plain(stream)
    except _Exceeded as exc:
        raise WorkbookError(name, [exc.problem]) from None
    return WorkbookScan(sheets)


def _refuse(name: str, code: str, **values: Any) -> Any:
    raise WorkbookError(name, [WorkbookProblem(f"bounds_{code}", values=values)])


@contextmanager
def _reading(name: str, member: str) -> Iterator[None]:
    try:
        yield
    except DefusedXmlException as exc:
        _refuse(name, "xml_forbidden", member=member, reason=type(exc).__name__)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        SyntaxError,  # xml.etree.ElementTree.ParseError
    ) as exc:
        _refuse(name, "member_unreadable", member=member, reason=str(exc)[:200])


class _Capped(io.RawIOBase):
    """A member's bytes, refusing more than its header declared (headers can lie)."""

    def __init__(self, book: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        self._info = info
        self._source: IO[bytes] = book.open(info)
        self._seen = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = self._source.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        self._seen += len(chunk)
        if self._seen > self._info.file_size:
            raise ValueError(f"{self._info.filename} is larger than it declares")
        return chunk


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _events(stream: IO[bytes] | _Capped) -> Iterator[tuple[str, Any]]:
    return iterparse(stream, events=("end",), forbid_dtd=True)


def _plain(stream: _Capped) -> None:
    for _event, element in _events(stream):
        element.clear()


class _SheetSeen:
    """Merged ranges and formulas as the pass meets them (bounded by the limits it checks)."""

    def __init__(self) -> None:
        self.merged: list[str] = []
        self.masters: dict[str, tuple[str, str]] = {}  # shared formula id -> (cell, formula)
        self.without_value: list[tuple[str, str, str | None]] = []  # cell, formula, shared id
        self.formula: Any = None  # the <f> of the cell being read

    def cell(self, element: Any) -> None:
        """A <c> ends: note its formula when it has no computed value."""
        f, self.formula = self.formula, None
        if f is None:
            return
        ref = element.get("r") or ""
        text = (f.text or "").strip()
        shared = f.get("si") if f.get("t") == "shared" else None
        if shared is not None and text:
            self.masters.setdefault(shared, (ref, text))
        valued = any(_local(child.tag) == "v" and child.text for child in element)
        if not valued and ref:
            self.without_value.append((ref, text, shared))

    def scan(self) -> SheetScan:
        formulas: dict[str, str] = {}
        for ref, text, shared in self.without_value:
            if not text and shared in self.masters:  # a shared formula's copy, as Excel shows it
                origin, master = self.masters[shared]
                try:
                    text = Translator(f"={master}", origin).translate_formula(ref)[1:]
                except (TranslatorError, ValueError):
                    text = master
            formulas[ref] = f"={text}"
        return SheetScan(tuple(self.merged), formulas)


def _sheet(
    stream: IO[bytes] | _Capped,
    member: str,
    limits: WorkbookLimits,
    before: int,
    seen: _SheetSeen | None = None,
) -> int:
    seen = seen or _SheetSeen()
    rows = cells = formulas = merged = 0
    for _event, element in _events(stream):
        tag = _local(element.tag)
        if tag == "c":
            cells += 1
            seen.cell(element)
            ref = _CELL_REF.match(element.get("r") or "")
            if ref and column_index_from_string(ref.group(1)) > limits.columns:
                raise _Exceeded(
                    WorkbookProblem(
                        "bounds_columns",
                        values={
                            "member": member,
                            "cell": element.get("r"),
                            "limit": limits.columns,
                        },
                    )
                )
            if before + cells > limits.cells:
                raise _Exceeded(
                    WorkbookProblem(
                        "bounds_cells", values={"member": member, "limit": limits.cells}
                    )
                )
        elif tag == "f":
            formulas += 1
            seen.formula = element
            if formulas > limits.formulas:
                raise _Exceeded(
                    WorkbookProblem(
                        "bounds_formulas", values={"member": member, "limit": limits.formulas}
                    )
                )
            continue
        elif tag == "row":
            rows += 1
            number = element.get("r")
            if rows > limits.rows or (number and number.isdigit() and int(number) > limits.rows):
                raise _Exceeded(
                    WorkbookProblem("bounds_rows", values={"member": member, "limit": limits.rows})
                )
            element.clear()
            continue
        elif tag == "mergeCell":  # openpyxl makes a cell object for every merged cell
            merged += _area(element.get("ref") or "")
            seen.merged.append(element.get("ref") or "")
            if before + cells + merged > limits.cells:
                raise _Exceeded(
                    WorkbookProblem(
                        "bounds_cells", values={"member": member, "limit": limits.cells}
                    )
                )
        elif tag not in ("v", "is", "t", "r", "rPr"):
            element.clear()
    return cells


def _area(ref: str) -> int:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return 1
    if min_col is None or min_row is None or max_col is None or max_row is None:
        return 1  # a whole row or column ("A:A"): counted as one, like a ref that does not parse
    return (max_col - min_col + 1) * (max_row - min_row + 1)


def _shared_strings(stream: _Capped, member: str, limits: WorkbookLimits) -> None:
    """The prolog through defusedxml (a DTD comes before the root element), then the entries
    counted in the raw bytes, which is many times faster than parsing each one."""
    head = stream.read(CHUNK)
    prolog = iterparse(io.BytesIO(head), events=("start",), forbid_dtd=True)
    try:
        next(iter(prolog))
    except StopIteration:
        return
    except SyntaxError:  # the root element's end lies beyond the first chunk: no matter here
        pass
    count, tail, chunk = 0, b"", head
    while chunk:
        window = tail + chunk
        count += len(_SI.findall(window)) - len(_SI.findall(tail))
        if count > limits.shared_strings:
            raise _Exceeded(
                WorkbookProblem(
                    "bounds_shared_strings",
                    values={"member": member, "limit": limits.shared_strings},
                )
            )
        tail = window[-16:]
        chunk = stream.read(CHUNK)

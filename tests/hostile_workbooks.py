# ruff: noqa: E501  (the zip parts are written out as Excel writes them, one line each)
"""Hostile .xlsx files, written as raw zip parts so each is exactly the attack it names (openpyxl
would refuse or take minutes to write most of them). Shared by the tests and bench/."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="评分表" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>编号</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>评价内容</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>分值</t></is></c></row>'
)


def _row(n: int, points: str, formula: str | None = None) -> str:
    value = f"<f>{formula}</f>" if formula else f"<v>{points}</v>"
    return (
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>1.1.{n}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>评价项 {n}</t></is></c>'
        f'<c r="C{n}">{value}</c></row>'
    )


def workbook(
    sheet: str | Iterator[str], shared: str = "", level: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """An .xlsx of one sheet; ``sheet`` may be an iterator of XML pieces (streamed to the zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", level) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            pieces = [sheet] if isinstance(sheet, str) else sheet
            for piece in pieces:
                part.write(piece.encode("utf-8"))
        book.writestr(
            "xl/sharedStrings.xml",
            shared
            or '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"></sst>',
        )
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """256 MB of spaces inside one sheet: a few hundred KB on disk."""

    def pieces() -> Iterator[str]:
        yield SHEET_HEAD + HEADER_ROW
        block = " " * (1 << 20)
        for _ in range(256):
            yield block
        yield SHEET_TAIL

    return workbook(pieces())


def million_rows() -> bytes:
    def pieces() -> Iterator[str]:
        yield SHEET_HEAD + HEADER_ROW
        for n in range(2, 1_000_002):
            yield f'<row r="{n}"><c><v>{n % 9}</v></c></row>'
        yield SHEET_TAIL

    return workbook(pieces())


def million_shared_strings() -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = "".join(f"<si><t>字符串{n}</t></si>" for n in range(1_000_000))
    shared = f'<sst xmlns="{ns}" count="1000000" uniqueCount="1000000">{strings}</sst>'
    return workbook(SHEET_HEAD + HEADER_ROW + SHEET_TAIL, shared)


def formulas() -> bytes:
    """Every points cell a formula without a computed value (as a script would write them)."""
    rows = "".join(_row(n, "", formula=f"C{n + 1}*2") for n in range(2, 4002))
    return workbook(SHEET_HEAD + HEADER_ROW + rows + SHEET_TAIL)


def huge_number() -> bytes:
    rows = _row(2, "1e308") + _row(3, "1.7976931348623157E+308")
    return workbook(SHEET_HEAD + HEADER_ROW + rows + SHEET_TAIL)


def entities() -> bytes:
    """The billion laughs in the sheet itself."""
    dtd = (
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet ['
        '<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + "]>"
    )
    sheet = (
        dtd
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + HEADER_ROW
        + '<row r="2"><c r="A2" t="inlineStr"><is><t>&j;</t></is></c></row>'
        + SHEET_TAIL
    )
    return workbook(sheet)


def far_cell() -> bytes:
    """One cell at the sheet's last row: openpyxl would build a million empty rows."""
    row = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    return workbook(SHEET_HEAD + HEADER_ROW + row + SHEET_TAIL)


HOSTILE: dict[str, Callable[[], bytes]] = {
    "zip bomb": zip_bomb,
    "a million rows": million_rows,
    "a million shared strings": million_shared_strings,
    "formulas": formulas,
    "1e308": huge_number,
    "entities": entities,
    "a cell at row 1048576": far_cell,
}

"""Small scoring tables (.xlsx bytes) built in code, so each test shows the rows it relies on."""

from __future__ import annotations

import io
import re
import runpy
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

HEADER = ("编号", "评价内容", "分值", "评分方式", "可删减")
# a 100-point table with indicator rows: 1 (60) → 1.1 (60) → 1.1.1, 1.1.2; 2 (40) → 2.1 → 2.1.1
ROWS: list[tuple[object, ...]] = [
    ("1", "售后服务体系", 60),
    ("1.1", "组织架构", 60),
    ("1.1.1", "设立售后服务部门", 40, "符合性", "否"),
    ("1.1.2", "服务网点覆盖销售区域", 20, "抽样", "是"),
    ("2", "商品服务", 40),
    ("2.1", "商品信息", 40),
    ("2.1.1", "随附资料齐全", 40, "符合性", "否"),
]


def table(
    rows: Sequence[Sequence[object]] = ROWS,
    *,
    header: Sequence[object] | None = HEADER,
    banner: str | None = None,
    merges: Sequence[str] = (),
    sheet: str = "评分表",
) -> bytes:
    """A workbook: an optional banner row, the header row, then ``rows`` as given."""
    book = Workbook()
    ws = book.active
    assert isinstance(ws, Worksheet)  # a new workbook opens on one empty worksheet
    ws.title = sheet
    if banner is not None:
        ws.append([banner])
    if header is not None:
        ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for cells in merges:
        ws.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return same_bytes_every_time(buffer.getvalue())


FIXED_TIME = "2026-01-01T00:00:00Z"
_DOCPROPS_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def same_bytes_every_time(data: bytes) -> bytes:
    """The workbook with its clock readings fixed: openpyxl stamps the document properties and
    each zip member with the time of saving, so the same table built a second later would hash
    differently, and a test asking twice for "the same upload" would now and then straddle a
    second."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = _DOCPROPS_TIME.sub(rb"\g<1>" + FIXED_TIME.encode() + rb"\g<2>", body)
            member = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            member.compress_type = info.compress_type
            dst.writestr(member, body)
    return out.getvalue()


def example_table(folder: Path) -> Path:
    """The made-up body's table from examples/make_body_table.py."""
    script = Path(__file__).parents[1] / "examples" / "make_body_table.py"
    write_table = runpy.run_path(str(script))["write_table"]
    return write_table(folder / "示例认证中心-评分细则.xlsx")


def example_layout(folder: Path, layout: str) -> Path:
    """One of the layouts examples/make_body_table.py writes (rows, merged, thousand)."""
    script = Path(__file__).parents[1] / "examples" / "make_body_table.py"
    module = runpy.run_path(str(script))
    return module[module["LAYOUTS"][layout]](folder / f"{layout}-评分细则.xlsx")

"""How a workbook is read, once: the bounds pass keeps what openpyxl's read-only mode does not
give (merged ranges, formulas without a computed value), the sheet's stated size is not trusted,
and openpyxl opens the file one time per import."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from workbook_builder import ROWS, table

import criteria.workbook as workbook
from criteria.workbook import import_workbook, sheet_values
from criteria.workbook_bounds import check_workbook
from criteria.workbook_problems import WorkbookError

SHEET = "xl/worksheets/sheet1.xml"


def patched(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML changed by ``change`` (text -> text)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == SHEET:
                body = change(body.decode("utf-8")).encode("utf-8")
            target.writestr(info, body)
    return out.getvalue()


def test_formulas_without_values_are_found_by_the_bounds_pass_shared_ones_as_excel_shows_them():
    rows = [ROWS[0], ("1.1", "组织架构", "=C4+C5"), *ROWS[2:5], ("2.1", "商品信息", "=C8")]
    rows += ROWS[6:]

    def shared(xml: str) -> str:
        xml = xml.replace("<f>C4+C5</f>", '<f t="shared" ref="C3:C7" si="0">C4+C5</f>')
        return xml.replace("<f>C8</f>", '<f t="shared" si="0"/>')

    data = patched(table(rows), shared)
    scan = check_workbook(data, "body.xlsx").sheet(SHEET)
    assert scan.formulas == {"C3": "=C4+C5", "C7": "=C8+C9"}
    assert scan.formula_at(7, 3) == "=C8+C9" and scan.formula_at(4, 3) is None
    with pytest.raises(WorkbookError) as caught:
        import_workbook(data, "body.xlsx")
    refused = [(p.code, p.row, p.values["formula"]) for p in caught.value.problems]
    assert refused == [
        ("formula_without_value", 3, "=C4+C5"),
        ("formula_without_value", 7, "=C8+C9"),
    ]


def test_a_formula_with_a_computed_value_is_read_as_its_value():
    rows = [ROWS[0], ("1.1", "组织架构", "=C4+C5"), *ROWS[2:]]
    data = patched(
        table(rows), lambda xml: xml.replace("<f>C4+C5</f><v />", "<f>C4+C5</f><v>60</v>")
    )
    assert check_workbook(data, "body.xlsx").sheet(SHEET).formulas == {}
    assert import_workbook(data, "body.xlsx").catalogue.spec.total_points == 100


def test_a_sheet_that_states_a_smaller_size_than_it_has_is_read_whole():
    honest = import_workbook(table(), "body.xlsx").catalogue
    data = patched(
        table(), lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1"', xml)
    )
    read = import_workbook(data, "body.xlsx").catalogue
    assert [(i.id, i.points, i.scoring) for i in read.items] == [
        (i.id, i.points, i.scoring) for i in honest.items
    ]
    assert len(read.items) == 3


class _Sheet:
    """A read-only sheet's rows as openpyxl gives them: each as wide as its last cell."""

    def __init__(self, rows):
        self._rows = rows

    def reset_dimensions(self):
        pass

    def iter_rows(self, values_only):
        return iter(self._rows)


def test_rows_are_made_as_wide_as_the_widest_and_merged_ranges_fill_every_cell_they_cover():
    rows = [("编号", "评价内容", "分值"), ("合计",), (), ("1", "x")]
    values = sheet_values(_Sheet(rows), ["A2:C2", "B4:B5"])
    assert values == [
        ("编号", "评价内容", "分值"),
        ("合计", "合计", "合计"),
        (None, None, None),
        ("1", "x", None),
        (None, "x", None),  # a merged range past the last row with cells
    ]


def test_an_import_opens_the_workbook_once(monkeypatch):
    opened = []
    real = workbook.load_workbook

    def counting(*args, **kwargs):
        opened.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(workbook, "load_workbook", counting)
    import_workbook(table(), "body.xlsx")
    assert opened == [{"read_only": True, "data_only": True}]

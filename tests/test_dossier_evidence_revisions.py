"""The dossier's evidence index names each file's revision and the period it covers."""

from dataclasses import replace
from datetime import date

from dossier_fixtures import dossier_data, write_evidence
from openpyxl import load_workbook
from pypdf import PdfReader

from dossier import render_pdf, write_xlsx


def test_the_evidence_sheet_gives_revision_and_covered_period(tmp_path):
    _, records = write_evidence(tmp_path)
    first, *others = records
    revised = replace(
        first, revision=3, covered_from=date(2026, 1, 1), covered_to=date(2026, 3, 31)
    )
    write_xlsx(dossier_data((revised, *others)), tmp_path / "自评表.xlsx")
    sheet = load_workbook(tmp_path / "自评表.xlsx")["证据索引"]
    header = [c.value for c in sheet[1]]
    assert header[-3:] == ["版本", "覆盖期间自", "覆盖期间至"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[first.title][-3] == 3
    assert [d.date() for d in rows[first.title][-2:]] == [date(2026, 1, 1), date(2026, 3, 31)]
    assert rows[others[0].title][-3:] == (1, None, None)


def test_the_pdf_evidence_index_gives_revision_and_covered_period(tmp_path):
    source, records = write_evidence(tmp_path)
    first, *others = records
    revised = replace(
        first, revision=3, covered_from=date(2026, 1, 1), covered_to=date(2026, 3, 31)
    )
    render_pdf(dossier_data((revised, *others)), source, tmp_path / "dossier.pdf")
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "dossier.pdf").pages)
    assert "第 3 版" in text
    assert "2026-01-01 – 2026-03-31" in " ".join(text.split())  # the narrow column wraps it

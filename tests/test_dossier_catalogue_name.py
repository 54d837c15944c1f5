"""The PDF's cover and the spreadsheet name the catalogue as the app does: its title and
version. An imported table given no version carries its file's hash as version, which the
cover and the 自评表 workbook printed raw ("sha256-…", issue 25); they read "未注明版本"."""

from __future__ import annotations

import re

from dossier_fixtures import dossier_data, realistic_catalogue
from openpyxl import load_workbook

from dossier import write_xlsx
from dossier.pdf import prepare_page
from scoring.display import catalogue_name

IMPORTED = realistic_catalogue(version="sha256-0123456789ab")


class NoFiles:
    """An evidence store holding nothing (the audit cites no evidence)."""

    def local_path(self, sha256: str) -> None:
        return None


def test_the_app_names_an_imported_catalogue_by_title_and_no_version_given():
    assert catalogue_name(IMPORTED, "zh") == "商品售后服务评价体系（测试目录）（未注明版本）"
    english = "After-sales service evaluation (test) (no version given)"
    assert catalogue_name(IMPORTED, "en") == english


def test_the_cover_names_the_catalogue_by_title_and_version(tmp_path):
    page = prepare_page(dossier_data(catalogue=IMPORTED), NoFiles(), tmp_path)
    cover = re.sub(r"<[^>]+>", " ", page.source.split('class="cover-facts"')[-1][:4000])
    assert "sha256-" not in page.source
    assert catalogue_name(IMPORTED, "zh") in cover
    assert catalogue_name(IMPORTED, "en") in cover


def test_the_workbook_names_the_catalogue_by_title_and_version(tmp_path):
    write_xlsx(dossier_data(catalogue=IMPORTED), tmp_path / "自评表.xlsx")
    book = load_workbook(tmp_path / "自评表.xlsx")
    values = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert not [v for v in values if "sha256-" in v]
    facts = dict(book["基本信息"].iter_rows(values_only=True, max_col=2))
    assert facts["评价目录"] == catalogue_name(IMPORTED, "zh")

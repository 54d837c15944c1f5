"""What a user typed is printed as typed: on the page, in typing order, and never as a box."""

from dataclasses import replace

import pypdfium2 as pdfium
import pytest
from dossier_fixtures import dossier_data, item_records, with_organisation
from openpyxl import load_workbook
from pypdf import PageObject, PdfReader
from pypdf.generic import DictionaryObject

from domain.records import DeductionRecord
from dossier import render_pdf, write_xlsx
from dossier.fonts import FALLBACKS, CJKFonts, find_cjk_fonts
from dossier.glyphs import missing_glyphs

MARGIN_PT = 18 / 25.4 * 72  # the page's left and right margins (dossier.css)
SLACK_PT = 1.0
URL = "https://service.example.com/records?id=" + "q" * 1800
NO_GLYPH = "\U0010fffd"  # a private-use code point no font has


class NoEvidence:
    def local_path(self, sha256):
        return None


def text_of(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def fonts_used(path) -> set[str]:
    return {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(path).pages
        for font in _fonts(page).values()
        if "/BaseFont" in font.get_object()
    }


def with_finding(finding: str, **organisation):
    items = item_records()
    items["1.5.3"] = replace(items["1.5.3"], finding=finding)
    data = dossier_data(items=items)
    return with_organisation(data, **organisation) if organisation else data


def characters_outside_the_margins(path) -> list[tuple[int, str]]:
    outside = []
    for number, page in enumerate(pdfium.PdfDocument(path), start=1):
        width, _ = page.get_size()
        text = page.get_textpage()
        for index in range(text.count_chars()):
            if text.get_text_range(index, 1).isspace():  # line ends pdfium adds, no boxes
                continue
            left, _, right, _ = text.get_charbox(index)
            if left < MARGIN_PT - SLACK_PT or right > width - MARGIN_PT + SLACK_PT:
                outside.append((number, text.get_text_range(index, 1)))
    return outside


def test_long_strings_without_spaces_wrap_inside_the_page(tmp_path):
    data = with_finding(URL, name="华东家电" * 30 + "X" * 120)
    reason = "Z" * 900
    data = replace(
        data, deductions=(DeductionRecord(id=1, audit_id=7, category="law", reason=reason),)
    )
    plain = render_pdf(dossier_data(), NoEvidence(), tmp_path / "plain.pdf")
    report = render_pdf(data, NoEvidence(), tmp_path / "long.pdf")

    assert characters_outside_the_margins(tmp_path / "long.pdf") == []
    printed = text_of(tmp_path / "long.pdf")
    assert printed.count("q") >= 1800 and printed.count("Z") >= 900  # wrapped, not cut
    assert report.pages <= plain.pages + 8  # the text's own lines, no page per overflow


def test_right_to_left_overrides_do_not_reverse_printed_text(tmp_path):
    finding = "退款金额 \u202e0001\u202c 元，\u2067abc\u2069 \u200f已核对"
    data = with_finding(finding, name="华东\u202e司公限有\u202c家电")
    render_pdf(data, NoEvidence(), tmp_path / "out.pdf")
    write_xlsx(data, tmp_path / "out.xlsx")

    printed = "".join(text_of(tmp_path / "out.pdf").split())
    assert "退款金额0001元，abc已核对" in printed
    assert "华东司公限有家电" in printed
    assert "1000" not in printed and "有限公司" not in printed
    cells = [
        str(cell.value)
        for sheet in load_workbook(tmp_path / "out.xlsx")
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert "退款金额 0001 元，abc 已核对" in cells
    assert "华东司公限有家电" in cells
    assert not any(c in cell for cell in cells for c in "\u202e\u202c\u2067\u2069\u200f")


def test_characters_no_font_has_are_listed_in_a_warning(tmp_path):
    report = render_pdf(with_finding(f"编号 {NO_GLYPH} 已登记"), NoEvidence(), tmp_path / "a.pdf")
    [found] = [w for w in report.warnings if w.key == "dossier.missing_glyphs"]
    assert "U+10FFFD" in found.text("zh") and "U+10FFFD" in found.text("en")


def test_cjk_extension_b_and_emoji_are_printed_with_debian_fallback_fonts(tmp_path):
    fonts = find_cjk_fonts()
    assert fonts.fallbacks == FALLBACKS, "dev.sh installs fonts-hanazono"
    report = render_pdf(with_finding("𠀀𪚥 已整改 😀👍"), NoEvidence(), tmp_path / "out.pdf")

    assert not [w for w in report.warnings if w.key == "dossier.missing_glyphs"]
    used = fonts_used(tmp_path / "out.pdf")
    assert any("HanaMin" in name for name in used)
    assert any("Emoji" in name for name in used)


def test_the_fallback_fonts_follow_the_cjk_font_in_every_stack():
    fonts = CJKFonts("Noto Sans CJK SC", fallbacks=("HanaMinA", "HanaMinB"))
    for stack in fonts.css_stacks.values():
        assert stack.index('"Noto Sans CJK SC"') < stack.index('"HanaMinA"')
        assert stack.index('"HanaMinA"') < stack.index('"HanaMinB"')


def test_digits_are_set_in_the_text_font_never_in_the_emoji_font(tmp_path):
    render_pdf(dossier_data(), NoEvidence(), tmp_path / "out.pdf")
    assert not [name for name in fonts_used(tmp_path / "out.pdf") if "Emoji" in name]


@pytest.mark.parametrize("char", ["\u200d", "\ufe0f", " ", "\n", "\u3000"])
def test_joiners_selectors_and_spaces_need_no_glyph(char):
    assert missing_glyphs([char]) == []


def _fonts(page: PageObject) -> DictionaryObject:
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    fonts = resources["/Font"].get_object()
    assert isinstance(fonts, DictionaryObject)
    return fonts

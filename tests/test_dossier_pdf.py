"""The PDF dossier says what the audit says, in Chinese, with every item and every evidence file."""

import re
from dataclasses import replace
from pathlib import Path

import pytest
from dossier_fixtures import EVIDENCE_FILES, dossier_data, item_records, write_evidence
from pypdf import PageObject, PdfReader
from pypdf.generic import DictionaryObject

from dossier import Inclusion, render_pdf
from dossier.numbers import points_text
from scoring.display import score as display_score


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dossier")
    source, records = write_evidence(folder)
    data = dossier_data(records)
    steps = []
    report = render_pdf(
        data, source, folder / "dossier.pdf", progress=lambda f, m: steps.append((f, m))
    )
    reader = PdfReader(folder / "dossier.pdf")
    pages = [page.extract_text() for page in reader.pages]
    return data, report, reader, pages, steps


def text_of(pages):
    return "\n".join(pages)


def test_the_cover_shows_organisation_score_tier_and_catalogue(rendered):
    data, _, _, pages, _ = rendered
    cover = pages[0]
    assert "杭州华信家电销售有限公司" in cover
    assert "自评申请资料" in cover
    assert display_score(data.result.score) in cover
    assert data.result.tier.title.zh in cover
    assert "具备申请资格" in cover
    assert data.catalogue.content_hash in cover  # in full
    assert "2025年3月18日" in cover and "第 2 轮" in cover and "李敏、张伟" in cover


def test_the_score_shown_is_truncated_never_rounded_up(rendered):
    data, *_ = rendered
    exact = data.result.score
    shown = display_score(exact)
    assert float(shown) <= exact < float(shown) + 0.1


def test_every_item_of_the_catalogue_is_in_the_item_table(rendered):
    data, report, _, pages, _ = rendered
    first, last = report.section("items").page, report.section("exclusions").page
    table = text_of(pages[first - 1 : last])
    for item in data.catalogue.items:
        assert re.search(rf"(?m)^{re.escape(item.id)} ", table), item.id
        assert item.title.zh in table


def test_summary_numbers_match_the_score_result(rendered):
    data, report, _, pages, _ = rendered
    summary = pages[report.section("summary").page - 1]
    result = data.result
    shown = {
        "Applicable points": points_text(result.applicable_points),
        "Earned points": points_text(result.earned_points),
        "Base score": display_score(result.base_score),
        r"Special deductions \(1\)": "−1.00",
        "Special bonus": "+1.00",
        "Final score": display_score(result.score),
    }
    for label, value in shown.items():
        assert re.search(rf"{label}[^\n]*\s{re.escape(value)}\n", summary), label


def test_every_evidence_sha256_is_printed_in_full(rendered):
    data, report, _, pages, _ = rendered
    index = text_of(pages[report.section("evidence").page - 1 : report.section("appendix").page])
    for record in data.evidence:
        assert record.sha256 in index
        assert record.original_name in index


def test_expired_evidence_is_flagged_in_the_index(rendered):
    _, report, _, pages, _ = rendered
    index = pages[report.section("evidence").page - 1]
    assert "已过期" in index
    assert any("已于 2024-12-31 过期" in str(w) for w in report.warnings)


def test_the_text_is_chinese_set_in_an_embedded_cjk_font(rendered):
    _, _, reader, pages, _ = rendered
    assert "逐项自评表" in text_of(pages)
    fonts = embedded_fonts(reader)
    assert fonts, "no embedded font"
    assert all("CJK" in name for name in fonts), fonts


def embedded_fonts(reader: PdfReader) -> set[str]:
    """Base names of the fonts whose program is embedded (a FontFile in their descriptor)."""
    found = set()
    for page in reader.pages[:3]:
        for font in _fonts(page).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    found.add(str(font["/BaseFont"]))
    return found


def test_page_count_includes_the_merged_evidence_pages(rendered):
    _, report, reader, _, _ = rendered
    embedded_pdf_pages = sum(f.pages for f in EVIDENCE_FILES if f.pages and not f.missing)
    images = sum(1 for e in report.evidence if e.inclusion is Inclusion.IMAGE)
    appendix_start = report.section("appendix").page
    assert len(reader.pages) == report.pages
    assert report.pages >= appendix_start + embedded_pdf_pages + images


def test_every_page_says_page_x_of_the_real_page_count(rendered):
    _, _, reader, pages, _ = rendered
    total = len(reader.pages)
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 / 共 {total} 页" in text, number
        assert "GB/T 27922 自评申请资料" in text  # running header, appendix included


def test_evidence_pages_are_merged_onto_their_frame_pages(rendered):
    data, report, _, pages, _ = rendered
    handbook = next(e for e in report.evidence if e.title == "售后服务管理制度")
    assert handbook.inclusion is Inclusion.PDF and handbook.pages == 5
    record = next(r for r in data.evidence if r.title == "售后服务管理制度")
    for n in range(5):
        page = pages[handbook.first_page - 1 + n]
        assert f"附件 {handbook.ref} 第 {n + 1}/5 页" in page
        assert f"Evidence {record.id}" in page and f"page {n + 1}" in page


def test_images_get_a_page_and_office_files_are_listed_not_embedded(rendered):
    _, report, _, pages, _ = rendered
    licence = next(e for e in report.evidence if e.title == "营业执照")
    assert licence.inclusion is Inclusion.IMAGE
    assert f"附件 {licence.ref}" in pages[licence.first_page - 1]
    office = [e for e in report.evidence if e.inclusion is Inclusion.LISTED]
    assert {e.title for e in office} == {"售后服务网点清单", "顾客回访记录表"}
    assert set(report.listed_only) >= {e.ref for e in office}
    appendix = pages[report.section("appendix").page - 1]
    assert "Office 文档" in appendix and "未嵌入" in appendix


def test_a_missing_evidence_blob_is_reported_and_listed_as_missing(rendered):
    _, report, _, pages, _ = rendered
    lost = next(e for e in report.evidence if e.title == "三包服务承诺书")
    assert lost.inclusion is Inclusion.MISSING
    assert report.missing == (lost.ref,)
    assert any(
        w.key == "dossier.evidence_missing" and w.subject == lost.ref for w in report.warnings
    )
    index = pages[report.section("evidence").page - 1]
    assert "文件缺失" in index


def test_the_contents_give_the_pages_the_sections_start_on(rendered):
    _, report, _, pages, _ = rendered
    contents = pages[report.section("contents").page - 1]
    for section in report.sections:
        if section.key in ("cover", "contents"):
            continue
        line = next(line for line in contents.splitlines() if section.title in line)
        assert line.rstrip().endswith(str(section.page)), line


def test_progress_runs_from_zero_to_one(rendered):
    *_, steps = rendered
    fractions = [fraction for fraction, _ in steps]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert all(message for _, message in steps)


def test_the_output_replaces_the_destination_atomically(tmp_path):
    destination = tmp_path / "dossier.pdf"
    destination.write_bytes(b"the previous export")
    render_pdf(dossier_data(), NoEvidence(), destination)
    assert destination.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dossier.pdf"]  # no temp file left


class NoEvidence:
    def local_path(self, sha256: str) -> Path | None:
        return None


def test_a_finding_longer_than_a_page_is_printed_in_full(tmp_path):
    items = item_records()
    finding = "".join(f"第{n}份记录缺少顾客签字。" for n in range(1, 301)) + "以上为全部发现。"
    items["1.5.3"] = replace(items["1.5.3"], finding=finding)
    report = render_pdf(dossier_data(items=items), NoEvidence(), tmp_path / "long.pdf")
    pages = PdfReader(tmp_path / "long.pdf").pages
    first, last = report.section("items").page, report.section("exclusions").page
    table = "".join("".join(page.extract_text().split()) for page in pages[first - 1 : last])
    assert "第1份记录" in table and "第300份记录" in table
    assert "以上为全部发现" in table  # nothing cut off at the foot of a page
    # only where a page break falls inside a sentence is it not found whole
    assert table.count("份记录缺少顾客签字") >= 300 - (last - first)
    for page in pages[first - 1 : last]:  # the header row repeats on every page it spans
        text = page.extract_text()
        if "缺少顾客签字" in text:
            assert "评价发现 / 说明" in text


def _fonts(page: PageObject) -> DictionaryObject:
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    fonts = resources["/Font"].get_object()
    assert isinstance(fonts, DictionaryObject)
    return fonts


def test_evidence_kinds_are_printed_by_their_labels():
    """The evidence index printed photo / policy / record, the codes, in a Chinese document."""
    from dossier.templating import environment

    template = environment().from_string(
        "{{ 'photo' | kind }} {{ 'policy' | kind }} {{ 'x' | kind }}"
    )
    assert template.render() == "照片 制度文件 x"

"""Whatever a user types, the dossier prints it as text and reads nothing it was not given."""

import sys
from dataclasses import replace
from pathlib import Path

import pytest
from dossier_fixtures import dossier_data, item_records, with_organisation, write_evidence
from pypdf import PdfReader

import dossier.pdf
from dossier import MissingCJKFont, render_pdf
from dossier.fetcher import DossierFetcher, URLRefused
from dossier.fonts import find_cjk_fonts
from dossier.templating import TEMPLATES

HOSTILE_NAME = '<script>alert(1)</script><img src="file:///etc/passwd">'
HOSTILE_FINDING = (
    '<img src="http://example.com/track.png"><link rel="stylesheet" href="/etc/passwd">'
)

# Python's audit hooks see every open() in the process; one hook, switched on per test
OPENED: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if OPENED is not None and event == "open" and args and isinstance(args[0], str | bytes):
        OPENED.append(str(args[0]))


sys.addaudithook(_audit)


@pytest.fixture
def opened_files():
    global OPENED
    OPENED = []
    yield OPENED
    OPENED = None


@pytest.fixture
def fetches(monkeypatch):
    """Every URL WeasyPrint asks the dossier's fetcher for."""
    asked: list[str] = []

    class Spy(DossierFetcher):
        def fetch(self, url, headers=None):
            asked.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr(dossier.pdf, "DossierFetcher", Spy)
    return asked


def hostile_data(records=()):
    items = item_records()
    items["1.5.3"] = replace(items["1.5.3"], finding=HOSTILE_FINDING)
    return with_organisation(dossier_data(records, items=items), name=HOSTILE_NAME)


def test_markup_in_user_text_is_printed_as_text(tmp_path, fetches, opened_files):
    source, records = write_evidence(tmp_path)
    records = (replace(records[0], title=HOSTILE_NAME, original_name="<b>x</b>.pdf"), *records[1:])
    report = render_pdf(hostile_data(records), source, tmp_path / "out.pdf")

    text = "".join("".join(p.extract_text() for p in PdfReader(tmp_path / "out.pdf").pages).split())
    assert "".join(HOSTILE_NAME.split()) in text  # the cover and every running header
    assert "".join(HOSTILE_FINDING.split()) in text  # the item table
    assert "<b>x</b>.pdf" in text  # the evidence index
    assert not any("passwd" in url or "example.com" in url for url in fetches)
    assert not any("passwd" in path for path in opened_files)
    assert any(path.startswith(str(tmp_path)) for path in opened_files)  # the hook does see
    assert not [w for w in report.warnings if w.key == "dossier.url_refused"]


def test_the_renderer_asks_only_for_the_dossiers_own_assets(tmp_path, fetches):
    source, records = write_evidence(tmp_path)
    render_pdf(dossier_data(records), source, tmp_path / "out.pdf")
    images = {r.sha256 for r in records if r.media_type.startswith("image/")}
    allowed = {
        (TEMPLATES / "dossier.css").as_uri(),
        "dossier-generated://radar.svg",
        "dossier-generated://bars.svg",
        *(f"evidence://{sha256}" for sha256 in images),
    }
    assert set(fetches) == allowed


def fetcher(assets: Path = TEMPLATES, images=None) -> DossierFetcher:
    return DossierFetcher(assets, {"radar.svg": (b"<svg/>", "image/svg+xml")}, images or {})


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        f"{TEMPLATES.as_uri()}/../../../../../../etc/passwd",
        f"{TEMPLATES.as_uri()}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "file://localhost/etc/passwd",
        "file://other-host/share/secret.txt",
        "http://example.com/track.png",
        "https://example.com/style.css",
        "ftp://example.com/x",
        "data:text/css,body{}",
        "evidence://" + "0" * 64,
        "dossier-generated://other.svg",
        "javascript:alert(1)",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    refusing = fetcher()
    with pytest.raises(URLRefused):
        refusing.fetch(url)
    assert refusing.refused == [url]


def test_the_fetcher_serves_the_stylesheet_and_generated_charts():
    serving = fetcher()
    assert b"@page" in serving.fetch((TEMPLATES / "dossier.css").as_uri()).read()
    assert serving.fetch("dossier-generated://radar.svg").read() == b"<svg/>"


def test_a_symlink_in_the_assets_cannot_lead_out_of_them(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (assets / "style.css").symlink_to(secret)
    with pytest.raises(URLRefused):
        fetcher(assets).fetch((assets / "style.css").as_uri())


def test_evidence_images_are_served_only_when_they_belong_to_the_dossier(tmp_path):
    image = tmp_path / "blob"
    image.write_bytes(b"\x89PNG...")
    serving = fetcher(images={"ab" * 32: (image, "image/png")})
    assert serving.fetch("evidence://" + "ab" * 32).read() == b"\x89PNG..."
    with pytest.raises(URLRefused):
        serving.fetch("evidence://" + "cd" * 32)


def test_without_a_cjk_font_the_export_stops_with_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("dossier.fonts.chinese_font_families", lambda: [])
    destination = tmp_path / "out.pdf"
    with pytest.raises(MissingCJKFont) as raised:
        render_pdf(dossier_data(), NoEvidence(), destination)
    assert "fonts-noto-cjk" in str(raised.value)
    assert "sudo apt-get install fonts-noto-cjk" in str(raised.value)
    assert not destination.exists()


def test_without_fontconfig_no_font_is_found(monkeypatch):
    monkeypatch.setattr("dossier.fonts.shutil.which", lambda name: None)
    with pytest.raises(MissingCJKFont):
        find_cjk_fonts()


def test_font_names_that_could_break_out_of_css_are_ignored(monkeypatch):
    hostile = 'X"; } body { background: url(file:///etc/passwd); } .x { font-family: "Y'
    monkeypatch.setattr(
        "dossier.fonts.chinese_font_families", lambda: [hostile, "WenQuanYi Zen Hei"]
    )
    assert find_cjk_fonts().sans == "WenQuanYi Zen Hei"


def test_noto_sans_cjk_sc_is_preferred_when_installed(monkeypatch):
    monkeypatch.setattr(
        "dossier.fonts.chinese_font_families",
        lambda: ["AR PL UMing CN", "Noto Serif CJK SC", "Noto Sans CJK SC"],
    )
    fonts = find_cjk_fonts()
    assert (fonts.sans, fonts.serif) == ("Noto Sans CJK SC", "Noto Serif CJK SC")


class NoEvidence:
    def local_path(self, sha256: str) -> Path | None:
        return None

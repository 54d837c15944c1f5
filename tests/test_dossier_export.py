"""Exporting a dossier: file names any file system takes, and nothing left behind."""

import tempfile
from datetime import date

import pytest
from app_helpers import app, fresh_app, new_audit

from cli.main import main
from domain.records import OrganisationProfile
from dossier.assemble import export_dossier, export_downloads
from dossier.filenames import file_name, file_stem
from store import open_store

NAME_MAX = 255  # bytes, on ext4 and most other file systems
NO_GLYPH = "\U0010fffd"  # a private-use code point no font has
LONG_NAME = "华东家电连锁服务有限公司" * 9  # 108 characters, 324 bytes in UTF-8


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    return open_store()


def audit_of(store, name: str):
    organisation = store.create_organisation(OrganisationProfile(name=name), actor="qm")
    catalogue = store.catalogues()[0]
    return store.create_audit(
        organisation.id,
        catalogue_hash=catalogue.content_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 10),
        assessor="王敏",
        actor="qm",
    )


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """The process's temporary folder, empty, so whatever an export leaves there is seen.
    The tests' migrated database template (app_helpers, made once per process in the temporary
    folder) is made before, so a test run alone or first does not see it as left behind."""
    from app_helpers import _migrated_database

    _migrated_database()
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_an_organisation_name_of_any_length_exports_under_a_bounded_name(store, tmp_path, capsys):
    audit = audit_of(store, LONG_NAME)
    assert main(["export", str(audit.id), "--out", str(tmp_path / "out")]) == 0
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(files) == 2
    for name in files:
        assert len(name.encode()) <= NAME_MAX
        assert name.startswith("华东家电连锁服务有限公司华东")  # still says whose it is
        assert f"A{audit.id}-第1轮" in name
    assert not capsys.readouterr().err.count("refused")


def test_file_names_are_cut_by_bytes_at_a_character_boundary():
    stem = file_stem("𠀀" * 100, audit_id=7, round_no=2)  # 4 bytes a character
    name = file_name(stem, "-申请资料.pdf")
    assert len(name.encode()) <= 200
    assert name.encode().decode() == name
    assert name.endswith("-GBT27922-自评-A7-第2轮-申请资料.pdf")


def test_two_rounds_of_two_audits_never_share_a_file_name():
    names = {file_stem(LONG_NAME + tail, a, r) for tail in "甲乙" for a in (1, 2) for r in (1, 2)}
    assert len({n.replace("甲", "").replace("乙", "") for n in names}) == 4


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("华东/家电:连锁*有限公司?", "华东_家电_连锁_有限公司"),
        ("..\\..\\etc", "etc"),
        ("evil\u202egpj.exe", "evilgpj_exe"),
        ("😀😀", "audit"),
    ],
)
def test_file_names_keep_letters_and_digits_only(name, expected):
    assert file_stem(name, 1, 1) == f"{expected}-GBT27922-自评-A1-第1轮"


def test_an_export_leaves_no_temporary_file(store, tmp_path, scratch):
    audit = audit_of(store, "华东家电连锁有限公司")
    export_dossier(store, audit.id, tmp_path / "out")
    downloads = export_downloads(store, audit.id)
    assert downloads.pdf.startswith(b"%PDF") and downloads.xlsx.startswith(b"PK")
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [downloads.pdf_name, downloads.xlsx_name]
    )


def test_the_dossier_page_keeps_no_file_after_building_the_downloads(
    monkeypatch, tmp_path, scratch
):
    store = fresh_app(monkeypatch, tmp_path / "data")
    audit = new_audit(store)
    at = app("dossier", audit.id)
    next(b for b in at.button if b.label == "生成申请资料").click().run(timeout=120)
    assert not at.exception
    downloads = list(at.get("download_button"))
    assert len(downloads) == 2
    assert list(scratch.iterdir()) == []


def test_the_command_line_shows_the_characters_no_font_can_print(store, tmp_path, capsys):
    audit = audit_of(store, f"华东{NO_GLYPH}家电")
    assert main(["export", str(audit.id), "--out", str(tmp_path / "out")]) == 0
    assert "U+10FFFD" in capsys.readouterr().err


def test_the_dossier_page_shows_the_characters_no_font_can_print(monkeypatch, tmp_path):
    store = fresh_app(monkeypatch, tmp_path / "data")
    audit = new_audit(store, f"华东{NO_GLYPH}家电")
    at = app("dossier", audit.id)
    next(b for b in at.button if b.label == "生成申请资料").click().run(timeout=120)
    assert any("U+10FFFD" in w.value for w in at.warning)

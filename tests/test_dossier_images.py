"""Image evidence is placed at print size, and an image of absurd dimensions is refused."""

import struct
import zlib
from dataclasses import replace
from datetime import datetime

import pytest
from dossier_fixtures import FolderEvidence, dossier_data, item_records
from PIL import Image
from pypdf import PageObject, PdfReader
from pypdf.generic import DictionaryObject

from domain.records import EvidenceRecord
from dossier import Inclusion, render_pdf
from dossier.images import MAX_PIXELS, PRINT_LONG_SIDE


def evidence_image(folder, path, media_type="image/png"):
    source = FolderEvidence()
    record = EvidenceRecord(
        id=101,
        organisation_id=1,
        sha256=source.add(path),
        title="服务网点照片",
        kind="照片",
        original_name=path.name,
        size=path.stat().st_size,
        media_type=media_type,
        uploaded_by="李敏",
        uploaded_at=datetime(2025, 2, 10, 9, 30),
    )
    items = item_records()
    items["1.3.1"] = replace(items["1.3.1"], evidence_ids=(101,))
    return source, dossier_data((record,), items=items)


def png_header_only(path, width: int, height: int):
    """A PNG that claims ``width`` × ``height`` pixels: a header and one empty data chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    idat = zlib.compress(b"\0" * 16)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return path


def placed_images(pdf) -> set[tuple[int, int]]:
    """The pixel sizes of the images in the PDF (its pages share one resource dictionary)."""
    sizes = set()
    for page in PdfReader(pdf).pages:
        xobjects = _resources(page).get("/XObject", {})
        for xobject in xobjects.values():
            xobject = xobject.get_object()
            if xobject["/Subtype"] == "/Image":
                sizes.add((int(xobject["/Width"]), int(xobject["/Height"])))
    return sizes


@pytest.mark.parametrize(("name", "media_type"), [("p.png", "image/png"), ("p.jpg", "image/jpeg")])
def test_a_large_photo_is_placed_reduced_to_print_size(tmp_path, name, media_type):
    photo = tmp_path / name
    Image.new("RGB", (6000, 4000), (200, 210, 230)).save(photo)
    source, data = evidence_image(tmp_path, photo, media_type)
    report = render_pdf(data, source, tmp_path / "out.pdf")

    assert report.evidence[0].inclusion is Inclusion.IMAGE
    assert placed_images(tmp_path / "out.pdf") == {(PRINT_LONG_SIDE, 1600)}


def test_a_small_image_is_placed_as_it_is(tmp_path):
    photo = tmp_path / "small.png"
    Image.new("RGB", (900, 640), (200, 210, 230)).save(photo)
    source, data = evidence_image(tmp_path, photo)
    render_pdf(data, source, tmp_path / "out.pdf")
    assert placed_images(tmp_path / "out.pdf") == {(900, 640)}


@pytest.mark.parametrize(
    ("width", "height", "size"),
    [
        (9000, 9000, "9000×9000"),  # over our bound, under Pillow's
        (100_000, 100_000, "> 178,956,970"),  # Pillow refuses to tell the size
    ],
)
def test_an_image_with_too_many_pixels_is_refused_naming_the_file(tmp_path, width, height, size):
    assert width * height > MAX_PIXELS
    bomb = png_header_only(tmp_path / "网点全景.png", width, height)
    source, data = evidence_image(tmp_path, bomb)
    report = render_pdf(data, source, tmp_path / "out.pdf")

    assert report.evidence[0].inclusion is Inclusion.UNREADABLE
    [refused] = [w for w in report.warnings if w.key == "dossier.image_too_large"]
    assert refused.subject == "E-01"
    for lang in ("zh", "en"):
        assert "网点全景.png" in refused.text(lang) and size in refused.text(lang)
    assert placed_images(tmp_path / "out.pdf") == set()


def _resources(page: PageObject) -> DictionaryObject:
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    return resources

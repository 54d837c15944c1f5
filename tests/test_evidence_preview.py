"""Previews: the first page of a PDF or a thumbnail of an image, and a reason when there is none."""

import io
from pathlib import Path

import evidence_samples as samples
import pytest
from PIL import Image

from evidence import LocalBlobStore, make_preview, preview_blob
from evidence.preview import MAX_SIDE

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def saved(tmp_path: Path, data: bytes, name: str = "file") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def picture(preview) -> Image.Image:
    assert preview.png is not None and preview.png.startswith(PNG_MAGIC)
    return Image.open(io.BytesIO(preview.png))


def test_a_pdf_previews_as_its_first_page_rendered_to_png(tmp_path):
    preview = make_preview(saved(tmp_path, samples.pdf(width=200, height=100)), "application/pdf")
    rendered = picture(preview)
    assert rendered.size == (preview.width, preview.height) == (MAX_SIDE, MAX_SIDE // 2)
    assert preview.reason is None
    # the page is white with a red rectangle from (20, 20) to (120, 70) in points, y upwards
    red_x, red_y = (70 * MAX_SIDE // 200, (100 - 45) * MAX_SIDE // 200)
    assert rendered.convert("RGB").getpixel((red_x, red_y)) == (255, 0, 0)
    assert rendered.convert("RGB").getpixel((MAX_SIDE - 5, 5)) == (255, 255, 255)


def test_a_long_pdf_previews_as_its_first_page(tmp_path):
    # page 1 is landscape, the 299 after it portrait
    preview = make_preview(saved(tmp_path, samples.pdf(pages=300)), "application/pdf")
    assert picture(preview).size == (MAX_SIDE, MAX_SIDE // 2)


def test_a_small_page_is_not_blown_up_beyond_288_dpi(tmp_path):
    stamp = samples.pdf(width=50, height=50)  # a 50-point label
    preview = make_preview(saved(tmp_path, stamp), "application/pdf", max_side=800)
    assert picture(preview).size == (200, 200)


def test_an_encrypted_pdf_has_no_preview_and_says_why(tmp_path):
    preview = make_preview(saved(tmp_path, samples.pdf(encrypt=True)), "application/pdf")
    assert preview.png is None
    assert preview.reason == "encrypted"
    assert preview.message("en") == "The PDF is encrypted and needs a password"


@pytest.mark.parametrize(
    "broken",
    [b"%PDF-1.4\n" + bytes(range(256)) * 4, samples.pdf()[:60], b"not a pdf at all"],
    ids=["garbage", "truncated", "no header"],
)
def test_a_broken_pdf_has_no_preview_and_says_why(tmp_path, broken):
    preview = make_preview(saved(tmp_path, broken), "application/pdf")
    assert (preview.png, preview.reason) == (None, "broken")


def test_a_pdf_without_pages_counts_as_broken(tmp_path):
    preview = make_preview(saved(tmp_path, samples.pdf(pages=0)), "application/pdf")
    assert (preview.png, preview.reason) == (None, "broken")


@pytest.mark.parametrize(
    ("image_format", "media_type"),
    [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("GIF", "image/gif"),
        ("WEBP", "image/webp"),
        ("TIFF", "image/tiff"),
        ("BMP", "image/bmp"),
    ],
)
def test_an_image_previews_as_a_thumbnail_keeping_its_proportions(
    tmp_path, image_format, media_type
):
    photo = samples.image(image_format, (3000, 1500))
    preview = make_preview(saved(tmp_path, photo), media_type)
    assert picture(preview).size == (MAX_SIDE, MAX_SIDE // 2)


def test_a_small_image_is_not_enlarged(tmp_path):
    preview = make_preview(saved(tmp_path, samples.image("PNG", (64, 48))), "image/png")
    assert picture(preview).size == (64, 48)


def test_a_photo_is_turned_upright_by_its_exif_orientation(tmp_path):
    sideways = samples.jpeg_rotated_by_exif((1200, 600))
    preview = make_preview(saved(tmp_path, sideways), "image/jpeg")
    assert picture(preview).size == (400, 800)


def test_an_image_with_too_many_pixels_is_not_decoded(tmp_path):
    huge = io.BytesIO()
    Image.new("1", (8000, 8000)).save(huge, "PNG")  # 64 million pixels in a small file
    preview = make_preview(saved(tmp_path, huge.getvalue()), "image/png")
    assert (preview.png, preview.reason) == (None, "too_many_pixels")


def test_a_damaged_image_has_no_preview(tmp_path):
    damaged = samples.image("PNG", (300, 300))[:200]
    preview = make_preview(saved(tmp_path, damaged), "image/png")
    assert (preview.png, preview.reason) == (None, "broken")


def test_a_damaged_image_has_no_preview_even_when_pillow_is_told_to_load_truncated_images(
    tmp_path, monkeypatch
):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint's import does
    damaged = samples.image("PNG", (300, 300))[:200]
    preview = make_preview(saved(tmp_path, damaged), "image/png")
    assert (preview.png, preview.reason) == (None, "broken")


def test_an_image_is_decoded_only_as_the_format_it_was_taken_as(tmp_path):
    preview = make_preview(saved(tmp_path, samples.image("GIF")), "image/png")
    assert (preview.png, preview.reason) == (None, "broken")


@pytest.mark.parametrize(
    "media_type",
    [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/msword",
        "text/plain; charset=utf-8",
    ],
)
def test_other_types_have_no_preview(tmp_path, media_type):
    preview = make_preview(saved(tmp_path, b"whatever"), media_type)
    assert (preview.png, preview.reason) == (None, "not_previewable")


def test_a_stored_blob_previews_from_the_store(tmp_path):
    store = LocalBlobStore(tmp_path / "blobs")
    blob = store.put(io.BytesIO(samples.pdf()), max_bytes=1 << 20)
    assert picture(preview_blob(store, blob.sha256, "application/pdf")).width == MAX_SIDE


def test_a_stream_previews_too(tmp_path):
    preview = make_preview(io.BytesIO(samples.image("PNG", (1000, 1000))), "image/png")
    assert picture(preview).size == (MAX_SIDE, MAX_SIDE)

"""Previews for the app: the first page of a PDF, or a thumbnail of an image, as PNG bytes.

Bounded on purpose: one page at most, a fixed pixel budget, and only the image decoders that
evidence formats need. Anything that cannot be previewed gives no image and a reason.
"""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageOps

from evidence.blobs import BlobChanged, BlobMissing, BlobStore
from texts import t

MAX_SIDE = 800  # pixels on the longer side of a preview
MAX_PIXELS = 50_000_000  # larger images are not decoded at all: decompression bombs
MAX_PDF_SCALE = 4.0  # never render a page at more than 4 px per point (288 dpi)
_IMAGE_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/tiff": "TIFF",
    "image/bmp": "BMP",
}
_PDFIUM = threading.Lock()  # PDFium is not thread-safe, and Streamlit serves sessions in threads


@dataclass(frozen=True)
class Preview:
    png: bytes | None
    width: int = 0
    height: int = 0
    reason: str | None = None  # why not: not_previewable, encrypted, broken, too_many_pixels,
    # missing, changed

    def message(self, lang: str = "zh") -> str:
        return t(f"evidence.preview.{self.reason}", lang) if self.reason else ""


def make_preview(source: Path | BinaryIO, media_type: str, *, max_side: int = MAX_SIDE) -> Preview:
    """The preview of a file of ``media_type`` (as ``ingest`` recorded it)."""
    base = media_type.split(";")[0].strip().lower()
    if base == "application/pdf":
        return _pdf_preview(source, max_side)
    if base in _IMAGE_FORMATS:
        return _image_preview(source, _IMAGE_FORMATS[base], max_side)
    return Preview(None, reason="not_previewable")


def preview_blob(
    store: BlobStore, sha256: str, media_type: str, *, max_side: int = MAX_SIDE
) -> Preview:
    """The preview of a stored file, made from a copy verified against its SHA-256: a file
    gone or changed since its upload gives no preview and says so."""
    try:
        with store.local_copy(sha256) as path:
            return make_preview(path, media_type, max_side=max_side)
    except BlobMissing:
        return Preview(None, reason="missing")
    except BlobChanged:
        return Preview(None, reason="changed")


def _pdf_preview(source: Path | BinaryIO, max_side: int) -> Preview:
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(source)
        except pdfium.PdfiumError as error:
            encrypted = error.err_code in (
                pdfium_raw.FPDF_ERR_PASSWORD,
                pdfium_raw.FPDF_ERR_SECURITY,
            )
            return Preview(None, reason="encrypted" if encrypted else "broken")
        try:
            if len(pdf) == 0:  # PDFium already refuses to load these; kept for other versions
                return Preview(None, reason="broken")
            page = pdf[0]
            try:
                width, height = page.get_size()
                if not (width > 0 and height > 0):
                    return Preview(None, reason="broken")
                scale = min(max_side / max(width, height), MAX_PDF_SCALE)
                image = page.render(scale=scale).to_pil()
            finally:
                page.close()
        except pdfium.PdfiumError:
            return Preview(None, reason="broken")
        finally:
            pdf.close()
    return _png(image)


def _image_preview(source: Path | BinaryIO, image_format: str, max_side: int) -> Preview:
    start = source.tell() if not isinstance(source, Path) else 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # we check ourselves
            # WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES on import, after which
            # Pillow quietly decodes half a file; verify() reads it all and still refuses it
            with Image.open(source, formats=[image_format]) as probe:
                probe.verify()
            if not isinstance(source, Path):
                source.seek(start)
            opened = Image.open(source, formats=[image_format])  # reads the header only
        with opened:
            if opened.width * opened.height > MAX_PIXELS:
                return Preview(None, reason="too_many_pixels")
            opened.draft("RGB", (max_side, max_side))  # JPEG: decode at a fraction of the size
            image = ImageOps.exif_transpose(opened)  # phone photos carry their rotation in EXIF
            image.thumbnail((max_side, max_side))
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            image = image.convert("RGBA" if has_alpha else "RGB")
    except Image.DecompressionBombError:
        return Preview(None, reason="too_many_pixels")
    except (OSError, SyntaxError, ValueError, EOFError):  # what Pillow raises on bad data
        return Preview(None, reason="broken")
    return _png(image)


def _png(image: Image.Image) -> Preview:
    out = io.BytesIO()
    image.save(out, "PNG")
    return Preview(out.getvalue(), image.width, image.height)

"""Decide, before layout, how each evidence file goes into the appendix.

Every file is checked against its recorded SHA-256 (read in chunks, never whole), so the hash
printed in the evidence index is the hash of what is embedded (for a large image: of the file
its print-size copy is made from, dossier/images.py). PDFs are opened lazily from their file
to count their pages: the layout needs one frame page per evidence page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from dossier.data import EvidenceSource
from dossier.images import MAX_PIXELS, PrintImage, TooManyPixels, print_image
from dossier.report import DossierWarning, Inclusion, warning
from dossier.view import EvidenceEntry

# images WeasyPrint places reliably; SVG is left out on purpose: it can refer to other files
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
PDF_TYPE = "application/pdf"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20
CHECKSUM = "文件与 SHA-256 不符"


class EncryptedPdf(ValueError):
    pass


@dataclass(frozen=True)
class InspectedEvidence:
    entry: EvidenceEntry
    inclusion: Inclusion
    path: Path | None = None
    pages: int = 0  # appendix pages: the PDF's pages, 1 for an image, 0 if not embedded
    reason: str = ""  # why it is not embedded, for the reader
    printed: PrintImage | None = None  # an image as it is placed (reduced to print size)
    too_large: str = ""  # "12000×12000": an image refused for its number of pixels

    @property
    def ref(self) -> str:
        return self.entry.ref

    @property
    def anchor(self) -> str:
        return "annex-" + self.ref


def inspect_evidence(
    entries: Iterable[EvidenceEntry], source: EvidenceSource, folder: Path
) -> tuple[list[InspectedEvidence], list[DossierWarning]]:
    """``folder`` takes the print-size copies of large images; it must outlive the layout."""
    inspected, warnings = [], []
    for entry in entries:
        found = inspect_one(entry, source, folder)
        inspected.append(found)
        record = entry.record
        if found.inclusion is Inclusion.MISSING:
            warnings.append(warning("dossier.evidence_missing", entry.ref, title=record.title))
        elif found.inclusion is Inclusion.UNREADABLE and found.reason == CHECKSUM:
            warnings.append(warning("dossier.evidence_checksum", entry.ref, title=record.title))
        elif found.inclusion is Inclusion.UNREADABLE and found.too_large:
            values = {"title": record.title, "file": record.original_name}
            values |= {"size": found.too_large, "limit": str(MAX_PIXELS // 1_000_000)}
            warnings.append(warning("dossier.image_too_large", entry.ref, **values))
        elif found.inclusion is Inclusion.UNREADABLE:
            key, reason = "dossier.evidence_unreadable", found.reason
            warnings.append(warning(key, entry.ref, title=record.title, reason=reason))
    return inspected, warnings


def inspect_one(entry: EvidenceEntry, source: EvidenceSource, folder: Path) -> InspectedEvidence:
    sha256 = entry.record.sha256.lower()
    path = source.local_path(sha256) if _SHA256.match(sha256) else None
    if path is None or not path.is_file():
        return InspectedEvidence(entry, Inclusion.MISSING)
    if file_sha256(path) != sha256:
        return InspectedEvidence(entry, Inclusion.UNREADABLE, path, reason=CHECKSUM)
    media_type = entry.record.media_type.lower()
    if media_type == PDF_TYPE:
        return _inspect_pdf(entry, path)
    if media_type in IMAGE_TYPES:
        return _inspect_image(entry, path, folder)
    return InspectedEvidence(entry, Inclusion.LISTED, path, reason=not_embedded_reason(media_type))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def open_pdf(path: Path) -> Iterator[PdfReader]:
    """A reader on the open file: pypdf then reads objects as it needs them, where given a
    path it would read the whole file into memory first."""
    with path.open("rb") as stream:
        reader = PdfReader(stream)
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedPdf(path)
        yield reader


def _inspect_pdf(entry: EvidenceEntry, path: Path) -> InspectedEvidence:
    try:
        with open_pdf(path) as reader:
            pages = len(reader.pages)
    except EncryptedPdf:
        return InspectedEvidence(entry, Inclusion.UNREADABLE, path, reason="PDF 已加密")
    except Exception:  # pypdf raises many kinds of errors on damaged files
        return InspectedEvidence(entry, Inclusion.UNREADABLE, path, reason="PDF 文件已损坏")
    if pages == 0:
        return InspectedEvidence(entry, Inclusion.UNREADABLE, path, reason="PDF 没有页面")
    return InspectedEvidence(entry, Inclusion.PDF, path, pages=pages)


def _inspect_image(entry: EvidenceEntry, path: Path, folder: Path) -> InspectedEvidence:
    media_type = entry.record.media_type.lower()
    try:  # a decompression bomb is refused from its header, before a pixel is decoded
        printed = print_image(path, media_type, folder, entry.record.sha256.lower())
    except TooManyPixels as refused:
        return InspectedEvidence(
            entry, Inclusion.UNREADABLE, path, reason=refused.reason, too_large=refused.size
        )
    except Exception:  # Pillow raises many kinds of errors on damaged files
        return InspectedEvidence(entry, Inclusion.UNREADABLE, path, reason="图片文件已损坏")
    return InspectedEvidence(entry, Inclusion.IMAGE, path, pages=1, printed=printed)


def not_embedded_reason(media_type: str) -> str:
    if "officedocument" in media_type or media_type.startswith(
        ("application/msword", "application/vnd.ms-", "application/vnd.oasis.opendocument")
    ):
        return "Office 文档"
    if media_type.startswith("text/"):
        return "文本文件"
    if media_type.startswith(("video/", "audio/")):
        return "音视频文件"
    return "其他类型文件"

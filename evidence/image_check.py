"""An image upload must decode to its last pixel: a truncated or garbled PNG/JPEG passes the
signature sniff but shows as a broken picture in the app and the dossier.

The canvas size is checked from the header in the sniffed head before anything is stored (a
small file can declare a huge canvas); the whole file is decoded from the stored copy, JPEG at
an eighth of its size (libjpeg still reads every byte of the scan), so memory stays bounded.

WeasyPrint sets Pillow's process-wide ``LOAD_TRUNCATED_IMAGES`` when it is imported, after
which Pillow fills a cut-off image with grey instead of failing; the decode here switches it off
for its own duration, under a lock.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from PIL import Image, ImageFile, ImageSequence

# kinds from evidence.sniff whose content is decoded at intake
DECODED_KINDS = frozenset({"png", "jpeg", "gif", "webp", "tiff", "bmp"})
MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo passes
MAX_FRAMES = 500  # an animated GIF or multi-page TIFF: every frame is decoded, up to this many
_STRICT = threading.Lock()


class ImageProblem(Exception):
    def __init__(self, reason: str, **values: object) -> None:
        super().__init__(reason)
        self.reason = reason  # "image_broken" or "image_too_many_pixels"
        self.values = values


def check_header(head: bytes, max_pixels: int = MAX_PIXELS) -> None:
    """Refuse an image whose header (in the sniffed head) declares more than ``max_pixels``.
    A header beyond the head, or a garbled one, is left to ``check_decodes``."""
    try:
        with _quiet(), Image.open(io.BytesIO(head)) as image:
            width, height = image.size
    except Image.DecompressionBombError as bomb:  # Pillow's own, far larger, bound
        raise _too_many(_declared_pixels(bomb), max_pixels) from None
    except Exception:  # any failure to read a header here: the full decode decides
        return
    if width * height > max_pixels:
        raise _too_many(width * height, max_pixels)


def check_decodes(source: BinaryIO, max_pixels: int = MAX_PIXELS) -> None:
    """Decode every frame of the image in ``source``; ImageProblem when it does not decode."""
    try:
        with _strict(), _quiet(), Image.open(source) as image:
            if image.width * image.height > max_pixels:
                raise _too_many(image.width * image.height, max_pixels)
            for n, frame in enumerate(ImageSequence.Iterator(image)):
                if n >= MAX_FRAMES:
                    break
                if frame.format == "JPEG":
                    frame.draft(frame.mode, (frame.width // 8 or 1, frame.height // 8 or 1))
                frame.load()
    except ImageProblem:
        raise
    except Image.DecompressionBombError as bomb:
        raise _too_many(_declared_pixels(bomb), max_pixels) from None
    except Exception as exc:  # any decoder failure means: not a whole image
        raise ImageProblem("image_broken", detail=str(exc)[:100]) from None


@contextmanager
def _strict() -> Iterator[None]:
    with _STRICT:
        was = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = was


@contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # bounded here
        yield


def _too_many(pixels: int | None, limit: int) -> ImageProblem:
    shown = f"{pixels:,}" if pixels is not None else "?"
    return ImageProblem("image_too_many_pixels", pixels=shown, limit=f"{limit:,}")


def _declared_pixels(bomb: Exception) -> int | None:
    found = re.search(r"\((\d+) pixels\)", str(bomb))
    return int(found[1]) if found else None

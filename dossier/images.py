"""Image evidence at print size: bounded before decoding, reduced before layout.

WeasyPrint decodes an image at its full size, whatever size it is printed at: a 0.5 MB PNG of
20,000 × 20,000 pixels took 1.6 GB. So an image's dimensions are read from its header first
(no pixels decoded) and refused above MAX_PIXELS; a larger one than PRINT_LONG_SIDE is decoded
once, reduced to print size and placed as that copy.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

# a 48-megapixel phone photo passes; decoding this many pixels takes at most ~200 MB (RGBA)
MAX_PIXELS = 50_000_000
# the appendix frame is 174 × 236 mm: 2,400 pixels on its long side is ~260 dpi
PRINT_LONG_SIDE = 2400
_LOSSLESS_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA"})


class TooManyPixels(ValueError):
    def __init__(self, width: int | None = None, height: int | None = None) -> None:
        # Pillow refuses the largest images itself, before it tells their size
        # (MAX_IMAGE_PIXELS is None only if someone switched Pillow's check off, which we don't)
        limit = Image.MAX_IMAGE_PIXELS or 0
        self.size = f"{width}×{height}" if width else f"> {2 * limit:,}"
        super().__init__(self.size)

    @property
    def reason(self) -> str:
        """For the appendix list."""
        return f"图片过大（{self.size} 像素，上限 {MAX_PIXELS // 1_000_000} 百万像素）"


@dataclass(frozen=True)
class PrintImage:
    path: Path
    media_type: str


def image_size(path: Path) -> tuple[int, int]:
    """Width and height from the header; TooManyPixels above MAX_PIXELS, before any decoding.
    Raises what Pillow raises for a damaged file."""
    with warnings.catch_warnings():
        # Pillow warns above its own bound and refuses at twice that; ours is lower
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise TooManyPixels(width, height)
                image.verify()  # reads the data and checks it, without decoding pixels
        except Image.DecompressionBombError:
            raise TooManyPixels() from None
    return width, height


def print_image(path: Path, media_type: str, folder: Path, name: str) -> PrintImage:
    """The image as it is placed: itself when small enough, else a reduced copy in ``folder``
    named after ``name``."""
    width, height = image_size(path)
    if max(width, height) <= PRINT_LONG_SIDE:
        return PrintImage(path, media_type)
    with Image.open(path) as image:
        # thumbnail decodes JPEG straight at a reduced scale (draft), others once in full
        image.thumbnail((PRINT_LONG_SIDE, PRINT_LONG_SIDE), Image.Resampling.LANCZOS)
        # turned upright once it is small; the copy keeps no EXIF orientation
        reduced = ImageOps.exif_transpose(image)
    if media_type == "image/jpeg":
        copy = folder / f"{name}.jpg"
        reduced.convert("RGB").save(copy, "JPEG", quality=90)
        return PrintImage(copy, "image/jpeg")
    if reduced.mode not in _LOSSLESS_MODES:
        reduced = reduced.convert("RGBA")
    copy = folder / f"{name}.png"
    reduced.save(copy, "PNG")
    return PrintImage(copy, "image/png")

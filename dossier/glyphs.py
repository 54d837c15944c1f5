"""Which characters of a dossier no installed font can print.

WeasyPrint draws text with Pango, which takes each character from the first font of the CSS
stack that has it and otherwise from any font fontconfig knows. So a character prints as an
empty box exactly when no font fontconfig lists covers it; fontconfig reads every font's cmap
table once and reports the coverage (``%{charset}``), which is what we ask it for.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# drawn as nothing on purpose: they need no glyph
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))

Ranges = tuple[tuple[int, ...], tuple[int, ...]]  # starts, ends (inclusive), sorted


def missing_glyphs(texts: Iterable[str]) -> list[str]:
    """The characters of ``texts`` that no installed font has a glyph for, in code point order."""
    starts, ends = covered_ranges()
    missing = set()
    for char in set().union(*map(set, texts)):
        if _needs_no_glyph(char):
            continue
        code = ord(char)
        n = bisect.bisect_right(starts, code) - 1
        if n < 0 or code > ends[n]:
            missing.add(char)
    return sorted(missing)


def describe(chars: list[str], limit: int = 20) -> str:
    """ "𠀀 U+20000、😀 U+1F600": each character with its code point, at most ``limit``."""
    shown = "、".join(f"{c} U+{ord(c):04X}" for c in chars[:limit])
    return shown + ("…" if len(chars) > limit else "")


def _needs_no_glyph(char: str) -> bool:
    code = ord(char)
    if any(low <= code <= high for low, high in _VARIATION_SELECTORS):
        return True
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES


@lru_cache(maxsize=1)
def covered_ranges() -> Ranges:
    """The union of every installed font's coverage, as fontconfig reports it (cached: the
    fonts of a running server do not change)."""
    if shutil.which("fc-list") is None:
        return (), ()
    listing = subprocess.run(
        ["fc-list", "--format", "%{charset}\\n"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    ).stdout
    ranges = sorted(_parse(listing.split()))
    merged: list[list[int]] = []
    for low, high in ranges:
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return tuple(r[0] for r in merged), tuple(r[1] for r in merged)


def _parse(tokens: list[str]) -> Iterable[tuple[int, int]]:
    """fontconfig's charset: hexadecimal code points and ranges, "20-7e a0 4e00-9fff"."""
    for token in tokens:
        low, _, high = token.partition("-")
        try:
            yield int(low, 16), int(high or low, 16)
        except ValueError:
            continue

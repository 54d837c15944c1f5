"""Rules for the name an uploaded file arrives with.

Blobs are stored by hash, so a name never becomes a path here; but it is shown, exported into
dossiers and downloaded again, where separators, ".." or control characters do harm.
"""

from __future__ import annotations

import unicodedata

MAX_NAME_BYTES = 255  # what ext4, NTFS and APFS allow for one name, counted in UTF-8

# Bidirectional overrides and isolates turn "报告\u202efdp.exe" into "报告exe.pdf" on screen.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a file name, as a message key suffix, or None when it can."""
    if not name or not name.strip():
        return "name_empty"
    if name != name.strip():
        return "name_spaces"
    if "/" in name or "\\" in name:
        return "name_separator"
    if name in (".", ".."):
        return "name_dots"
    if any(_unsafe(c) for c in name):
        return "name_control"  # NUL, every other C0/C1 control, bidi controls, lone surrogates
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return "name_too_long"
    return None


def normalise(name: str) -> str:
    # macOS uploads decomposed (NFD) names; NFC keeps "售后" and the same name typed elsewhere equal
    return unicodedata.normalize("NFC", name)


def extension(name: str) -> str:
    """The lowercased extension without its dot, "" when the name has none."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def shown(name: str, limit: int = 80) -> str:
    """``name`` made safe to print in a message: controls escaped, very long names shortened."""
    safe = "".join(
        c.encode("unicode_escape", "backslashreplace").decode("ascii") if _unsafe(c) else c
        for c in name
    )
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


def _unsafe(c: str) -> bool:
    return unicodedata.category(c) in ("Cc", "Cs") or c in _BIDI_CONTROLS

"""Rules for the name an uploaded file arrives with.

Blobs are stored by hash, so a name never becomes a path here; but it is shown, exported into
dossiers and downloaded again — often on Windows — where separators, "..", control or invisible
characters, the characters Windows forbids and its device names (CON, NUL, COM1...) do harm.
"""

from __future__ import annotations

import unicodedata

MAX_NAME_BYTES = 255  # what ext4, NTFS and APFS allow for one name, counted in UTF-8

# Bidirectional overrides and isolates turn "报告\u202efdp.exe" into "报告exe.pdf" on screen.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# what Windows refuses in a name besides separators and controls
WINDOWS_FORBIDDEN = frozenset(':*?<>|"')
# device names Windows opens instead of a file, whatever the extension ("CON.pdf", "com1.tar.gz")
_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]}
)


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
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in name):
        return "name_control"  # NUL, every other C0/C1 control, lone surrogates
    if any(c in _BIDI_CONTROLS for c in name):
        return "name_bidi"
    if any(_invisible(c) for c in name):
        return "name_invisible"  # zero-width characters, soft hyphen, BOM, tags, line separators
    if forbidden_characters(name):
        return "name_forbidden"
    if name.endswith("."):
        return "name_trailing_dot"  # Windows drops it: "报告.pdf." would become "报告.pdf"
    if device_name(name):
        return "name_reserved"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return "name_too_long"
    return None


def forbidden_characters(name: str) -> str:
    """The characters of ``name`` Windows refuses, each once, in order."""
    return "".join(dict.fromkeys(c for c in name if c in WINDOWS_FORBIDDEN))


def device_name(name: str) -> str:
    """The Windows device name ``name`` would open ("CON" for "con .pdf"), or ""."""
    stem = name.split(".", 1)[0].rstrip(" ")
    return stem if stem.upper() in _DEVICES else ""


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
    return unicodedata.category(c) in ("Cc", "Cs") or _invisible(c)


def _invisible(c: str) -> bool:
    # Cf: format characters (zero-width space/joiners, soft hyphen, BOM, bidi controls, tags);
    # Zl, Zp: line and paragraph separators, which break a name onto two lines
    return unicodedata.category(c) in ("Cf", "Zl", "Zp")

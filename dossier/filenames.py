"""File names of an exported dossier: readable, unique per audit round, and always writable.

A file name may be at most 255 bytes on the usual file systems (ext4, APFS, NTFS counts UTF-16
units, fewer), and a Chinese character takes 3 bytes in UTF-8, so an organisation name of 67
characters already made export impossible. The name part is cut to a byte budget at a character
boundary; the audit id and round keep two exports apart however their names were cut.
"""

from __future__ import annotations

import unicodedata

from dossier.text import printable

# the organisation's part: 40 Chinese characters; the whole name stays far below 255 bytes,
# leaving room for the suffix and for the temporary name a file is written under first
NAME_BYTES = 120
MAX_FILE_NAME_BYTES = 200
# characters Windows, macOS or a shell treat specially, besides the path separators
_RESERVED = set('\\/:*?"<>|')


def file_stem(organisation: str, audit_id: int, round_no: int) -> str:
    """ "华东家电服务有限公司-GBT27922-自评-A7-第2轮": the organisation's name, cleaned and cut."""
    name = _bounded(_clean(organisation), NAME_BYTES) or "audit"
    return f"{name}-GBT27922-自评-A{audit_id}-第{round_no}轮"


def file_name(stem: str, suffix: str) -> str:
    """``stem + suffix``, the stem cut further if the whole name would exceed the budget."""
    room = MAX_FILE_NAME_BYTES - len(suffix.encode())
    return _bounded(stem, room) + suffix


def _clean(name: str) -> str:
    """Letters, digits and a few separators; every other run of characters becomes one "_"."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFC", printable(name)):
        keep = (char.isalnum() or char in "-_（）()") and char not in _RESERVED
        if keep:
            kept.append(char)
        elif kept and kept[-1] != "_":
            kept.append("_")
    return "".join(kept).strip("_.-")


def _bounded(text: str, limit: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 form fits in ``limit`` bytes."""
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode(errors="ignore").rstrip("_.-")

"""What a file is, judged from its first bytes, never from its name.

``filetype`` recognises PDF, the image formats and most foreign formats by their signatures.
Three things it does not do well enough for evidence are done here:

- Office Open XML: filetype only looks at the first few ZIP entries of the first 8 KiB, so
  packages written with data descriptors or with ``word/`` after the docProps (Java and
  streaming writers) come out as plain ZIP. ``_zip_kind`` walks every entry header in the head.
- OLE (Word/Excel/PowerPoint 97-2003): filetype guesses from the bytes of the first sector,
  which in many files is the allocation table, and then names Word and Excel files PowerPoint
  or Excel by the table's entries. ``_ole_kind`` reads the directory instead, as far as it lies
  inside the head.
- Plain text has no signature: ``TextCheck`` accepts UTF-8 or GB18030 (what Chinese Windows
  writes) without control bytes, and is fed the whole file while it is stored.
"""

from __future__ import annotations

import codecs
import re
import struct
from dataclasses import dataclass

import filetype

SNIFF_BYTES = 64 * 1024  # the head every judgement here is made on

# Kinds are the names of what content is; evidence.formats says which kinds an extension accepts.
TEXT = "text"
UNKNOWN = "unknown"  # binary data with no signature anyone recognises
OTHER = "other"  # a format filetype knows and evidence does not take; see Sniffed.media_type
OOXML = "ooxml"  # an Office Open XML package whose main part lies beyond the head
OLE = "ole"  # an OLE compound file whose directory lies beyond the head
OLE_OTHER = "ole_other"  # an OLE file that is not Word, Excel or PowerPoint (.msi, .msg, ...)
ZIP = "zip"  # a ZIP archive that is not an Office document

_FILETYPE_KINDS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/apng": "png",  # an animated PNG is still a PNG
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/tiff": "tiff",
    "image/bmp": "bmp",
    "application/x-executable": "elf",
    "application/x-msdownload": "exe",
    "application/zip": ZIP,
}


@dataclass(frozen=True)
class Sniffed:
    kind: str
    media_type: str | None = None  # for OTHER: the media type and extension filetype named
    extension: str | None = None


def sniff(head: bytes, *, complete: bool) -> Sniffed:
    """Judge ``head``, the first ``SNIFF_BYTES`` of a file (all of it when ``complete``)."""
    if head.startswith(_ZIP_LOCAL):
        return Sniffed(_zip_kind(head, complete=complete))
    if head.startswith(_OLE_MAGIC):
        return Sniffed(_ole_kind(head))
    text = TextCheck()
    is_text = text.feed(head, final=complete)
    guess = filetype.guess(head)
    if guess is not None and (not is_text or guess.mime == "application/pdf"):
        # Clean text wins over every signature but PDF's: "BM" (BMP), "MZ" (EXE), "ID3", "BZh"
        # and friends are also how CSV lines begin, and a PDF may be pure ASCII throughout.
        kind = _FILETYPE_KINDS.get(guess.mime, OTHER)
        if kind == "bmp" and not _real_bmp(head):
            kind = UNKNOWN
        if kind == OTHER:
            return Sniffed(kind, guess.mime, guess.extension)
        return Sniffed(kind)
    return Sniffed(TEXT if is_text else UNKNOWN)


# ---- plain text ----------------------------------------------------------------------------

# C0 controls other than tab, line feed, form feed and carriage return, and DEL. These bytes never
# occur inside a UTF-8 or GB18030 multi-byte character, so they can be looked for in the raw bytes.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Deleting every other byte is a fast test for "any control byte at all" (8x the regex search).
_NOT_CONTROL = bytes(b for b in range(256) if not _CONTROL_BYTES.match(bytes([b])))
_DECODE_SLICE = 64 * 1024  # decode in slices: the str of a whole chunk would cost up to 4x


class TextCheck:
    """Whether a byte stream, fed in pieces, is plain text, and in which encoding.

    UTF-8 and GB18030 are both tried over the whole stream (an ASCII head says nothing about
    the rest); UTF-8 is preferred when both fit.
    """

    ENCODINGS = ("utf-8", "gb18030")

    def __init__(self) -> None:
        self._decoders = {name: codecs.getincrementaldecoder(name)() for name in self.ENCODINGS}
        self.offset = 0  # bytes judged so far
        self.failed_at: int | None = None  # where the stream stopped being text (roughly)
        self._failures: list[int] = []

    @property
    def encoding(self) -> str | None:
        if self.failed_at is not None:
            return None
        return next(iter(self._decoders), None)

    def feed(self, data: bytes, *, final: bool = False) -> bool:
        """Judge the next piece (``final``: nothing follows). True while it is still text."""
        if self.failed_at is not None:
            return False
        if data.translate(None, _NOT_CONTROL) and (bad := _CONTROL_BYTES.search(data)):
            self.failed_at = self.offset + bad.start()
            return False
        view = memoryview(data)
        for start in range(0, max(len(data), 1), _DECODE_SLICE):
            piece = view[start : start + _DECODE_SLICE]
            last = final and start + _DECODE_SLICE >= len(data)
            for name, decoder in list(self._decoders.items()):
                try:
                    decoder.decode(piece, last)
                except UnicodeDecodeError as error:
                    del self._decoders[name]
                    # the decoder's position, give or take the bytes it held back
                    self._failures.append(self.offset + start + error.start)
            if not self._decoders:
                self.failed_at = max(self._failures)  # where the more patient decoder gave up
                return False
        self.offset += len(data)
        return True


# ---- ZIP: Office Open XML, OpenDocument ----------------------------------------------------

_ZIP_LOCAL = b"PK\x03\x04"
_ZIP_HEADER = struct.Struct("<4sHHHHHIIIHH")  # the 30 bytes of a local file header
_OOXML_MAIN = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
# parts every OOXML package has, whatever the application
_OPC_COMMON = ("[Content_Types].xml", "_rels/", "docProps/", "customXml/")
_ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}


def _zip_kind(head: bytes, *, complete: bool) -> str:
    entries, reached_end = _zip_entries(head)
    if entries and entries[0][0] == "mimetype":  # ODF: stored first, uncompressed (ODF 1.2 §3.3)
        mimetype = entries[0][1] or b""
        return _ODF.get(mimetype.strip(), ZIP)
    names = [name for name, _ in entries]
    for name in names:
        for prefix, kind in _OOXML_MAIN.items():
            if name.startswith(prefix):
                return kind
    # Only the common parts in sight: if the archive goes on beyond the head, its main part is
    # there; a package that ended with none is not an Office document.
    only_common = bool(names) and all(name.startswith(_OPC_COMMON) for name in names)
    return OOXML if only_common and not (reached_end or complete) else ZIP


def _zip_entries(head: bytes) -> tuple[list[tuple[str, bytes | None]], bool]:
    """(name, stored data when uncompressed and inside the head) of each entry header in the
    head, and whether the walk reached the central directory (so there are no more)."""
    entries: list[tuple[str, bytes | None]] = []
    pos = 0
    while pos + _ZIP_HEADER.size <= len(head):
        signature, _, flags, method, _, _, _, csize, _, nlen, xlen = _ZIP_HEADER.unpack_from(
            head, pos
        )
        if signature != _ZIP_LOCAL:
            return entries, signature[:2] == b"PK"  # central directory or end record
        name_start = pos + _ZIP_HEADER.size
        data_start = name_start + nlen + xlen
        if data_start > len(head):
            break
        name = head[name_start : name_start + nlen].decode("utf-8", "replace")
        if flags & 0x08:  # sizes follow the data (a data descriptor): find the next header
            following = head.find(_ZIP_LOCAL, data_start)
            data_end = following if following != -1 else None
        else:
            data_end = data_start + csize
        data = None
        if method == 0 and data_end is not None and data_end <= len(head):
            data = head[data_start:data_end]
        entries.append((name, data))
        if data_end is None:
            break
        pos = data_end
    return entries, False


# ---- OLE compound files: Word, Excel, PowerPoint 97-2003 -----------------------------------

_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_OLE_MAIN = {"WordDocument": "doc", "Workbook": "xls", "Book": "xls", "PowerPoint Document": "ppt"}
_END_OF_CHAIN = 0xFFFFFFFE
_NO_ENTRY = 0xFFFFFFFF
_DIR_ENTRY = 128


def _ole_kind(head: bytes) -> str:
    """Which application's main stream sits at the top of the file's directory.

    Only the top level counts: a Word file with an embedded chart also holds a "Workbook",
    one level down. When the directory runs past the head the answer is OLE (undecided).
    """
    entries = _ole_directory(head)
    if entries is None:
        return OLE
    top = _ole_top_level(entries)
    for name, kind in _OLE_MAIN.items():
        if name in top:
            return kind
    return OLE_OTHER


def _ole_directory(head: bytes) -> list[tuple[str, int, int, int]] | None:
    """(name, left, right, child) of every directory entry, None unless all lie in the head."""
    if len(head) < 512:
        return None
    (sector_shift,) = struct.unpack_from("<H", head, 0x1E)
    if sector_shift not in (9, 12):
        return None
    sector_size = 1 << sector_shift
    fat_count, first_dir = struct.unpack_from("<II", head, 0x2C)
    fat_sectors = struct.unpack_from("<109I", head, 0x4C)[: min(fat_count, 109)]

    def sector(number: int) -> bytes | None:
        start = (number + 1) * sector_size
        return head[start : start + sector_size] if start + sector_size <= len(head) else None

    def next_sector(number: int) -> int | None:
        per_sector = sector_size // 4
        if number // per_sector >= len(fat_sectors):
            return None
        fat = sector(fat_sectors[number // per_sector])
        return None if fat is None else struct.unpack_from("<I", fat, number % per_sector * 4)[0]

    entries: list[tuple[str, int, int, int]] = []
    number: int | None = first_dir
    visited: set[int] = set()
    while number != _END_OF_CHAIN:
        if number is None or number in visited:  # beyond the head, or a corrupt loop
            return None
        visited.add(number)
        data = sector(number)
        if data is None:
            return None
        for offset in range(0, sector_size, _DIR_ENTRY):
            (name_len,) = struct.unpack_from("<H", data, offset + 0x40)
            left, right, child = struct.unpack_from("<III", data, offset + 0x44)
            name = data[offset : offset + max(name_len - 2, 0)].decode("utf-16-le", "replace")
            entries.append((name, left, right, child))
        number = next_sector(number)
    return entries


def _ole_top_level(entries: list[tuple[str, int, int, int]]) -> set[str]:
    """Names of the root storage's children: a tree hanging from the root entry's child."""
    names: set[str] = set()
    pending = [entries[0][3]] if entries else []
    seen: set[int] = set()
    while pending:
        index = pending.pop()
        if index == _NO_ENTRY or index >= len(entries) or index in seen:
            continue
        seen.add(index)
        name, left, right, _ = entries[index]
        names.add(name)
        pending += [left, right]
    return names


# ---- BMP -----------------------------------------------------------------------------------

_BMP_INFO_SIZES = {12, 40, 52, 56, 64, 108, 124}  # the DIB header versions in use


def _real_bmp(head: bytes) -> bool:
    """filetype takes any "BM" for a bitmap; a real one also has zero reserved bytes and a
    known DIB header size."""
    if len(head) < 18:
        return False
    (reserved,) = struct.unpack_from("<I", head, 6)
    (info_size,) = struct.unpack_from("<I", head, 14)
    return reserved == 0 and info_size in _BMP_INFO_SIZES

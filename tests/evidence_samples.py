"""Sample files for the evidence tests, all built here from scratch: no binary fixtures."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from typing import Any

from PIL import Image

MiB = 1 << 20


# ---- PDF -----------------------------------------------------------------------------------


def pdf(*, width: int = 200, height: int = 100, pages: int = 1, encrypt: bool = False) -> bytes:
    """A minimal, valid PDF whose pages show a red rectangle on white. The first page is
    ``width`` × ``height`` points, any further ones the other way round."""
    drawing = b"1 0 0 rg 20 20 100 50 re f"
    page_ids = [4 + i for i in range(pages)]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % i for i in page_ids), pages),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(drawing), drawing),
        *(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 3 0 R >>"
            % ((width, height) if i == 0 else (height, width))
            for i in range(pages)
        ),
    ]
    trailer = b"/Root 1 0 R"
    if encrypt:
        # The standard security handler, revision 2, with an /U entry no empty password
        # produces: every reader has to ask for the password.
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <%s> /U <%s> >>" % (b"ab" * 32, b"cd" * 32)
        )
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (len(objects), b"01" * 16, b"01" * 16)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return bytes(out)


# ---- images --------------------------------------------------------------------------------


def image(image_format: str, size: tuple[int, int] = (64, 48), **save_args: object) -> bytes:
    picture = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    picture.save(out, image_format, **save_args)
    return out.getvalue()


def jpeg_rotated_by_exif(size: tuple[int, int]) -> bytes:
    """A photo stored sideways, as phones do, with EXIF orientation 6 (rotate 90° clockwise)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return image("JPEG", size, exif=exif.tobytes())


# ---- ZIP-based documents -------------------------------------------------------------------

_PARTS = {
    "docx": ("word/document.xml", "word/styles.xml"),
    "xlsx": ("xl/workbook.xml", "xl/worksheets/sheet1.xml"),
    "pptx": ("ppt/presentation.xml", "ppt/slides/slide1.xml"),
}


class _Unseekable(io.RawIOBase):
    """A sink zipfile cannot seek in, so it writes data descriptors as Java and streaming
    writers do."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.data += b
        return len(b)


def ooxml(
    kind: str, *, streamed: bool = False, filler_parts: int = 0, filler_size: int = 40_000
) -> bytes:
    """A docx/xlsx/pptx package: [Content_Types].xml, the common parts, then the main part.

    ``filler_parts`` adds incompressible docProps parts before the main part: many small ones
    put it beyond the first few entries, a few big ones past the first 64 KiB.
    """
    entries = [
        ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>' * 20),
        ("_rels/.rels", b"<Relationships/>"),
        ("docProps/core.xml", b"<cp:coreProperties/>"),
        *((f"docProps/custom{i}.bin", _noise(filler_size, seed=i)) for i in range(filler_parts)),
        *((part, b"<xml>" + b"content " * 200 + b"</xml>") for part in _PARTS[kind]),
    ]
    return _zip(entries, streamed=streamed)


def odf(kind: str) -> bytes:
    mimetype = {
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "odp": "application/vnd.oasis.opendocument.presentation",
    }[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), mimetype, zipfile.ZIP_STORED)
        package.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
        package.writestr("META-INF/manifest.xml", "<manifest:manifest/>", zipfile.ZIP_DEFLATED)
    return out.getvalue()


def plain_zip() -> bytes:
    return _zip([("photos/site-visit.jpg", image("JPEG")), ("notes.txt", b"visit notes")])


def _zip(entries: list[tuple[str, bytes]], *, streamed: bool = False) -> bytes:
    sink: io.BytesIO | _Unseekable = _Unseekable() if streamed else io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries:
            package.writestr(name, data)
    return bytes(sink.data) if isinstance(sink, _Unseekable) else sink.getvalue()


# ---- OLE compound files (Office 97-2003) ---------------------------------------------------

_FREE, _END, _FAT_SECTOR, _NO_ENTRY = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512


def ole(
    streams: dict[str, bytes],
    storages: dict[str, dict[str, bytes]] | None = None,
    *,
    data_first: bool = False,
) -> bytes:
    """A version 3 compound file with these top-level streams and storages.

    ``data_first`` puts the stream data before the allocation table and directory (as Word
    does), otherwise the table comes first (sector 0), as many other writers do.
    Streams are padded to 4096 bytes so that none needs the mini stream.
    """
    storages = storages or {}
    # directory: root, then each top-level child; a storage's streams follow it
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "children": []}]
    for name, data in streams.items():
        entries[0]["children"].append(len(entries))
        entries.append({"name": name, "type": 2, "data": data.ljust(4096, b"\0")})
    for name, inner in storages.items():
        entries[0]["children"].append(len(entries))
        storage: dict[str, Any] = {"name": name, "type": 1, "children": []}
        entries.append(storage)
        for inner_name, data in inner.items():
            storage["children"].append(len(entries))
            entries.append({"name": inner_name, "type": 2, "data": data.ljust(4096, b"\0")})

    data_sectors = sum(len(e["data"]) // _SECTOR for e in entries if "data" in e)
    dir_sectors = -(-len(entries) // 4)
    fat_sectors = 1
    while fat_sectors * 128 < data_sectors + dir_sectors + fat_sectors:
        fat_sectors += 1

    fat = [_FREE] * (fat_sectors * 128)
    if data_first:
        data_start, fat_start = 0, data_sectors
        dir_start = fat_start + fat_sectors
    else:
        fat_start, dir_start = 0, fat_sectors
        data_start = dir_start + dir_sectors
    for i in range(fat_sectors):
        fat[fat_start + i] = _FAT_SECTOR
    _chain(fat, dir_start, dir_sectors)
    body: dict[int, bytes] = {}
    next_data = data_start
    for entry in entries:
        if "data" in entry:
            count = len(entry["data"]) // _SECTOR
            entry["start"] = next_data
            _chain(fat, next_data, count)
            for i in range(count):
                body[next_data + i] = entry["data"][i * _SECTOR : (i + 1) * _SECTOR]
            next_data += count

    for entry in entries:  # children as a chain of right siblings
        children = entry.get("children", [])
        entry["child"] = children[0] if children else _NO_ENTRY
        for here, there in zip(children, [*children[1:], _NO_ENTRY], strict=False):
            entries[here]["right"] = there
    directory = b"".join(_dir_entry(e) for e in entries).ljust(dir_sectors * _SECTOR, b"\0")
    for i in range(dir_sectors):
        body[dir_start + i] = directory[i * _SECTOR : (i + 1) * _SECTOR]
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    for i in range(fat_sectors):
        body[fat_start + i] = fat_bytes[i * _SECTOR : (i + 1) * _SECTOR]

    header = bytearray(_SECTOR)
    header[0:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 0x2C, fat_sectors, dir_start, 0)
    struct.pack_into("<IIIII", header, 0x38, 4096, _END, 0, _END, 0)
    difat = [fat_start + i for i in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    struct.pack_into("<109I", header, 0x4C, *difat)
    return bytes(header) + b"".join(body[i] for i in range(len(body)))


def _chain(fat: list[int], start: int, count: int) -> None:
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else _END


def _dir_entry(entry: dict) -> bytes:
    raw = bytearray(128)
    name = entry["name"].encode("utf-16-le")
    raw[0 : len(name)] = name
    struct.pack_into("<HBB", raw, 0x40, len(name) + 2, entry["type"], 1)
    left, right = _NO_ENTRY, entry.get("right", _NO_ENTRY)
    struct.pack_into("<III", raw, 0x44, left, right, entry["child"])
    start = entry.get("start", _END)
    struct.pack_into("<IQ", raw, 0x74, start, len(entry.get("data", b"")))
    return bytes(raw)


def word_97(*, data_first: bool = False) -> bytes:
    streams = {"WordDocument": b"\xec\xa5" + b"word" * 100, "1Table": b"table"}
    return ole(streams, data_first=data_first)


def excel_97(*, data_first: bool = False) -> bytes:
    streams = {"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"cells" * 100}
    return ole(streams, data_first=data_first)


def powerpoint_97(*, data_first: bool = False) -> bytes:
    streams = {"PowerPoint Document": b"slides" * 100, "Current User": b"user"}
    return ole(streams, data_first=data_first)


# ---- programs ------------------------------------------------------------------------------


def elf_program() -> bytes:
    header = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHI", 2, 0x3E, 1)
    return header.ljust(64, b"\0") + _noise(4000)


def windows_program() -> bytes:
    dos = bytearray(b"MZ".ljust(0x40, b"\0"))
    struct.pack_into("<I", dos, 0x3C, 0x40)
    return bytes(dos) + b"PE\0\0" + _noise(4000)


# ---- streams -------------------------------------------------------------------------------


def _noise(size: int, seed: int = 0) -> bytes:
    """Deterministic bytes that do not compress (SHA-256 in counter mode)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(b"%d:%d" % (seed, counter)).digest()
        counter += 1
    return bytes(out[:size])


class GeneratedStream:
    """``size`` bytes made on demand (``head`` first, then ``block`` over and over; noise by
    default), never all in memory. ``sha256`` is the hash of everything handed out so far."""

    def __init__(
        self,
        size: int,
        head: bytes = b"",
        *,
        block: bytes | None = None,
        fail_after: int | None = None,
    ) -> None:
        self.remaining = size
        self.head = head
        self.block = block or _noise(MiB)
        self.fail_after = fail_after
        self.handed_out = 0
        self._hash = hashlib.sha256()

    def read(self, size: int = -1, /) -> bytes:
        if self.fail_after is not None and self.handed_out >= self.fail_after:
            raise ConnectionResetError("the upload broke off")
        size = self.remaining if size < 0 else min(size, self.remaining)
        if self.head:
            data, self.head = self.head[:size], self.head[size:]
        else:
            offset = self.handed_out % len(self.block)
            end = offset + min(size, len(self.block) - offset)
            data = bytes(memoryview(self.block)[offset:end])  # a fresh object, as a socket gives
        self.remaining -= len(data)
        self.handed_out += len(data)
        self._hash.update(data)
        return data

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

"""Reading an archive's zip members without trusting it: names, sizes, expansion and hashes are
checked, and every way a damaged zip can fail while being read becomes a refusal naming the member.
"""

from __future__ import annotations

import hashlib
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from criteria.yaml_source import bounded
from criteria.zip_bounds import ZipExcess, zip_excess
from domain.errors import StoreError
from texts import t

FORMAT = "gbt-audit-archive"
CHUNK = 1 << 20
MAX_MEMBERS = 20_000
MAX_DATA_BYTES = 64 << 20  # data.json and manifest.json; real ones are a few MiB at most
MAX_CATALOGUE_BYTES = 4 << 20  # the YAML reader's own limit (criteria.yaml_source)
MAX_TOTAL_BYTES = 4 << 30  # every member together, uncompressed
# Uncompressed ÷ compressed, for every member whatever its size and for the archive as a whole:
# JSON and YAML compress 5–20×, evidence is stored uncompressed; hundreds × is a zip bomb.
MAX_RATIO = 200
MEMBER = re.compile(
    r"^(manifest\.json|data\.json|catalogues/[0-9a-f]{64}\.yaml|evidence/[0-9a-f]{64})$"
)
MAX_MESSAGE_CHARS = 2000


class ArchiveRefused(StoreError):
    """The archive cannot be imported; nothing was changed. A refusal with a ``code`` has its
    text in texts/store.yaml, filled from ``values`` (``message(lang)``); the older ones carry
    their message as given."""

    def __init__(self, message: str = "", *, code: str | None = None, **values: object) -> None:
        self.code = code
        self.values = values
        if code is not None:
            message = self.message("zh") + " — " + self.message("en")
        super().__init__(bounded(message, MAX_MESSAGE_CHARS))

    def message(self, lang: str = "zh") -> str:
        if self.code is None:
            return str(self)
        return bounded(t(self.code, lang, **self.values), MAX_MESSAGE_CHARS)

    def text(self, lang: str) -> str:
        """The refusal in the reader's language (ui.state.refusal asks for this)."""
        return self.message(lang)


def open_zip(source: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveRefused(f"{Path(source).name}: not a readable .zip archive ({exc})") from None


@contextmanager
def reading(name: str) -> Iterator[None]:
    """A member that fails while being read (bad CRC, corrupt deflate stream, truncated file,
    an encrypted or unknown compression) is refused by name instead of raising a traceback."""
    try:
        yield
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ) as exc:
        raise ArchiveRefused(
            f"member {name!r} cannot be read; the archive is damaged ({type(exc).__name__}: "
            f"{bounded(str(exc), 200)}) — 存档已损坏"
        ) from None


def check_members(archive: zipfile.ZipFile, max_evidence_bytes: int) -> dict[str, zipfile.ZipInfo]:
    """Every member's name, declared size and expansion, before any byte is read."""
    with reading("(central directory)"):
        infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ArchiveRefused(f"archive has {len(infos)} members; at most {MAX_MEMBERS} expected")
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
            raise ArchiveRefused(f"member {name!r} has an absolute path")
        if ".." in name.split("/") or "\\" in name or "\0" in name:
            raise ArchiveRefused(f"member {name!r} tries to leave the archive folder")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ArchiveRefused(f"member {name!r} is a symbolic link")
        if info.is_dir() or not MEMBER.match(name):
            raise ArchiveRefused(f"member {name!r} is not part of the archive format")
        if name in members:
            raise ArchiveRefused(f"member {name!r} appears twice")
        members[name] = info
    excess = zip_excess(
        infos,
        lambda name: _limit(name, max_evidence_bytes),
        max_members=MAX_MEMBERS,
        max_total=MAX_TOTAL_BYTES,
        max_ratio=MAX_RATIO,
    )
    if excess is not None:
        raise ArchiveRefused(_excess_message(excess))
    for required in ("manifest.json", "data.json"):
        if required not in members:
            raise ArchiveRefused(f"archive has no {required}; it is not a {FORMAT}")
    return members


def _excess_message(excess: ZipExcess) -> str:
    name, value, limit = excess.member, excess.value, excess.limit
    if excess.kind == "member_size":
        return f"member {name!r} is {value} bytes; the limit is {limit} bytes"
    if excess.kind == "member_ratio":
        return f"member {name!r} expands {value}× (a zip bomb?); refused"
    if excess.kind == "total_size":
        return f"archive expands to {value} bytes; at most {limit} bytes are imported"
    if excess.kind == "total_ratio":
        return f"archive expands {value}× (a zip bomb?)"
    return f"archive has {value} members; at most {limit} expected"


def _limit(name: str, max_evidence_bytes: int) -> int:
    if name.startswith("evidence/"):
        return max_evidence_bytes
    if name.startswith("catalogues/"):
        return MAX_CATALOGUE_BYTES
    return MAX_DATA_BYTES


class CappedStream:
    """A member's bytes, refusing more than its header declared (headers can lie) and turning
    read failures into refusals naming the member."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        self._info = info
        self._seen = 0
        with reading(info.filename):
            self._source: IO[bytes] = archive.open(info)

    def read(self, size: int = -1, /) -> bytes:
        with reading(self._info.filename):
            chunk = self._source.read(size if size >= 0 else CHUNK)
        self._seen += len(chunk)
        if self._seen > self._info.file_size:
            raise ArchiveRefused(f"member {self._info.filename!r} is larger than it declares")
        return chunk

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> CappedStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A small member's bytes (its size was bounded by ``check_members``)."""
    with CappedStream(archive, info) as stream:
        parts = []
        while chunk := stream.read(CHUNK):
            parts.append(chunk)
    return b"".join(parts)


def verify_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sha256: str, size: int) -> None:
    """Refuse a member whose bytes are not the ones the manifest recorded."""
    digest, seen = hashlib.sha256(), 0
    with CappedStream(archive, info) as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            seen += len(chunk)
    if seen != size or digest.hexdigest() != sha256:
        raise ArchiveRefused(code="store.archive.member_altered", member=repr(info.filename))
    if info.filename.startswith("evidence/") and sha256 != info.filename[9:]:
        raise ArchiveRefused(f"evidence file {info.filename!r} does not hash to its name")

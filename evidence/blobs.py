"""Content-addressed file storage: every evidence file is kept once, under its SHA-256.

The name of a blob is the hash of its bytes, so a stored file proves itself: re-hashing it
(``verify``) shows whether it is still exactly the file that was attached.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK_BYTES = 1 << 20  # read, hash and write 1 MiB at a time: memory stays flat for any size
_SHA256 = re.compile(r"[0-9a-f]{64}")
_HEX2 = re.compile(r"[0-9a-f]{2}")


class Readable(Protocol):
    """What ``put`` needs from a stream: an open binary file, an upload, a socket reader."""

    def read(self, size: int = -1, /) -> bytes: ...


class BadBlobHash(ValueError):
    """Not a SHA-256 in lowercase hex: refused before it can become part of a path."""


class BlobMissing(LookupError):
    """No blob is stored under this hash."""


class BlobTooLarge(Exception):
    """The stream went past ``max_bytes``; nothing was stored."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"stream is larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    created: bool  # False: identical content was already stored, this put added nothing


class BlobState(StrEnum):
    OK = "ok"  # the stored bytes still hash to their name
    CHANGED = "changed"  # the bytes on disk no longer match: the evidence was altered or damaged
    MISSING = "missing"  # nothing stored under this hash


@dataclass(frozen=True)
class BlobCheck:
    sha256: str
    state: BlobState
    actual_sha256: str | None = None  # what the stored bytes hash to now (None when missing)
    size: int | None = None

    @property
    def ok(self) -> bool:
        return self.state is BlobState.OK


def check_sha256(value: object) -> str:
    """``value`` if it is 64 lowercase hex digits, else ``BadBlobHash``."""
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise BadBlobHash(f"not a lowercase hex SHA-256: {value!r}")
    return value


class BlobStore(Protocol):
    """The file side of the evidence library; ``LocalBlobStore`` now, an S3-style store later."""

    def put(self, stream: Readable, *, max_bytes: int) -> StoredBlob: ...

    def open(self, sha256: str) -> BinaryIO: ...

    def exists(self, sha256: str) -> bool: ...

    def size(self, sha256: str) -> int: ...

    def local_path(self, sha256: str) -> Path | None:
        """A file on this machine holding the blob (for PDF tools), None for remote stores."""
        ...

    def delete(self, sha256: str) -> None:
        """Remove the blob. Only for blobs nothing references any more."""
        ...

    def iter_hashes(self) -> Iterator[str]: ...

    def verify(self, sha256: str) -> BlobCheck: ...

    def verify_many(self, hashes: Iterable[str]) -> list[BlobCheck]: ...


class LocalBlobStore:
    """Blobs as read-only files ``root/ab/cd/<sha256>``; writes go through ``root/tmp``.

    A blob appears under its final name only by an atomic rename of a complete, fsynced file,
    so a crash leaves at worst a temp file, which a later open removes once it is stale.
    """

    def __init__(self, root: Path, *, stale_after: timedelta = timedelta(hours=1)) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"  # same filesystem as the blobs, so os.replace is atomic
        self._tmp.mkdir(parents=True, exist_ok=True)
        self.remove_stale_temp_files(stale_after)

    def remove_stale_temp_files(self, older_than: timedelta) -> int:
        """Delete temp files left by crashed writes. Only stale ones: another process sharing
        the store may be writing a fresh one right now."""
        cutoff = time.time() - older_than.total_seconds()
        removed = 0
        for path in self._tmp.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime <= cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # removed by someone else meanwhile
                pass
        return removed

    def put(self, stream: Readable, *, max_bytes: int) -> StoredBlob:
        if max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-", suffix=".part")
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK_BYTES):
                    size += len(chunk)
                    if size > max_bytes:
                        raise BlobTooLarge(max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            final = self._path(sha256)
            if final.exists():
                tmp.unlink()
                return StoredBlob(sha256, size, created=False)
            os.chmod(tmp, 0o444)  # evidence is never edited in place
            self._make_parents(final)
            os.replace(tmp, final)
            _fsync_dir(final.parent)  # make the rename itself survive a power cut
            return StoredBlob(sha256, size, created=True)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self._path(sha256).open("rb")
        except FileNotFoundError:
            raise BlobMissing(sha256) from None

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def size(self, sha256: str) -> int:
        try:
            return self._path(sha256).stat().st_size
        except FileNotFoundError:
            raise BlobMissing(sha256) from None

    def local_path(self, sha256: str) -> Path | None:
        path = self._path(sha256)
        return path if path.is_file() else None

    def delete(self, sha256: str) -> None:
        # The emptied ab/cd directories stay: removing them could race a put writing there.
        self._path(sha256).unlink(missing_ok=True)

    def iter_hashes(self) -> Iterator[str]:
        for first in _subdirs(self.root):
            for second in _subdirs(first):
                for path in sorted(second.iterdir()):
                    name = path.name
                    if _SHA256.fullmatch(name) and name.startswith(first.name + second.name):
                        yield name

    def verify(self, sha256: str) -> BlobCheck:
        digest = hashlib.sha256()
        size = 0
        try:
            with self._path(sha256).open("rb") as stored:
                while chunk := stored.read(CHUNK_BYTES):
                    digest.update(chunk)
                    size += len(chunk)
        except FileNotFoundError:
            return BlobCheck(sha256, BlobState.MISSING)
        actual = digest.hexdigest()
        state = BlobState.OK if actual == sha256 else BlobState.CHANGED
        return BlobCheck(sha256, state, actual, size)

    def verify_many(self, hashes: Iterable[str]) -> list[BlobCheck]:
        return [self.verify(sha256) for sha256 in hashes]

    def _path(self, sha256: str) -> Path:
        sha256 = check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _make_parents(self, final: Path) -> None:
        new = [d for d in (final.parent.parent, final.parent) if not d.is_dir()]
        final.parent.mkdir(parents=True, exist_ok=True)
        for directory in new:  # a new directory's entry lives in its parent
            _fsync_dir(directory.parent)


def _subdirs(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if _HEX2.fullmatch(p.name) and p.is_dir())


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # platforms that cannot open directories (Windows) have no need to
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

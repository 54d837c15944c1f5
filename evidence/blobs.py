"""Content-addressed file storage: every evidence file is kept once, under its SHA-256.

The name of a blob is the hash of its bytes, so a stored file proves itself: re-hashing it
(``verify``) shows whether it is still exactly the file that was attached.

Blobs nothing references any more are removed by ``collect_garbage`` while the app runs. A blob
is written before the database row that references it is committed (an upload, an import), so
garbage collection must never take a blob that is about to be referenced. Two things make that
safe: a grace period (only blobs whose file time is older than it may go; ``put`` refreshes the
time of a blob it finds already stored, so re-uploading old content protects it again), and a
lock on the temp folder: ``put`` and ``publish`` hold it shared around "is it there / touch /
rename", garbage collection holds it exclusively around "is it still old / delete", so the two
never interleave.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO, Protocol

CHUNK_BYTES = 1 << 20  # read, hash and write 1 MiB at a time: memory stays flat for any size
GC_GRACE = timedelta(hours=1)  # longer than any upload or import takes from put to commit
_SHA256 = re.compile(r"[0-9a-f]{64}")
_HEX2 = re.compile(r"[0-9a-f]{2}")


class Readable(Protocol):
    """What ``put`` needs from a stream: an open binary file, an upload, a socket reader."""

    def read(self, size: int = -1, /) -> bytes: ...


class BadBlobHash(ValueError):
    """Not a SHA-256 in lowercase hex: refused before it can become part of a path."""


class BlobMissing(LookupError):
    """No blob is stored under this hash."""


class BlobStoreUnavailable(OSError):
    """The bucket did not answer, or refused us (credentials, permissions, no such bucket)."""


class BlobChanged(OSError):
    """The stored bytes no longer hash to their name: read to the end, and refused there."""

    def __init__(self, sha256: str, actual: str) -> None:
        super().__init__(f"blob {sha256} now hashes to {actual}")
        self.sha256 = sha256
        self.actual = actual


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


Check = Callable[[BinaryIO], None]
"""Looks at a complete file before it is stored (an image decoding to its end); raises to
refuse it, and then nothing is stored."""


class BlobIntake(Protocol):
    """Where the upload checks put a file: the blob store itself, or an import's staging area."""

    def put(
        self, stream: Readable, *, max_bytes: int, check: Check | None = None
    ) -> StoredBlob: ...


class BlobStore(Protocol):
    """The file side of the evidence library: ``LocalBlobStore`` (a folder, the default) or
    ``evidence.s3.S3BlobStore`` (a bucket), chosen by GBT_AUDIT_EVIDENCE_URL."""

    def put(
        self, stream: Readable, *, max_bytes: int, check: Check | None = None
    ) -> StoredBlob: ...

    def open(self, sha256: str) -> VerifiedReader:
        """The bytes in order, re-hashed as they are read: the read that reaches the end raises
        ``BlobChanged`` when they no longer match their name."""
        ...

    def local_copy(self, sha256: str) -> AbstractContextManager[Path]:
        """A verified file on this machine for tools that need one (PDF, images): the blob
        itself in a folder, a temporary copy (removed on exit) for a bucket."""
        ...

    def describe(self) -> str:
        """Where the blobs are, for messages: a folder, or s3://bucket/prefix."""
        ...

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

    def staging(self) -> StagingArea:
        """A place to write blobs that reach the store only by ``publish``."""
        ...

    @property
    def spool(self) -> Path:
        """This machine's folder for files on their way (see SpoolFolder)."""
        ...

    def work_folder(self, prefix: str) -> Path:
        """A new folder on this machine for transient files (an uploaded archive, an export);
        ``collect_garbage`` removes it once stale, e.g. after the process was killed."""
        ...

    def collect_garbage(
        self,
        referenced: Callable[[], set[str]],
        *,
        grace: timedelta = GC_GRACE,
        now: float | None = None,
    ) -> GarbageReport: ...

    # used by StagingArea
    def _place(self, tmp: Path, sha256: str, size: int) -> StoredBlob: ...

    def _stamp(self, sha256: str) -> object: ...

    def _retract(self, sha256: str, stamp: object) -> None: ...


@dataclass(frozen=True)
class GarbageReport:
    removed: tuple[str, ...]  # hashes of the blobs deleted
    freed_bytes: int
    kept_recent: int  # unreferenced, but younger than the grace period: perhaps being attached


class SpoolFolder:
    """The folder on this machine where blobs are written before they are placed, and where
    transient work (a staged import, an uploaded archive, an export) lives. Whatever a killed
    process left there is removed once it is older than the grace period."""

    _tmp: Path

    @property
    def spool(self) -> Path:
        return self._tmp

    def _init_spool(self, folder: Path, stale_after: timedelta) -> None:
        self._tmp = Path(folder)
        self._tmp.mkdir(parents=True, exist_ok=True)
        self.remove_stale_temp_files(stale_after)

    @contextmanager
    def _locked(self, *, exclusive: bool) -> Iterator[None]:
        """The garbage-collection lock, across threads and processes of this machine: flock on
        the temp folder itself, so the lock adds no file to the store."""
        fd = os.open(self._tmp, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def remove_stale_temp_files(self, older_than: timedelta, *, now: float | None = None) -> int:
        """Delete temp files and work folders left by crashed writes, imports and exports. Only
        stale ones: another process sharing the store may be writing a fresh one right now.
        A folder counts as fresh while anything inside it is."""
        cutoff = (time.time() if now is None else now) - older_than.total_seconds()
        removed = 0
        for path in self._tmp.iterdir():
            try:
                if path.is_file():
                    if path.stat().st_mtime > cutoff:
                        continue
                    path.unlink()
                    removed += 1
                elif path.is_dir() and path.name.startswith(_WORK_PREFIXES):
                    if _newest_mtime(path) > cutoff:
                        continue
                    shutil.rmtree(path)  # an import or export that crashed midway
                    removed += 1
            except FileNotFoundError:  # removed by someone else meanwhile
                pass
        return removed

    def staging(self) -> StagingArea:
        folder = Path(tempfile.mkdtemp(dir=self._tmp, prefix=_STAGE_PREFIX))
        return StagingArea(self, folder)  # type: ignore[arg-type]  # mixed into BlobStores only

    def work_folder(self, prefix: str) -> Path:
        if not prefix.startswith(_WORK_PREFIXES):
            raise ValueError(f"work folder prefix must be one of {_WORK_PREFIXES}")
        return Path(tempfile.mkdtemp(dir=self._tmp, prefix=prefix))

    def _spool(
        self, stream: Readable, max_bytes: int, check: Check | None
    ) -> tuple[Path, str, int]:
        """The stream in a complete temp file, hashed, counted and checked."""
        tmp, sha256, size = _write_temp(stream, self._tmp, "put-", max_bytes)
        try:
            if check is not None:
                with tmp.open("rb") as written:
                    check(written)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp, sha256, size


class LocalBlobStore(SpoolFolder):
    """Blobs as read-only files ``root/ab/cd/<sha256>``; writes go through ``root/tmp``.

    A blob appears under its final name only by an atomic rename of a complete, fsynced file,
    so a crash leaves at worst a temp file, which a later open removes once it is stale.
    """

    def __init__(self, root: Path, *, stale_after: timedelta = timedelta(hours=1)) -> None:
        self.root = Path(root)
        # same filesystem as the blobs, so os.replace is atomic
        self._init_spool(self.root / "tmp", stale_after)

    def describe(self) -> str:
        return str(self.root)

    def put(self, stream: Readable, *, max_bytes: int, check: Check | None = None) -> StoredBlob:
        tmp, sha256, size = self._spool(stream, max_bytes, check)
        try:
            return self._place(tmp, sha256, size)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _place(self, tmp: Path, sha256: str, size: int) -> StoredBlob:
        """Move a complete, fsynced file to its blob name (or drop it when already stored)."""
        final = self._path(sha256)
        with self._locked(exclusive=False):
            if final.exists():
                tmp.unlink()
                os.utime(final)  # fresh again: garbage collection leaves it for the grace period
                return StoredBlob(sha256, size, created=False)
            os.chmod(tmp, 0o444)  # evidence is never edited in place
            self._make_parents(final)
            os.replace(tmp, final)
            os.utime(final)  # the grace period counts from now, not from when the bytes arrived
        _fsync_dir(final.parent)  # make the rename itself survive a power cut
        return StoredBlob(sha256, size, created=True)

    def collect_garbage(
        self,
        referenced: Callable[[], set[str]],
        *,
        grace: timedelta = GC_GRACE,
        now: float | None = None,
    ) -> GarbageReport:
        """Delete blobs that nothing references and that are older than ``grace``.

        ``referenced`` is asked once, after the blobs are listed: a blob put before the listing
        and committed before the question is kept; one committed later is younger than the grace
        period (put and publish touch it), as long as no upload takes longer than ``grace`` from
        put to commit."""
        candidates = list(self.iter_hashes())
        keep = referenced()
        removed: list[str] = []
        freed = recent = 0
        cutoff = (time.time() if now is None else now) - grace.total_seconds()
        for sha256 in candidates:
            if sha256 in keep:
                continue
            path = self._path(sha256)
            with self._locked(exclusive=True):
                try:
                    info = path.stat()
                    if info.st_mtime > cutoff:
                        recent += 1
                        continue
                    path.unlink()
                except FileNotFoundError:
                    continue
                self._remove_empty_parents(path)
            removed.append(sha256)
            freed += info.st_size
        self.remove_stale_temp_files(grace, now=now)
        return GarbageReport(tuple(removed), freed, recent)

    def _stamp(self, sha256: str) -> object:
        return self._path(sha256).stat().st_mtime_ns

    def _retract(self, sha256: str, stamp: object) -> None:
        """Undo a ``publish`` whose database commit failed: delete the blob unless someone
        touched it since (a concurrent upload of the same bytes that now relies on it)."""
        path = self._path(sha256)
        with self._locked(exclusive=True):
            try:
                if path.stat().st_mtime_ns != stamp:
                    return
                path.unlink()
            except FileNotFoundError:
                return
            self._remove_empty_parents(path)

    def _remove_empty_parents(self, path: Path) -> None:
        """Drop the ab/cd folders a removed blob leaves empty. Only under the exclusive lock:
        ``_place`` creates them and renames into them under the shared one."""
        for directory in (path.parent, path.parent.parent):
            try:
                directory.rmdir()
            except OSError:  # not empty (or already gone): nothing more to remove
                return

    def open(self, sha256: str) -> VerifiedReader:
        try:
            return VerifiedReader(self._path(sha256).open("rb"), sha256)
        except FileNotFoundError:
            raise BlobMissing(sha256) from None

    @contextmanager
    def local_copy(self, sha256: str) -> Iterator[Path]:
        check = self.verify(sha256)
        if check.state is BlobState.MISSING:
            raise BlobMissing(sha256)
        if not check.ok:
            raise BlobChanged(sha256, check.actual_sha256 or "")
        yield self._path(sha256)

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
        try:
            with self._path(sha256).open("rb") as stored:
                return hash_stream(sha256, stored)
        except FileNotFoundError:
            return BlobCheck(sha256, BlobState.MISSING)

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


def hash_stream(sha256: str, stream: Readable) -> BlobCheck:
    """Read ``stream`` to its end in chunks and say whether it hashes to ``sha256``."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    actual = digest.hexdigest()
    state = BlobState.OK if actual == sha256 else BlobState.CHANGED
    return BlobCheck(sha256, state, actual, size)


class VerifiedReader(io.RawIOBase):
    """A blob's bytes in order, hashed as they pass: the read that reaches the end raises
    ``BlobChanged`` if they do not hash to the blob's name, so a reader that reads to the end
    (an archive, a download) never takes changed bytes for the evidence."""

    def __init__(self, raw: Readable, sha256: str) -> None:
        super().__init__()
        self._raw = raw
        self.sha256 = sha256
        self._digest = hashlib.sha256()
        self._done = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1, /) -> bytes:
        whole = size is None or size < 0
        data = self._raw.read() if size is None or size < 0 else self._raw.read(size)
        if data:
            self._digest.update(data)
        if (whole or (not data and size != 0)) and not self._done:
            self._done = True
            actual = self._digest.hexdigest()
            if actual != self.sha256:
                raise BlobChanged(self.sha256, actual)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        close = getattr(self._raw, "close", None)
        if callable(close):
            close()
        super().close()


_STAGE_PREFIX = "stage-"
_WORK_PREFIXES = (_STAGE_PREFIX, "import-", "export-", "job-")


def _newest_mtime(folder: Path) -> float:
    newest = folder.stat().st_mtime
    for path in folder.rglob("*"):
        with suppress(FileNotFoundError):
            newest = max(newest, path.stat().st_mtime)
    return newest


@dataclass
class StagingArea:
    """Blobs written aside (in the store's temp folder) that join the store only when
    ``publish`` is called, i.e. when the import that brought them commits. Used as a context
    manager: whatever was not published is removed on exit."""

    store: BlobStore
    directory: Path
    staged: dict[str, Path] = field(default_factory=dict)
    published: dict[str, object] = field(default_factory=dict)  # created blobs → their stamp

    def put(self, stream: Readable, *, max_bytes: int, check: Check | None = None) -> StoredBlob:
        tmp, sha256, size = _write_temp(stream, self.directory, "", max_bytes)
        try:
            if check is not None:
                with tmp.open("rb") as written:
                    check(written)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        if sha256 in self.staged:
            tmp.unlink()
        else:
            self.staged[sha256] = tmp
        return StoredBlob(sha256, size, created=not self.store.exists(sha256))

    def publish(self) -> None:
        """Move every staged blob into the store. Call inside the database transaction, just
        before it commits: a crash between the two leaves unreferenced blobs (garbage collection
        removes them), never rows without their files."""
        for sha256, tmp in sorted(self.staged.items()):
            stored = self.store._place(tmp, sha256, tmp.stat().st_size)
            if stored.created:
                self.published[sha256] = self.store._stamp(sha256)
        self.staged.clear()

    def retract(self) -> None:
        """The commit failed after ``publish``: take back the blobs it created."""
        for sha256, stamp in self.published.items():
            self.store._retract(sha256, stamp)
        self.published.clear()

    def __enter__(self) -> StagingArea:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


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


def _write_temp(
    stream: Readable, folder: Path, prefix: str, max_bytes: int
) -> tuple[Path, str, int]:
    """Stream into a new fsynced temp file in ``folder``, hashing and counting as it goes:
    (path, SHA-256, size). Too large a stream, or any failure, leaves no file behind."""
    if max_bytes < 0:
        raise ValueError("max_bytes must not be negative")
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".part")
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
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, digest.hexdigest(), size

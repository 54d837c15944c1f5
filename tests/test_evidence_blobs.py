"""The evidence blob store: files kept once by SHA-256, written atomically, checked on demand."""

import hashlib
import io
import os
import stat
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from evidence_samples import GeneratedStream, MiB

from evidence import (
    BadBlobHash,
    BlobMissing,
    BlobState,
    BlobTooLarge,
    LocalBlobStore,
)

REPO = Path(__file__).resolve().parent.parent
CONTENT = "售后服务管理制度（2026版）".encode() * 1000


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def put(store: LocalBlobStore, data: bytes, max_bytes: int = 100 * MiB):
    return store.put(io.BytesIO(data), max_bytes=max_bytes)


def test_a_blob_is_named_by_the_sha256_of_its_bytes(store):
    blob = put(store, CONTENT)
    assert blob.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert blob.size == len(CONTENT)
    assert blob.created


def test_blobs_live_under_two_levels_of_hash_prefix(store):
    blob = put(store, CONTENT)
    h = blob.sha256
    assert store.local_path(h) == store.root / h[:2] / h[2:4] / h


def test_identical_files_are_stored_once(store):
    first = put(store, CONTENT)
    second = put(store, CONTENT)
    assert second.sha256 == first.sha256
    assert not second.created
    assert files_under(store.root) == [store.local_path(first.sha256)]


def test_the_stored_bytes_are_the_bytes_put(store):
    blob = put(store, CONTENT)
    with store.open(blob.sha256) as stored:
        assert stored.read() == CONTENT
    assert store.exists(blob.sha256)
    assert store.size(blob.sha256) == len(CONTENT)


def test_stored_blobs_are_read_only_on_disk(store):
    path = store.local_path(put(store, CONTENT).sha256)
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_a_60_mb_stream_is_stored_with_bounded_memory(store):
    stream = GeneratedStream(60 * MiB)
    tracemalloc.start()
    try:
        blob = store.put(stream, max_bytes=100 * MiB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert blob.size == 60 * MiB
    assert blob.sha256 == stream.sha256
    assert peak < 4 * MiB


def test_a_stream_over_max_bytes_is_refused_midway_and_leaves_nothing(store):
    stream = GeneratedStream(500 * MiB)
    with pytest.raises(BlobTooLarge):
        store.put(stream, max_bytes=3 * MiB)
    assert stream.handed_out <= 4 * MiB  # stopped reading at the limit, not at the end
    assert files_under(store.root) == []


def test_exactly_max_bytes_is_within_the_limit(store):
    assert put(store, CONTENT, max_bytes=len(CONTENT)).size == len(CONTENT)
    with pytest.raises(BlobTooLarge):
        put(store, CONTENT + b".", max_bytes=len(CONTENT))


def test_a_stream_that_breaks_off_leaves_no_blob_and_no_temp_file(store):
    with pytest.raises(ConnectionResetError):
        store.put(GeneratedStream(10 * MiB, fail_after=5 * MiB), max_bytes=100 * MiB)
    assert files_under(store.root) == []


_DIES_MID_WRITE = """
import os, sys
from pathlib import Path
from evidence.blobs import LocalBlobStore

class Dies:
    reads = 0
    def read(self, size=-1):
        self.reads += 1
        if self.reads > 3:
            os._exit(9)  # killed mid-write: no exception handler, no finally runs
        return b"x" * (1 << 20)

LocalBlobStore(Path(sys.argv[1])).put(Dies(), max_bytes=1 << 30)
"""


def test_a_process_killed_mid_write_leaves_no_blob_and_its_temp_file_is_cleaned_later(tmp_path):
    root = tmp_path / "blobs"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    died = subprocess.run([sys.executable, "-c", _DIES_MID_WRITE, str(root)], env=env)
    assert died.returncode == 9

    left = files_under(root)
    assert [p.parent.name for p in left] == ["tmp"]  # only the temp file, no partial blob
    assert list(LocalBlobStore(root).iter_hashes()) == []

    an_hour_ago = time.time() - 3700
    os.utime(left[0], (an_hour_ago, an_hour_ago))
    LocalBlobStore(root)  # opening the store clears stale temp files
    assert files_under(root) == []


def test_fresh_temp_files_are_left_alone_as_another_writer_may_own_them(tmp_path):
    root = tmp_path / "blobs"
    LocalBlobStore(root)
    in_progress = root / "tmp" / "put-other-writer.part"
    in_progress.write_bytes(b"half an upload")
    LocalBlobStore(root)
    assert in_progress.exists()


def test_verify_reports_an_intact_blob_as_ok(store):
    blob = put(store, CONTENT)
    check = store.verify(blob.sha256)
    assert check.state is BlobState.OK and check.ok
    assert check.actual_sha256 == blob.sha256
    assert check.size == len(CONTENT)


def test_verify_reports_a_blob_with_one_byte_flipped_on_disk_as_changed(store):
    blob = put(store, CONTENT)
    path = store.local_path(blob.sha256)
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[1234] ^= 0x01
    path.write_bytes(data)

    check = store.verify(blob.sha256)
    assert check.state is BlobState.CHANGED
    assert not check.ok
    assert check.actual_sha256 == hashlib.sha256(data).hexdigest()


def test_verify_reports_a_deleted_blob_as_missing(store):
    blob = put(store, CONTENT)
    store.local_path(blob.sha256).unlink()
    check = store.verify(blob.sha256)
    assert check.state is BlobState.MISSING
    assert check.actual_sha256 is None


def test_verify_many_checks_each_hash_in_order(store):
    kept = put(store, b"kept").sha256
    lost = put(store, b"lost").sha256
    store.delete(lost)
    states = [c.state for c in store.verify_many([kept, lost, kept])]
    assert states == [BlobState.OK, BlobState.MISSING, BlobState.OK]


def test_iter_hashes_lists_every_blob_and_nothing_else(store):
    hashes = {put(store, bytes([i]) * 100).sha256 for i in range(5)}
    (store.root / "tmp" / "put-x.part").write_bytes(b"temp")
    (store.root / "ab").mkdir(exist_ok=True)
    (store.root / "ab" / "stray.txt").write_bytes(b"not a blob")
    assert set(store.iter_hashes()) == hashes


def test_delete_removes_a_blob_and_tolerates_one_already_gone(store):
    blob = put(store, CONTENT)
    store.delete(blob.sha256)
    assert not store.exists(blob.sha256)
    assert store.local_path(blob.sha256) is None
    store.delete(blob.sha256)


def test_reading_a_missing_blob_says_so(store):
    absent = "0" * 64
    with pytest.raises(BlobMissing):
        store.open(absent)
    with pytest.raises(BlobMissing):
        store.size(absent)
    assert not store.exists(absent)


BAD_HASHES = [
    "",
    "abc",
    "A" * 64,  # hex, but upper case
    "g" * 64,
    "a" * 63,
    "a" * 65,
    "a" * 64 + "\n",
    "../" * 21 + "a",  # 64 characters of path
    "/etc/passwd".ljust(64, "0"),
    None,
    b"a" * 64,
]


@pytest.mark.parametrize("bad", BAD_HASHES)
@pytest.mark.parametrize("method", ["open", "exists", "size", "local_path", "delete", "verify"])
def test_anything_but_64_lowercase_hex_digits_is_refused_as_a_hash(store, method, bad):
    with pytest.raises(BadBlobHash):
        getattr(store, method)(bad)

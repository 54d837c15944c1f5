"""The blob-store contract, on both backends: the local folder and an S3-compatible bucket
(a real moto server on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import io
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest
from blob_helpers import files_on_disk, overwrite, remove
from evidence_samples import GeneratedStream, MiB, image
from s3_server import client, new_bucket, object_key

from evidence import (
    BlobMissing,
    BlobState,
    BlobStore,
    BlobTooLarge,
    LocalBlobStore,
    UploadPolicy,
    ingest,
)
from evidence.blobs import BlobChanged, BlobStoreUnavailable
from evidence.checks import EvidenceRefused, RefusalCode
from evidence.s3 import S3BlobStore
from evidence.s3_settings import S3Settings

CONTENT = "售后服务管理制度（2026版）".encode() * 1000
SHA = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def blobs(evidence_backend: S3Settings | None, tmp_path: Path) -> BlobStore:
    if evidence_backend is None:
        return LocalBlobStore(tmp_path / "evidence")
    return S3BlobStore(evidence_backend, tmp_path / "spool")


def put(blobs: BlobStore, data: bytes, max_bytes: int = 100 * MiB):
    return blobs.put(io.BytesIO(data), max_bytes=max_bytes)


def test_a_blob_is_stored_under_its_sha256_and_read_back(blobs):
    stored = put(blobs, CONTENT)
    assert (stored.sha256, stored.size, stored.created) == (SHA, len(CONTENT), True)
    with blobs.open(SHA) as stream:
        assert stream.read() == CONTENT
    assert blobs.exists(SHA) and blobs.size(SHA) == len(CONTENT)
    assert list(blobs.iter_hashes()) == [SHA]


def test_the_same_bytes_again_are_stored_once(blobs):
    put(blobs, CONTENT)
    again = put(blobs, CONTENT)
    assert again.sha256 == SHA and not again.created
    assert list(blobs.iter_hashes()) == [SHA]


def test_a_read_of_changed_bytes_is_refused_at_its_end(blobs):
    put(blobs, CONTENT)
    overwrite(blobs, SHA, CONTENT[:-1] + b"!")
    with blobs.open(SHA) as stream, pytest.raises(BlobChanged):
        while stream.read(4096):
            pass
    with blobs.open(SHA) as stream, pytest.raises(BlobChanged):
        stream.read()
    with pytest.raises(BlobChanged), blobs.local_copy(SHA):
        pass
    check = blobs.verify(SHA)
    assert check.state is BlobState.CHANGED
    assert check.actual_sha256 == hashlib.sha256(CONTENT[:-1] + b"!").hexdigest()


def test_a_missing_blob_says_so(blobs):
    put(blobs, CONTENT)
    remove(blobs, SHA)
    assert blobs.verify(SHA).state is BlobState.MISSING
    assert not blobs.exists(SHA)
    with pytest.raises(BlobMissing):
        blobs.open(SHA)
    with pytest.raises(BlobMissing):
        blobs.size(SHA)
    with pytest.raises(BlobMissing), blobs.local_copy(SHA):
        pass


def test_a_local_copy_is_verified_and_a_bucket_copy_is_removed_afterwards(blobs, tmp_path):
    put(blobs, CONTENT)
    with blobs.local_copy(SHA) as path:
        assert path.read_bytes() == CONTENT
    if isinstance(blobs, S3BlobStore):
        assert not path.exists()
        assert files_on_disk(tmp_path) == []


def test_a_stream_over_the_limit_is_refused_midway_and_leaves_nothing(blobs, tmp_path):
    stream = GeneratedStream(500 * MiB)
    with pytest.raises(BlobTooLarge):
        blobs.put(stream, max_bytes=3 * MiB)
    assert stream.handed_out <= 4 * MiB
    assert list(blobs.iter_hashes()) == []
    assert files_on_disk(tmp_path) == []


def test_a_20_mb_stream_is_stored_and_verified_with_bounded_memory(blobs):
    stream = GeneratedStream(20 * MiB)
    tracemalloc.start()
    try:
        stored = blobs.put(stream, max_bytes=100 * MiB)
        check = blobs.verify(stored.sha256)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert stored.sha256 == stream.sha256 and check.ok and check.size == 20 * MiB
    assert peak < 12 * MiB  # never the whole file: chunks of 1 MiB, and the client's buffers


def test_a_check_that_refuses_the_file_leaves_nothing_stored(blobs, tmp_path):
    def refuse(_stream: object) -> None:
        raise ValueError("not this one")

    with pytest.raises(ValueError):
        blobs.put(io.BytesIO(CONTENT), max_bytes=MiB, check=refuse)
    assert list(blobs.iter_hashes()) == []
    assert files_on_disk(tmp_path) == []


def test_a_broken_image_is_refused_by_the_intake_and_not_stored(blobs):
    whole = image("PNG", (64, 48))
    with pytest.raises(EvidenceRefused) as refused:
        ingest(blobs, "照片.png", io.BytesIO(whole[: len(whole) // 2]), UploadPolicy())
    assert refused.value.code is RefusalCode.BROKEN_IMAGE
    assert list(blobs.iter_hashes()) == []
    assert ingest(blobs, "照片.png", io.BytesIO(whole), UploadPolicy()).created


def test_garbage_collection_takes_old_unreferenced_blobs_only(blobs):
    keep = put(blobs, CONTENT).sha256
    stray = put(blobs, b"left behind" * 100).sha256
    assert blobs.collect_garbage(lambda: {keep}).removed == ()  # both within the grace period
    later = time.time() + 2 * 3600
    report = blobs.collect_garbage(lambda: {keep}, now=later)
    assert report.removed == (stray,) and report.freed_bytes == 1100
    assert list(blobs.iter_hashes()) == [keep]


def test_a_staged_import_joins_the_store_only_when_published(blobs):
    with blobs.staging() as staging:
        staging.put(io.BytesIO(CONTENT), max_bytes=MiB)
        assert not blobs.exists(SHA)
        staging.publish()
        assert blobs.exists(SHA)
        staging.retract()  # the commit failed: what this import created goes again
    assert not blobs.exists(SHA)


def test_a_killed_imports_staging_folder_goes_with_garbage_collection(blobs):
    staging = blobs.staging()
    staging.put(io.BytesIO(CONTENT), max_bytes=MiB)  # and then the process is killed
    blobs.collect_garbage(set, now=time.time() + 2 * 3600)
    assert not staging.directory.exists()


def test_work_folders_left_by_a_killed_process_are_cleared_when_stale(blobs):
    work = blobs.work_folder("import-")
    (work / "archive.zip").write_bytes(b"x" * 1000)
    blobs.collect_garbage(set)
    assert work.exists()  # fresh: its import may still be running
    blobs.collect_garbage(set, now=time.time() + 2 * 3600)
    assert not work.exists()


# -- the bucket alone ------------------------------------------------------------------------


def test_writes_to_the_bucket_are_create_only_and_leave_nothing_on_disk(s3_endpoint, tmp_path):
    settings = new_bucket(s3_endpoint)
    blobs = S3BlobStore(settings, tmp_path / "spool")
    put(blobs, CONTENT)
    raw = client(s3_endpoint)
    key = object_key(settings, SHA)
    assert raw.get_object(Bucket=settings.bucket, Key=key)["Body"].read() == CONTENT
    with pytest.raises(raw.exceptions.ClientError) as refused:
        raw.put_object(Bucket=settings.bucket, Key=key, Body=b"other", IfNoneMatch="*")
    assert refused.value.response["Error"]["Code"] == "PreconditionFailed"
    assert files_on_disk(tmp_path) == []


def test_an_object_put_again_gets_a_fresh_time_so_garbage_collection_spares_it(
    s3_endpoint, tmp_path
):
    settings = new_bucket(s3_endpoint)
    blobs = S3BlobStore(settings, tmp_path / "spool")
    put(blobs, CONTENT)
    raw = client(s3_endpoint)
    first = raw.head_object(Bucket=settings.bucket, Key=object_key(settings, SHA))
    time.sleep(1.1)  # LastModified has whole seconds
    assert not put(blobs, CONTENT).created
    second = raw.head_object(Bucket=settings.bucket, Key=object_key(settings, SHA))
    assert second["LastModified"] > first["LastModified"]
    assert blobs.verify(SHA).ok


def test_the_prefix_keeps_other_objects_in_the_bucket_out_of_sight(s3_endpoint, tmp_path):
    settings = new_bucket(s3_endpoint, prefix="client-a/evidence")
    raw = client(s3_endpoint)
    raw.put_object(Bucket=settings.bucket, Key=f"other/{SHA[:2]}/{SHA[2:4]}/{SHA}", Body=b"x")
    blobs = S3BlobStore(settings, tmp_path / "spool")
    assert list(blobs.iter_hashes()) == []
    assert blobs.collect_garbage(set, grace=timedelta(0)).removed == ()
    put(blobs, CONTENT)
    assert list(blobs.iter_hashes()) == [SHA]


def test_a_bucket_that_does_not_answer_is_refused_when_the_store_opens(s3_endpoint, tmp_path):
    settings = new_bucket(s3_endpoint)
    absent = S3Settings(**{**settings.__dict__, "bucket": "no-such-bucket-here"})
    with pytest.raises(BlobStoreUnavailable):
        S3BlobStore(absent, tmp_path / "spool")

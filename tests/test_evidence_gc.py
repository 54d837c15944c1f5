"""Garbage collection of evidence files: files no record references go, but never one that an
upload or import is about to reference, even while the app runs."""

from __future__ import annotations

import io
import os
import threading
import time
from datetime import timedelta

import pytest
from store_helpers import company, new_store

from cli.main import main
from store import open_store

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HOURS_AGO = 2 * 3600


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path / "data")


def age(store, sha256: str, seconds: int = HOURS_AGO) -> None:
    path = store.blobs.local_path(sha256)
    past = time.time() - seconds
    os.utime(path, (past, past))


def orphan(store, content: bytes) -> str:
    """A file in the blob store that no evidence record references (an abandoned upload, or
    what an earlier version's import left behind)."""
    return store.blobs.put(io.BytesIO(content), max_bytes=1 << 20).sha256


def test_unreferenced_old_files_go_and_referenced_ones_stay(store):
    organisation = company(store)
    record, _ = store.add_evidence(
        organisation.id, "制度.pdf", io.BytesIO(PDF), title="制度", kind="制度文件", actor="qm"
    )
    stray = orphan(store, b"left behind" * 100)
    age(store, record.sha256)
    age(store, stray)

    report = store.collect_garbage()

    assert report.removed == (stray,)
    assert report.freed_bytes == 1100
    assert not store.blobs.exists(stray)
    assert store.blobs.exists(record.sha256)
    assert store.blobs.local_path(record.sha256).read_bytes() == PDF
    # the emptied ab/cd folders go too
    assert not (store.blobs.root / stray[:2] / stray[2:4]).exists()


def test_a_file_stored_moments_ago_is_kept_its_record_may_be_committing(store):
    """An upload stores the file first and commits its record after: within the grace period
    an unreferenced file is presumed to be such an upload."""
    fresh = orphan(store, b"being uploaded right now")
    report = store.collect_garbage()
    assert report.removed == ()
    assert report.kept_recent == 1
    assert store.blobs.exists(fresh)


def test_uploading_the_same_bytes_again_protects_an_old_unreferenced_file(store):
    old = orphan(store, b"same bytes")
    age(store, old)
    again = store.blobs.put(io.BytesIO(b"same bytes"), max_bytes=1 << 20)
    assert again.sha256 == old and not again.created
    assert store.collect_garbage().removed == ()
    assert store.blobs.exists(old)


def test_garbage_collection_waits_for_a_put_in_progress(store):
    """The check-and-delete of one file and a put's is-it-there-and-touch never interleave."""
    stray = orphan(store, b"about to be uploaded again")
    age(store, stray)
    done = threading.Event()
    with store.blobs._locked(exclusive=False):  # a put between "exists" and "touch"
        worker = threading.Thread(target=lambda: (store.collect_garbage(), done.set()))
        worker.start()
        assert not done.wait(0.3)
        os.utime(store.blobs.local_path(stray))  # the put touches it, then releases
    worker.join(5)
    assert done.is_set()
    assert store.blobs.exists(stray)


def test_a_crashed_imports_staging_folder_is_cleared_when_stale(store):
    staging = store.blobs.staging()
    staging.put(io.BytesIO(b"staged, never published"), max_bytes=1 << 20)
    past = time.time() - HOURS_AGO
    for path in (*staging.directory.iterdir(), staging.directory):
        os.utime(path, (past, past))
    store.collect_garbage()
    assert not staging.directory.exists()


def test_gbt_audit_gc_reports_what_it_removed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    stray = orphan(store, b"x" * 2048)
    age(store, stray)
    fresh = orphan(store, b"y" * 10)

    assert main(["gc"]) == 0
    out = capsys.readouterr().out
    assert "removed 1 unreferenced evidence files (2 KiB); kept 1 younger than 60 minutes" in out
    assert not store.blobs.exists(stray)
    assert store.blobs.exists(fresh)
    assert main(["gc", "--grace-minutes", "0"]) == 0
    assert not store.blobs.exists(fresh)
    assert store.collect_garbage(timedelta(0)).removed == ()

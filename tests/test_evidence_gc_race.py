"""Garbage collection running while an upload is between storing its file and committing the
record that references it (evidence.blobs, evidence.s3): on both backends and both databases.

An upload puts the file first and links it after; in between, nothing references the file, so
only the grace period keeps gc from taking it. And a put that finds its object already there
(so it only refreshes the object's time) may find it gone by then: it stores it again."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from s3_server import client, object_key
from store_helpers import company, new_store

from evidence import BlobState
from evidence.blobs import GC_GRACE
from evidence.s3 import S3BlobStore

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def store(database_url, evidence_backend, tmp_path):
    return new_store(database_url, tmp_path / "data", evidence_s3=evidence_backend)


def gc_between_put_and_link(store, monkeypatch, grace: timedelta) -> list:
    """Run the real garbage collection right after the upload's file is stored and before its
    record is committed; returns what it removed."""
    put, removed = store.blobs.put, []

    def put_then_collect(*args, **kwargs):
        stored = put(*args, **kwargs)
        removed.extend(store.collect_garbage(grace).removed)
        return stored

    monkeypatch.setattr(store.blobs, "put", put_then_collect)
    return removed


def upload(store):
    organisation = company(store)
    record, _ = store.add_evidence(
        organisation.id, "制度.pdf", io.BytesIO(PDF), title="制度", kind="制度文件", actor="qm"
    )
    return record


def test_gc_between_an_uploads_put_and_its_record_keeps_the_file_for_the_grace_period(
    store, monkeypatch
):
    removed = gc_between_put_and_link(store, monkeypatch, GC_GRACE)
    record = upload(store)
    assert removed == []
    [check] = store.verify_evidence()
    assert check.sha256 == record.sha256 and check.state is BlobState.OK


def test_without_the_grace_period_that_same_moment_would_lose_the_file(store, monkeypatch):
    """What the grace period is for (and why `gc --grace-minutes 0` must not run beside the
    app): the record commits, pointing at a file gc removed a moment before."""
    removed = gc_between_put_and_link(store, monkeypatch, timedelta(0))
    record = upload(store)
    assert removed == [record.sha256]
    [check] = store.verify_evidence()
    assert check.state is BlobState.MISSING


@pytest.mark.parametrize("evidence_backend", ["s3"], indirect=True)
def test_a_put_that_finds_its_object_removed_by_gc_before_refreshing_it_stores_it_again(
    evidence_backend, tmp_path
):
    """The create-only put says "already there"; gc deletes the object before the put refreshes
    its time (a real CopyObject to the moto server, which now finds nothing); the put sends the
    bytes again, create-only, and the object is whole."""
    blobs = S3BlobStore(evidence_backend, tmp_path / "spool")
    first = blobs.put(io.BytesIO(PDF), max_bytes=1 << 20)
    collected = []

    def gc_first(**_: object) -> None:
        if not collected:  # once: the put's retry must not be collected in turn
            collected.append(blobs.collect_garbage(set, grace=timedelta(0)).removed)

    blobs.client.meta.events.register("before-call.s3.CopyObject", gc_first)
    again = blobs.put(io.BytesIO(PDF), max_bytes=1 << 20)

    assert collected == [(first.sha256,)]  # gc did take it in between
    assert again.sha256 == first.sha256 and again.created  # sent again, not just touched
    assert blobs.verify(first.sha256).ok
    raw = client(evidence_backend.endpoint_url)
    key = object_key(evidence_backend, first.sha256)
    assert raw.get_object(Bucket=evidence_backend.bucket, Key=key)["Body"].read() == PDF


@pytest.mark.parametrize("evidence_backend", ["s3"], indirect=True)
@pytest.mark.parametrize("put_again", [True, False])
def test_gc_keeps_an_old_object_a_put_refreshed_after_gc_listed_it(
    evidence_backend, tmp_path, put_again
):
    """gc lists the objects, then re-reads each candidate's time just before deleting it: an
    old unreferenced object that a put of the same bytes refreshed in between is kept."""
    blobs = S3BlobStore(evidence_backend, tmp_path / "spool")
    old = blobs.put(io.BytesIO(PDF), max_bytes=1 << 20).sha256
    time.sleep(2.1)  # older than a one-second grace period (LastModified has whole seconds)
    refreshed = []

    def put_after_listing(**_: object) -> None:
        if put_again and not refreshed:
            refreshed.append(blobs.put(io.BytesIO(PDF), max_bytes=1 << 20))

    blobs.client.meta.events.register("after-call.s3.ListObjectsV2", put_after_listing)
    report = blobs.collect_garbage(set, grace=timedelta(seconds=1))
    if put_again:
        assert not refreshed[0].created  # found there, its time refreshed
        assert report.removed == () and blobs.verify(old).ok
    else:
        assert report.removed == (old,)

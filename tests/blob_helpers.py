"""Damage done to a stored blob from outside the store, on either backend: what a disk fault,
an operator or an attacker with access to the folder or the bucket could do."""

from __future__ import annotations

import os
from pathlib import Path

from evidence import BlobStore, LocalBlobStore


def _bucket(blobs: BlobStore):
    from evidence.s3 import S3BlobStore

    assert isinstance(blobs, S3BlobStore)
    return blobs.client, blobs.bucket, blobs._key


def overwrite(blobs: BlobStore, sha256: str, content: bytes) -> None:
    """Replace a blob's bytes behind the store's back (the key keeps its name)."""
    if isinstance(blobs, LocalBlobStore):
        path = blobs.local_path(sha256)
        assert path is not None
        os.chmod(path, 0o644)
        path.write_bytes(content)
        return
    client, bucket, key = _bucket(blobs)
    client.put_object(Bucket=bucket, Key=key(sha256), Body=content)


def remove(blobs: BlobStore, sha256: str) -> None:
    """Delete a blob behind the store's back."""
    if isinstance(blobs, LocalBlobStore):
        path = blobs.local_path(sha256)
        assert path is not None
        path.unlink()
        return
    client, bucket, key = _bucket(blobs)
    client.delete_object(Bucket=bucket, Key=key(sha256))


def files_on_disk(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())

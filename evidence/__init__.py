"""Evidence files: content-addressed storage, intake checks and previews (no database here)."""

from evidence.blobs import (
    BadBlobHash,
    BlobCheck,
    BlobMissing,
    BlobState,
    BlobStore,
    BlobTooLarge,
    LocalBlobStore,
    Readable,
    StoredBlob,
    check_sha256,
)

__all__ = [
    "BadBlobHash",
    "BlobCheck",
    "BlobMissing",
    "BlobState",
    "BlobStore",
    "BlobTooLarge",
    "LocalBlobStore",
    "Readable",
    "StoredBlob",
    "check_sha256",
]

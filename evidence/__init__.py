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
from evidence.checks import (
    DEFAULT_EXTENSIONS,
    EvidenceRefused,
    IngestedFile,
    RefusalCode,
    UploadPolicy,
    format_bytes,
    ingest,
)
from evidence.formats import FORMATS, Format
from evidence.preview import Preview, make_preview, preview_blob

__all__ = [
    "DEFAULT_EXTENSIONS",
    "FORMATS",
    "BadBlobHash",
    "BlobCheck",
    "BlobMissing",
    "BlobState",
    "BlobStore",
    "BlobTooLarge",
    "EvidenceRefused",
    "Format",
    "IngestedFile",
    "LocalBlobStore",
    "Preview",
    "Readable",
    "RefusalCode",
    "StoredBlob",
    "UploadPolicy",
    "check_sha256",
    "format_bytes",
    "ingest",
    "make_preview",
    "preview_blob",
]

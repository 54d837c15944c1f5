"""Evidence blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, moto's server...).

Chosen by ``GBT_AUDIT_EVIDENCE_URL=s3://BUCKET/PREFIX``, with the standard ``AWS_ENDPOINT_URL``,
``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and ``AWS_DEFAULT_REGION``. The client is boto3
(see the README for why not obstore).

The same rules as the folder store:

- Keys are content addresses: ``PREFIX/ab/cd/<sha256>``.
- Writes are create-only: ``PutObject`` with ``If-None-Match: *``, so an object, once there,
  is never replaced by another upload; the SHA-256 is sent with it (``x-amz-checksum-sha256``)
  and the server refuses bytes that arrive different.
- A put streams the upload into a temp file on this machine while hashing and counting it (the
  key is only known at the end), then sends that file and deletes it: no evidence stays on the
  app server's disk, and no file is ever whole in memory.
- Every read is re-hashed (``VerifiedReader``); ``verify`` reads each object to its end.
- Garbage collection keeps unreferenced objects younger than the grace period, by their
  LastModified; a put that finds its object already there refreshes that time (a copy onto
  itself with new metadata: the bytes stay the same).
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from evidence.blobs import (
    CHUNK_BYTES,
    GC_GRACE,
    BlobCheck,
    BlobMissing,
    BlobState,
    BlobStoreUnavailable,
    Check,
    GarbageReport,
    Readable,
    SpoolFolder,
    StoredBlob,
    VerifiedReader,
    check_sha256,
    hash_stream,
)
from evidence.s3_settings import S3Settings

_SHA256 = re.compile(r"[0-9a-f]{64}")
_MISSING = {"404", "NoSuchKey", "NotFound"}
_EXISTS = {"412", "PreconditionFailed", "409", "ConditionalRequestConflict"}


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextmanager
def _answered(what: str) -> Iterator[None]:
    """Any failure to talk to the bucket becomes BlobStoreUnavailable, naming the operation."""
    try:
        yield
    except ClientError as exc:
        raise BlobStoreUnavailable(f"{what}: {_code(exc)} {exc}") from None
    except BotoCoreError as exc:
        raise BlobStoreUnavailable(f"{what}: {exc}") from None


class S3BlobStore(SpoolFolder):
    def __init__(
        self,
        settings: S3Settings,
        spool: Path,
        *,
        stale_after: timedelta = timedelta(hours=1),
    ) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self._prefix = f"{settings.prefix}/" if settings.prefix else ""
        session = boto3.session.Session(
            aws_access_key_id=settings.access_key_id,
            aws_secret_access_key=settings.secret_access_key,
            region_name=settings.region or "us-east-1",
        )
        self.client: Any = session.client(
            "s3",
            endpoint_url=settings.endpoint_url,
            config=Config(
                connect_timeout=10,
                read_timeout=120,
                retries={"max_attempts": 4, "mode": "standard"},
                s3={"addressing_style": "path"} if settings.endpoint_url else None,
            ),
        )
        with _answered(f"bucket {settings.bucket}"):
            self.client.head_bucket(Bucket=self.bucket)
        self._init_spool(spool, stale_after)

    def describe(self) -> str:
        return self.settings.url

    def _key(self, sha256: str) -> str:
        sha256 = check_sha256(sha256)
        return f"{self._prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    # -- writing ---------------------------------------------------------------------------

    def put(self, stream: Readable, *, max_bytes: int, check: Check | None = None) -> StoredBlob:
        tmp, sha256, size = self._spool(stream, max_bytes, check)
        try:
            return self._place(tmp, sha256, size)
        finally:
            tmp.unlink(missing_ok=True)

    def _place(self, tmp: Path, sha256: str, size: int) -> StoredBlob:
        """Send a complete local file to its key, create-only; the file is removed."""
        key = self._key(sha256)
        try:
            with tmp.open("rb") as body:

                def put() -> None:  # create-only, checked by the server against the SHA-256
                    self.client.put_object(
                        Bucket=self.bucket,
                        Key=key,
                        Body=body,
                        ContentLength=size,
                        ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode(),
                        IfNoneMatch="*",
                    )

                try:
                    put()
                except ClientError as exc:
                    if _code(exc) not in _EXISTS:
                        raise BlobStoreUnavailable(f"put {key}: {_code(exc)} {exc}") from None
                    if self._touch(key):
                        return StoredBlob(sha256, size, created=False)
                    body.seek(0)  # deleted by garbage collection in between: store it again
                    with _answered(f"put {key}"):
                        put()
                except BotoCoreError as exc:
                    raise BlobStoreUnavailable(f"put {key}: {exc}") from None
        finally:
            tmp.unlink(missing_ok=True)
        return StoredBlob(sha256, size, created=True)

    def _touch(self, key: str) -> bool:
        """Refresh an existing object's LastModified (garbage collection's grace period counts
        from it) by copying it onto itself with new metadata; False when it is gone."""
        try:
            self.client.copy_object(
                Bucket=self.bucket,
                Key=key,
                CopySource={"Bucket": self.bucket, "Key": key},
                MetadataDirective="REPLACE",
                Metadata={"touched": datetime.now(UTC).isoformat()},
            )
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return False
            raise BlobStoreUnavailable(f"touch {key}: {_code(exc)} {exc}") from None
        except BotoCoreError as exc:
            raise BlobStoreUnavailable(f"touch {key}: {exc}") from None
        return True

    def delete(self, sha256: str) -> None:
        key = self._key(sha256)
        with _answered(f"delete {key}"):
            self.client.delete_object(Bucket=self.bucket, Key=key)

    def _stamp(self, sha256: str) -> object:
        head = self._head(self._key(sha256))
        return None if head is None else head["LastModified"]

    def _retract(self, sha256: str, stamp: object) -> None:
        key = self._key(sha256)
        head = self._head(key)
        if head is not None and head["LastModified"] == stamp:
            self.delete(sha256)

    # -- reading ---------------------------------------------------------------------------

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return dict(self.client.head_object(Bucket=self.bucket, Key=key))
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return None
            raise BlobStoreUnavailable(f"head {key}: {_code(exc)} {exc}") from None
        except BotoCoreError as exc:
            raise BlobStoreUnavailable(f"head {key}: {exc}") from None

    def _get(self, sha256: str) -> Any:
        key = self._key(sha256)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as exc:
            if _code(exc) in _MISSING:
                raise BlobMissing(sha256) from None
            raise BlobStoreUnavailable(f"get {key}: {_code(exc)} {exc}") from None
        except BotoCoreError as exc:
            raise BlobStoreUnavailable(f"get {key}: {exc}") from None

    def open(self, sha256: str) -> VerifiedReader:
        return VerifiedReader(self._get(sha256), sha256)

    @contextmanager
    def local_copy(self, sha256: str) -> Iterator[Path]:
        """A verified temporary copy in the spool folder, removed on exit."""
        self._key(sha256)
        work = self.work_folder("export-")
        copy = work / sha256
        try:
            with self.open(sha256) as source, copy.open("wb") as target:
                while chunk := source.read(CHUNK_BYTES):
                    target.write(chunk)
            yield copy
        finally:
            copy.unlink(missing_ok=True)
            with suppress(OSError):
                work.rmdir()

    def exists(self, sha256: str) -> bool:
        return self._head(self._key(sha256)) is not None

    def size(self, sha256: str) -> int:
        head = self._head(self._key(sha256))
        if head is None:
            raise BlobMissing(sha256)
        return int(head["ContentLength"])

    def local_path(self, sha256: str) -> Path | None:
        check_sha256(sha256)
        return None  # nothing of the evidence is on this machine

    def _objects(self) -> Iterator[tuple[str, datetime, int]]:
        """(sha256, LastModified, size) of every blob under the prefix, in key order."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._prefix
        )
        with _answered(f"list {self.settings.url}"):
            for page in pages:
                for item in page.get("Contents", ()):
                    name = item["Key"][len(self._prefix) :]
                    sha256 = name[6:]
                    if (
                        len(name) == 70
                        and _SHA256.fullmatch(sha256)
                        and name[:6] == f"{sha256[:2]}/{sha256[2:4]}/"
                    ):
                        yield sha256, item["LastModified"], int(item["Size"])

    def iter_hashes(self) -> Iterator[str]:
        for sha256, _, _ in self._objects():
            yield sha256

    def verify(self, sha256: str) -> BlobCheck:
        try:
            body = self._get(sha256)
        except BlobMissing:
            return BlobCheck(sha256, BlobState.MISSING)
        with _answered(f"read {sha256}"):
            try:
                return hash_stream(sha256, body)
            finally:
                body.close()

    def verify_many(self, hashes: Iterable[str]) -> list[BlobCheck]:
        return [self.verify(sha256) for sha256 in hashes]

    # -- garbage collection ------------------------------------------------------------------

    def collect_garbage(
        self,
        referenced: Callable[[], set[str]],
        *,
        grace: timedelta = GC_GRACE,
        now: float | None = None,
    ) -> GarbageReport:
        """As LocalBlobStore.collect_garbage, by the objects' LastModified. Each candidate's
        time is read again just before it is deleted, so a put that refreshed it meanwhile keeps
        it (what remains is the moment between that read and the delete; see the README)."""
        candidates = list(self._objects())
        keep = referenced()
        cutoff = (time.time() if now is None else now) - grace.total_seconds()
        removed: list[str] = []
        freed = recent = 0
        for sha256, _, size in candidates:
            if sha256 in keep:
                continue
            head = self._head(self._key(sha256))
            if head is None:
                continue
            if head["LastModified"].timestamp() > cutoff:
                recent += 1
                continue
            self.delete(sha256)
            removed.append(sha256)
            freed += size
        self.remove_stale_temp_files(grace, now=now)
        return GarbageReport(tuple(removed), freed, recent)

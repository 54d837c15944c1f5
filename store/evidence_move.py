"""Moving an installation's evidence between stores: the local folder and a bucket, either way.

Every file a record references is read from the source (re-hashed as it is read), written to
the target (create-only there too) and verified in the target by reading it back; only when all
of them are there and verified are the originals removed. A file missing or changed at the
source stops the move before anything is removed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from evidence.blobs import BlobChanged, BlobMissing, BlobStore, LocalBlobStore
from evidence.s3_settings import BadEvidenceUrl, s3_settings
from settings import environment
from store.repository import AuditStore
from store.tables import EvidenceRow

NO_LIMIT = 1 << 40  # stored files were checked at their upload; a later, lower limit is no reason


class MoveRefused(Exception):
    pass


@dataclass(frozen=True)
class MoveReport:
    source: str
    target: str
    total: int
    copied: int
    present: int  # already in the target with the right bytes
    removed: int


def open_target(target: str, spool: Path) -> BlobStore:
    if target.startswith("s3://"):
        from evidence.s3 import S3BlobStore

        try:
            settings = s3_settings(environment(), target)  # AWS's own variables
        except BadEvidenceUrl as exc:
            raise MoveRefused(f"{target[:120]}: not a usable s3://BUCKET/PREFIX ({exc})") from None
        return S3BlobStore(settings, spool)
    return LocalBlobStore(Path(target).expanduser().resolve())


def move_evidence(
    store: AuditStore,
    target: str,
    *,
    keep: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> MoveReport:
    source = store.blobs
    destination = open_target(target, source.spool)
    if destination.describe() == source.describe():
        raise MoveRefused(f"the evidence is already in {source.describe()}")
    with store._read() as session:
        hashes = sorted(set(session.scalars(select(EvidenceRow.sha256).distinct())))
    copied = present = 0
    bad: list[str] = []
    for n, sha256 in enumerate(hashes):
        if progress:
            progress(n, len(hashes))
        if destination.verify(sha256).ok:
            present += 1
            continue
        try:
            with source.open(sha256) as stream:
                stored = destination.put(stream, max_bytes=NO_LIMIT)
        except (BlobMissing, BlobChanged) as exc:
            bad.append(f"{type(exc).__name__} {sha256}")
            continue
        if stored.sha256 != sha256 or not destination.verify(sha256).ok:
            bad.append(f"not verified in the target: {sha256}")
            continue
        copied += 1
    if progress:
        progress(len(hashes), len(hashes))
    if bad:
        raise MoveRefused(
            f"{len(bad)} of {len(hashes)} files could not be moved ({'; '.join(bad[:5])}); "
            f"the originals are all still in {source.describe()}"
        )
    removed = 0
    if not keep:
        for sha256 in hashes:
            source.delete(sha256)
            removed += 1
    return MoveReport(
        source.describe(), destination.describe(), len(hashes), copied, present, removed
    )

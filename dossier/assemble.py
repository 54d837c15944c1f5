"""Build a dossier's data from the store, and export both files of an audit."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from dossier.data import DossierData
from dossier.filenames import file_name, file_stem
from dossier.pdf import render_pdf
from dossier.report import DossierReport
from dossier.xlsx import write_xlsx
from evidence.blobs import CHUNK_BYTES, BlobChanged, BlobMissing, BlobStore
from scoring.history import VerdictThenAndNow
from store import AuditStore
from store.access import GuardedStore, bare
from store.round_history import round_verdicts
from store.uow import UnitOfWork


def dossier_data(
    store: AuditStore | GuardedStore, audit_id: int, now: datetime | None = None
) -> DossierData:
    """Everything the dossier shows, read in one transaction (one consistent state, however
    many colleagues save meanwhile); through the guard when the app hands it the guarded store
    (the command line hands the bare one)."""
    with UnitOfWork(bare(store), write=False) as uow:
        audit = store.audit(audit_id)  # through the guard: the read permission is checked here
        result, plan = store.score(audit_id)
        linked = sorted({i for ids in store.evidence_links(audit_id).values() for i in ids})
        bonus = store.bonus(audit_id)
        return DossierData(
            organisation=store.organisation(audit.organisation_id).profile,
            audit=audit,
            catalogue=store.catalogue(audit.catalogue_hash),
            result=result,
            plan=plan,
            items=store.items(audit_id),
            deductions=tuple(store.deductions(audit_id)),
            bonuses=(bonus,) if bonus else (),
            evidence=tuple(store.evidence(i) for i in linked),
            generated_at=now or datetime.now(UTC),
            review=uow.reviews.status(audit_id),
            verdicts=_verdicts(store, audit_id, (now or datetime.now(UTC)).date()),
        )


def _verdicts(
    store: AuditStore | GuardedStore, audit_id: int, today: date
) -> dict[str, VerdictThenAndNow] | None:
    """A frozen round's recorded verdict and today's, when they differ (scoring.history)."""
    both = {lang: round_verdicts(store, audit_id, lang=lang, today=today) for lang in ("zh", "en")}
    if any(v is None or not v.differs for v in both.values()):
        return None
    return {lang: v for lang, v in both.items() if v is not None}


@dataclass(frozen=True)
class ExportedDossier:
    pdf: Path
    xlsx: Path
    report: DossierReport


def export_names(store: AuditStore | GuardedStore, audit_id: int) -> tuple[str, str]:
    """The file names of the PDF and the spreadsheet: bounded, unique per audit round."""
    audit = store.audit(audit_id)
    name = store.organisation(audit.organisation_id).profile.name
    stem = file_stem(name, audit_id, audit.round_no)
    return file_name(stem, "-申请资料.pdf"), file_name(stem, "-自评表.xlsx")


def export_dossier(
    store: AuditStore | GuardedStore,
    audit_id: int,
    folder: Path,
    progress: Callable[[float, str], None] | None = None,
) -> ExportedDossier:
    """The PDF dossier and the self-evaluation table, both from the same DossierData (whose
    consistency render_pdf and write_xlsx check before writing)."""
    data = dossier_data(store, audit_id)
    folder.mkdir(parents=True, exist_ok=True)
    pdf_name, xlsx_name = export_names(store, audit_id)
    xlsx = folder / xlsx_name
    write_xlsx(data, xlsx)
    work = store.blobs.work_folder("export-")
    try:
        report = render_pdf(data, LocalCopies(store.blobs, work), folder / pdf_name, progress)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ExportedDossier(report.path, xlsx, report)


class LocalCopies:
    """The evidence as files on this machine, which the PDF tools need: the blobs themselves
    in a folder store; for a bucket, copies fetched one by one into ``folder`` (an export's
    work folder, removed when the export ends). A copy whose bytes changed in the bucket is
    kept: the dossier re-hashes every file and reports it."""

    def __init__(self, blobs: BlobStore, folder: Path) -> None:
        self._blobs = blobs
        self._folder = folder

    def local_path(self, sha256: str) -> Path | None:
        path = self._blobs.local_path(sha256)
        if path is not None:
            return path
        copy = self._folder / sha256
        if not copy.is_file():
            part = copy.with_suffix(".part")
            try:
                # a changed copy is kept: inspect_one reports it as not matching
                with (
                    self._blobs.open(sha256) as source,
                    part.open("wb") as target,
                    suppress(BlobChanged),
                ):
                    shutil.copyfileobj(source, target, CHUNK_BYTES)
            except BlobMissing:
                return None
            part.replace(copy)
        return copy


@dataclass(frozen=True)
class DossierDownloads:
    """Both files of an export in memory, for a download: nothing stays on disk."""

    report: DossierReport
    pdf_name: str
    pdf: bytes
    xlsx_name: str
    xlsx: bytes


def export_downloads(
    store: AuditStore | GuardedStore,
    audit_id: int,
    progress: Callable[[float, str], None] | None = None,
) -> DossierDownloads:
    with tempfile.TemporaryDirectory(prefix="dossier-") as folder:
        exported = export_dossier(store, audit_id, Path(folder), progress)
        return DossierDownloads(
            exported.report,
            exported.pdf.name,
            exported.pdf.read_bytes(),
            exported.xlsx.name,
            exported.xlsx.read_bytes(),
        )

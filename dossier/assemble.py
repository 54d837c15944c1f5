"""Build a dossier's data from the store, and export both files of an audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dossier.data import DossierData
from dossier.pdf import render_pdf
from dossier.report import DossierReport
from dossier.xlsx import write_xlsx
from store import AuditStore


def dossier_data(store: AuditStore, audit_id: int, now: datetime | None = None) -> DossierData:
    audit = store.audit(audit_id)
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
    )


@dataclass(frozen=True)
class ExportedDossier:
    pdf: Path
    xlsx: Path
    report: DossierReport


def file_stem(store: AuditStore, audit_id: int) -> str:
    audit = store.audit(audit_id)
    name = store.organisation(audit.organisation_id).profile.name
    safe = "".join(c for c in name if c.isalnum() or c in "-_（）()") or "audit"
    return f"{safe}-GBT27922-自评-第{audit.round_no}轮"


def export_dossier(
    store: AuditStore,
    audit_id: int,
    folder: Path,
    progress: Callable[[float, str], None] | None = None,
) -> ExportedDossier:
    """The PDF dossier and the self-evaluation table, both from the same DossierData (whose
    consistency render_pdf and write_xlsx check before writing)."""
    data = dossier_data(store, audit_id)
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(store, audit_id)
    xlsx = folder / f"{stem}-自评表.xlsx"
    write_xlsx(data, xlsx)
    report = render_pdf(data, store.blobs, folder / f"{stem}-申请资料.pdf", progress)
    return ExportedDossier(report.path, xlsx, report)

"""The benchmarks' shared data: a fresh data folder with one organisation, one audit of the
full GB/T 27922 catalogue, an administrator to sign in as, and optionally evidence files."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

LOGIN, PASSWORD = "bench", "bench password 2026"


@dataclass(frozen=True)
class Seeded:
    audit_id: int
    user_id: int
    login: str = LOGIN
    password: str = PASSWORD
    audit_ids: tuple[int, ...] = ()  # all audits, one per organisation (audit_id is the first)


def seed(data_dir: Path, evidence: int = 0, audits: int = 1) -> Seeded:
    """Fill ``data_dir`` (on SQLite) and point this process's store at it: ``audits``
    organisations with one audit each; ``evidence`` files linked across the first one."""
    os.environ["GBT_AUDIT_DATA_DIR"] = str(data_dir)
    os.environ.pop("GBT_AUDIT_DATABASE_URL", None)
    from domain.records import OrganisationProfile
    from store import open_store
    from store.accounts import Accounts

    store = open_store()
    user = Accounts(store).add_user(
        LOGIN, "基准测试", actor="bench", password=PASSWORD, administrator=True
    )
    catalogue = store.catalogues()[0]
    ids = []
    for n in range(audits):
        name = "基准测试公司" + (f" {n + 1}" if n else "")
        organisation = store.create_organisation(OrganisationProfile(name=name), "bench")
        audit = store.create_audit(
            organisation.id,
            catalogue_hash=catalogue.content_hash,
            title="benchmark",
            audit_date=date.today(),
            assessor="bench",
            actor="bench",
        )
        if evidence and not n:
            items = [i.id for i in catalogue.items]
            _link_evidence(store, organisation.id, audit.id, items, evidence)
        ids.append(audit.id)
    return Seeded(ids[0], user.id, audit_ids=tuple(ids))


def _link_evidence(store, organisation_id: int, audit_id: int, items: list[str], n: int) -> None:
    from weasyprint import HTML

    base = HTML(string="<h1>证据</h1>").write_pdf()
    for k in range(n):
        pdf = base + f"\n% evidence {k}\n".encode()  # a distinct, still valid PDF
        record, _ = store.add_evidence(
            organisation_id,
            f"证据{k:03d}.pdf",
            io.BytesIO(pdf),
            title=f"证据 {k:03d}",
            kind="record",
            actor="bench",
        )
        store.link_evidence(audit_id, items[k % len(items)], record.id, actor="bench")

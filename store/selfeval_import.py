"""Use case: a filled 自评表 becomes a new audit round in the store (kept apart so it moves into
services/ when that lands). Everything is read and checked first (dossier.selfeval_import); only
a table that can be placed in full creates anything: the organisation (from the 基本信息 sheet,
when none is named — a credit code that belongs to another organisation is refused by the
store), then the audit, then one saved assessment per item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from criteria import Catalogue
from domain.errors import InvalidEntry
from domain.records import AuditRecord, Organisation
from dossier.selfeval_import import FilledTable
from scoring.model import Status
from texts import t


@dataclass(frozen=True)
class ImportedRound:
    organisation: Organisation
    audit: AuditRecord
    created_organisation: bool
    items_saved: int


def import_filled_table(
    store: Any,
    table: FilledTable,
    catalogue: Catalogue,
    *,
    source: str,
    organisation_id: int | None,
    actor: str,
    today: date | None = None,
) -> ImportedRound:
    """``store`` is an AuditStore or an AccessStore (whose permission checks then apply)."""
    created = False
    if organisation_id is None:
        if table.company is None:
            raise InvalidEntry(
                t("selfeval.no_company", "zh") + " — " + t("selfeval.no_company", "en")
            )
        organisation = store.create_organisation(table.company, actor=actor)
        created = True
    else:
        organisation = store.organisation(organisation_id)
    title = table.audit_title or t("selfeval.audit_title", "zh", source=source)
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=catalogue.content_hash,
        title=title,
        audit_date=table.audit_date or today or date.today(),
        assessor=table.assessor,
        actor=actor,
    )
    saved = 0
    for item in table.items:
        if item.status is Status.NOT_ASSESSED and not item.rectification.is_set:
            continue
        store.save_item(
            audit.id,
            item.item_id,
            expected_version=0,
            actor=actor,
            status=item.status,
            samples_checked=item.samples_checked,
            samples_conforming=item.samples_conforming,
            justification=item.justification,
            finding=item.finding,
            rectification=item.rectification,
        )
        saved += 1
    return ImportedRound(organisation, store.audit(audit.id), created, saved)

"""The action register's reads and bulk change: rows read from the store, changes written
through its versioned writes one row at a time (the rows, filters and sorts are
domain/action_register.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from domain.action_register import ActionRow, BulkChange, BulkOutcome, Source, is_overdue
from domain.errors import StoreError
from domain.records import ActionState, AuditRecord, AuditState, Rectification
from store.access import bare
from store.uow import UnitOfWork
from texts import t

if TYPE_CHECKING:
    from criteria import Catalogue
    from store.access import GuardedStore
    from store.repository import AuditStore


def action_rows(
    store: AuditStore | GuardedStore, audit_id: int, today: date, lang: str = "zh"
) -> list[ActionRow]:
    """Every rectification action of one audit, in catalogue order, then the deductions'; read
    in one transaction."""
    with UnitOfWork(bare(store), write=False):
        return _action_rows(store, audit_id, today, lang)


def _action_rows(
    store: AuditStore | GuardedStore, audit_id: int, today: date, lang: str
) -> list[ActionRow]:
    audit = store.audit(audit_id)
    catalogue = store.catalogue(audit.catalogue_hash)
    records = store.items(audit_id)
    rows: list[ActionRow] = []
    for item in catalogue.items:
        record = records.get(item.id)
        if record is None or not record.rectification.is_set:
            continue
        rows.append(
            ActionRow(
                audit_id=audit_id,
                source=Source.ITEM,
                ref=item.id,
                item_id=item.id,
                indicator_id=catalogue.parent_id(item.id),
                subject=item.title.get(lang),
                finding=record.finding,
                rectification=record.rectification,
                version=record.version,
                overdue=is_overdue(record.rectification, today),
            )
        )
    for deduction in store.deductions(audit_id):
        if not deduction.rectification.is_set:
            continue
        item_id = (
            deduction.item_id
            if deduction.item_id and catalogue.has_item(deduction.item_id)
            else None
        )
        rows.append(
            ActionRow(
                audit_id=audit_id,
                source=Source.DEDUCTION,
                ref=str(deduction.id),
                item_id=item_id,
                indicator_id=catalogue.parent_id(item_id) if item_id else None,
                subject=deduction.reason,
                finding=f"[{deduction.category}] {deduction.reason}",
                rectification=deduction.rectification,
                version=deduction.version,
                overdue=is_overdue(deduction.rectification, today),
            )
        )
    rows += request_rows(store, audit_id, catalogue, today, lang)
    return rows


def request_rows(
    store: AuditStore | GuardedStore, audit_id: int, catalogue: Catalogue, today: date, lang: str
) -> list[ActionRow]:
    """Requests for evidence as actions: the colleague asked is the owner; a request closes
    (done) when a file is linked to its item."""
    rows = []
    for request in store.evidence_requests(audit_id):
        action = Rectification(
            request.needed,
            request.owner,
            request.due,
            ActionState.OPEN if request.open else ActionState.DONE,
        )
        known = catalogue.has_item(request.item_id)
        rows.append(
            ActionRow(
                audit_id=audit_id,
                source=Source.REQUEST,
                ref=str(request.id),
                item_id=request.item_id,
                indicator_id=catalogue.parent_id(request.item_id) if known else None,
                subject=catalogue.item(request.item_id).title.get(lang) if known else "",
                finding=t("evidence.request_finding", lang, who=request.requested_by),
                rectification=action,
                version=request.version,
                overdue=is_overdue(action, today),
            )
        )
    return rows


def current_rounds(store: AuditStore | GuardedStore, organisation_id: int) -> list[AuditRecord]:
    """The rounds whose actions are live: drafts. A closed round's actions were carried into
    the round opened from it, so listing both would show every action twice."""
    return [a for a in store.audits(organisation_id) if a.state is AuditState.DRAFT]


def organisation_action_rows(
    store: AuditStore | GuardedStore, organisation_id: int, today: date, lang: str = "zh"
) -> list[ActionRow]:
    """Every open round's actions, read in one transaction."""
    with UnitOfWork(bare(store), write=False):
        return [
            row
            for audit in current_rounds(store, organisation_id)
            for row in action_rows(store, audit.id, today, lang)
        ]


def apply_bulk(
    store: AuditStore | GuardedStore, rows: Sequence[ActionRow], change: BulkChange, *, actor: str
) -> BulkOutcome:
    """Change every row as read: each row is its own versioned write, so one row changed by
    someone else meanwhile is refused (and reported) without holding back the others."""
    saved: list[str] = []
    refused: list[tuple[str, str]] = []
    for row in rows:
        action = change.applied(row.rectification)
        try:
            if row.source is Source.REQUEST:
                store.update_evidence_request(
                    int(row.ref),
                    expected_version=row.version,
                    actor=actor,
                    owner=action.owner if action.owner != row.owner else None,
                    due=action.due,
                    closed=action.state is ActionState.DONE,
                )
            elif row.source is Source.ITEM:
                store.save_item(
                    row.audit_id,
                    row.ref,
                    expected_version=row.version,
                    actor=actor,
                    rectification=action,
                )
            else:
                store.update_deduction(
                    int(row.ref), expected_version=row.version, actor=actor, rectification=action
                )
        except StoreError as exc:
            refused.append((row.key, str(exc)))
        else:
            saved.append(row.key)
    return BulkOutcome(tuple(saved), tuple(refused))

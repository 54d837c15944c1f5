"""Rows to records: the only place that knows both shapes."""

from __future__ import annotations

from collections.abc import Iterable

from domain.records import (
    ActionState,
    AuditRecord,
    AuditState,
    BonusRecord,
    ChangeEntry,
    DeductionRecord,
    EvidenceRecord,
    EvidenceRequest,
    ItemRecord,
    Organisation,
    OrganisationProfile,
    Rectification,
)
from scoring import Status
from store.tables import (
    AuditRow,
    BonusRow,
    ChangeRow,
    DeductionRow,
    EvidenceRequestRow,
    EvidenceRow,
    ItemRow,
    OrganisationRow,
)

PROFILE_FIELDS = tuple(OrganisationProfile.__dataclass_fields__)


def organisation(row: OrganisationRow) -> Organisation:
    profile = OrganisationProfile(**{name: getattr(row, name) for name in PROFILE_FIELDS})
    return Organisation(row.id, profile, row.created_at, row.archived, row.version)


def audit(row: AuditRow) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        organisation_id=row.organisation_id,
        title=row.title,
        catalogue_id=row.catalogue_id,
        catalogue_hash=row.catalogue_hash,
        scheme_id=row.scheme_id,
        round_no=row.round_no,
        audit_date=row.audit_date,
        assessor=row.assessor,
        state=AuditState(row.state),
        previous_audit_id=row.previous_audit_id,
        prerequisites=dict(row.prerequisites or {}),
        version=row.version,
        created_at=row.created_at,
        frozen_at=row.frozen_at,
        planned_certification_on=row.planned_certification_on,
    )


def rectification(row: ItemRow | DeductionRow) -> Rectification:
    return Rectification(
        row.action, row.action_owner, row.action_due, ActionState(row.action_state)
    )


def item(row: ItemRow, evidence_ids: Iterable[int] = ()) -> ItemRecord:
    return ItemRecord(
        audit_id=row.audit_id,
        item_id=row.item_id,
        status=Status(row.status),
        samples_checked=row.samples_checked,
        samples_conforming=row.samples_conforming,
        justification=row.justification,
        notes=row.notes,
        finding=row.finding,
        effort=float(row.effort) if row.effort is not None else None,
        rectification=rectification(row),
        evidence_ids=tuple(sorted(evidence_ids)),
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def deduction(row: DeductionRow) -> DeductionRecord:
    return DeductionRecord(
        row.id, row.audit_id, row.reason, row.category, row.item_id, rectification(row), row.version
    )


def bonus(row: BonusRow) -> BonusRecord:
    return BonusRecord(row.id, row.audit_id, row.reason, row.version)


def evidence(row: EvidenceRow) -> EvidenceRecord:
    return EvidenceRecord(
        id=row.id,
        organisation_id=row.organisation_id,
        sha256=row.sha256,
        title=row.title,
        kind=row.kind,
        original_name=row.original_name,
        size=row.size,
        media_type=row.media_type,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
        valid_until=row.valid_until,
        covered_from=row.covered_from,
        covered_to=row.covered_to,
        revision=row.revision or 1,
        previous_id=row.previous_id,
        replaced_at=row.replaced_at,
        replaced_by=row.replaced_by,
    )


def evidence_request(row: EvidenceRequestRow) -> EvidenceRequest:
    return EvidenceRequest(
        id=row.id,
        organisation_id=row.organisation_id,
        audit_id=row.audit_id,
        item_id=row.item_id,
        needed=row.needed,
        owner=row.owner,
        due=row.due,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        evidence_id=row.evidence_id,
        version=row.version,
    )


def change(row: ChangeRow) -> ChangeEntry:
    return ChangeEntry(
        row.id,
        row.audit_id,
        row.organisation_id,
        row.at,
        row.actor,
        row.entity,
        row.field,
        row.old,
        row.new,
        row.imported_sha256,
        row.account_id,
        row.account_login,
    )

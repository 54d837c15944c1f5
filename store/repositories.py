"""One repository per aggregate, over the session of a unit of work (store/uow.py). A
repository runs queries and converts rows to records (store/convert.py) and back; it checks no
permission and decides nothing: that is a service's work (services/)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from criteria import Catalogue
from domain.account_records import ReviewKind, ReviewStatus
from domain.errors import NotFound
from domain.permissions import Actor
from domain.records import (
    AuditRecord,
    AuditState,
    ChangeEntry,
    EvidenceRecord,
    EvidenceRequest,
    Organisation,
)
from scoring import AuditInput
from scoring.cycle import HeldSurveillance, SurveillanceResult
from store import convert, review_rows
from store.account_tables import ReviewEventRow
from store.audits import AuditsMixin
from store.base import StoreBase, utcnow
from store.certification import CertificateRecord, certificate_record
from store.rounds import RoundsMixin
from store.tables import (
    AuditRow,
    CertificateRow,
    ChangeRow,
    DeductionRow,
    EvidenceRequestRow,
    EvidenceRow,
    OrganisationRow,
    SurveillanceRow,
)


class Repository:
    def __init__(self, session: Session, store: StoreBase) -> None:
        self.session = session
        self._store = store


class Organisations(Repository):
    def row(self, organisation_id: int) -> OrganisationRow:
        return self._store._organisation_row(self.session, organisation_id)

    def get(self, organisation_id: int) -> Organisation:
        return convert.organisation(self.row(organisation_id))


class Rounds(Repository):
    """Rounds (audits) with their items, special deductions, bonus and closing snapshots."""

    def row(self, audit_id: int) -> AuditRow:
        return self._store._audit_row(self.session, audit_id)

    def get(self, audit_id: int) -> AuditRecord:
        return convert.audit(self.row(audit_id))

    def locked(self, audit_id: int, *, exclusive: bool) -> AuditRow:
        """The round's row, locked until the unit of work ends (see StoreBase._locked_audit)."""
        return self._store._locked_audit(self.session, audit_id, exclusive=exclusive)

    def of_deduction(self, deduction_id: int) -> int:
        """The round a special deduction belongs to."""
        row = self.session.get(DeductionRow, deduction_id)
        if row is None:
            raise NotFound(f"special deduction #{deduction_id} does not exist")
        return row.audit_id

    def entries(self, row: AuditRow) -> AuditInput:
        return AuditsMixin._entries(self.session, row)

    def open_next(self, row: AuditRow, title: str, on: date, actor: str) -> AuditRecord:
        """The organisation's next round after ``row``, with a copy of its entries."""
        return convert.audit(RoundsMixin._open_next_round(self.session, row, title, on, actor))

    def in_state(self, organisation_id: int, state: AuditState) -> list[AuditRecord]:
        rows = self.session.scalars(
            select(AuditRow)
            .where(AuditRow.organisation_id == organisation_id, AuditRow.state == state.value)
            .order_by(AuditRow.round_no, AuditRow.id)
        )
        return [convert.audit(row) for row in rows]


class Evidence(Repository):
    def get(self, evidence_id: int) -> EvidenceRecord:
        row = self.session.get(EvidenceRow, evidence_id)
        if row is None:
            raise NotFound(f"evidence #{evidence_id} does not exist")
        return convert.evidence(row)

    def request(self, request_id: int) -> EvidenceRequest:
        row = self.session.get(EvidenceRequestRow, request_id)
        if row is None:
            raise NotFound(f"evidence request #{request_id} does not exist")
        return convert.evidence_request(row)


class Certificates(Repository):
    def add(
        self,
        organisation_id: int,
        *,
        audit_id: int | None,
        body: str,
        number: str,
        tier: str,
        issued_on: date,
        recorded_by: str,
    ) -> CertificateRecord:
        row = CertificateRow(
            organisation_id=organisation_id,
            audit_id=audit_id,
            body=body,
            number=number,
            tier=tier,
            issued_on=issued_on,
            recorded_at=utcnow(),
            recorded_by=recorded_by,
        )
        self.session.add(row)
        self.session.flush()
        return certificate_record(row)

    def of_organisation(self, organisation_id: int) -> list[CertificateRecord]:
        """Newest issue first, each with the surveillance evaluations held on it."""
        rows = list(
            self.session.scalars(
                select(CertificateRow)
                .where(CertificateRow.organisation_id == organisation_id)
                .order_by(CertificateRow.issued_on.desc(), CertificateRow.id.desc())
            )
        )
        held: dict[int, list[SurveillanceRow]] = {row.id: [] for row in rows}
        if rows:
            for made in self.session.scalars(
                select(SurveillanceRow).where(SurveillanceRow.certificate_id.in_(held))
            ):
                held[made.certificate_id].append(made)
        return [certificate_record(row, held[row.id]) for row in rows]

    def surveillance_held(self, certificate_id: int, on: date) -> bool:
        return (
            self.session.scalar(
                select(SurveillanceRow.id).where(
                    SurveillanceRow.certificate_id == certificate_id,
                    SurveillanceRow.held_on == on,
                )
            )
            is not None
        )

    def add_surveillance(
        self,
        certificate_id: int,
        *,
        held_on: date,
        result: SurveillanceResult,
        tier: str | None,
        recorded_by: str,
    ) -> HeldSurveillance:
        row = SurveillanceRow(
            certificate_id=certificate_id,
            held_on=held_on,
            result=result.value,
            tier=tier,
            recorded_at=utcnow(),
            recorded_by=recorded_by,
        )
        self.session.add(row)
        self.session.flush()
        return HeldSurveillance(held_on, result, tier)


class Reviews(Repository):
    """A round's review events (append-only) and the state they add up to."""

    def last_change_id(self, audit_id: int) -> int | None:
        return review_rows.last_change_id(self.session, audit_id)

    def status(self, audit_id: int) -> ReviewStatus:
        return review_rows.status(self.session, audit_id)

    def made_last_change(self, audit_id: int, actor: Actor) -> bool:
        """Whether ``actor`` made the round's last change (review steps are not changes)."""
        return review_rows.made_last_change(self.session, audit_id, actor)

    def add(
        self,
        audit_id: int,
        kind: ReviewKind,
        *,
        user_id: int | None,
        user_name: str,
        comment: str,
        score: Fraction | None = None,
        catalogue_hash: str | None = None,
    ) -> None:
        """Append an event, measured against the round's newest change-log line."""
        self.session.flush()
        self.session.add(
            ReviewEventRow(
                audit_id=audit_id,
                kind=kind.value,
                at=utcnow(),
                user_id=user_id,
                user_name=user_name,
                comment=comment,
                score=str(score) if score is not None else None,
                score_display=None,  # the exact score is stored; shown through scoring.display
                catalogue_hash=catalogue_hash,
                last_change_id=self.last_change_id(audit_id),
            )
        )
        self.session.flush()


class Catalogues(Repository):
    def get(self, content_hash: str) -> Catalogue:
        return self._store.catalogue(content_hash)


class ChangeLog(Repository):
    def append(
        self,
        actor: str,
        entity: str,
        changes: list[tuple[str, object, object]],
        *,
        organisation_id: int | None = None,
        audit_id: int | None = None,
    ) -> None:
        self._store._log(
            self.session,
            actor,
            entity,
            changes,
            organisation_id=organisation_id,
            audit_id=audit_id,
        )

    def of_round(self, audit_id: int, limit: int | None = None) -> list[ChangeEntry]:
        query = select(ChangeRow).where(ChangeRow.audit_id == audit_id)
        query = query.order_by(ChangeRow.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return [convert.change(row) for row in self.session.scalars(query)]

"""Audit rounds: close a round (freeze its entries and scores as computed then), open the next
from it, and compare two rounds of the same organisation."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from criteria import Catalogue
from domain.account_records import ReviewError, ReviewState
from domain.errors import InvalidEntry
from domain.records import AuditRecord, AuditState
from scoring import plan_next_tier, result_to_dict, score_audit
from scoring.compare import RoundComparison, compare_rounds
from store import convert, review_rows
from store.audits import AuditsMixin
from store.base import utcnow
from store.tables import (
    AuditRow,
    BonusRow,
    DeductionRow,
    EvidenceLinkRow,
    EvidenceRequestRow,
    ItemRow,
    SnapshotRow,
)

# a new round copies every entry column except the row's identity and version; who assessed an
# item and when travel with it (the closer is recorded as the one who closed, in the change log)
ITEM_COPY = tuple(c.key for c in ItemRow.__table__.columns if c.key not in {"audit_id", "version"})
DEDUCTION_COPY = tuple(
    c.key for c in DeductionRow.__table__.columns if c.key not in {"id", "audit_id", "version"}
)


class RoundsMixin(AuditsMixin):
    def close_round(
        self,
        audit_id: int,
        *,
        expected_version: int,
        actor: str,
        next_date: date | None = None,
        next_title: str | None = None,
    ) -> AuditRecord:
        """Freeze this round and open the next one, starting from a copy of its entries
        (statuses, findings, actions, special items, evidence links). Returns the new round.
        Only a round whose sign-off holds is closed (ReviewError otherwise)."""
        with self._write("audit") as session:
            row = self._draft_audit(session, audit_id, exclusive=True)
            self._check_version("audit", row.version, expected_version)
            state = review_rows.status(session, row.id).state
            if state is not ReviewState.SIGNED_OFF:
                raise ReviewError(
                    "auth.review.error.not_signed_off", round_no=row.round_no, state=state.value
                )
            self._freeze(session, row, self.catalogue(row.catalogue_hash), actor)
            nxt = self._open_next_round(
                session, row, next_title or row.title, next_date or utcnow().date(), actor
            )
            self._log(
                session,
                actor,
                "audit",
                [("created", None, f"round {nxt.round_no} from round {row.round_no}")],
                organisation_id=row.organisation_id,
                audit_id=nxt.id,
            )
            session.flush()
            return convert.audit(nxt)

    @staticmethod
    def _open_next_round(
        session: Session, row: AuditRow, title: str, on: date, actor: str
    ) -> AuditRow:
        """The organisation's next round after ``row``, on the same catalogue, starting from a
        copy of its entries."""
        last_round = session.scalar(
            select(func.max(AuditRow.round_no)).where(
                AuditRow.organisation_id == row.organisation_id
            )
        )
        nxt = AuditRow(
            organisation_id=row.organisation_id,
            title=title.strip(),
            catalogue_id=row.catalogue_id,
            catalogue_hash=row.catalogue_hash,
            scheme_id=row.scheme_id,
            round_no=(last_round or 0) + 1,
            audit_date=on,
            assessor=row.assessor,
            state=AuditState.DRAFT.value,
            previous_audit_id=row.id,
            prerequisites=dict(row.prerequisites or {}),
            planned_certification_on=row.planned_certification_on,
            created_at=utcnow(),
        )
        session.add(nxt)
        session.flush()
        RoundsMixin._copy_entries(session, row.id, nxt.id, actor)
        return nxt

    def _freeze(self, session: Session, row: AuditRow, catalogue: Catalogue, actor: str) -> None:
        """Freeze a round (its audit row locked by the caller): its score on its own catalogue
        is kept as it was, with a change-log line."""
        entries = self._entries(session, row)
        result = score_audit(catalogue, entries)
        snapshot = result_to_dict(result, plan_next_tier(result, entries))
        now = utcnow()
        row.state = AuditState.FROZEN.value
        row.frozen_at = now
        session.add(SnapshotRow(audit_id=row.id, frozen_at=now, result=snapshot))
        self._log(
            session,
            actor,
            "audit",
            [("state", "draft", "frozen"), ("score", None, snapshot["score_display"])],
            organisation_id=row.organisation_id,
            audit_id=row.id,
        )

    @staticmethod
    def _copy_entries(session: Session, source: int, target: int, actor: str) -> None:
        now = utcnow()
        for item in session.scalars(select(ItemRow).where(ItemRow.audit_id == source)):
            session.add(ItemRow(audit_id=target, **{k: getattr(item, k) for k in ITEM_COPY}))
        for deduction in session.scalars(
            select(DeductionRow).where(DeductionRow.audit_id == source).order_by(DeductionRow.id)
        ):
            session.add(
                DeductionRow(audit_id=target, **{k: getattr(deduction, k) for k in DEDUCTION_COPY})
            )
        for bonus in session.scalars(select(BonusRow).where(BonusRow.audit_id == source)):
            session.add(BonusRow(audit_id=target, reason=bonus.reason))
        for link in session.scalars(
            select(EvidenceLinkRow).where(EvidenceLinkRow.audit_id == source)
        ):
            session.add(
                EvidenceLinkRow(
                    audit_id=target,
                    item_id=link.item_id,
                    evidence_id=link.evidence_id,
                    linked_at=now,
                )
            )
        # a request still open is still owed: it moves on to the round that can still take it
        for request in session.scalars(
            select(EvidenceRequestRow).where(
                EvidenceRequestRow.audit_id == source, EvidenceRequestRow.closed_at.is_(None)
            )
        ):
            request.audit_id = target

    def round_result(self, audit_id: int, *, plan: bool = True) -> dict[str, Any]:
        """A round's results as JSON data: the frozen snapshot, or the live score of a draft
        (``plan=False``: without its next-tier plan, which costs as much again as the score)."""
        with self._read() as session:
            snapshot = session.get(SnapshotRow, audit_id)
            if snapshot is not None:
                return dict(snapshot.result)
        if not plan:
            return result_to_dict(self.result(audit_id))
        result, next_tier = self.score(audit_id)
        return result_to_dict(result, next_tier)

    def compare(self, before_id: int, after_id: int) -> RoundComparison:
        before, after = self.audit(before_id), self.audit(after_id)
        if before.organisation_id != after.organisation_id:
            raise InvalidEntry("只能比较同一组织的审核轮次 — rounds of different organisations")
        return compare_rounds(self.round_result(before_id), self.round_result(after_id))

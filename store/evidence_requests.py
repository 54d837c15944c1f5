"""Requests for evidence: ask a named colleague (an account or a free-text name, see
domain/owners.py) for what an item lacks, by a date. A request closes when a file is linked to
the item (store/evidence_library.py), or by hand."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.evidence_rules import EvidenceRule
from domain.notifications import EventKind
from domain.owners import Person, resolve_owner
from domain.records import EvidenceRequest
from store import convert
from store.account_tables import UserRow
from store.base import utcnow
from store.evidence_revisions import EvidenceRevisionsMixin
from store.outbox import Outbox
from store.tables import AuditRow, EvidenceRequestRow, OrganisationRow

_UNSET = object()


class EvidenceRequestsMixin(EvidenceRevisionsMixin):
    def request_evidence(
        self,
        audit_id: int,
        item_id: str,
        *,
        needed: str,
        owner: str,
        due: date | None,
        actor: str,
    ) -> EvidenceRequest:
        if not owner.strip():
            raise EvidenceRule("evidence.request_needs_owner")
        if not needed.strip():
            raise EvidenceRule("evidence.request_needs_what")
        with self._write("evidence request") as session:
            audit = self._draft_audit(session, audit_id)
            if not self.catalogue(audit.catalogue_hash).has_item(item_id):
                raise EvidenceRule("evidence.request_unknown_item", item=item_id)
            row = EvidenceRequestRow(
                organisation_id=audit.organisation_id,
                audit_id=audit_id,
                item_id=item_id,
                needed=needed.strip(),
                owner=owner.strip(),
                due=due,
                requested_by=actor,
                requested_at=utcnow(),
            )
            session.add(row)
            session.flush()
            self._log(
                session,
                actor,
                f"evidence request {row.id}",
                [("requested", None, f"{item_id}: {row.needed} → {row.owner}")],
                organisation_id=audit.organisation_id,
                audit_id=audit_id,
            )
            self._notify_request(session, audit, row, actor)
            return convert.evidence_request(row)

    @staticmethod
    def _notify_request(
        session: Session, audit: AuditRow, row: EvidenceRequestRow, actor: str
    ) -> None:
        """The person asked, told in the request's transaction when the owner names an account
        (the robots are told in any case; notify/send.py sends it later)."""
        people = {
            Person(user.display_name, user.login, user.email or ""): user.id
            for user in session.scalars(select(UserRow).where(UserRow.active.is_(True)))
        }
        named = resolve_owner(row.owner, people)
        organisation = session.get(OrganisationRow, audit.organisation_id)
        Outbox(session).add(
            EventKind.EVIDENCE_REQUESTED,
            organisation_id=audit.organisation_id,
            audit_id=audit.id,
            recipients=[people[named]] if named in people else [],
            values={
                "organisation": organisation.name if organisation else "",
                "round": audit.title,
                "item": row.item_id,
                "title": row.needed,
                "owner": row.owner,
                "due_on": row.due.isoformat() if row.due else None,
                "by": actor,
            },
            actor=actor,
        )

    def evidence_requests(self, audit_id: int) -> list[EvidenceRequest]:
        """The audit's requests, open ones first, each group by due date."""
        with self._read() as session:
            rows = session.scalars(
                select(EvidenceRequestRow).where(EvidenceRequestRow.audit_id == audit_id)
            )
            found = [convert.evidence_request(r) for r in rows]
        return sorted(found, key=lambda r: (not r.open, r.due or date.max, r.id))

    def evidence_request(self, request_id: int) -> EvidenceRequest:
        with self._read() as session:
            row = self._existing(session, EvidenceRequestRow, request_id, "evidence request")
            return convert.evidence_request(row)

    def update_evidence_request(
        self,
        request_id: int,
        *,
        actor: str,
        expected_version: int | None = None,
        owner: str | None = None,
        due: date | object | None = _UNSET,
        closed: bool | None = None,
    ) -> EvidenceRequest:
        """Hand a request to someone else, move its date, or close (or reopen) it by hand."""
        if owner is not None and not owner.strip():
            raise EvidenceRule("evidence.request_needs_owner")
        with self._write("evidence request") as session:
            row = self._existing(session, EvidenceRequestRow, request_id, "evidence request")
            self._draft_audit(session, row.audit_id)
            if expected_version is not None:
                self._check_version(f"evidence request {row.id}", row.version, expected_version)
            diff: list[tuple[str, object, object]] = []
            if owner is not None and owner.strip() != row.owner:
                diff.append(("owner", row.owner, owner.strip()))
                row.owner = owner.strip()
            if due is not _UNSET and due != row.due:
                diff.append(("due", row.due, due))
                row.due = due  # type: ignore[assignment]  # a date or None: not _UNSET here
            if closed is not None and closed != (row.closed_at is not None):
                diff.append(("closed", row.closed_at is not None, closed))
                row.closed_at = utcnow() if closed else None
                row.closed_by = actor if closed else None
                if not closed:
                    row.evidence_id = None
            self._log(
                session,
                actor,
                f"evidence request {row.id}",
                diff,
                organisation_id=row.organisation_id,
                audit_id=row.audit_id,
            )
            session.flush()
            return convert.evidence_request(row)

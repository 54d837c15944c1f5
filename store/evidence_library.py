"""An organisation's evidence library and the links from audit items to it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import InvalidEntry
from domain.evidence_rules import check_period
from domain.records import (
    EvidenceRecord,
)
from evidence import BlobCheck, ingest
from evidence.blobs import GC_GRACE, GarbageReport
from store import convert
from store.base import StoreBase, utcnow
from store.tables import (
    EvidenceLinkRow,
    EvidenceRequestRow,
    EvidenceRow,
    JobRow,
)


class EvidenceMixin(StoreBase):
    # -- evidence --------------------------------------------------------------------------

    def add_evidence(
        self,
        organisation_id: int,
        original_name: str,
        stream: BinaryIO,
        *,
        title: str,
        kind: str,
        actor: str,
        valid_until: date | None = None,
        covered_from: date | None = None,
        covered_to: date | None = None,
    ) -> tuple[EvidenceRecord, bool]:
        """Store a file in the organisation's library. Returns the record and whether it is new:
        the same content uploaded again returns the existing record. Raises EvidenceRefused
        (with its reason) for files that may not be stored; nothing is kept then."""
        self.organisation(organisation_id)  # type: ignore[attr-defined]  # OrganisationsMixin's
        check_period(covered_from, covered_to)
        ingested = ingest(self.blobs, original_name, stream, self.upload_policy)
        with self._write("evidence") as session:
            existing = session.scalars(
                select(EvidenceRow).where(
                    EvidenceRow.organisation_id == organisation_id,
                    EvidenceRow.sha256 == ingested.sha256,
                )
            ).first()
            if existing is not None:
                return convert.evidence(existing), False
            row = EvidenceRow(
                organisation_id=organisation_id,
                sha256=ingested.sha256,
                title=title.strip() or ingested.original_name,
                kind=kind.strip(),
                original_name=ingested.original_name,
                size=ingested.size,
                media_type=ingested.media_type,
                uploaded_by=actor,
                uploaded_at=utcnow(),
                valid_until=valid_until,
                covered_from=covered_from,
                covered_to=covered_to,
            )
            session.add(row)
            session.flush()
            self._log(
                session,
                actor,
                f"evidence {row.id}",
                [("uploaded", None, f"{row.original_name} sha256:{row.sha256}")],
                organisation_id=organisation_id,
            )
            return convert.evidence(row), True

    def update_evidence(self, evidence_id: int, *, actor: str, **changes: Any) -> EvidenceRecord:
        allowed = {"title", "kind", "valid_until", "covered_from", "covered_to"}
        if set(changes) - allowed:
            raise InvalidEntry(f"evidence has no editable field(s) {set(changes) - allowed}")
        if "title" in changes and not str(changes["title"]).strip():
            raise InvalidEntry("证据标题必填 — evidence needs a title")
        with self._write("evidence") as session:
            row = self._evidence_row(session, evidence_id)
            check_period(
                changes.get("covered_from", row.covered_from),
                changes.get("covered_to", row.covered_to),
            )
            diff = [(k, getattr(row, k), v) for k, v in changes.items() if getattr(row, k) != v]
            for field, _, new in diff:
                setattr(row, field, new)
            self._log(
                session, actor, f"evidence {row.id}", diff, organisation_id=row.organisation_id
            )
            session.flush()
            return convert.evidence(row)

    def evidence_library(
        self, organisation_id: int, *, include_replaced: bool = False
    ) -> list[EvidenceRecord]:
        """The organisation's documents in their current revisions (see evidence_revisions);
        with ``include_replaced`` the earlier revisions too, which closed rounds may link."""
        wanted = [EvidenceRow.organisation_id == organisation_id]
        if not include_replaced:
            wanted.append(EvidenceRow.replaced_at.is_(None))
        with self._read() as session:
            rows = session.scalars(
                select(EvidenceRow).where(*wanted).order_by(EvidenceRow.uploaded_at, EvidenceRow.id)
            )
            return [convert.evidence(row) for row in rows]

    def verify_evidence(self, organisation_id: int | None = None) -> list[BlobCheck]:
        """Re-hash every stored file (of one organisation, or all) and report changed or
        missing ones."""
        query = select(EvidenceRow.sha256).distinct().order_by(EvidenceRow.sha256)
        if organisation_id is not None:
            query = query.where(EvidenceRow.organisation_id == organisation_id)
        with self._read() as session:
            hashes = list(session.scalars(query))
        return self.blobs.verify_many(hashes)

    def collect_garbage(self, grace: timedelta = GC_GRACE) -> GarbageReport:
        """Remove stored files that no evidence record (of any organisation) references, once
        they are older than ``grace``; safe while uploads and imports run (see evidence.blobs)."""

        def referenced() -> set[str]:
            with self._read() as session:
                hashes = set(session.scalars(select(EvidenceRow.sha256).distinct()))
                # a job's input (an uploaded archive) and the files it made (a dossier) stay
                # until the job is forgotten (store.jobs.Jobs.expire)
                for params, result in session.execute(select(JobRow.params, JobRow.result)):
                    if (params or {}).get("input_sha256"):
                        hashes.add(params["input_sha256"])
                    hashes.update(f["sha256"] for f in (result or {}).get("files", ()))
                return hashes

        return self.blobs.collect_garbage(referenced, grace=grace)

    def evidence(self, evidence_id: int) -> EvidenceRecord:
        with self._read() as session:
            return convert.evidence(self._evidence_row(session, evidence_id))

    def link_evidence(self, audit_id: int, item_id: str, evidence_id: int, *, actor: str) -> None:
        with self._write("evidence link") as session:
            audit_row = self._draft_audit(session, audit_id)
            catalogue = self.catalogue(audit_row.catalogue_hash)
            if not catalogue.has_item(item_id):
                raise InvalidEntry(f"item {item_id}: unknown item id (not in {catalogue.id})")
            document = self._evidence_row(session, evidence_id)
            if document.organisation_id != audit_row.organisation_id:
                raise InvalidEntry(
                    f"evidence #{evidence_id} belongs to another organisation's library"
                )
            if session.get(EvidenceLinkRow, (audit_id, item_id, evidence_id)) is not None:
                return
            session.add(
                EvidenceLinkRow(
                    audit_id=audit_id, item_id=item_id, evidence_id=evidence_id, linked_at=utcnow()
                )
            )
            self._close_requests(session, audit_id, item_id, evidence_id, actor)
            self._log(
                session,
                actor,
                f"item {item_id}",
                [("evidence", None, document.title)],
                organisation_id=audit_row.organisation_id,
                audit_id=audit_id,
            )

    def unlink_evidence(self, audit_id: int, item_id: str, evidence_id: int, *, actor: str) -> None:
        with self._write("evidence link") as session:
            audit_row = self._draft_audit(session, audit_id)
            link = session.get(EvidenceLinkRow, (audit_id, item_id, evidence_id))
            if link is None:
                return
            document = self._evidence_row(session, evidence_id)
            session.delete(link)
            self._log(
                session,
                actor,
                f"item {item_id}",
                [("evidence", document.title, None)],
                organisation_id=audit_row.organisation_id,
                audit_id=audit_id,
            )

    def evidence_links(self, audit_id: int) -> dict[str, tuple[int, ...]]:
        """Item id → ids of the evidence supporting it."""
        with self._read() as session:
            return {k: tuple(sorted(v)) for k, v in self._links(session, audit_id).items()}

    def items_supported_by(self, evidence_id: int) -> list[tuple[int, str]]:
        """(audit id, item id) pairs that this evidence supports."""
        with self._read() as session:
            rows = session.execute(
                select(EvidenceLinkRow.audit_id, EvidenceLinkRow.item_id)
                .where(EvidenceLinkRow.evidence_id == evidence_id)
                .order_by(EvidenceLinkRow.audit_id, EvidenceLinkRow.item_id)
            )
            return [(a, i) for a, i in rows]

    @staticmethod
    def _links(session: Session, audit_id: int) -> dict[str, set[int]]:
        links: dict[str, set[int]] = defaultdict(set)
        rows = session.execute(
            select(EvidenceLinkRow.item_id, EvidenceLinkRow.evidence_id).where(
                EvidenceLinkRow.audit_id == audit_id
            )
        )
        for item_id, evidence_id in rows:
            links[item_id].add(evidence_id)
        return links

    def _close_requests(
        self, session: Session, audit_id: int, item_id: str, evidence_id: int, actor: str
    ) -> None:
        """A file linked to an item answers the item's open requests for evidence."""
        for request in session.scalars(
            select(EvidenceRequestRow).where(
                EvidenceRequestRow.audit_id == audit_id,
                EvidenceRequestRow.item_id == item_id,
                EvidenceRequestRow.closed_at.is_(None),
            )
        ):
            request.closed_at = utcnow()
            request.closed_by = actor
            request.evidence_id = evidence_id
            self._log(
                session,
                actor,
                f"evidence request {request.id}",
                [("closed", None, f"evidence #{evidence_id}")],
                organisation_id=request.organisation_id,
                audit_id=audit_id,
            )

    def _evidence_row(self, session: Session, evidence_id: int) -> EvidenceRow:
        return self._existing(session, EvidenceRow, evidence_id, "evidence")

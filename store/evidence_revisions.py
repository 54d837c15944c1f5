"""Evidence documents over time: a new revision replaces a document (older ones stay stored
and downloadable), a file no round uses can be removed, and the stored bytes are served only
after they are checked against their hash."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.evidence_rules import EvidenceRule, check_period
from domain.records import AuditState, EvidenceRecord
from evidence import ingest
from evidence.blobs import BlobMissing
from store import convert
from store.base import utcnow
from store.evidence_library import EvidenceMixin
from store.tables import AuditRow, EvidenceLinkRow, EvidenceRequestRow, EvidenceRow

_CHUNK = 1 << 16


class EvidenceRevisionsMixin(EvidenceMixin):
    def evidence_content(self, evidence_id: int) -> bytes:
        """The stored bytes of a document, re-hashed as they are read: a file that changed or
        went missing since its upload is refused (EvidenceRule), never served."""
        record = self.evidence(evidence_id)
        digest = hashlib.sha256()
        chunks: list[bytes] = []
        try:
            with self.blobs.open(record.sha256) as stream:
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
                    chunks.append(chunk)
        except (BlobMissing, FileNotFoundError):
            raise EvidenceRule("evidence.missing", title=record.title) from None
        if digest.hexdigest() != record.sha256:
            raise EvidenceRule("evidence.tampered", title=record.title)
        return b"".join(chunks)

    def evidence_revisions(self, evidence_id: int) -> list[EvidenceRecord]:
        """Every revision of the document this one belongs to, oldest first."""
        with self._read() as session:
            row = self._evidence_row(session, evidence_id)
            while (later := self._next_revision(session, row.id)) is not None:
                row = later
            chain = [row]
            while row.previous_id is not None:
                row = self._evidence_row(session, row.previous_id)
                chain.append(row)
            return [convert.evidence(r) for r in reversed(chain)]

    def replace_evidence(
        self,
        evidence_id: int,
        original_name: str,
        stream: BinaryIO,
        *,
        actor: str,
        title: str | None = None,
        valid_until: date | None = None,
        covered_from: date | None = None,
        covered_to: date | None = None,
    ) -> EvidenceRecord:
        """Store a new revision of a document. Links of draft rounds move to it; closed rounds
        keep the revision they were scored on."""
        check_period(covered_from, covered_to)
        self.evidence(evidence_id)  # exists, before the file is stored
        ingested = ingest(self.blobs, original_name, stream, self.upload_policy)
        with self._write("evidence") as session:
            old = self._evidence_row(session, evidence_id)
            if old.replaced_at is not None:
                raise EvidenceRule("evidence.not_current", title=old.title, revision=old.revision)
            same = session.scalars(
                select(EvidenceRow).where(
                    EvidenceRow.organisation_id == old.organisation_id,
                    EvidenceRow.sha256 == ingested.sha256,
                )
            ).first()
            if same is not None:
                raise EvidenceRule("evidence.same_content", title=same.title)
            now = utcnow()
            row = EvidenceRow(
                organisation_id=old.organisation_id,
                sha256=ingested.sha256,
                title=(title or "").strip() or old.title,
                kind=old.kind,
                original_name=ingested.original_name,
                size=ingested.size,
                media_type=ingested.media_type,
                uploaded_by=actor,
                uploaded_at=now,
                valid_until=valid_until,
                covered_from=covered_from,
                covered_to=covered_to,
                revision=(old.revision or 1) + 1,
                previous_id=old.id,
            )
            session.add(row)
            old.replaced_at = now
            old.replaced_by = actor
            session.flush()
            self._log(
                session,
                actor,
                f"evidence {old.id}",
                [("revision", old.revision, f"{row.revision} #{row.id} sha256:{row.sha256}")],
                organisation_id=old.organisation_id,
            )
            for link, audit in self._links_to(session, old.id):
                if audit.state != AuditState.DRAFT.value:
                    continue  # a closed round keeps what it was scored on
                session.delete(link)
                if session.get(EvidenceLinkRow, (audit.id, link.item_id, row.id)) is None:
                    session.add(
                        EvidenceLinkRow(
                            audit_id=audit.id,
                            item_id=link.item_id,
                            evidence_id=row.id,
                            linked_at=now,
                        )
                    )
                self._close_requests(session, audit.id, link.item_id, row.id, actor)
            return convert.evidence(row)

    def remove_evidence(self, evidence_id: int, *, actor: str) -> None:
        """Remove a document with all its revisions, when no round uses any of them. A round's
        use is named: closed rounds cannot give it up; a draft's items can be unlinked first.
        The file itself goes at the next garbage collection."""
        revisions = self.evidence_revisions(evidence_id)
        ids = [r.id for r in revisions]
        current = revisions[-1]
        with self._write("evidence") as session:
            uses = [
                (link, audit)
                for revision_id in ids
                for link, audit in self._links_to(session, revision_id)
            ]
            closed = sorted({a.round_no for _, a in uses if a.state != AuditState.DRAFT.value})
            if closed:
                raise EvidenceRule(
                    "evidence.used_by_rounds",
                    title=current.title,
                    rounds=", ".join(f"#{n}" for n in closed),
                )
            if uses:
                items = sorted({f"{link.item_id} (#{a.round_no})" for link, a in uses})
                raise EvidenceRule(
                    "evidence.used_by_items", title=current.title, items=", ".join(items)
                )
            for request in session.scalars(
                select(EvidenceRequestRow).where(EvidenceRequestRow.evidence_id.in_(ids))
            ):
                request.evidence_id = None  # the request stays closed; its file is gone
            for evidence_id_ in reversed(ids):  # newest first: the chain's references go first
                row = self._evidence_row(session, evidence_id_)
                session.delete(row)
                session.flush()
            self._log(
                session,
                actor,
                f"evidence {current.id}",
                [("removed", f"{current.original_name} sha256:{current.sha256}", None)],
                organisation_id=current.organisation_id,
            )

    @staticmethod
    def _links_to(session: Session, evidence_id: int) -> list[tuple[EvidenceLinkRow, AuditRow]]:
        return [
            (link, audit)
            for link, audit in session.execute(
                select(EvidenceLinkRow, AuditRow)
                .join(AuditRow, AuditRow.id == EvidenceLinkRow.audit_id)
                .where(EvidenceLinkRow.evidence_id == evidence_id)
                .order_by(AuditRow.round_no, EvidenceLinkRow.item_id)
            ).all()
        ]

    @staticmethod
    def _next_revision(session: Session, evidence_id: int) -> EvidenceRow | None:
        return session.scalars(
            select(EvidenceRow).where(EvidenceRow.previous_id == evidence_id)
        ).first()

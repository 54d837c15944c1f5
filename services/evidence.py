"""Evidence in a round: storing a file in the organisation's library and linking it to (or
unlinking it from) a round's items. A link is part of the round's content, so a change to links
withdraws a standing sign-off in the same transaction (the registry does it), through the app
and the command line alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import BinaryIO

from domain.permissions import Action
from domain.records import EvidenceRecord
from services.context import Context
from services.registry import By, service


@service(Action.MANAGE_EVIDENCE, By.ORGANISATION)
def add_evidence(
    ctx: Context,
    organisation_id: int,
    original_name: str,
    stream: BinaryIO,
    *,
    title: str,
    kind: str,
    valid_until: date | None = None,
    covered_from: date | None = None,
    covered_to: date | None = None,
) -> tuple[EvidenceRecord, bool]:
    """A file into the organisation's library (every intake check of evidence.checks); the
    record and whether it is new (the same bytes again return the existing record)."""
    return ctx.store.add_evidence(
        organisation_id,
        original_name,
        stream,
        title=title,
        kind=kind,
        actor=ctx.name,
        valid_until=valid_until,
        covered_from=covered_from,
        covered_to=covered_to,
    )


@service(Action.MANAGE_EVIDENCE, By.ROUND, changes_round=True)
def link_evidence(ctx: Context, audit_id: int, item_id: str, evidence_id: int) -> None:
    """The document supports the item (a link already there: nothing changes)."""
    ctx.store.link_evidence(audit_id, item_id, evidence_id, actor=ctx.name)


@service(Action.MANAGE_EVIDENCE, By.ROUND, changes_round=True)
def unlink_evidence(ctx: Context, audit_id: int, item_id: str, evidence_id: int) -> None:
    ctx.store.unlink_evidence(audit_id, item_id, evidence_id, actor=ctx.name)


@service(Action.MANAGE_EVIDENCE, By.ROUND, changes_round=True)
def file_evidence(
    ctx: Context,
    audit_id: int,
    original_name: str,
    stream: BinaryIO,
    *,
    items: Sequence[str],
    title: str,
    kind: str,
    valid_until: date | None = None,
    covered_from: date | None = None,
    covered_to: date | None = None,
) -> tuple[EvidenceRecord, bool]:
    """One file into the round's organisation's library, linked to ``items`` of the round: the
    file, its links and the sign-off they withdraw are saved together or not at all."""
    organisation_id = ctx.uow.rounds.get(audit_id).organisation_id
    record, new = add_evidence(
        ctx,
        organisation_id,
        original_name,
        stream,
        title=title,
        kind=kind,
        valid_until=valid_until,
        covered_from=covered_from,
        covered_to=covered_to,
    )
    for item_id in items:
        link_evidence(ctx, audit_id, item_id, record.id)
    return record, new

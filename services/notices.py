"""Who is told about a workflow event: the use cases that cause one (an assignment, an
@mention) record it in the outbox (store/outbox.py) inside their own unit of work, so it is
kept only when the change that caused it is committed; the worker or the reminder run sends it
(notify/), never during the click."""

from __future__ import annotations

from domain.notifications import EventKind, Value
from domain.work import Assignment, Comment, Level
from services.context import Context


def _where(ctx: Context, audit_id: int, target: str) -> dict[str, Value]:
    """The organisation, round and item (or indicator) a notification is about, in Chinese
    (the catalogue's first language; the sender labels the values)."""
    uow = ctx.uow
    audit = uow.rounds.get(audit_id)
    organisation = uow.organisations.get(audit.organisation_id)
    catalogue = uow.catalogues.get(audit.catalogue_hash)
    node = catalogue.item(target) if catalogue.has_item(target) else catalogue.second_level(target)
    return {
        "organisation": organisation.profile.name,
        "round": audit.title,
        "item": target,
        "title": node.title.get("zh"),
    }


def assigned(ctx: Context, assignment: Assignment) -> None:
    """``assignment.user_id`` was given an item or an indicator."""
    values = _where(ctx, assignment.audit_id, assignment.target)
    values["due_on"] = assignment.due.isoformat() if assignment.due else None
    values["by"] = ctx.name
    if assignment.level is Level.INDICATOR:
        values["level"] = "indicator"
    ctx.uow.outbox.add(
        EventKind.ASSIGNED,
        organisation_id=assignment.organisation_id,
        recipients=[assignment.user_id],
        values=values,
        audit_id=assignment.audit_id,
        actor=ctx.name,
    )


def mentioned(ctx: Context, comment: Comment, user_ids: tuple[int, ...]) -> None:
    """``user_ids`` were @mentioned in ``comment`` (new mentions only; not its author)."""
    recipients = [i for i in user_ids if i != comment.author_id]
    if not recipients:
        return
    values = _where(ctx, comment.audit_id, comment.item_id)
    values["by"] = comment.author_name
    values["comment"] = comment.body
    ctx.uow.outbox.add(
        EventKind.MENTIONED,
        organisation_id=comment.organisation_id,
        recipients=recipients,
        values=values,
        audit_id=comment.audit_id,
        actor=ctx.name,
    )

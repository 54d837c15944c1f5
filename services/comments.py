"""An item's comment thread in a round: plain text by an account, with @mentions of accounts
that hold a role in the organisation (resolved when written, stored as account ids). Everyone
with a role there reads it; its author may correct a comment within domain.work.EDIT_WINDOW.
Each comment and each edit is a change-log line of the organisation (a comment is not the
round's content: it withdraws no sign-off)."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.permissions import Action
from domain.work import Comment, WorkRefused, check_edit, checked_body, mentioned
from services import notices
from services.context import Context
from services.registry import By, service


def _entity(audit_id: int, item_id: str) -> str:
    return f"comment {audit_id}/{item_id}"


@service(Action.READ, By.ROUND, write=False)
def thread(ctx: Context, audit_id: int, item_id: str) -> list[Comment]:
    """The item's comments, oldest first."""
    return ctx.uow.work.thread(audit_id, item_id)


@service(Action.COMMENT, By.ROUND)
def add_comment(ctx: Context, audit_id: int, item_id: str, body: str) -> Comment:
    uow = ctx.uow
    if ctx.user_id is None:
        raise WorkRefused("work.error.needs_account")
    audit = uow.rounds.get(audit_id)
    if not uow.catalogues.get(audit.catalogue_hash).has_item(item_id):
        raise WorkRefused("work.error.unknown_target", target=item_id)
    text = checked_body(body)
    mentions = mentioned(text, uow.work.members(audit.organisation_id))
    comment = uow.work.add_comment(
        audit.organisation_id,
        audit_id,
        item_id,
        author_id=ctx.user_id,
        author_name=ctx.name,
        author_login=ctx.actor.login,
        body=text,
        mentions=mentions,
    )
    uow.changes.append(
        ctx.name,
        _entity(audit_id, item_id),
        [("comment", None, text)],
        organisation_id=audit.organisation_id,
    )
    if mentions:
        notices.mentioned(ctx, comment, mentions)
    return comment


@service(Action.COMMENT, By.COMMENT)
def edit_comment(
    ctx: Context, comment_id: int, body: str, *, now: datetime | None = None
) -> Comment:
    """Its author's correction, within the edit window (``now``: the moment, for tests)."""
    uow = ctx.uow
    before = uow.work.comment(comment_id)
    check_edit(before, ctx.user_id, now or datetime.now(UTC))
    text = checked_body(body)
    if text == before.body:
        return before
    row = uow.work.comment_row(comment_id)
    row.body, row.edited_at = text, now or datetime.now(UTC)
    mentions = mentioned(text, uow.work.members(before.organisation_id))
    uow.work.set_mentions(comment_id, mentions)
    uow.changes.append(
        ctx.name,
        _entity(before.audit_id, before.item_id),
        [("comment", before.body, text)],
        organisation_id=before.organisation_id,
    )
    after = uow.work.comment(comment_id)
    new = tuple(i for i in mentions if i not in before.mentions)
    if new:
        notices.mentioned(ctx, after, new)
    return after

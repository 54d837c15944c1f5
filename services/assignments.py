"""Assignments: an item or a whole second-level indicator of a round given to an account that
holds a role in the organisation, with a due date; reassigned or taken back. Each change is a
change-log line of the organisation (not of the round: who works on an item is not the round's
content, so it withdraws no sign-off). Linking an action's free-text owner to an account."""

from __future__ import annotations

from datetime import date

from domain.permissions import Action
from domain.records import AuditState
from domain.work import Assignment, Level, Member, WorkRefused, target_level
from services import notices
from services.context import Context
from services.registry import By, service


@service(Action.READ, By.ORGANISATION, write=False)
def members(ctx: Context, organisation_id: int) -> list[Member]:
    """Who can be assigned work or @mentioned here: active accounts with a role in it."""
    return ctx.uow.work.members(organisation_id)


@service(Action.READ, By.ROUND, write=False)
def round_assignments(ctx: Context, audit_id: int) -> list[Assignment]:
    return ctx.uow.work.assignments(audit_id)


def _level(ctx: Context, audit_id: int, target: str) -> Level:
    audit = ctx.uow.rounds.get(audit_id)
    if audit.state is not AuditState.DRAFT:
        raise WorkRefused("work.error.round_not_open", state=audit.state.value)
    level = target_level(ctx.uow.catalogues.get(audit.catalogue_hash), target)
    if level is None:
        raise WorkRefused("work.error.unknown_target", target=target)
    return level


def _entity(audit_id: int, target: str) -> str:
    return f"assignment {audit_id}/{target}"


@service(Action.ASSIGN, By.ROUND)
def assign(
    ctx: Context, audit_id: int, target: str, user_id: int, due: date | None = None
) -> Assignment:
    """Give ``target`` (an item id or a second-level id) to the account ``user_id``; an
    assignment of the same target is replaced (reassigned)."""
    uow = ctx.uow
    level = _level(ctx, audit_id, target)
    organisation_id = uow.rounds.get(audit_id).organisation_id
    people = {m.id: m for m in uow.work.members(organisation_id)}
    if user_id not in people:
        raise WorkRefused("work.error.not_member", user_id=user_id)
    before = uow.work.assignment_row(audit_id, target)
    old_user, old_due = (before.user_id, before.due) if before is not None else (None, None)
    old_name = uow.work.names([old_user]).get(old_user) if old_user is not None else None
    uow.work.assign(organisation_id, audit_id, target, level, user_id, due, ctx.name)
    changes: list[tuple[str, object, object]] = []
    if old_user != user_id:
        changes.append(("assignee", old_name, people[user_id].display_name))
    if old_due != due:
        changes.append(("due", old_due, due))
    if changes:
        uow.changes.append(
            ctx.name, _entity(audit_id, target), changes, organisation_id=organisation_id
        )
    assignment = next(a for a in uow.work.assignments(audit_id) if a.target == target)
    if old_user != user_id:
        notices.assigned(ctx, assignment)
    return assignment


@service(Action.ASSIGN, By.ROUND)
def unassign(ctx: Context, audit_id: int, target: str) -> Assignment:
    """Take an assignment back; the assignment as it was."""
    uow = ctx.uow
    row = uow.work.assignment_row(audit_id, target)
    if row is None:
        raise WorkRefused("work.error.not_assigned", target=target)
    taken = next(a for a in uow.work.assignments(audit_id) if a.target == target)
    name = uow.work.names([row.user_id]).get(row.user_id)
    organisation_id = row.organisation_id
    uow.work.unassign(row)
    uow.changes.append(
        ctx.name,
        _entity(audit_id, target),
        [("assignee", name, None)],
        organisation_id=organisation_id,
    )
    return taken


@service(Action.READ, By.ORGANISATION, write=False)
def owner_links(ctx: Context, organisation_id: int) -> dict[str, int]:
    """Owner texts (as compared, domain.owners.owner_key) linked to an account id."""
    return ctx.uow.work.owner_links(organisation_id)


@service(Action.ASSIGN, By.ORGANISATION)
def link_owner(ctx: Context, organisation_id: int, owner: str, user_id: int | None) -> str:
    """Every action and request of the organisation whose owner is the text ``owner`` belongs
    to the account ``user_id`` (None: the text stands for no account again). The owner text
    as linked."""
    uow = ctx.uow
    if not owner.strip():
        raise WorkRefused("work.error.empty_owner")
    people = {m.id: m for m in uow.work.members(organisation_id)}
    if user_id is not None and user_id not in people:
        raise WorkRefused("work.error.not_member", user_id=user_id)
    before = uow.work.link_owner(organisation_id, owner, user_id, ctx.name)
    if before == user_id:
        return owner.strip()
    names = uow.work.names([i for i in (before, user_id) if i is not None])
    uow.changes.append(
        ctx.name,
        f"owner {owner.strip()}",
        [("account", names.get(before or 0), names.get(user_id or 0))],
        organisation_id=organisation_id,
    )
    return owner.strip()

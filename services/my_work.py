""" "My work": what is assigned to the signed-in person, the rectification actions and the
requests for evidence they own, and the comments that @mention them — across every organisation
they may read, in one read transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.action_register import ActionRow, Source
from domain.owners import Person, is_owner, owner_key
from domain.permissions import Action
from domain.records import ActionState, AuditRecord, AuditState, Organisation
from domain.work import Comment, Level, is_late
from services.context import Context
from services.registry import By, service
from store.action_register import organisation_action_rows


@dataclass(frozen=True)
class Where:
    """The organisation and round a line of my work belongs to."""

    organisation_id: int
    organisation: str  # its name
    audit_id: int
    audit: str  # the round's title
    round_no: int


@dataclass(frozen=True)
class AssignedLine:
    where: Where
    target: str  # the item id or the second-level id
    level: Level
    title: str  # the item's or indicator's title in the reader's language
    due: date | None
    overdue: bool


@dataclass(frozen=True)
class OwnedLine:
    where: Where
    row: ActionRow  # an action or a request for evidence (row.source)


@dataclass(frozen=True)
class MentionLine:
    where: Where
    item_id: str
    title: str
    author: str
    at: datetime
    body: str


@dataclass(frozen=True)
class MyWork:
    assigned: tuple[AssignedLine, ...]
    actions: tuple[OwnedLine, ...]
    requests: tuple[OwnedLine, ...]
    mentions: tuple[MentionLine, ...]

    @property
    def empty(self) -> bool:
        return not (self.assigned or self.actions or self.requests or self.mentions)


class _Places:
    """Organisations and rounds read once each."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._organisations: dict[int, Organisation] = {}
        self._rounds: dict[int, AuditRecord] = {}

    def round(self, audit_id: int) -> AuditRecord:
        if audit_id not in self._rounds:
            self._rounds[audit_id] = self.ctx.uow.rounds.get(audit_id)
        return self._rounds[audit_id]

    def where(self, audit_id: int) -> Where:
        audit = self.round(audit_id)
        if audit.organisation_id not in self._organisations:
            self._organisations[audit.organisation_id] = self.ctx.uow.organisations.get(
                audit.organisation_id
            )
        organisation = self._organisations[audit.organisation_id]
        return Where(
            organisation.id, organisation.profile.name, audit.id, audit.title, audit.round_no
        )


@service(Action.MY_WORK, By.NOTHING, write=False)
def my_work(ctx: Context, today: date, lang: str = "zh") -> MyWork:
    """The signed-in account's work; nothing for the command line's local administrator."""
    uow, user_id = ctx.uow, ctx.user_id
    if user_id is None:
        return MyWork((), (), (), ())
    readable = ctx.actor.readable_organisations()

    def may_read(organisation_id: int) -> bool:
        return readable is None or organisation_id in readable

    places = _Places(ctx)
    assigned = []
    for assignment in uow.work.assignments_of(user_id):
        audit = places.round(assignment.audit_id)
        if not may_read(audit.organisation_id) or audit.state is not AuditState.DRAFT:
            continue
        catalogue = uow.catalogues.get(audit.catalogue_hash)
        node = (
            catalogue.item(assignment.target)
            if assignment.level is Level.ITEM
            else catalogue.second_level(assignment.target)
        )
        assigned.append(
            AssignedLine(
                places.where(audit.id),
                assignment.target,
                assignment.level,
                node.title.get(lang),
                assignment.due,
                is_late(assignment.due, today),
            )
        )
    actions, requests = _owned(ctx, places, user_id, may_read, today, lang)
    mentions = []
    for comment in uow.work.mentioning(user_id):
        if may_read(comment.organisation_id):
            mentions.append(_mention(ctx, places, comment, lang))
    mentions.sort(key=lambda line: line.at, reverse=True)
    return MyWork(tuple(assigned), actions, requests, tuple(mentions))


def _owned(
    ctx: Context,
    places: _Places,
    user_id: int,
    may_read: object,
    today: date,
    lang: str,
) -> tuple[tuple[OwnedLine, ...], tuple[OwnedLine, ...]]:
    """Open actions and requests whose owner names the account, or a text linked to it."""
    uow = ctx.uow
    user = uow.accounts.user_by_id(user_id)
    if user is None:
        return (), ()
    person = Person(user.display_name, user.login, user.email or "")
    linked = uow.work.owner_texts_of(user_id)
    organisations = {grant for grant, _ in user.grants} | set(linked)
    if user.administrator:
        organisations |= {o.id for o in ctx.store.organisations()}
    actions: list[OwnedLine] = []
    requests: list[OwnedLine] = []
    for organisation_id in sorted(organisations):
        if callable(may_read) and not may_read(organisation_id):
            continue
        texts = linked.get(organisation_id, set())
        for row in organisation_action_rows(ctx.store, organisation_id, today, lang):
            if row.state is ActionState.DONE:
                continue
            if not (is_owner(row.owner, person) or owner_key(row.owner) in texts):
                continue
            line = OwnedLine(places.where(row.audit_id), row)
            (requests if row.source is Source.REQUEST else actions).append(line)
    return tuple(actions), tuple(requests)


def _mention(ctx: Context, places: _Places, comment: Comment, lang: str) -> MentionLine:
    audit = places.round(comment.audit_id)
    catalogue = ctx.uow.catalogues.get(audit.catalogue_hash)
    title = (
        catalogue.item(comment.item_id).title.get(lang)
        if catalogue.has_item(comment.item_id)
        else ""
    )
    return MentionLine(
        places.where(comment.audit_id),
        comment.item_id,
        title,
        comment.author_name,
        comment.created_at,
        comment.body,
    )

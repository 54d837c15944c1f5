"""Read models of audits for the API (and any other reader that wants them as data): a round's
summary as the portfolio shows it (score, verdict, points to the next tier, open items, actions
open and overdue), its item results and actions, its calendar, and what one account may see or
owns. Every one is a read in one snapshot; the figures stay exact (scoring.display shows
them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from domain.action_register import ActionRow
from domain.owners import Person, is_owner
from domain.permissions import Action
from domain.records import ActionState, AuditRecord, AuditState
from reminders.dates import DueDate, action_due_date, audit_due_dates
from scoring import Status
from scoring.figures import RoundFigures, live_figures, snapshot_figures
from services.context import Context
from services.registry import By, service
from store.action_register import action_rows, current_rounds


@dataclass(frozen=True)
class AuditSummary:
    id: int
    organisation_id: int
    organisation: str
    round_no: int
    title: str
    state: AuditState
    audit_date: date | None
    score: Fraction  # exact
    tier: str  # the verdict in words
    next_tier: str  # the next tier, or the step before any (words)
    points_to_next: Fraction | None  # exact; None at the top or when a step comes first
    open_items: int
    open_actions: int
    overdue_actions: int


@dataclass(frozen=True)
class ItemResult:
    item_id: str
    title: str
    status: Status
    finding: str
    samples_checked: int | None
    samples_conforming: int | None


@dataclass(frozen=True)
class AuditDetail:
    summary: AuditSummary
    items: tuple[ItemResult, ...]  # catalogue order, every item (not assessed ones too)
    actions: tuple[ActionRow, ...]  # items', deductions' and requests for evidence


def _figures(ctx: Context, audit: AuditRecord, lang: str) -> RoundFigures:
    store = ctx.store
    if audit.state is AuditState.DRAFT:
        return live_figures(store.result(audit.id), lang)  # no next-tier plan: not shown
    return snapshot_figures(store.round_result(audit.id), lang)  # frozen when it closed


def _summary(ctx: Context, audit_id: int, today: date, lang: str) -> AuditSummary:
    uow = ctx.uow
    audit = uow.rounds.get(audit_id)
    organisation = uow.organisations.get(audit.organisation_id)
    figures = _figures(ctx, audit, lang)
    pending = [
        row for row in action_rows(ctx.store, audit_id, today, lang) if row.state is not DONE
    ]
    return AuditSummary(
        id=audit.id,
        organisation_id=organisation.id,
        organisation=organisation.profile.name,
        round_no=audit.round_no,
        title=audit.title,
        state=audit.state,
        audit_date=audit.audit_date,
        score=figures.score,
        tier=figures.tier,
        next_tier=figures.next_tier,
        points_to_next=figures.points_to_next,
        open_items=figures.open_items,
        open_actions=len(pending),
        overdue_actions=sum(1 for row in pending if row.overdue),
    )


DONE = ActionState.DONE


@service(Action.READ, By.ROUND, write=False)
def audit_summary(ctx: Context, audit_id: int, *, today: date, lang: str = "zh") -> AuditSummary:
    return _summary(ctx, audit_id, today, lang)


@service(Action.READ, By.ROUND, write=False)
def audit_detail(ctx: Context, audit_id: int, *, today: date, lang: str = "zh") -> AuditDetail:
    summary = _summary(ctx, audit_id, today, lang)
    store = ctx.store
    audit = ctx.uow.rounds.get(audit_id)
    catalogue = store.catalogue(audit.catalogue_hash)
    records = store.items(audit_id)
    items = []
    for item in catalogue.items:
        record = records.get(item.id)
        items.append(
            ItemResult(
                item_id=item.id,
                title=item.title.get(lang),
                status=record.status if record else Status.NOT_ASSESSED,
                finding=record.finding if record else "",
                samples_checked=record.samples_checked if record else None,
                samples_conforming=record.samples_conforming if record else None,
            )
        )
    actions = tuple(action_rows(store, audit_id, today, lang))
    return AuditDetail(summary, tuple(items), actions)


@service(Action.READ, By.ROUND, write=False)
def audit_calendar(
    ctx: Context, audit_id: int, *, today: date, lang: str = "zh"
) -> tuple[AuditSummary, list[DueDate]]:
    """The round's summary and its organisation's dates: open actions' due dates, evidence
    that runs out, the certificate's surveillances and renewal."""
    summary = _summary(ctx, audit_id, today, lang)
    return summary, audit_due_dates(ctx.store, audit_id, today, lang)


def _readable(ctx: Context, account_id: int) -> list[int]:
    """The organisations the account may read (not archived), by id."""
    actor = ctx.uow.accounts.actor(account_id)
    if actor is None:
        return []
    readable = actor.readable_organisations()
    return [o.id for o in ctx.store.organisations() if readable is None or o.id in readable]


@service(Action.USE_API, By.ACCOUNT, write=False)
def readable_audits(
    ctx: Context, account_id: int, *, today: date, lang: str = "zh"
) -> list[AuditSummary]:
    """Every round (not archived) of every organisation the account may read, by organisation
    and round; each through audit_summary, so its own permission is checked as well."""
    return [
        audit_summary(ctx, audit.id, today=today, lang=lang)
        for organisation_id in _readable(ctx, account_id)
        for audit in ctx.store.audits(organisation_id)
    ]


@service(Action.USE_API, By.ACCOUNT, write=False)
def owned_due_dates(
    ctx: Context, account_id: int, *, today: date, lang: str = "zh"
) -> tuple[str, list[DueDate]]:
    """The account's display name and the due dates of the open actions it owns (its name,
    login or e-mail as the owner) in the open rounds of the organisations it may read."""
    user = ctx.uow.accounts.user_by_id(account_id)
    if user is None:
        return "", []
    person = Person(user.display_name, user.login, user.email or "")
    found: list[DueDate] = []
    for organisation_id in _readable(ctx, account_id):
        for audit in current_rounds(ctx.store, organisation_id):
            found += [
                action_due_date(row, organisation_id, lang)
                for row in action_rows(ctx.store, audit.id, today, lang)
                if row.due is not None and row.state is not DONE and is_owner(row.owner, person)
            ]
    return user.display_name, sorted(found, key=lambda d: (d.due, d.uid))

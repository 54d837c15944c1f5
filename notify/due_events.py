"""The events the reminder run produces (``gbt-audit remind``): an action past its due date
(told to its owner's account, when the owner text names one) and a surveillance evaluation
coming due or overdue (told to who may edit the organisation: its quality managers and
consultants). Each is recorded once per due date (the outbox's ``key``), however often the
reminder runs; the daily digest says the rest."""

from __future__ import annotations

from datetime import date

from domain.notifications import EventKind, who_may
from domain.owners import Person, resolve_owner
from domain.permissions import Action
from reminders.dates import DueDate, DueKind
from reminders.digest import organisation_items, relevant
from store.repository import AuditStore
from store.uow import UnitOfWork


def due_kind(item: DueDate, today: date, days: int) -> EventKind | None:
    if item.kind is DueKind.ACTION and item.overdue_on(today):
        return EventKind.ACTION_OVERDUE
    if item.kind is DueKind.SURVEILLANCE and relevant(item, today, days):
        return EventKind.SURVEILLANCE_DUE
    return None


def record_due_events(store: AuditStore, today: date, days: int) -> int:
    """Record today's new overdue-action and surveillance-due events; how many were new."""
    recorded = 0
    with UnitOfWork(store) as uow:
        users = [u for u in uow.accounts.users() if u.active]
        people = {Person(u.display_name, u.login, u.email or ""): u.id for u in users}
        for organisation in store.organisations():
            editors = who_may(users, organisation.id, Action.EDIT_ORGANISATION, besides=None)
            for item in organisation_items(store, organisation.id, today):
                kind = due_kind(item, today, days)
                if kind is None:
                    continue
                if kind is EventKind.ACTION_OVERDUE:
                    named = resolve_owner(item.owner, people) if item.owner else None
                    recipients = [people[named]] if named in people else []
                else:
                    recipients = editors
                made = uow.outbox.add(
                    kind,
                    organisation_id=organisation.id,
                    recipients=recipients,
                    values={
                        "organisation": organisation.profile.name,
                        "title": item.summary,
                        "owner": item.owner,
                        "due_on": item.due.isoformat(),
                    },
                    key=f"{kind.value}:{item.uid}:{item.due.isoformat()}",
                    actor="gbt-audit remind",
                )
                recorded += made is not None
    return recorded

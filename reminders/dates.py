"""Every dated thing an organisation has to keep an eye on, collected once for the calendar feed
and the mail digest: open actions' due dates, evidence validity, the certification cycle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from domain.action_register import ActionRow, Source
from domain.owners import Person, is_owner
from domain.records import ActionState
from scoring import display
from scoring.cycle import CycleEventKind, EventState
from store.access import bare
from store.action_register import action_rows, current_rounds
from store.uow import UnitOfWork
from texts import t

if TYPE_CHECKING:
    from store.access import GuardedStore
    from store.repository import AuditStore


class DueKind(StrEnum):
    ACTION = "action"
    EVIDENCE = "evidence"
    SURVEILLANCE = "surveillance"
    RENEWAL = "renewal"


@dataclass(frozen=True)
class DueDate:
    kind: DueKind
    uid: str  # stable across exports and rounds, so calendars update instead of duplicating
    due: date
    summary: str
    detail: str
    owner: str = ""
    organisation_id: int | None = None
    held: bool = False  # a surveillance held already: nothing left to remind of
    at_risk: bool = False  # a surveillance overdue: the certificate is at risk of suspension

    def overdue_on(self, today: date) -> bool:
        return self.due < today

    def within(self, today: date, days: int) -> bool:
        """Overdue, or due within ``days`` days from ``today``."""
        return (self.due - today).days <= days


def _uid(organisation_id: int, *parts: object) -> str:
    return "-".join(["gbt-audit", f"org{organisation_id}", *map(str, parts)]) + "@gbt-audit"


def action_due_date(row: ActionRow, organisation_id: int, lang: str) -> DueDate:
    # an item's action keeps its UID from round to round (the next round copies it)
    if row.source is Source.REQUEST:
        ref = f"request-{row.ref}"
    elif row.item_id and row.ref == row.item_id:
        ref = f"item-{row.item_id}"
    else:
        ref = f"deduction-{row.ref}"
    what = row.item_id or t("actions.deduction_ref", lang, n=row.ref)
    owner = row.owner or t("actions.no_owner", lang)
    return DueDate(
        kind=DueKind.ACTION,
        uid=_uid(organisation_id, "action", ref),
        due=row.due or date.max,
        summary=t(
            "reminders.request_summary"
            if row.source is Source.REQUEST
            else "reminders.action_summary",
            lang,
            item=what,
            action=row.action,
        ),
        detail=t(
            "reminders.action_detail",
            lang,
            subject=row.subject,
            owner=owner,
            state=t(f"action.{row.state.value}", lang),
        ),
        owner=row.owner,
        organisation_id=organisation_id,
    )


def audit_due_dates(
    store: AuditStore | GuardedStore, audit_id: int, today: date, lang: str = "zh"
) -> list[DueDate]:
    """What one audit's organisation has to watch: the audit's open actions with a due date,
    the organisation's evidence that runs out, its certificate's surveillance and renewal."""
    audit = store.audit(audit_id)
    actions = [
        action_due_date(row, audit.organisation_id, lang)
        for row in action_rows(store, audit_id, today, lang)
        if row.due is not None and row.state is not ActionState.DONE
    ]
    return _sorted([*actions, *organisation_dates(store, audit.organisation_id, lang, today)])


def organisation_dates(
    store: AuditStore | GuardedStore,
    organisation_id: int,
    lang: str = "zh",
    today: date | None = None,
) -> list[DueDate]:
    """Evidence validity and the certification cycle: the organisation's, whatever the round.
    Each surveillance is marked held, or overdue (the certificate at risk), as on ``today``."""
    dates = [
        DueDate(
            kind=DueKind.EVIDENCE,
            uid=_uid(organisation_id, "evidence", evidence.id, "valid-until"),
            due=evidence.valid_until,
            summary=t("reminders.evidence_summary", lang, title=evidence.title),
            detail=t("reminders.evidence_detail", lang, name=evidence.original_name),
            organisation_id=organisation_id,
        )
        for evidence in store.evidence_library(organisation_id)
        if evidence.valid_until is not None
    ]
    with UnitOfWork(bare(store), write=False) as uow:  # after the guard let this person read
        certificate = next(iter(uow.certificates.of_organisation(organisation_id)), None)
    tiers = store.latest_tiers(organisation_id) if certificate is not None else ()
    if certificate is not None:
        status = certificate.status(today or date.today())
        for event in status.events:
            surveillance = event.kind is CycleEventKind.SURVEILLANCE
            label = t(f"cycle.{event.kind.value}", lang, n=event.number)
            at_risk = surveillance and event.state is EventState.OVERDUE
            dates.append(
                DueDate(
                    kind=DueKind.SURVEILLANCE if surveillance else DueKind.RENEWAL,
                    uid=_uid(
                        organisation_id,
                        "certificate",
                        certificate.id,
                        event.kind.value,
                        event.number,
                    ),
                    due=event.due,
                    summary=t("cycle.at_risk", lang, event=label, due=display.day(event.due))
                    if at_risk
                    else label,
                    detail=t(
                        "reminders.certificate_detail",
                        lang,
                        body=certificate.body,
                        number=certificate.number,
                        tier=display.held_tier(status.tier, tiers, lang),
                    ),
                    organisation_id=organisation_id,
                    held=event.state is EventState.HELD,
                    at_risk=at_risk,
                )
            )
    return dates


def owner_due_dates(
    store: AuditStore | GuardedStore, person: Person, today: date, lang: str = "zh"
) -> list[DueDate]:
    """One person's open actions with a due date, across every organisation's open rounds."""
    found: list[DueDate] = []
    for organisation in store.organisations():
        for audit in current_rounds(store, organisation.id):
            found += [
                action_due_date(row, organisation.id, lang)
                for row in action_rows(store, audit.id, today, lang)
                if row.due is not None
                and row.state is not ActionState.DONE
                and is_owner(row.owner, person)
            ]
    return _sorted(found)


def _sorted(dates: Sequence[DueDate]) -> list[DueDate]:
    return sorted(dates, key=lambda d: (d.due, d.kind.value, d.uid))

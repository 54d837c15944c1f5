"""The reminder digest: per organisation, what is overdue and what falls due within N days,
to its contact address, and to each action owner with an address their own part of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from domain.owners import Person, resolve_owner
from reminders.dates import DueDate, DueKind, audit_due_dates, organisation_dates
from scoring import display
from store.action_register import current_rounds
from texts import LANGS, t

if TYPE_CHECKING:
    from store.repository import AuditStore


@dataclass(frozen=True)
class Digest:
    recipient: str
    organisation: str
    today: date
    days: int
    overdue: tuple[DueDate, ...]
    upcoming: tuple[DueDate, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.upcoming)


def relevant(item: DueDate, today: date, days: int) -> bool:
    """Actions and evidence matter once due and until dealt with; a certification date ahead
    of it, unless held; a surveillance past its date with none held until one is recorded (the
    certificate is at risk of suspension)."""
    if item.held:
        return False
    if item.at_risk:
        return True
    if item.kind in (DueKind.SURVEILLANCE, DueKind.RENEWAL) and item.overdue_on(today):
        return False
    return item.within(today, days)


def _split(items: Sequence[DueDate], today: date, days: int) -> tuple[tuple[DueDate, ...], ...]:
    chosen = [i for i in items if relevant(i, today, days)]
    return (
        tuple(i for i in chosen if i.overdue_on(today)),
        tuple(i for i in chosen if not i.overdue_on(today)),
    )


def organisation_items(store: AuditStore, organisation_id: int, today: date) -> list[DueDate]:
    """Every dated thing of one organisation: its current rounds' (or, with none open, its own
    evidence and certification dates), by due date."""
    by_uid: dict[str, DueDate] = {}
    for audit in current_rounds(store, organisation_id):
        by_uid.update((d.uid, d) for d in audit_due_dates(store, audit.id, today))
    if not by_uid:  # no open round: the organisation's own dates still come due
        by_uid.update((d.uid, d) for d in organisation_dates(store, organisation_id, today=today))
    return sorted(by_uid.values(), key=lambda d: (d.due, d.uid))


def team_digests(store: AuditStore, today: date, days: int) -> list[Digest]:
    """One digest per organisation with anything to remind of, for the group-chat robots
    (``recipient`` is empty: the whole team reads it)."""
    found = []
    for organisation in store.organisations():
        items = organisation_items(store, organisation.id, today)
        digest = Digest("", organisation.profile.name, today, days, *_split(items, today, days))
        if not digest.is_empty:
            found.append(digest)
    return found


def digests(
    store: AuditStore, today: date, days: int, people: Sequence[Person] = ()
) -> list[Digest]:
    """Every digest to send today; empty ones are left out. ``people`` are the known accounts
    an owner text may name (an owner written as an e-mail address needs none)."""
    found: list[Digest] = []
    for organisation in store.organisations():
        items = organisation_items(store, organisation.id, today)
        name = organisation.profile.name
        address = organisation.profile.contact_email.strip()
        if address:
            found.append(Digest(address, name, today, days, *_split(items, today, days)))
        owners: dict[str, list[DueDate]] = {}
        for item in items:
            person = resolve_owner(item.owner, people) if item.owner else None
            if person and person.email and person.email.casefold() != address.casefold():
                owners.setdefault(person.email, []).append(item)
        for email, own in owners.items():
            found.append(Digest(email, name, today, days, *_split(own, today, days)))
    return [d for d in found if not d.is_empty]


def subject_in(digest: Digest, lang: str) -> str:
    """The digest's subject in one language (a mail's carries both, a robot's each)."""
    return t(
        "reminders.subject",
        lang,
        organisation=digest.organisation,
        overdue=len(digest.overdue),
        upcoming=len(digest.upcoming),
        days=digest.days,
    )


def subject(digest: Digest) -> str:
    return " / ".join(subject_in(digest, lang) for lang in LANGS)


def body(digest: Digest) -> str:
    """Chinese first, then English."""
    return "\n\n———\n\n".join(_body(digest, lang) for lang in LANGS)


def _body(digest: Digest, lang: str) -> str:
    lines = [t("reminders.greeting", lang, organisation=digest.organisation, today=digest.today)]
    for heading, items in (
        (t("reminders.overdue_heading", lang, n=len(digest.overdue)), digest.overdue),
        (
            t("reminders.upcoming_heading", lang, n=len(digest.upcoming), days=digest.days),
            digest.upcoming,
        ),
    ):
        if items:
            lines += ["", heading]
            lines += [f"- {display.day(i.due)}  {i.summary}" + _owner(i, lang) for i in items]
    lines += ["", t("reminders.footer", lang)]
    return "\n".join(lines)


def _owner(item: DueDate, lang: str) -> str:
    return t("reminders.owner_suffix", lang, owner=item.owner) if item.owner else ""

"""Notifications on workflow events, as data: what happened (``EventKind``), where it stands in
the outbox (``DeliveryState``), the record the outbox hands out, and the back-off rule.

A change records its notification in its own transaction (``uow.outbox.add``, store/outbox.py);
the worker or the reminder run sends it later (notify/), never during a click."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.account_records import ReviewKind, ReviewStatus, UserRecord
from domain.permissions import ROLE_ACTIONS, Action

# a value a notification carries: shown as plain text, never as Markdown
Value = str | int | None

MAX_ATTEMPTS = 6  # after this many failed sends a notification is marked failed
FIRST_WAIT = timedelta(seconds=30)  # the wait after the first failure; doubled after each one
LONGEST_WAIT = timedelta(hours=1)


class EventKind(StrEnum):
    ASSIGNED = "assigned"
    MENTIONED = "mentioned"
    SUBMITTED_FOR_REVIEW = "submitted_for_review"
    RETURNED = "returned"
    SIGNED_OFF = "signed_off"
    ACTION_OVERDUE = "action_overdue"
    EVIDENCE_REQUESTED = "evidence_requested"
    SURVEILLANCE_DUE = "surveillance_due"


class DeliveryState(StrEnum):
    PENDING = "pending"  # not yet sent, or to be tried again at next_attempt_at
    SENT = "sent"  # every target took it
    FAILED = "failed"  # MAX_ATTEMPTS tries; last_error says why


@dataclass(frozen=True)
class Notification:
    id: int
    kind: EventKind
    organisation_id: int | None
    audit_id: int | None
    recipients: tuple[int, ...]  # account ids
    values: dict[str, Value]
    created_at: datetime
    created_by: str
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    sent_at: datetime | None
    delivered: tuple[str, ...]  # the targets that took it ("mail:<account id>", "webhook:<n>")


def error_text(stored: str, lang: str) -> str:
    """A stored failure in the reader's language (the sender keeps {"zh": …, "en": …})."""
    try:
        worded = json.loads(stored)
    except ValueError:
        return stored
    if isinstance(worded, dict):
        return str(worded.get(lang) or worded.get("zh") or "")
    return stored


def next_wait(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed send: 30 s, 1 min, 2 min, … ≤ 1 h."""
    if attempts < 1:
        return timedelta(0)
    return min(FIRST_WAIT * (1 << (attempts - 1)), LONGEST_WAIT)


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS


# -- who is told (plain rules; the services call them) -----------------------------------------


def who_may(
    users: Iterable[UserRecord], organisation_id: int, action: Action, *, besides: int | None
) -> list[int]:
    """The active accounts whose role in ``organisation_id`` permits ``action`` (the reviewers
    of a submitted round), not counting ``besides`` (who caused the event)."""
    return sorted(
        user.id
        for user in users
        if user.active
        and user.id != besides
        and any(
            org == organisation_id and action in ROLE_ACTIONS[role] for org, role in user.grants
        )
    )


def submitter(status: ReviewStatus) -> int | None:
    """The account that last submitted the round (told when it is returned or signed off)."""
    for event in reversed(status.events):
        if event.kind is ReviewKind.SUBMITTED:
            return event.user_id
    return None

"""Notifications on workflow events, as data: what happened (``EventKind``), where it stands in
the outbox (``DeliveryState``), the record the outbox hands out, and the back-off rule.

A change records its notification in its own transaction (``uow.outbox.add``, store/outbox.py);
the worker or the reminder run sends it later (notify/), never during a click."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

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


def next_wait(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed send: 30 s, 1 min, 2 min, … ≤ 1 h."""
    if attempts < 1:
        return timedelta(0)
    return min(FIRST_WAIT * (1 << (attempts - 1)), LONGEST_WAIT)


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS

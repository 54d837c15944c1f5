"""The outbox repository (``uow.outbox``): a change records the notification it causes in its
own transaction; the sender (notify/send.py) claims due ones, sends them outside any transaction
and records the outcome. Nothing here sends or decides who is told."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.notifications import (
    DeliveryState,
    EventKind,
    Notification,
    Value,
    gives_up,
    next_wait,
)
from store.base import utcnow
from store.outbox_tables import NotificationRow

CLAIM_LEASE = timedelta(minutes=5)  # a claimed notification is not claimed again for this long


def _record(row: NotificationRow) -> Notification:
    return Notification(
        id=row.id,
        kind=EventKind(row.kind),
        organisation_id=row.organisation_id,
        audit_id=row.audit_id,
        recipients=tuple(int(r) for r in row.recipients or ()),
        values=dict(row.values or {}),
        created_at=row.created_at,
        created_by=row.created_by or "",
        state=DeliveryState(row.state),
        attempts=row.attempts or 0,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error or "",
        sent_at=row.sent_at,
        delivered=tuple(row.delivered or ()),
    )


def _checked_values(values: Mapping[str, Value]) -> dict[str, Value]:
    checked: dict[str, Value] = {}
    for name, value in values.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"a notification value needs a name, not {name!r}")
        if isinstance(value, bool) or not isinstance(value, str | int | None):
            raise ValueError(f"notification value {name!r} must be str, int or None")
        checked[name] = value
    return checked


class Outbox:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        kind: EventKind | str,
        *,
        organisation_id: int | None,
        recipients: Iterable[int],
        values: Mapping[str, Value],
        audit_id: int | None = None,
        key: str | None = None,
        actor: str = "",
    ) -> int | None:
        """Record a notification in this unit of work's transaction (saved only if the change
        that caused it is). ``recipients``: account ids (each told by mail if it has an address;
        the webhooks are told in any case). ``values``: plain text or whole numbers shown in the
        message. ``key``: when given and already recorded, nothing is added and None returned."""
        kind = EventKind(kind)
        people = sorted({int(r) for r in recipients})
        checked = _checked_values(values)
        if key is not None:
            found = self.session.scalar(
                select(NotificationRow.id).where(NotificationRow.key == key)
            )
            if found is not None:
                return None
        now = utcnow()
        row = NotificationRow(
            kind=kind.value,
            organisation_id=organisation_id,
            audit_id=audit_id,
            recipients=people,
            values=checked,
            key=key,
            created_at=now,
            created_by=actor,
            state=DeliveryState.PENDING.value,
            attempts=0,
            next_attempt_at=now,
            last_error="",
            sent_at=None,
            delivered=[],
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def get(self, notification_id: int) -> Notification | None:
        row = self.session.get(NotificationRow, notification_id)
        return _record(row) if row is not None else None

    def claim(self, *, limit: int = 50, now: datetime | None = None) -> list[Notification]:
        """The pending notifications due now, oldest first, each held for CLAIM_LEASE so that a
        second sender (the worker beside a reminder run) leaves them alone meanwhile."""
        now = now or utcnow()
        query = (
            select(NotificationRow)
            .where(
                NotificationRow.state == DeliveryState.PENDING.value,
                or_(
                    NotificationRow.next_attempt_at.is_(None),
                    NotificationRow.next_attempt_at <= now,
                ),
            )
            .order_by(NotificationRow.id)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(self.session.scalars(query))
        for row in rows:
            row.next_attempt_at = now + CLAIM_LEASE
        self.session.flush()
        return [_record(row) for row in rows]

    def record(
        self,
        notification_id: int,
        *,
        delivered: Iterable[str],
        error: str = "",
        now: datetime | None = None,
    ) -> Notification:
        """The outcome of one try: the targets that took it so far; no ``error`` means every
        target took it (sent); else one more attempt, tried again after the back-off or, at
        the last attempt, failed."""
        now = now or utcnow()
        row = self.session.get(NotificationRow, notification_id)
        if row is None:
            raise LookupError(f"notification #{notification_id} does not exist")
        row.delivered = sorted(set(row.delivered or ()) | set(delivered))
        row.attempts = (row.attempts or 0) + 1
        if not error:
            row.state = DeliveryState.SENT.value
            row.sent_at = now
            row.next_attempt_at = None
            row.last_error = ""
        else:
            row.last_error = error[:2000]
            if gives_up(row.attempts):
                row.state = DeliveryState.FAILED.value
                row.next_attempt_at = None
            else:
                row.next_attempt_at = now + next_wait(row.attempts)
        self.session.flush()
        return _record(row)

    def recent(self, *, limit: int = 100, state: DeliveryState | None = None) -> list[Notification]:
        """Newest first, for the administrators' list."""
        query = select(NotificationRow).order_by(NotificationRow.id.desc()).limit(limit)
        if state is not None:
            query = query.where(NotificationRow.state == state.value)
        return [_record(row) for row in self.session.scalars(query)]

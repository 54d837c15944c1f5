"""What the notification outbox sent and what failed, for administrators (the Users page)."""

from __future__ import annotations

from domain.notifications import DeliveryState, Notification
from domain.permissions import Action
from services.context import Context
from services.registry import By, service


@service(Action.MANAGE_USERS, By.NOTHING, write=False)
def notification_log(
    ctx: Context, limit: int = 100, state: DeliveryState | None = None
) -> list[Notification]:
    """The newest notifications first (``state``: only those pending, sent or failed)."""
    return ctx.uow.outbox.recent(limit=limit, state=state)

"""A round's entries: the changes that withdraw a sign-off (the registry does it, in the same
transaction as the change)."""

from __future__ import annotations

from typing import Any

from domain.permissions import Action
from domain.records import ItemRecord
from services.context import Context
from services.registry import By, service


@service(Action.SCORE, By.ROUND, changes_round=True)
def save_item(
    ctx: Context, audit_id: int, item_id: str, *, expected_version: int, **changes: Any
) -> ItemRecord:
    """One item's status, samples, finding, notes or action (the versioned write refuses a
    change based on an entry someone else saved meanwhile)."""
    return ctx.store.save_item(
        audit_id, item_id, expected_version=expected_version, actor=ctx.name, **changes
    )

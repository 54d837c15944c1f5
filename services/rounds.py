"""A round's entries: item assessments, special deductions and the special bonus. Each is a
change to the round's content, so it withdraws a standing sign-off in the same transaction (the
registry does it), through the app and the command line alike. The versioned writes refuse a
change based on an entry someone else saved meanwhile (ConflictError)."""

from __future__ import annotations

from typing import Any

from domain.permissions import Action
from domain.records import BonusRecord, DeductionRecord, ItemRecord, Rectification
from services.context import Context
from services.registry import By, service


@service(Action.SCORE, By.ROUND, changes_round=True)
def save_item(
    ctx: Context, audit_id: int, item_id: str, *, expected_version: int, **changes: Any
) -> ItemRecord:
    """One item's status, samples, finding, notes or action (``expected_version``: the version
    the person saw, 0 for an item never saved)."""
    return ctx.store.save_item(
        audit_id, item_id, expected_version=expected_version, actor=ctx.name, **changes
    )


@service(Action.SCORE, By.ROUND, changes_round=True)
def add_deduction(
    ctx: Context,
    audit_id: int,
    *,
    reason: str,
    category: str,
    item_id: str | None = None,
    rectification: Rectification | None = None,
) -> DeductionRecord:
    return ctx.store.add_deduction(
        audit_id,
        reason=reason,
        category=category,
        actor=ctx.name,
        item_id=item_id,
        rectification=rectification,
    )


@service(Action.SCORE, By.DEDUCTION, changes_round=True)
def update_deduction(
    ctx: Context, deduction_id: int, *, expected_version: int, **changes: Any
) -> DeductionRecord:
    """Its reason, category, item or rectification action."""
    return ctx.store.update_deduction(
        deduction_id, expected_version=expected_version, actor=ctx.name, **changes
    )


@service(Action.SCORE, By.DEDUCTION, changes_round=True)
def remove_deduction(ctx: Context, deduction_id: int, *, expected_version: int) -> None:
    ctx.store.remove_deduction(deduction_id, expected_version=expected_version, actor=ctx.name)


@service(Action.SCORE, By.ROUND, changes_round=True)
def set_bonus(
    ctx: Context, audit_id: int, reason: str | None, *, expected_version: int
) -> BonusRecord | None:
    """Give the special bonus, or with ``reason=None`` withdraw it (``expected_version``: the
    bonus's version as seen, 0 when there was none)."""
    return ctx.store.set_bonus(audit_id, reason, expected_version=expected_version, actor=ctx.name)

"""Records as the API's JSON values. Every number a person reads is shown by scoring.display
(the exact value beside it, for programs); user text is a JSON string, data and never markup."""

from __future__ import annotations

from typing import Any

from domain.action_register import ActionRow
from scoring import display
from services.overview import AuditDetail, AuditSummary, ItemResult


def summary(row: AuditSummary) -> dict[str, Any]:
    return {
        "id": row.id,
        "organisation": {"id": row.organisation_id, "name": row.organisation},
        "round": row.round_no,
        "title": row.title,
        "state": row.state.value,
        "audit_date": row.audit_date.isoformat() if row.audit_date else None,
        "score": display.score(row.score),
        "score_exact": display.exact(row.score),
        "tier": row.tier,
        "next_tier": row.next_tier,
        "points_to_next_tier": (
            display.shortfall(row.points_to_next) if row.points_to_next is not None else None
        ),
        "points_to_next_tier_exact": display.exact(row.points_to_next),
        "open_items": row.open_items,
        "open_actions": row.open_actions,
        "overdue_actions": row.overdue_actions,
    }


def item(row: ItemResult) -> dict[str, Any]:
    return {
        "id": row.item_id,
        "title": row.title,
        "status": row.status.value,
        "finding": row.finding,
        "samples_checked": row.samples_checked,
        "samples_conforming": row.samples_conforming,
    }


def action(row: ActionRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "source": row.source.value,
        "item_id": row.item_id,
        "subject": row.subject,
        "action": row.action,
        "owner": row.owner,
        "due": row.due.isoformat() if row.due else None,
        "state": row.state.value,
        "overdue": row.overdue,
    }


def detail(found: AuditDetail) -> dict[str, Any]:
    return {
        **summary(found.summary),
        "items": [item(row) for row in found.items],
        "actions": [action(row) for row in found.actions],
    }

"""Review and sign-off rules over a unit of work: recording a step (submitted, returned, signed
off, withdrawn) and withdrawing a sign-off the round's content no longer matches. A sign-off
records who, when, the exact score and the catalogue it was scored against; review events are
append-only (database triggers). The use cases are services/review.py; a service that changes a
round's content calls ``withdraw_if_changed`` in its own transaction (services/registry.py)."""

from __future__ import annotations

from collections.abc import Callable

from domain.account_records import ReviewError, ReviewKind, ReviewState, ReviewStatus
from domain.records import AuditState
from scoring import display, score_audit
from store.uow import UnitOfWork


def withdrawal_due(status: ReviewStatus) -> bool:
    return status.changed_after_sign_off and status.events[-1].kind is ReviewKind.SIGNED_OFF


def withdraw_if_changed(uow: UnitOfWork, audit_id: int, actor_name: str) -> bool:
    """Record, in the caller's unit of work, that a signed-off round changed since (event and
    change-log line); True if a withdrawal was recorded now."""
    if not withdrawal_due(uow.reviews.status(audit_id)):
        return False
    record(uow, audit_id, ReviewKind.WITHDRAWN, None, actor_name, "", withdrawal=True)
    return True


def record(
    uow: UnitOfWork,
    audit_id: int,
    kind: ReviewKind,
    user_id: int | None,
    user_name: str,
    comment: str,
    check: Callable[[ReviewStatus], None] | None = None,
    *,
    withdrawal: bool = False,
) -> ReviewStatus:
    """Append a review event and its change-log line; ``check`` may refuse first."""
    # a step locks the round alone (entry saves share the lock): the score a sign-off records
    # and the last change it is measured against are read at one moment, so a save cannot land
    # between them. A withdrawal runs inside the save that caused it (the shared lock).
    audit = uow.rounds.locked(audit_id, exclusive=not withdrawal)
    if not withdrawal and audit.state != AuditState.DRAFT.value:
        raise ReviewError("auth.review.error.not_draft", round_no=audit.round_no)
    if check is not None:
        check(uow.reviews.status(audit_id))
    score = catalogue_hash = None
    if kind is ReviewKind.SIGNED_OFF:
        result = score_audit(uow.catalogues.get(audit.catalogue_hash), uow.rounds.entries(audit))
        score = result.score
        catalogue_hash = audit.catalogue_hash
    new = {
        ReviewKind.SIGNED_OFF: f"{kind.value} {display.score_or_empty(score)}",
        ReviewKind.WITHDRAWN: "withdrawn: changed after sign-off",
    }.get(kind, kind.value)
    comment = comment.strip()
    uow.changes.append(
        user_name,
        "review",
        [("review", None, f"{new} — {comment}" if comment else new)],
        organisation_id=audit.organisation_id,
        audit_id=audit.id,
    )
    uow.reviews.add(
        audit_id,
        kind,
        user_id=user_id,
        user_name=user_name,
        comment=comment,
        score=score,
        catalogue_hash=catalogue_hash,
    )
    return uow.reviews.status(audit_id)


def require_signed_off(uow: UnitOfWork, audit_id: int) -> None:
    """Refuse (ReviewError) unless the round's sign-off holds: closing and moving need it."""
    audit = uow.rounds.row(audit_id)
    state = uow.reviews.status(audit_id).state
    if state is not ReviewState.SIGNED_OFF:
        raise ReviewError(
            "auth.review.error.not_signed_off", round_no=audit.round_no, state=state.value
        )

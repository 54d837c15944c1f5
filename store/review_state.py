"""A round's review state as its events say, read inside the caller's transaction. The store's
own round closing checks it (store.rounds) as Reviews does (store.review, which records the
events): it lives below both, so neither needs the other."""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.account_records import ReviewEvent, ReviewKind, ReviewState, ReviewStatus
from domain.errors import AccountError
from domain.records import AuditState
from store.account_tables import ReviewEventRow
from store.tables import AuditRow, ChangeRow


class ReviewError(AccountError):
    """A review step that does not fit the round's state (nothing was recorded)."""


def _event(row: ReviewEventRow) -> ReviewEvent:
    return ReviewEvent(
        id=row.id,
        audit_id=row.audit_id,
        kind=ReviewKind(row.kind),
        at=row.at,
        user_id=row.user_id,
        user_name=row.user_name,
        comment=row.comment,
        score=Fraction(row.score) if row.score is not None else None,
        catalogue_hash=row.catalogue_hash,
    )


def last_change_id(session: Session, audit_id: int) -> int | None:
    return session.scalar(select(func.max(ChangeRow.id)).where(ChangeRow.audit_id == audit_id))


def review_status(session: Session, audit_id: int) -> ReviewStatus:
    """The round's review state now (inside the caller's transaction)."""
    rows = session.scalars(
        select(ReviewEventRow)
        .where(ReviewEventRow.audit_id == audit_id)
        .order_by(ReviewEventRow.id)
    ).all()
    events = tuple(_event(row) for row in rows)
    if not rows:
        return ReviewStatus(ReviewState.NOT_SUBMITTED, events, None)
    last = rows[-1]
    if last.kind == ReviewKind.SIGNED_OFF.value:
        # once closed the round cannot change; its own closing lines are not changes
        draft = session.get_one(AuditRow, audit_id).state == AuditState.DRAFT.value
        changed = draft and (last_change_id(session, audit_id) or 0) > (last.last_change_id or 0)
        if changed:
            return ReviewStatus(ReviewState.WITHDRAWN, events, None, changed_after_sign_off=True)
        return ReviewStatus(ReviewState.SIGNED_OFF, events, events[-1])
    state = {
        ReviewKind.SUBMITTED.value: ReviewState.SUBMITTED,
        ReviewKind.RETURNED.value: ReviewState.RETURNED,
        ReviewKind.WITHDRAWN.value: ReviewState.WITHDRAWN,
    }[last.kind]
    return ReviewStatus(state, events, None)


def require_signed_off_in(session: Session, audit: AuditRow) -> None:
    """Refuse (ReviewError) unless the round's sign-off holds, inside the caller's transaction
    with the round locked: a change saved just before the freeze withdraws the sign-off and so
    refuses the close."""
    state = review_status(session, audit.id).state
    if state is not ReviewState.SIGNED_OFF:
        raise ReviewError(
            "auth.review.error.not_signed_off", round_no=audit.round_no, state=state.value
        )

"""A round's review events as the review records read them (store/repositories.py's Reviews
and the round close both read them in their own transaction)."""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.account_records import ReviewEvent, ReviewKind, ReviewState, ReviewStatus
from domain.permissions import Actor
from domain.records import AuditState
from store.account_tables import ReviewEventRow
from store.tables import AuditRow, ChangeRow


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


def made_last_change(session: Session, audit_id: int, actor: Actor) -> bool:
    """Whether ``actor`` made the round's last change (review steps are not changes): by the
    account the line records; a line from before accounts were recorded, by name."""
    last = session.execute(
        select(ChangeRow.account_id, ChangeRow.actor)
        .where(ChangeRow.audit_id == audit_id, ChangeRow.entity != "review")
        .order_by(ChangeRow.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return False
    if last.account_id is not None:
        return bool(last.account_id == actor.user_id)
    return bool(last.actor == actor.display_name)


def status(session: Session, audit_id: int) -> ReviewStatus:
    """The state a round's review events add up to: a sign-off followed by a change to the
    (still open) round no longer holds."""
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
        audit = session.get(AuditRow, audit_id)
        draft = audit is not None and audit.state == AuditState.DRAFT.value
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

"""Review and sign-off of a round: editors submit it, a reviewer returns it with comments or
signs it off. A sign-off records who, when, the exact score and the catalogue it was scored
against; review events are append-only (database triggers). A change to the round after its
sign-off means the sign-off no longer holds: the state says so at once, and ``withdraw_if_changed``
records the withdrawal with a change-log line."""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.account_records import ReviewEvent, ReviewKind, ReviewState, ReviewStatus
from domain.permissions import Actor
from domain.records import AuditState
from scoring import display, score_audit
from store.account_tables import ReviewEventRow
from store.accounts import AccountError
from store.base import utcnow
from store.repository import AuditStore
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


class Reviews:
    def __init__(self, store: AuditStore) -> None:
        self.store = store

    def status(self, audit_id: int) -> ReviewStatus:
        with self.store._read() as session:
            self.store._audit_row(session, audit_id)
            return self._status(session, audit_id)

    def submit(self, audit_id: int, actor: Actor, comment: str = "") -> ReviewStatus:
        def check(status: ReviewStatus) -> None:
            if status.state is ReviewState.SUBMITTED:
                raise ReviewError("auth.review.error.already_submitted")
            if status.state is ReviewState.SIGNED_OFF:
                raise ReviewError("auth.review.error.already_signed_off")

        return self._record(audit_id, actor, ReviewKind.SUBMITTED, comment, check)

    def return_for_changes(self, audit_id: int, actor: Actor, comment: str) -> ReviewStatus:
        if not comment.strip():
            raise ReviewError("auth.review.error.comment_required")

        def check(status: ReviewStatus) -> None:
            if status.state is not ReviewState.SUBMITTED:
                raise ReviewError("auth.review.error.not_submitted")

        return self._record(audit_id, actor, ReviewKind.RETURNED, comment, check)

    def sign_off(
        self, audit_id: int, actor: Actor, comment: str = "", *, single_person: bool = False
    ) -> ReviewStatus:
        """Four eyes: whoever submitted the round, or made its last change, cannot sign it
        off, unless ``single_person`` (GBT_AUDIT_SINGLE_PERSON_SIGN_OFF, a company of one);
        such a sign-off is then shown as one on the dossier."""

        def check(status: ReviewStatus) -> None:
            if status.state is not ReviewState.SUBMITTED:
                raise ReviewError("auth.review.error.not_submitted")
            if single_person:
                return
            submitted = status.events[-1]
            if submitted.user_id == actor.user_id:
                raise ReviewError("auth.review.error.own_submission", name=actor.display_name)
            if self._last_changer(audit_id, actor):
                raise ReviewError("auth.review.error.own_change", name=actor.display_name)

        return self._record(audit_id, actor, ReviewKind.SIGNED_OFF, comment, check)

    def _last_changer(self, audit_id: int, actor: Actor) -> bool:
        """Whether ``actor`` made the round's last change (review steps are not changes): by
        the account the line records; a line from before accounts were recorded, by name."""
        with self.store._read() as session:
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

    def withdraw_if_changed(self, audit_id: int, actor_name: str) -> bool:
        """Record that a signed-off round changed since (event and change-log line); True if
        a withdrawal was recorded now. Called after every change, so it only reads unless a
        withdrawal is due."""
        if not self._withdrawal_due(audit_id):
            return False
        with self.store._write("review") as session:
            audit = self.store._audit_row(session, audit_id)
            status = self._status(session, audit_id)
            if not self._due(status):  # someone recorded it in between
                return False
            self._log_and_add(session, audit, ReviewKind.WITHDRAWN, None, actor_name, "")
            return True

    def _withdrawal_due(self, audit_id: int) -> bool:
        with self.store._read() as session:
            return self._due(self._status(session, audit_id))

    @staticmethod
    def _due(status: ReviewStatus) -> bool:
        return status.changed_after_sign_off and status.events[-1].kind is ReviewKind.SIGNED_OFF

    def require_signed_off(self, audit_id: int) -> None:
        """Refuse (ReviewError) unless the round's sign-off holds: the close path calls this."""
        with self.store._read() as session:
            self.require_signed_off_in(session, self.store._audit_row(session, audit_id))

    def require_signed_off_in(self, session: Session, audit: AuditRow) -> None:
        """The same check inside the caller's transaction, with the round locked: a change
        saved just before the freeze withdraws the sign-off and so refuses the close."""
        state = self._status(session, audit.id).state
        if state is not ReviewState.SIGNED_OFF:
            raise ReviewError(
                "auth.review.error.not_signed_off",
                round_no=audit.round_no,
                state=state.value,
            )

    # -- inside a transaction --------------------------------------------------------------

    def _record(
        self, audit_id, actor: Actor, kind: ReviewKind, comment: str, check
    ) -> ReviewStatus:  # type: ignore[no-untyped-def]
        with self.store._write("review") as session:
            # the round locked alone (entry saves share the lock): the score a sign-off records
            # and the last change it is measured against are read at one moment, so a save
            # cannot land between them and leave a sign-off holding for a score it never saw
            audit = self.store._locked_audit(session, audit_id, exclusive=True)
            if audit.state != AuditState.DRAFT.value:
                raise ReviewError("auth.review.error.not_draft", round_no=audit.round_no)
            check(self._status(session, audit_id))
            self._log_and_add(session, audit, kind, actor.user_id, actor.display_name, comment)
            session.flush()
            return self._status(session, audit_id)

    def _log_and_add(
        self,
        session: Session,
        audit: AuditRow,
        kind: ReviewKind,
        user_id: int | None,
        user_name: str,
        comment: str,
    ) -> None:
        score = catalogue_hash = None
        if kind is ReviewKind.SIGNED_OFF:
            entries = self.store._entries(session, audit)
            result = score_audit(self.store.catalogue(audit.catalogue_hash), entries)
            score = result.score
            catalogue_hash = audit.catalogue_hash
        new = {
            ReviewKind.SIGNED_OFF: f"{kind.value} {display.score_or_empty(score)}",
            ReviewKind.WITHDRAWN: "withdrawn: changed after sign-off",
        }.get(kind, kind.value)
        self.store._log(
            session,
            user_name,
            "review",
            [("review", None, f"{new} — {comment.strip()}" if comment.strip() else new)],
            organisation_id=audit.organisation_id,
            audit_id=audit.id,
        )
        session.flush()
        session.add(
            ReviewEventRow(
                audit_id=audit.id,
                kind=kind.value,
                at=utcnow(),
                user_id=user_id,
                user_name=user_name,
                comment=comment.strip(),
                score=str(score) if score is not None else None,
                score_display=None,  # the exact score is stored; shown through scoring.display
                catalogue_hash=catalogue_hash,
                last_change_id=self._last_change_id(session, audit.id),
            )
        )

    @staticmethod
    def _last_change_id(session: Session, audit_id: int) -> int | None:
        return session.scalar(select(func.max(ChangeRow.id)).where(ChangeRow.audit_id == audit_id))

    def _status(self, session: Session, audit_id: int) -> ReviewStatus:
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
            draft = session.get(AuditRow, audit_id).state == AuditState.DRAFT.value
            changed = draft and (self._last_change_id(session, audit_id) or 0) > (
                last.last_change_id or 0
            )
            if changed:
                return ReviewStatus(
                    ReviewState.WITHDRAWN, events, None, changed_after_sign_off=True
                )
            return ReviewStatus(ReviewState.SIGNED_OFF, events, events[-1])
        state = {
            ReviewKind.SUBMITTED.value: ReviewState.SUBMITTED,
            ReviewKind.RETURNED.value: ReviewState.RETURNED,
            ReviewKind.WITHDRAWN.value: ReviewState.WITHDRAWN,
        }[last.kind]
        return ReviewStatus(state, events, None)

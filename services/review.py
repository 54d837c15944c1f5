"""Review and sign-off of a round: editors submit it, a reviewer returns it with comments or
signs it off. A sign-off records who, when, the exact score and the catalogue it was scored
against; a change to the round after it withdraws it (store/review.py)."""

from __future__ import annotations

from domain.account_records import ReviewError, ReviewKind, ReviewState, ReviewStatus
from domain.permissions import Action
from services.context import Context
from services.registry import By, service
from store.review import record
from store.web_settings import load_web_settings


@service(Action.READ, By.ROUND, write=False)
def review_status(ctx: Context, audit_id: int) -> ReviewStatus:
    ctx.uow.rounds.get(audit_id)
    return ctx.uow.reviews.status(audit_id)


@service(Action.SUBMIT_REVIEW, By.ROUND)
def submit_for_review(ctx: Context, audit_id: int, comment: str = "") -> ReviewStatus:
    def check(status: ReviewStatus) -> None:
        if status.state is ReviewState.SUBMITTED:
            raise ReviewError("auth.review.error.already_submitted")
        if status.state is ReviewState.SIGNED_OFF:
            raise ReviewError("auth.review.error.already_signed_off")

    return record(ctx.uow, audit_id, ReviewKind.SUBMITTED, ctx.user_id, ctx.name, comment, check)


@service(Action.RETURN_REVIEW, By.ROUND)
def return_for_changes(ctx: Context, audit_id: int, comment: str) -> ReviewStatus:
    if not comment.strip():
        raise ReviewError("auth.review.error.comment_required")
    return record(
        ctx.uow, audit_id, ReviewKind.RETURNED, ctx.user_id, ctx.name, comment, _submitted
    )


@service(Action.SIGN_OFF, By.ROUND)
def sign_off(
    ctx: Context, audit_id: int, comment: str = "", *, single_person: bool | None = None
) -> ReviewStatus:
    """Four eyes: whoever submitted the round, or made its last change, cannot sign it off,
    unless single-person sign-off is on (GBT_AUDIT_SINGLE_PERSON_SIGN_OFF, a company of one;
    ``single_person`` None reads the setting); such a sign-off is then shown as one on the
    dossier."""
    if single_person is None:
        single_person = load_web_settings().single_person_sign_off
    uow = ctx.uow

    def check(status: ReviewStatus) -> None:
        _submitted(status)
        if single_person:
            return
        if status.events[-1].user_id == ctx.user_id:
            raise ReviewError("auth.review.error.own_submission", name=ctx.name)
        if uow.reviews.made_last_change(audit_id, ctx.actor):
            raise ReviewError("auth.review.error.own_change", name=ctx.name)

    return record(uow, audit_id, ReviewKind.SIGNED_OFF, ctx.user_id, ctx.name, comment, check)


def _submitted(status: ReviewStatus) -> None:
    if status.state is not ReviewState.SUBMITTED:
        raise ReviewError("auth.review.error.not_submitted")

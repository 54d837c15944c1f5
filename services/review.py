"""Review and sign-off of a round: editors submit it, a reviewer returns it with comments or
signs it off. A sign-off records who, when, the exact score and the catalogue it was scored
against; a change to the round after it withdraws it (store/review.py)."""

from __future__ import annotations

from domain.account_records import ReviewError, ReviewKind, ReviewState, ReviewStatus
from domain.notifications import EventKind, submitter, who_may
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

    status = record(ctx.uow, audit_id, ReviewKind.SUBMITTED, ctx.user_id, ctx.name, comment, check)
    organisation_id = ctx.uow.rounds.get(audit_id).organisation_id
    reviewers = who_may(
        ctx.uow.accounts.users(), organisation_id, Action.SIGN_OFF, besides=ctx.user_id
    )
    _notify(ctx, EventKind.SUBMITTED_FOR_REVIEW, audit_id, reviewers, comment)
    return status


@service(Action.RETURN_REVIEW, By.ROUND)
def return_for_changes(ctx: Context, audit_id: int, comment: str) -> ReviewStatus:
    if not comment.strip():
        raise ReviewError("auth.review.error.comment_required")
    status = record(
        ctx.uow, audit_id, ReviewKind.RETURNED, ctx.user_id, ctx.name, comment, _submitted
    )
    _notify(ctx, EventKind.RETURNED, audit_id, _told(submitter(status)), comment)
    return status


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

    status = record(uow, audit_id, ReviewKind.SIGNED_OFF, ctx.user_id, ctx.name, comment, check)
    _notify(ctx, EventKind.SIGNED_OFF, audit_id, _told(submitter(status)), comment)
    return status


def _submitted(status: ReviewStatus) -> None:
    if status.state is not ReviewState.SUBMITTED:
        raise ReviewError("auth.review.error.not_submitted")


def _told(account_id: int | None) -> list[int]:
    return [account_id] if account_id else []


def _notify(
    ctx: Context, kind: EventKind, audit_id: int, recipients: list[int], comment: str
) -> None:
    """The review step's notification, in its transaction (sent later: notify/send.py)."""
    round_ = ctx.uow.rounds.get(audit_id)
    organisation = ctx.uow.organisations.get(round_.organisation_id)
    ctx.uow.outbox.add(
        kind,
        organisation_id=round_.organisation_id,
        audit_id=audit_id,
        recipients=recipients,
        values={
            "organisation": organisation.profile.name,
            "round": round_.title,
            "by": ctx.name,
            "comment": comment.strip(),
        },
        actor=ctx.name,
    )

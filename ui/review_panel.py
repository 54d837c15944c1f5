"""The review panel of a round: its review state and the sign-off in force, the history, and
the steps the signed-in person's role allows (submit, return with comments, sign off)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from domain.account_records import ReviewEvent, ReviewKind, ReviewState
from domain.errors import Refused
from domain.permissions import Action, permits
from domain.records import AuditState
from scoring import display
from services import review
from store.access import GuardedStore
from ui.markup import plain
from ui.state import context, flash, lang, tr, when

STEP_TEXT = {
    ReviewKind.SUBMITTED: "auth.review.submitted",
    ReviewKind.RETURNED: "auth.review.returned",
    ReviewKind.SIGNED_OFF: "auth.review.signed_off",
    ReviewKind.WITHDRAWN: "auth.review.withdrawn",
}


def render_review_panel(store: GuardedStore, audit_id: int) -> None:
    audit = store.audit(audit_id)
    organisation_id = audit.organisation_id
    draft = audit.state is AuditState.DRAFT  # a closed round keeps its history, takes no steps
    ctx = context()
    status = review.review_status(ctx, audit_id)
    st.subheader(tr("auth.review.title"))
    st.markdown(tr("auth.review.state", state=tr(f"auth.review.{status.state.value}")))
    if status.sign_off is not None:
        st.success(_signed_by(status.sign_off))
    if status.state is ReviewState.WITHDRAWN:
        st.warning(tr("auth.review.withdrawn"))

    def may(action: Action) -> bool:
        return permits(store.actor, organisation_id, action)

    steps: list[tuple[str, str, Callable[[str], object], str]] = []
    if (
        draft
        and may(Action.SUBMIT_REVIEW)
        and status.state
        not in {
            ReviewState.SUBMITTED,
            ReviewState.SIGNED_OFF,
        }
    ):
        steps.append(
            (
                "submit",
                "auth.review.submit",
                lambda c: review.submit_for_review(ctx, audit_id, c),
                "auth.review.done_submitted",
            )
        )
    if draft and status.state is ReviewState.SUBMITTED:
        if may(Action.RETURN_REVIEW):
            steps.append(
                (
                    "return",
                    "auth.review.return",
                    lambda c: review.return_for_changes(ctx, audit_id, c),
                    "auth.review.done_returned",
                )
            )
        if may(Action.SIGN_OFF):
            steps.append(
                (
                    "sign_off",
                    "auth.review.sign_off",
                    lambda c: review.sign_off(ctx, audit_id, c),
                    "auth.review.done_signed_off",
                )
            )
    if steps:
        comment = st.text_area(tr("auth.review.comment"), key=f"review.{audit_id}.comment")
        for column, (name, label, step, done) in zip(st.columns(len(steps)), steps, strict=True):
            if column.button(tr(label), key=f"review.{audit_id}.{name}"):
                try:
                    step(comment)
                except Refused as refused:
                    st.error(refused.text(lang()))  # what was typed stays in the box
                else:
                    st.session_state.pop(f"review.{audit_id}.comment", None)
                    flash("success", tr(done))
                    st.rerun()
    if status.events:
        with st.expander(tr("auth.review.history")):
            for event in reversed(status.events):
                st.markdown(
                    tr(
                        "auth.review.event",
                        at=when(event.at),
                        name=plain(event.user_name),
                        kind=tr(STEP_TEXT[event.kind]),
                        comment=f" — {plain(event.comment)}" if event.comment else "",
                    )
                )


def _signed_by(event: ReviewEvent) -> str:
    return tr(
        "auth.review.signed_by",
        name=plain(event.user_name),
        at=when(event.at),
        score=display.score_or_empty(event.score),
        hash=(event.catalogue_hash or "")[:12],
    )

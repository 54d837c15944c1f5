"""Closing the open round, under its review panel: the button stays disabled, with the reason
beside it, until the round's sign-off holds and the signed-in person may close rounds. The
store refuses a close without a holding sign-off as well; the button only says so first."""

from __future__ import annotations

import streamlit as st

from domain.account_records import ReviewState
from domain.permissions import Action, permits
from domain.records import AuditRecord
from services import review
from store.access import GuardedStore
from ui.confirm import ask_button, confirmation
from ui.state import context, flash, open_audit, tr


def render_close_round(store: GuardedStore, audit: AuditRecord) -> None:
    state = review.review_status(context(), audit.id).state
    reason = None
    if not permits(store.actor, audit.organisation_id, Action.CLOSE_ROUND):
        reason = tr("ui.close_not_permitted")
    elif state is not ReviewState.SIGNED_OFF:
        reason = tr("ui.close_needs_sign_off", state=tr(f"auth.review.{state.value}"))
    ask_button(
        tr("ui.close_round"),
        f"close.{audit.id}",
        help=tr("ui.close_round_help"),
        disabled=reason is not None,
        type="primary",
    )
    if reason is not None:
        st.caption(reason)
    confirmation(
        f"close.{audit.id}",
        tr("ui.close_round_title", n=audit.round_no),
        tr("ui.close_round_body", n=audit.round_no, next=audit.round_no + 1),
        tr("ui.close_round"),
        lambda: _close(store, audit),
    )


def _close(store: GuardedStore, audit: AuditRecord) -> None:
    nxt = store.close_round(audit.id, expected_version=audit.version)
    flash("success", tr("ui.round_closed", n=audit.round_no))
    open_audit(nxt.id)

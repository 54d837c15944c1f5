"""The Users page's list of notifications (administrators): what was sent, what waits for its
next try and what failed, with why. Plain text; times in the organisation's zone."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import settings as listed
from domain.account_records import UserRecord
from domain.notifications import DeliveryState, Notification, error_text
from services import notifications as notification_services
from services.context import Context
from ui.context import lang, tr, when

SHOWN = 100


def show_notification_log(
    ctx: Context, users: list[UserRecord], organisations: dict[int, str]
) -> None:
    st.subheader(tr("notify.log.title"))
    failed_only = st.checkbox(tr("notify.log.failed_only"), key="users.notifications.failed")
    state = DeliveryState.FAILED if failed_only else None
    shown = notification_services.notification_log(ctx, limit=SHOWN, state=state)
    if not shown:
        st.caption(tr("notify.log.none"))
        return
    waiting = any(n.state is DeliveryState.PENDING for n in shown)
    if waiting and not (listed.SMTP_HOST.is_set() or listed.WEBHOOK_URL.is_set()):
        # nothing can be sent: the list would show them waiting, with no word of why
        st.info(tr("notify.log.no_channel"))
    names = {u.id: u.display_name for u in users}
    st.dataframe(
        pd.DataFrame(
            {
                tr("notify.log.col_at"): [when(n.created_at) for n in shown],
                tr("notify.log.col_event"): [tr(f"notify.kind.{n.kind.value}") for n in shown],
                tr("notify.log.col_organisation"): [
                    organisations.get(n.organisation_id, "—") if n.organisation_id else "—"
                    for n in shown
                ],
                tr("notify.log.col_recipients"): [_recipients(n, names) for n in shown],
                tr("notify.log.col_state"): [tr(f"notify.state.{n.state.value}") for n in shown],
                tr("notify.log.col_attempts"): [n.attempts for n in shown],
                tr("notify.log.col_when"): [_when(n) for n in shown],
                tr("notify.log.col_error"): [
                    error_text(n.last_error, lang()) if n.last_error else "" for n in shown
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(tr("notify.log.caption", n=SHOWN))


def _recipients(notification: Notification, names: dict[int, str]) -> str:
    shown = [names.get(i, f"#{i}") for i in notification.recipients]
    return "、".join(shown) if shown else tr("notify.log.robots_only")


def _when(notification: Notification) -> str:
    """Sent at, or the next try of one waiting; nothing for a failed one."""
    if notification.state is DeliveryState.SENT and notification.sent_at:
        return when(notification.sent_at)
    if notification.state is DeliveryState.PENDING and not notification.attempts:
        return tr("notify.log.waiting")  # not tried yet: no "next try" at a time gone by
    if notification.state is DeliveryState.PENDING and notification.next_attempt_at:
        return tr("notify.log.next_try", at=when(notification.next_attempt_at))
    return ""

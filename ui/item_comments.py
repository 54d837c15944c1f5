"""An item's comment thread on its checklist card: read only when the person opens it (a
closed thread costs the card nothing), written as plain text, @mentions resolved by the
service, the author's own comment editable for domain.work.EDIT_WINDOW."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from domain.work import Comment, may_edit, unknown_mentions
from services import assignments as assignment_services
from services import comments as comment_services
from store import StoreError
from ui.markup import plain
from ui.state import context, refusal, tr, when


def thread_key(audit_id: int, item_id: str) -> str:
    return f"comments.{audit_id}.{item_id}"


def item_thread(audit_id: int, organisation_id: int, item_id: str, *, may_write: bool) -> None:
    """A toggle; when on, the thread and a box for a new comment."""
    key = thread_key(audit_id, item_id)
    if not st.toggle(tr("comments.show"), key=key):
        return
    ctx = context()
    thread = comment_services.thread(ctx, audit_id, item_id)
    names = {m.id: m.display_name for m in assignment_services.members(ctx, organisation_id)}
    now = datetime.now(UTC)
    if not thread:
        st.caption(tr("comments.none"))
    for comment in thread:
        _comment(comment, names, editable=may_write and may_edit(comment, ctx.user_id, now))
    refused = st.session_state.pop(f"{key}.refused", None)
    if refused:
        st.error(refused)
    unknown = st.session_state.pop(f"{key}.unknown", None)
    if unknown:  # posted, but these @names reached nobody
        st.warning(tr("comments.unknown_mentions", names=plain("、".join(unknown))))
    if not may_write:
        return
    with st.form(f"{key}.new", clear_on_submit=True, border=False):
        st.text_area(tr("comments.new"), key=f"{key}.body", height=68)
        st.form_submit_button(
            tr("comments.post"), on_click=_post, args=(audit_id, organisation_id, item_id)
        )


def _post(audit_id: int, organisation_id: int, item_id: str) -> None:
    """The form's callback: runs before the card is drawn again, which then shows the thread
    with the new comment (or why it was refused, or which @names reached nobody)."""
    key = thread_key(audit_id, item_id)
    body = st.session_state.get(f"{key}.body") or ""
    ctx = context()
    try:
        comment = comment_services.add_comment(ctx, audit_id, item_id, body)
    except StoreError as exc:
        st.session_state[f"{key}.refused"] = refusal(exc)
        return
    # the text as saved, which the service scanned for mentions (not the box's raw text)
    members = assignment_services.members(ctx, organisation_id)
    unknown = unknown_mentions(comment.body, members)
    if unknown:
        st.session_state[f"{key}.unknown"] = ["@" + word for word in unknown]


def _comment(comment: Comment, names: dict[int, str], *, editable: bool) -> None:
    edited = f" {tr('comments.edited', when=when(comment.edited_at))}" if comment.edited_at else ""
    lines = [f"**{plain(comment.author_name)}** · {when(comment.created_at)}{edited}"]
    lines.append(plain(comment.body))
    mentioned = [names[i] for i in comment.mentions if i in names]
    if mentioned:
        lines.append(f":gray[{plain(tr('comments.mentions', names='、'.join(mentioned)))}]")
    with st.container(border=True, key=f"comment_{comment.id}"):
        st.markdown("  \n".join(lines))
        if not editable:
            return
        with (
            st.popover(tr("comments.edit")),
            st.form(f"comment.{comment.id}.edit", border=False),
        ):
            st.text_area(tr("comments.edit"), value=comment.body, height=68, key=_edit_key(comment))
            st.form_submit_button(
                tr("comments.save"),
                on_click=_edit,
                args=(comment, thread_key(comment.audit_id, comment.item_id)),
            )


def _edit_key(comment: Comment) -> str:
    return f"comment.{comment.id}.body"


def _edit(comment: Comment, key: str) -> None:
    body = st.session_state.get(_edit_key(comment)) or ""
    try:
        comment_services.edit_comment(context(), comment.id, body)
    except StoreError as exc:
        st.session_state[f"{key}.refused"] = refusal(exc)

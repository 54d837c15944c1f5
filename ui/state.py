"""Per-session state: the store, the language, who is working, and which audit is open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import streamlit as st

from scoring import Plan, ScoreResult
from store import AuditStore, StoreError, open_store
from store.records import AuditRecord
from texts import t


@st.cache_resource(show_spinner=False)
def get_store() -> AuditStore:
    """One store per server process; opening it migrates and preloads the catalogue."""
    return open_store()


def lang() -> str:
    return st.session_state.get("lang", "zh")


def tr(key: str, **values: object) -> str:
    return t(key, lang(), **values)


def actor() -> str:
    """The name that goes into the change log: the signed-in account's display name."""
    from ui.auth import signed_in_name  # ui.auth builds on this module

    return signed_in_name() or tr("ui.anonymous")


def current_audit_id() -> int | None:
    """The open audit. The address holds it (``?audit=N``), so a reload, back/forward and a
    link sent to a colleague open the same audit; when a page change drops it from the
    address, the session puts it back."""
    raw = st.query_params.get("audit")
    if raw and raw.isdigit():
        st.session_state["audit_id"] = int(raw)
    elif st.session_state.get("audit_id") is not None:
        st.query_params["audit"] = str(st.session_state["audit_id"])
    return st.session_state.get("audit_id")


def open_audit(audit_id: int | None) -> None:
    st.session_state["audit_id"] = audit_id
    st.session_state.pop("_scored", None)
    if audit_id is None:
        st.query_params.pop("audit", None)
    else:
        st.query_params["audit"] = str(audit_id)


def go_to(page: str, audit_id: int) -> NoReturn:
    """Open ``audit_id`` on ``page`` (a file under ui/pages/), the audit kept in the address."""
    open_audit(audit_id)
    st.switch_page(f"ui/pages/{page}.py", query_params={"audit": str(audit_id)})


def scored(audit_id: int) -> tuple[ScoreResult, Plan]:
    """The audit's score and plan, computed once per run: the sidebar, the header figures and
    every item card read it. A full run and every save of ours start afresh (forget_score)."""
    memo = st.session_state.setdefault("_scored", {})
    if audit_id not in memo:
        memo[audit_id] = get_store().score(audit_id)
    return memo[audit_id]


def forget_score() -> None:
    st.session_state.pop("_scored", None)
    st.session_state.pop("_entries", None)  # ui.item_editor.entry: the run's item entries


def require_audit() -> AuditRecord:
    """The open audit, or stop the page with a pointer to the audit list."""
    audit_id = current_audit_id()
    if audit_id is not None:
        try:
            return get_store().audit(audit_id)
        except StoreError:
            open_audit(None)
    st.info(tr("ui.no_audit_open"))
    st.page_link("ui/pages/audits.py", label=tr("nav.audits"), icon=":material/list_alt:")
    st.stop()


def flash(kind: str, message: str) -> None:
    """A message to show at the top of the next run (callbacks cannot draw themselves)."""
    st.session_state.setdefault("flash", []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop("flash", []):
        getattr(st, kind)(message)


_REFUSED = object()


def _run(action: Callable[[], Any], success: str | None) -> Any:
    try:
        outcome = action()
    except StoreError as exc:
        st.error(str(exc))  # shown where it happened; nothing was saved
        return _REFUSED
    if success:
        flash("success", success)
    return outcome


def attempt(action: Callable[[], Any], success: str | None = None) -> Any:
    """Run a store action: its outcome, or None when refused (the reason is shown). Success is
    shown on the next run, as a successful action is usually followed by ``st.rerun()``."""
    outcome = _run(action, success)
    return None if outcome is _REFUSED else outcome


def save_and_rerun(action: Callable[[], Any], success: str | None = None) -> None:
    """Run a store action and rerun to show its effect; on refusal stay and show why."""
    if _run(action, success) is not _REFUSED:
        st.rerun()

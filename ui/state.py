"""Per-session state: the store as the signed-in person may use it, who is working, and which
audit is open; the language (ui.context) too, for the pages' convenience."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import streamlit as st

from domain.permissions import Action, NotPermitted, permits
from domain.records import AuditRecord, Organisation
from scoring import Plan, ScoreResult, display
from services.context import Context
from store import StoreError
from store.access import GuardedStore
from ui.auth import guarded_store, signed_in_name
from ui.context import get_store, lang, name_the_zone, today, tr, when, zone
from ui.run_memo import once_per_run

__all__ = ["lang", "name_the_zone", "today", "tr", "when", "zone"]  # with the names below


def page_store() -> GuardedStore:
    """The store as the signed-in person may use it: every call checks their role."""
    return guarded_store()


def context(store: GuardedStore | None = None) -> Context:
    """The signed-in person as the services see them (services/context.py); ``store``: the
    guarded store a callback already holds, so its session is not checked again."""
    return Context((store or page_store()).actor, get_store())


def may(action: Action, organisation_id: int | None) -> bool:
    """Whether the signed-in person may do ``action`` in ``organisation_id``: decides which
    controls a page shows enabled. The guarded store checks again on every call."""
    return permits(page_store().actor, organisation_id, action)


def administrator() -> bool:
    """Installation-wide tasks (users, catalogues, clearing unused files) are theirs."""
    return may(Action.MANAGE_USERS, None)


def read_only_notice(organisation_id: int) -> None:
    """Say why the controls are disabled: the person's role here lets them read only."""
    role = page_store().actor.grants.get(organisation_id)
    if role is not None:
        st.info(tr("auth.read_only_role", role=tr(f"auth.role.{role.value}")))


def actor() -> str:
    """The name that goes into the change log: the signed-in account's display name."""
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
    st.session_state.pop("_planned", None)
    if audit_id is None:
        st.query_params.pop("audit", None)
    else:
        st.query_params["audit"] = str(audit_id)


# An audit opened from a list (the audit list, the portfolio) lands on its dashboard: the answer
# first, the checklist one click away. One page everywhere, so a link means the same to everyone.
LANDING = "dashboard"


def go_to(page: str, audit_id: int) -> NoReturn:
    """Open ``audit_id`` on ``page`` (a file under ui/pages/), the audit kept in the address."""
    open_audit(audit_id)
    st.switch_page(f"ui/pages/{page}.py", query_params={"audit": str(audit_id)})


def scored(audit_id: int, store: GuardedStore | None = None) -> ScoreResult:
    """The audit's score, computed once per run: the sidebar, the header figures and every
    item card read it. A full run and every save of ours start afresh (forget_score)."""
    memo = st.session_state.setdefault("_scored", {})
    if audit_id not in memo:
        memo[audit_id] = (store or page_store()).result(audit_id)
    return memo[audit_id]


def planned(audit_id: int) -> tuple[ScoreResult, Plan]:
    """The score with the cheapest path to the next tier (the dashboard's): the plan costs as
    much again as the score, so the pages that show no plan never compute it. Score and plan
    come from one read, and the rest of the run shows that score (the sidebar, drawn before
    the page, scored once already: one scoring more on the dashboard's runs)."""
    memo = st.session_state.setdefault("_planned", {})
    if audit_id not in memo:
        memo[audit_id] = page_store().score(audit_id)
        st.session_state.setdefault("_scored", {})[audit_id] = memo[audit_id][0]
    return memo[audit_id]


TIER_CHANGES = "tier_changes"  # audit id -> "from → to", shown once by the figures


def noting_tier_change(
    audit_id: int, action: Callable[[], Any], store: GuardedStore | None = None
) -> Any:
    """Run a save of the audit's entries; when it changed the tier, keep "from → to" for the
    figures to say once (``take_tier_change``). A refused save changes nothing. ``store``: the
    guarded store the save uses (one session check for the save and its score)."""
    before = scored(audit_id, store)
    outcome = action()
    forget_score()
    message = display.tier_change(before, scored(audit_id, store), lang())
    if message:
        st.session_state.setdefault(TIER_CHANGES, {})[audit_id] = message
    return outcome


def take_tier_change(audit_id: int) -> str | None:
    return st.session_state.get(TIER_CHANGES, {}).pop(audit_id, None)


def forget_score() -> None:
    st.session_state.pop("_scored", None)
    st.session_state.pop("_planned", None)
    st.session_state.pop("_times_shown", None)  # a full run names the zone if it shows a time
    st.session_state.pop("_entries", None)  # ui.item_editor.entry: the run's item entries


def audit_record(audit_id: int) -> AuditRecord:
    """The audit as read once in this run: the sidebar and the page both show it. The next
    run (the next click) reads it afresh; a save ends a run with ``st.rerun()``, so what a
    page shows after a save is read after it."""
    return once_per_run(f"audit.{audit_id}", lambda: page_store().audit(audit_id))


def organisation_of(audit: AuditRecord) -> Organisation:
    """The audit's organisation, read once in this run (as audit_record)."""
    organisation_id = audit.organisation_id
    return once_per_run(
        f"organisation.{organisation_id}", lambda: page_store().organisation(organisation_id)
    )


def require_audit() -> AuditRecord:
    """The open audit, or stop the page with a pointer to the audit list. An audit of an
    organisation the person holds no role in is not shown: "not permitted", nothing of it."""
    audit_id = current_audit_id()
    if audit_id is not None:
        try:
            return audit_record(audit_id)
        except NotPermitted:
            open_audit(None)
            st.error(tr("auth.audit_not_permitted", audit_id=audit_id))
        except StoreError:
            open_audit(None)
            st.info(tr("ui.no_audit_open"))
    else:
        st.info(tr("ui.no_audit_open"))
    st.page_link("ui/pages/audits.py", label=tr("nav.audits"), icon=":material/list_alt:")
    st.stop()


def flash(kind: str, message: str) -> None:
    """A message to show at the top of the next run (callbacks cannot draw themselves)."""
    st.session_state.setdefault("flash", []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop("flash", []):
        getattr(st, kind)(message)


def refusal(exc: Exception) -> str:
    """A store refusal in the session's language where it has one (refused accounts and
    roles), else as the store words it."""
    text = getattr(exc, "text", None)
    return text(lang()) if callable(text) else str(exc)


_REFUSED = object()


def _run(action: Callable[[], Any], success: str | None) -> Any:
    try:
        outcome = action()
    except StoreError as exc:
        st.error(refusal(exc))  # shown where it happened; nothing was saved
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

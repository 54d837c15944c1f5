"""The menu: which pages a person's roles let them use, in their sections. Data, so that a test
reads it without Streamlit; audit_app.py turns it into st.Page entries."""

from __future__ import annotations

from typing import NamedTuple

from domain.permissions import Action, Actor, Role, permits


class Entry(NamedTuple):
    path: str  # ui/pages/<path>.py
    title: str  # texts/ key
    icon: str  # a Material Symbols name


AUDIT = (
    Entry("audits", "nav.audits", "list_alt"),
    Entry("my_work", "work.nav", "assignment_ind"),
    Entry("checklist", "nav.checklist", "checklist"),
    Entry("evidence", "nav.evidence", "attach_file"),
    Entry("dashboard", "nav.dashboard", "monitoring"),
    Entry("actions", "actions.nav", "task_alt"),
    Entry("certification", "certification.nav", "verified"),
    Entry("rounds", "nav.rounds", "compare_arrows"),
    Entry("dossier", "nav.dossier", "picture_as_pdf"),
)
PORTFOLIO = Entry("portfolio", "nav.portfolio", "folder_shared")
CATALOGUES = Entry("catalogues", "catalogues.nav", "menu_book")
USERS = Entry("users", "users.nav", "manage_accounts")
TOKENS = Entry("my_tokens", "api_token.nav", "key")


def menu(actor: Actor | None) -> dict[str, tuple[Entry, ...]]:
    """Section title key → its pages. Signed out: every page (the menu is hidden then, and the
    address's page is what the sign-in comes back to; each page checks again itself). The
    consultant's section only for a consultant somewhere or an administrator; the users page
    only for an administrator; everyone's own API tokens under the account."""
    if actor is None:
        return {
            "nav.group_audit": AUDIT,
            "nav.group_consultant": (PORTFOLIO, CATALOGUES, USERS),
            "nav.group_account": (TOKENS,),
        }
    sections: dict[str, tuple[Entry, ...]] = {"nav.group_audit": AUDIT}
    consultant = actor.administrator or Role.CONSULTANT in actor.grants.values()
    if consultant:
        sections["nav.group_consultant"] = (PORTFOLIO, CATALOGUES) + (
            (USERS,) if actor.administrator else ()
        )
    if permits(actor, None, Action.USE_API):
        sections["nav.group_account"] = (TOKENS,)
    return sections

"""星级售后自评 — the Streamlit app: audits, checklist, evidence, dashboard, rounds, portfolio.
Served by audit_server.py, whose routes sign people in (ui/web.py); this script checks the
session on every run (ui/auth.py)."""

from __future__ import annotations

import streamlit as st

from settings.logs import log_to_stderr
from ui.auth import current_actor, require_login, seems_signed_in
from ui.errors import guarded
from ui.menu import AUDIT, Entry, menu
from ui.sidebar import render_sidebar
from ui.state import forget_score, name_the_zone, tr

st.set_page_config(
    page_title="星级售后自评 · GB/T 27922", page_icon=":material/workspace_premium:", layout="wide"
)

log_to_stderr()  # the gbt_audit.* log on the server's standard error (once per process)
forget_score()  # a full run reads the audit afresh (a colleague may have saved meanwhile)


def page(entry: Entry, default: bool = False) -> st.Page:
    return st.Page(
        f"ui/pages/{entry.path}.py",
        title=tr(entry.title),
        icon=f":material/{entry.icon}:",
        default=default,
    )


# the session is checked once per run (the cookie's token against the sessions table)
# (guarded: a database the app cannot reach is named on the page, and nothing else runs)
menu_shown = guarded(seems_signed_in)()
if menu_shown is None:
    st.stop()
signed_in = guarded(current_actor)() if menu_shown else None
# only the pages the person's roles can use (ui/menu.py); each page checks again itself
pages = {
    tr(section): [page(entry, default=entry is AUDIT[0]) for entry in entries]
    for section, entries in menu(signed_in).items()
}
# The navigation is known before the signed-out page shows (hidden then), so the address's page
# and ?audit= are what the sign-in link comes back to. An unexpected error lets nobody in.
# expanded: every page listed (Streamlit folds a menu of more than ten behind "View N more")
navigation = st.navigation(pages, position="sidebar" if menu_shown else "hidden", expanded=True)
if guarded(require_login)() is None:
    st.stop()
guarded(render_sidebar)()
guarded(navigation.run)()
name_the_zone()

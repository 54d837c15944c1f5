"""星级售后自评 — the Streamlit app: audits, checklist, evidence, dashboard, rounds, portfolio."""

from __future__ import annotations

import streamlit as st

from ui.sidebar import render_sidebar
from ui.state import tr

st.set_page_config(
    page_title="星级售后自评 · GB/T 27922", page_icon=":material/workspace_premium:", layout="wide"
)

render_sidebar()


def page(path: str, title: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(
        f"ui/pages/{path}.py", title=tr(title), icon=f":material/{icon}:", default=default
    )


pages = {
    tr("nav.group_audit"): [
        page("audits", "nav.audits", "list_alt", default=True),
        page("checklist", "nav.checklist", "checklist"),
        page("evidence", "nav.evidence", "attach_file"),
        page("dashboard", "nav.dashboard", "monitoring"),
        page("rounds", "nav.rounds", "compare_arrows"),
        page("dossier", "nav.dossier", "picture_as_pdf"),
    ],
    tr("nav.group_consultant"): [
        page("portfolio", "nav.portfolio", "folder_shared"),
    ],
}
st.navigation(pages).run()

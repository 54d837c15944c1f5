"""星级售后自评 — the Streamlit app: audits, checklist, evidence, dashboard, rounds, portfolio."""

from __future__ import annotations

import streamlit as st

from ui.sidebar import render_sidebar
from ui.state import tr

st.set_page_config(page_title="星级售后自评 · GB/T 27922", page_icon=":material/workspace_premium:", layout="wide")

render_sidebar()
pages = {
    tr("nav.group_audit"): [
        st.Page("ui/pages/audits.py", title=tr("nav.audits"), icon=":material/list_alt:", default=True),
        st.Page("ui/pages/checklist.py", title=tr("nav.checklist"), icon=":material/checklist:"),
        st.Page("ui/pages/evidence.py", title=tr("nav.evidence"), icon=":material/attach_file:"),
        st.Page("ui/pages/dashboard.py", title=tr("nav.dashboard"), icon=":material/monitoring:"),
        st.Page("ui/pages/rounds.py", title=tr("nav.rounds"), icon=":material/compare_arrows:"),
    ],
    tr("nav.group_consultant"): [
        st.Page("ui/pages/portfolio.py", title=tr("nav.portfolio"), icon=":material/folder_shared:"),
    ],
}
st.navigation(pages).run()

"""Opening an item on the checklist from another page. The one place that knows how: today by
session state (the checklist's filter and indicator), later by the URL's query parameters."""

from __future__ import annotations

import streamlit as st

from criteria import Catalogue
from ui.state import open_audit

CHECKLIST = "ui/pages/checklist.py"


def open_item(audit_id: int, catalogue: Catalogue, item_id: str) -> None:
    """Show the audit's checklist at the item's indicator, with every item listed."""
    open_audit(audit_id)
    st.session_state["checklist.filter"] = "all"
    st.session_state["checklist.indicator"] = catalogue.parent_id(item_id)
    st.switch_page(CHECKLIST)

"""Consultant portfolio: every organisation's latest audit on one page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from store.permissions import Action
from ui.portfolio_rows import portfolio_rows
from ui.state import go_to, lang, may, page_store, tr

store = page_store()
st.title(tr("nav.portfolio"))
rows = portfolio_rows(store, date.today(), lang())
if not rows:
    st.info(tr("ui.welcome") if may(Action.CREATE_ORGANISATION, None) else tr("auth.no_grants"))
    st.stop()

table = pd.DataFrame(
    [
        {
            tr("ui.organisation"): r.organisation,
            tr("ui.round"): r.round_no or "",
            tr("ui.audit_date"): r.audit_date or "",
            tr("ui.score"): r.score,
            tr("ui.tier"): f"⚠ {r.tier}: {r.problem}" if r.broken else r.tier,
            tr("ui.eligibility"): r.eligibility,
            tr("ui.open_items"): r.open_items,
            tr("ui.actions_open"): r.actions_open,
            tr("ui.actions_overdue"): r.actions_overdue,
            tr("ui.next_due"): r.next_due.isoformat() if r.next_due else "",
        }
        for r in rows
    ]
)
st.caption(tr("ui.portfolio_help"))
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        tr("ui.score"): st.column_config.ProgressColumn(
            tr("ui.score"), min_value=0, max_value=100, format="%.1f"
        ),
    },
)
if any(r.broken for r in rows):
    st.warning(tr("ui.rows_broken", n=sum(r.broken for r in rows)))
readable = [r for r in rows if not r.broken]
if not readable:
    st.stop()
chosen = st.selectbox(
    tr("ui.open_audit_of"),
    [r.audit_id for r in readable],
    format_func=lambda i: next(r.organisation for r in readable if r.audit_id == i),
)
if st.button(tr("ui.open"), type="primary"):
    go_to("dashboard", chosen)

"""The sidebar on every page: language, who is working, and the open audit at a glance."""

from __future__ import annotations

import streamlit as st

from scoring import display_score
from store import StoreError
from ui.labels import tier_label
from ui.state import current_audit_id, get_store, lang, tr


def render_sidebar() -> None:
    with st.sidebar:
        st.radio(
            "语言 Language",
            options=["zh", "en"],
            format_func=lambda code: "中文" if code == "zh" else "English",
            horizontal=True,
            key="lang",
        )
        st.text_input(tr("ui.your_name"), key="actor", placeholder=tr("ui.your_name_hint"))
        audit_id = current_audit_id()
        if audit_id is None:
            return
        store = get_store()
        try:
            audit = store.audit(audit_id)
            organisation = store.organisation(audit.organisation_id)
            result, _ = store.score(audit_id)
        except StoreError:
            return
        st.divider()
        st.caption(tr("ui.open_audit"))
        st.markdown(
            f"**{organisation.profile.name}**  \n{audit.title} · "
            f"{tr('ui.round_n', n=audit.round_no)}"
        )
        st.metric(
            tr("ui.score"),
            display_score(result.score),
            tier_label(result, lang()),
            delta_color="off",
            delta_arrow="off",
        )

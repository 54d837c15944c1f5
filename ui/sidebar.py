"""The sidebar on every page: language, who is working, and the open audit at a glance."""

from __future__ import annotations

import streamlit as st

from scoring import display
from store import StoreError
from ui import live_figures
from ui.history import keep_the_audit_in_the_address
from ui.item_editor import is_details_key
from ui.labels import tier_label
from ui.markup import plain
from ui.page_style import page_style
from ui.state import audit_record, current_audit_id, lang, organisation_of, scored, tr
from ui.streamlit_words import speak_the_readers_language
from ui.unsaved import guard_unsaved_typing


def render_sidebar() -> None:
    with st.sidebar:
        guard_unsaved_typing()  # typed text not yet saved is not lost without a word
        speak_the_readers_language()  # Streamlit's own words too
        page_style()  # captions readable (WCAG 2 AA contrast)
        st.radio(
            "语言 Language",
            options=["zh", "en"],
            format_func=lambda code: "中文" if code == "zh" else "English",
            horizontal=True,
            key="lang",
            on_change=_relabel_choices,
        )
        audit_id = current_audit_id()
        keep_the_audit_in_the_address(audit_id)  # one history entry per page change
        if audit_id is None:
            return
        try:
            audit = audit_record(audit_id)  # read once in this run, for the page too
            organisation = organisation_of(audit)
        except StoreError:
            return
        st.divider()
        st.caption(tr("ui.open_audit"))
        st.markdown(
            f"**{plain(organisation.profile.name)}**  \n{plain(audit.title)} · "
            f"{tr('ui.round_n', n=audit.round_no)}"
        )
        live_figures.host(lambda: _score(audit_id))


def _relabel_choices() -> None:
    """The language changed: every choice on the page shows its labels in the new language.
    A radio or select box keeps, in the browser, the label of its choice, and sends that label
    back; Streamlit maps it to the option by the labels of the latest run, so after a switch
    the old label would match nothing and arrive as the choice itself (a status '未评').
    Setting the values again makes the next run send each choice with its new label. Only
    text values: those are the choices (and typed text, sent back unchanged); a button's or an
    uploader's value cannot be set."""
    for key in list(st.session_state.keys()):
        value = st.session_state[key]
        if isinstance(value, str) and key != "lang":
            st.session_state[key] = value
        elif isinstance(value, bool) and is_details_key(str(key)):
            # an item's details are a keyed expander with its label in words: drawn anew
            # under the new label it would close, so its open state is set again too (not
            # every true/false value: a form's submit button may not be set)
            st.session_state[key] = value


def _score(audit_id: int) -> None:
    result = scored(audit_id)
    st.metric(
        tr("ui.score"),
        display.score(result.score),
        tier_label(result, lang()),
        delta_color="off",
        delta_arrow="off",
    )

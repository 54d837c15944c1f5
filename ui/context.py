"""What every part of the app stands on: the process's store and the reader's language. The
sign-in gate (ui.auth) and the per-session state (ui.state, built on the gate) both read these."""

from __future__ import annotations

import streamlit as st

from store import AuditStore, open_store
from texts import t


@st.cache_resource(show_spinner=False)
def get_store() -> AuditStore:
    """The bare store, one per server process (opening it migrates and preloads the
    catalogue). Only the sign-in gate and the guard use it; pages use ui.state.page_store()."""
    return open_store()


def lang() -> str:
    return str(st.session_state.get("lang", "zh"))


def tr(key: str, **values: object) -> str:
    return t(key, lang(), **values)

"""What every part of the app stands on: the process's store, the reader's language and the
organisation's time zone. The sign-in gate (ui.auth) and the per-session state (ui.state, built on
the gate) both read these."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import streamlit as st

from scoring import display
from store import AuditStore, open_store
from store.config import display_zone
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


def zone() -> ZoneInfo:
    """The organisation's time zone, in which the app shows every time."""
    return display_zone()


def today() -> date:
    """Today where the organisation is."""
    return display.today(zone())


def when(value: datetime | None, *, seconds: bool = False) -> str:
    """A stored moment as the page shows it, in the organisation's zone; the page names the
    zone once, at its foot (name_the_zone)."""
    st.session_state["_times_shown"] = True
    return display.moment(value, zone(), seconds=seconds)


def name_the_zone() -> None:
    """At the foot of a page that showed a time: which zone its times are in, once."""
    if st.session_state.pop("_times_shown", False):
        st.caption(display.zone_note(zone(), lang()))

"""Figures (score, tier, progress) that item cards refresh without rerunning the page.

An item card is a fragment: a change reruns only that card. A fragment may write to a
container outside itself only into its own slot there, reserved on every full run, so after
a save the card draws the fresh figures into its slot in each host (header, sidebar). Every
drawing carries a sequence number, and the newest one hides the older ones (the page's own
and other cards' stale copies) with a style rule, so exactly one set of figures shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

HOSTS = "_live_figures.hosts"  # this full run's [(host container, key prefix, draw)]
SEQ = "_live_figures.seq"  # number of the newest drawing
OWNER = "_live_figures.owner"  # the card whose slot holds the newest drawing
STALE = "_live_figures.stale"  # set by a save: the figures changed


def start_run() -> None:
    """At the start of a full run: no hosts yet, the page draws the newest figures."""
    st.session_state[HOSTS] = []
    st.session_state[OWNER] = None


def host(container: Any, prefix: str, draw: Callable[[], None]) -> None:
    """Draw figures into ``container`` now and let cards redraw them there after a save."""
    st.session_state.setdefault(HOSTS, []).append((container, prefix, draw))
    with container, st.container(key=f"{prefix}_{st.session_state.get(SEQ, 0)}"):
        draw()


def changed() -> None:
    st.session_state[STALE] = True


def card_done(card_id: str) -> None:
    """End of a card's run: reserve its slots, and fill them when its change moved the
    figures (or when they hold the newest figures already and the card reran for another
    reason, as a rerun empties the card's slots)."""
    seq = st.session_state.get(SEQ, 0)
    if st.session_state.pop(STALE, False):
        seq = st.session_state[SEQ] = seq + 1
        st.session_state[OWNER] = card_id
    newest = st.session_state.get(OWNER) == card_id
    for container, prefix, draw in st.session_state.get(HOSTS, []):
        with container:
            if not newest:
                st.empty()
                continue
            with st.container(key=f"{prefix}_{seq}"):
                draw()
                older = ",".join(f".st-key-{prefix}_{n}" for n in range(seq))
                if older:
                    st.html(f"<style>{older}{{display:none}}</style>")

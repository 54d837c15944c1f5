"""Figures (score, tier, progress) that a saved change refreshes without rerunning the page.

The figures are one keyed fragment, drawn wherever a page hosts them (the checklist's header
and indicator list, the sidebar). Every call site of a keyed fragment shares its key, so an
item card's save callback reruns that card and all the figures together (``rerun_card``) and
nothing else of the page: no hidden copies, no slots in every card.

In one run: a card's change already reruns the card (the interaction's own rerun), and the
callback adds the figures to that run. ``st.rerun([card, figures])`` from the callback would
end that run and start a second one, and the browser redraws the whole page at each run's
start and end (Streamlit's run state is a React context every element reads): two runs were
half the click (bench/probe_checklist_click.py). The browser is told of the card alone, so it
clears nothing left over in the figures: they draw the same elements every time (a notice
goes into a slot drawn empty otherwise)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.errors import guarded
from ui.run_memo import fragments_only

FIGURES = "live_figures"  # the fragment key of every place that shows the figures


@st.fragment(key=FIGURES)
def _figures(draw: Callable[[], None]) -> None:
    guarded(draw)()  # a fragment runs outside the page's own guard


def host(draw: Callable[[], None]) -> None:
    """Draw figures here now, and again whenever a card's save moves them."""
    _figures(draw)


def rerun_card(card_key: str, figures: bool) -> None:
    """End a card's save callback: when the browser asked for a rerun of fragments (a card's
    own change), rerun the card (and the figures, when the save moved them). When that run is
    the card's own, the figures join it (Streamlit runs the fragments of a run's list after
    the callbacks, in order); otherwise both are rerun by name. When the same interaction
    asked for the whole page (another page, the language, a tab chosen while the save was on
    its way), the callback leaves it at that: a keyed rerun would replace it."""
    if not fragments_only():
        return
    ctx = get_script_run_ctx()
    running = ctx.fragment_ids_this_run if ctx is not None else None
    if ctx is not None and running and running == ctx.fragment_storage.resolve_target(card_key):
        if figures:
            joining = ctx.fragment_storage.resolve_target(FIGURES)
            running.extend(i for i in joining if i not in running)
        return
    st.rerun([card_key, FIGURES] if figures else [card_key])

"""Figures (score, tier, progress) that a saved change refreshes without rerunning the page.

The figures are one keyed fragment, drawn wherever a page hosts them (the checklist's header
and indicator list, the sidebar). Every call site of a keyed fragment shares its key, so an
item card's save callback asks Streamlit to rerun that card and all the figures together
(``rerun_card``) and nothing else of the page: no hidden copies, no slots in every card."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

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
    own change), rerun the card (and the figures, when the save moved them) by name. When the
    same interaction asked for the whole page (another page, the language, a tab chosen while
    the save was on its way), the callback leaves it at that: a keyed rerun would replace it."""
    if not fragments_only():
        return
    st.rerun([card_key, FIGURES] if figures else [card_key])

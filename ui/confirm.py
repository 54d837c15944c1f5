"""Irreversible actions ask first: the button only opens a dialog that says what the action
does and what cannot be undone; the action runs on "confirm".

The pending question lives in the session (not in the button's one-run click), so the dialog
survives reruns — of the page, of a fragment, or of a test driving the app run by run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from store import StoreError
from ui.state import refusal, tr

PENDING = "confirm.pending"


def ask_button(
    label: str, key: str, *, help: str | None = None, container: Any = st, **options: Any
) -> None:
    """The button that opens confirmation ``key``."""
    container.button(label, key=f"ask.{key}", help=help, on_click=_ask, args=(key,), **options)


def _ask(key: str) -> None:
    st.session_state[PENDING] = key


def _drop() -> None:
    st.session_state.pop(PENDING, None)


def confirmation(
    key: str, title: str, body: str, confirm_label: str, action: Callable[[], object]
) -> None:
    """Show the dialog for ``key`` while it is pending. ``action`` runs on confirm; a store
    refusal is shown in the dialog and nothing else happens."""
    if st.session_state.get(PENDING) != key:
        return

    @st.dialog(title, on_dismiss=_drop)
    def ask() -> None:
        st.markdown(body)
        yes, no = st.columns(2)
        if yes.button(confirm_label, key=f"confirm.{key}", type="primary"):
            try:
                action()
            except StoreError as exc:
                st.error(refusal(exc))
                return
            _drop()
            st.rerun()
        if no.button(tr("ui.cancel"), key=f"cancel.{key}"):
            _drop()
            st.rerun()

    ask()

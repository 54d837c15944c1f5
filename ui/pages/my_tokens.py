"""My API tokens: the signed-in person's own personal API tokens (for the read-only API and the
calendar subscriptions), made, listed and revoked through the same services as the Users page
and ``gbt-audit token``."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.api_tokens_panel import tokens_panel
from ui.auth import current_actor
from ui.state import context, show_flashes, tr


@dataclass(frozen=True)
class _Own:
    id: int
    login: str


signed_in = current_actor()
st.title(tr("api_token.my_title"))
if signed_in is None:
    st.stop()
show_flashes()
st.caption(tr("api_token.my_intro"))
tokens_panel(context(), _Own(signed_in.user_id, signed_in.login))

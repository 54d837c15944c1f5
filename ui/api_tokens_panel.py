"""An account's personal API tokens on a page: the list (never the tokens), a new one (shown
once, right after it is made, as plain text) and revoking one. Through services/api_tokens.py:
an administrator for any account, a person for their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

import pandas as pd
import streamlit as st

from domain.api_tokens import TokenState
from domain.errors import Refused
from domain.permissions import NotPermitted
from scoring import display
from services import api_tokens
from services.context import Context
from ui.confirm import ask_button, confirmation
from ui.markup import plain
from ui.state import flash, lang, today, tr, when


class Account(Protocol):
    """Whose tokens: an account record, or the signed-in person's own."""

    @property
    def id(self) -> int: ...

    @property
    def login(self) -> str: ...


NEW = "api_tokens.new"  # (account id, token id, token) just made: shown at the next run only
MADE = "api_tokens.made"  # tokens made in this session: names the form's fresh widgets


def tokens_panel(ctx: Context, account: Account) -> None:
    st.subheader(tr("api_token.title"))
    made = st.session_state.pop(NEW, None)
    if made is not None and made[0] == account.id:
        st.success(tr("api_token.created", login=plain(account.login), token_id=made[1]))
        st.code(made[2], language=None)  # plain text, with a copy button
    day = today()
    try:
        held = api_tokens.tokens(ctx, account.id)
    except NotPermitted:  # one's own, with no role anywhere yet: nothing to read with one
        st.info(tr("api_token.no_role"))
        return
    if held:
        st.dataframe(
            pd.DataFrame(
                {
                    "#": [r.id for r in held],
                    tr("api_token.col_hint"): [f"{r.hint}…" for r in held],
                    tr("api_token.col_label"): [r.label for r in held],
                    tr("api_token.col_state"): [
                        tr(f"api_token.state.{r.state(day).value}") for r in held
                    ],
                    tr("api_token.col_expires"): [
                        display.day(r.expires_on) if r.expires_on else tr("api_token.no_expiry")
                        for r in held
                    ],
                    tr("api_token.col_used"): [
                        when(r.last_used_at) if r.last_used_at else tr("api_token.never_used")
                        for r in held
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(tr("api_token.none"))
    # a made token empties the form: its widgets take new keys (a refused one keeps what was
    # typed, so the person corrects it instead of typing it again)
    made_count = st.session_state.get(MADE, 0)
    with st.form(f"api_tokens.add.{account.id}", clear_on_submit=False):
        label = st.text_input(
            tr("api_token.col_label"),
            key=f"api_tokens.label.{made_count}",
            max_chars=100,
            help=tr("api_token.label_help"),
        )
        expires = st.date_input(
            tr("api_token.col_expires"),
            value=None,
            min_value=day + timedelta(days=1),
            key=f"api_tokens.expires.{made_count}",
            help=tr("api_token.expires_help"),
        )
        if st.form_submit_button(tr("api_token.add")):
            try:
                new = api_tokens.add_token(
                    ctx, account.id, today=day, label=label, expires_on=expires
                )
            except Refused as refused:
                st.error(refused.text(lang()))
            else:
                st.session_state[NEW] = (account.id, new.record.id, new.token)
                st.session_state[MADE] = made_count + 1
                st.rerun()
    live = [r for r in held if r.state(day) is TokenState.ACTIVE]
    if live:
        by_id = {r.id: r for r in live}
        # a select box shows its options as text (no Markdown): the label as typed
        chosen = st.selectbox(
            tr("api_token.revoke_which"),
            list(by_id),
            key="api_tokens.revoke",
            format_func=lambda i: f"#{i} {by_id[i].hint}… {by_id[i].label}",
        )
        question = f"api_tokens.revoke.{account.id}.{chosen}"
        ask_button(tr("api_token.revoke"), question)
        token = by_id[chosen]
        confirmation(
            question,
            tr("api_token.revoke_title", token_id=chosen),
            tr(
                "api_token.revoke_body",
                token_id=chosen,
                hint=plain(token.hint),
                label=plain(token.label or tr("api_token.no_label")),
                login=plain(account.login),
            ),
            tr("api_token.revoke"),
            lambda: _revoke(ctx, chosen, account.login),
        )


def _revoke(ctx: Context, token_id: int, login: str) -> None:
    api_tokens.revoke_token(ctx, token_id)
    flash("success", tr("api_token.revoked", token_id=token_id, login=plain(login)))

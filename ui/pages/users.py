"""Users (administrators only): every account with its roles; add an account, disable or enable
it, grant or revoke a role in an organisation, reset a password, keep its personal API tokens
(ui/api_tokens_panel.py). Everything goes through the account services (services/accounts.py,
services/api_tokens.py), as the command line does, so the same checks and refusals hold (the
last administrator, a login taken, a role granted twice) and each is shown with its own text. A
refused form keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from domain.account_records import UserRecord
from domain.errors import Refused
from domain.permissions import ORGANISATION_ROLES, Action, permits
from scoring import display
from services import accounts as account_services
from store.accounts import MIN_PASSWORD, AccountError
from ui.api_tokens_panel import tokens_panel
from ui.auth import current_actor, web_settings
from ui.markup import plain
from ui.notification_log import show_notification_log
from ui.state import context, flash, lang, page_store, show_flashes, tr, when, zone

signed_in = current_actor()
st.title(tr("users.title"))
if signed_in is None or not permits(signed_in, None, Action.MANAGE_USERS):
    st.error(tr("users.not_permitted"))  # the menu hides this page; an address still lands here
    st.stop()
actor = signed_in  # an Actor from here on, in the lambdas below too
show_flashes()
ctx = context()
organisations = {o.id: o.profile.name for o in page_store().organisations(include_archived=True)}


def act(change: Callable[[], object], done: str, clear: tuple[str, ...] = ()) -> None:
    """Run one account change: on refusal say why and keep what was typed; else rerun."""
    try:
        change()
    except (AccountError, Refused) as refused:
        st.error(refused.text(lang()))
        return
    for key in clear:
        st.session_state.pop(key, None)
    flash("success", done)
    st.rerun()


def role_text(organisation_id: int, role: str) -> str:
    name = organisations.get(organisation_id, f"#{organisation_id}")
    return tr("users.role_in", organisation=name, role=tr(f"auth.role.{role}"))


def roles_of(user: UserRecord) -> str:
    roles = [tr("auth.role.administrator")] if user.administrator else []
    return "；".join(roles + [role_text(org, role.value) for org, role in user.grants]) or "—"


users = account_services.users(ctx)
st.dataframe(
    pd.DataFrame(
        {
            tr("users.col_name"): [u.display_name for u in users],
            tr("users.col_login"): [u.login for u in users],
            tr("users.col_roles"): [roles_of(u) for u in users],
            tr("users.col_active"): [tr("users.yes" if u.active else "users.no") for u in users],
            tr("users.col_last_login"): [
                when(u.last_login_at) if u.last_login_at else tr("users.never") for u in users
            ],
        }
    ),
    hide_index=True,
    width="stretch",
)

with (
    st.expander(tr("users.add"), expanded=len(users) < 2),
    st.form("users.add", clear_on_submit=False),
):
    login = st.text_input(tr("auth.login"), key="users.add.login")
    name = st.text_input(tr("auth.display_name"), key="users.add.name")
    email = st.text_input(tr("auth.email"), key="users.add.email")
    password = st.text_input(
        tr("auth.password"),
        type="password",
        key="users.add.password",
        help=tr("users.password_hint", min=MIN_PASSWORD),
    )
    again = st.text_input(tr("auth.password_again"), type="password", key="users.add.again")
    administrator = st.checkbox(tr("users.administrator"), key="users.add.admin")
    if st.form_submit_button(tr("users.add_submit"), type="primary"):
        if password != again:
            st.error(tr("auth.passwords_differ"))
        else:
            act(
                lambda: account_services.add_user(
                    ctx,
                    login,
                    name,
                    password=password,
                    email=email or None,
                    administrator=administrator,
                ),
                tr("users.added", login=plain(login.strip())),
                clear=tuple(
                    f"users.add.{k}" for k in ("login", "name", "email", "password", "again")
                ),
            )

if not users:
    st.stop()
st.subheader(tr("users.manage"))
by_login = {u.login: u for u in users}
chosen = by_login[
    st.selectbox(
        tr("users.account"),
        list(by_login),
        key="users.chosen",
        format_func=lambda login: f"{by_login[login].display_name} ({login})",
    )
]
st.caption(plain(roles_of(chosen)))  # a caption is Markdown; the table and lists are not
toggle, admin = st.columns(2)
if toggle.button(
    tr("users.disable" if chosen.active else "users.enable"), key="users.toggle_active"
):
    act(
        lambda: account_services.set_active(ctx, chosen.login, not chosen.active),
        tr("users.disabled" if chosen.active else "users.enabled", login=chosen.login),
    )
if admin.button(
    tr("users.drop_admin" if chosen.administrator else "users.make_admin"), key="users.toggle_admin"
):
    act(
        lambda: account_services.set_administrator(ctx, chosen.login, not chosen.administrator),
        tr("users.admin_changed", login=chosen.login),
    )

with st.form("users.email", clear_on_submit=False):
    address = st.text_input(
        tr("auth.email"),
        value=chosen.email or "",
        key=f"users.email.{chosen.login}",
        help=tr("users.email_hint"),
    )
    if st.form_submit_button(tr("users.set_email")):
        act(
            lambda: account_services.set_email(ctx, chosen.login, address or None),
            tr("users.email_set", login=chosen.login),
        )

grant_col, revoke_col = st.columns(2)
with grant_col.container(border=True):
    st.markdown(f"**{tr('users.grant')}**")
    if organisations:
        organisation_id = st.selectbox(
            tr("users.organisation"),
            list(organisations),
            key="users.grant.organisation",
            format_func=organisations.__getitem__,  # a select box shows text, not Markdown
        )
        # the least powerful role first: a slip of the mouse grants too little, not too much
        choices = [r.value for r in reversed(ORGANISATION_ROLES)]
        role = st.selectbox(
            tr("users.role"),
            choices,
            key="users.grant.role",
            format_func=lambda r: tr(f"auth.role.{r}"),
        )
        if st.button(tr("users.grant"), key="users.grant.submit"):
            act(
                lambda: account_services.grant(ctx, chosen.login, organisation_id, role),
                tr(
                    "users.granted_role",
                    login=plain(chosen.login),
                    role=tr(f"auth.role.{role}"),
                    organisation=plain(organisations[organisation_id]),
                ),
            )
    else:
        st.caption(tr("users.no_organisations"))
with revoke_col.container(border=True):
    st.markdown(f"**{tr('users.revoke')}**")
    if chosen.grants:
        held = dict(chosen.grants)
        revoked = st.selectbox(
            tr("users.organisation"),
            list(held),
            key="users.revoke.organisation",
            format_func=lambda i: role_text(i, held[i].value),
        )
        if st.button(tr("users.revoke"), key="users.revoke.submit"):
            act(
                lambda: account_services.revoke(ctx, chosen.login, revoked),
                tr("users.revoked", login=chosen.login),
            )
    else:
        st.caption(tr("users.no_grants"))

with st.form("users.password", clear_on_submit=False):
    st.markdown(f"**{tr('users.reset_password')}**")
    new = st.text_input(
        tr("users.new_password"),
        type="password",
        key="users.password.new",
        help=tr("users.password_hint", min=MIN_PASSWORD),
    )
    repeat = st.text_input(tr("auth.password_again"), type="password", key="users.password.again")
    if st.form_submit_button(tr("users.reset_password")):
        if new != repeat:
            st.error(tr("auth.passwords_differ"))
        else:
            act(
                lambda: account_services.set_password(ctx, chosen.login, new),
                tr("users.password_reset", login=chosen.login),
                clear=("users.password.new", "users.password.again"),
            )

tokens_panel(ctx, chosen)  # the chosen account's personal API tokens

# -- sessions: who is signed in where, and ending one ------------------------------------------
st.subheader(tr("users.sessions"))
live = account_services.sessions(ctx, web_settings())
if not live:
    st.caption(tr("users.no_sessions"))
    st.stop()
st.dataframe(
    pd.DataFrame(
        {
            tr("users.col_name"): [s.display_name for s in live],
            tr("users.col_login"): [s.login for s in live],
            tr("users.session_via"): [tr(f"users.via.{s.via}") for s in live],
            tr("users.session_started"): [when(s.created_at) for s in live],
            tr("users.session_seen"): [when(s.last_seen_at) for s in live],
            tr("users.session_browser"): [s.user_agent for s in live],
            tr("users.session_address"): [s.address or "—" for s in live],
        }
    ),
    hide_index=True,
    width="stretch",
)
by_id = {s.id: s for s in live}
ended = st.selectbox(
    tr("users.session"),
    list(by_id),
    key="users.session.chosen",
    format_func=lambda i: (
        f"{by_id[i].display_name} ({by_id[i].login}) · "
        f"{display.clock(by_id[i].last_seen_at, zone())} · {by_id[i].user_agent[:60]}"
    ),
)
if st.button(tr("users.end_session"), key="users.session.end"):
    act(
        lambda: account_services.end_session(ctx, ended),
        tr("users.session_ended", login=by_id[ended].login),
    )

show_notification_log(ctx, users, organisations)

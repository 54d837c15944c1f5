"""The sign-in gate before any page: the one-time first administrator, the password form, single
sign-on (Streamlit's st.login, OpenID Connect) matched by e-mail to accounts an administrator
created, the idle timeout and signing out. The signed-in account is kept in the browser
session (st.session_state) and re-read from the store on every run, so a disabled account or a
revoked role takes effect at the next click."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import streamlit as st

import settings as listed
from domain.permissions import Actor
from settings import SettingsError
from store.access import GuardedStore
from store.accounts import AccountError, Accounts
from store.sign_in import sign_in
from store.throttle import SignInThrottle
from ui.context import get_store, tr
from ui.run_memo import once_per_run

USER_KEY = "auth.user_id"
SEEN_KEY = "auth.last_seen"  # time.time() of the last run while signed in
VIA_SSO_KEY = "auth.via_sso"
NOTICE_KEY = "auth.notice"  # (text code, values) to show on the sign-in page


def idle_minutes(env: Mapping[str, str] | None = None) -> float:
    """GBT_AUDIT_IDLE_MINUTES: minutes without a click before a session signs out."""
    return listed.IDLE_MINUTES.read(env)


def user_accounts() -> Accounts:
    """Every account, for the administrators' users page (which checks the role first): the
    accounts are the guard's own data, so they are not behind it."""
    return Accounts(get_store())


def require_login() -> Actor:
    """The signed-in person, or draw the sign-in page and stop this run."""
    accounts = Accounts(get_store())
    try:
        actor = _session_actor(accounts)
    except SettingsError as wrong:
        # a setting of the installation, named; nobody is let in meanwhile
        st.error(wrong.message(_lang()))
        st.stop()
    if actor is None:
        actor = _sso_actor(accounts)
    if actor is not None:
        st.session_state[SEEN_KEY] = time.time()
        _sidebar(actor)
        return actor
    _sign_in_page(accounts)
    st.stop()
    raise AssertionError("st.stop() returned")  # for type checkers: never reached


def seems_signed_in() -> bool:
    """Whether this session holds a sign-in that has not gone idle, without touching it:
    decides whether the menu shows before require_login checks the account itself."""
    if st.session_state.get(USER_KEY) is None:
        return False
    try:
        minutes = idle_minutes()
    except SettingsError:
        return False  # require_login names the setting
    return time.time() - st.session_state.get(SEEN_KEY, 0) <= minutes * 60


def current_actor() -> Actor | None:
    """The signed-in account with its grants, read once per run (ui.run_memo)."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    return once_per_run(f"actor.{user_id}", lambda: Accounts(get_store()).actor(user_id))


def signed_in_name() -> str | None:
    """The display name the change log records for this session (None: nobody signed in)."""
    actor = current_actor()
    return actor.display_name if actor else None


def guarded_store() -> GuardedStore:
    """The store as the signed-in person may use it (pages switch to this after issue 9)."""
    actor = current_actor()
    if actor is None:
        st.stop()
    return GuardedStore(get_store(), actor)


# -- the session -----------------------------------------------------------------------------


def _session_actor(accounts: Accounts) -> Actor | None:
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    minutes = idle_minutes()
    if time.time() - st.session_state.get(SEEN_KEY, 0) > minutes * 60:
        _sign_out(("auth.idle_expired", {"minutes": f"{minutes:g}"}))
        return None
    actor = accounts.actor(user_id)
    if actor is None:
        _sign_out(("auth.account_gone", {}))
    return actor


def _start_session(user_id: int, via_sso: bool = False) -> None:
    st.session_state[USER_KEY] = user_id
    st.session_state[SEEN_KEY] = time.time()
    st.session_state[VIA_SSO_KEY] = via_sso


def _sign_out(notice: tuple[str, dict[str, Any]] | None = None) -> None:
    via_sso = st.session_state.get(VIA_SSO_KEY, False)
    for key in (USER_KEY, SEEN_KEY, VIA_SSO_KEY):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[NOTICE_KEY] = notice
    if via_sso and _sso_provider() is not None and st.user.is_logged_in:
        st.logout()  # also forget the identity provider's cookie, or the next run signs in again


def _sidebar(actor: Actor) -> None:
    with st.sidebar:
        st.caption(tr("auth.signed_in_as", name=actor.display_name))
        if st.button(tr("auth.sign_out"), key="auth.sign_out", icon=":material/logout:"):
            _sign_out()
            st.rerun()


# -- single sign-on --------------------------------------------------------------------------


def _sso_provider() -> str | None:
    """'' for the one provider in [auth] of .streamlit/secrets.toml, its name for [auth.NAME],
    None when single sign-on is not configured."""
    try:
        auth = st.secrets.get("auth")
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        return None
    if not auth:
        return None
    if "client_id" in auth:
        return ""
    names = [name for name, value in auth.items() if isinstance(value, Mapping)]
    return names[0] if names else None


def _sso_actor(accounts: Accounts) -> Actor | None:
    if _sso_provider() is None or not st.user.is_logged_in:
        return None
    email = st.user.get("email")
    if not email or st.user.get("email_verified") is False:
        st.session_state[NOTICE_KEY] = ("auth.sso_no_email", {})
        return None
    user = accounts.user_by_email(str(email))
    if user is None:
        st.session_state[NOTICE_KEY] = ("auth.sso_unknown_email", {"email": str(email)})
        return None
    if not user.active:
        st.session_state[NOTICE_KEY] = ("auth.disabled", {})
        return None
    accounts.signed_in(user.id)
    _start_session(user.id, via_sso=True)
    return accounts.actor(user.id)


# -- the sign-in page ------------------------------------------------------------------------


def _client_address() -> str | None:
    try:
        return st.context.ip_address
    except Exception:  # not in a browser session (the test harness)
        return None


def _sign_in_page(accounts: Accounts) -> None:
    if notice := st.session_state.pop(NOTICE_KEY, None):
        code, values = notice
        st.warning(tr(code, **values))
    if accounts.count() == 0:
        _first_administrator_form(accounts)
        return
    st.title(tr("auth.sign_in_title"))
    provider = _sso_provider()
    if provider is not None:
        if st.user.is_logged_in:
            # signed in at the provider but refused here: let them leave that identity
            st.button(tr("auth.sign_out"), key="auth.sso_sign_out", on_click=st.logout)
        else:
            st.button(
                tr("auth.sso_button"),
                key="auth.sso",
                type="primary",
                on_click=st.login,
                args=(provider,) if provider else (),
            )
        st.caption(tr("auth.or"))
    with st.form("auth.sign_in_form"):
        login = st.text_input(tr("auth.login"), key="auth.login")
        password = st.text_input(tr("auth.password"), type="password", key="auth.password")
        submitted = st.form_submit_button(tr("auth.sign_in"), type="primary")
    if submitted:
        try:
            user = sign_in(
                accounts, SignInThrottle(accounts.store), login, password, _client_address()
            )
        except AccountError as refused:
            st.error(refused.text(_lang()))
            return
        _start_session(user.id)
        st.rerun()


def _first_administrator_form(accounts: Accounts) -> None:
    st.title(tr("auth.first_admin_title"))
    st.info(tr("auth.first_admin_intro"))
    with st.form("auth.first_admin_form"):
        login = st.text_input(tr("auth.login"), key="auth.first_login")
        name = st.text_input(tr("auth.display_name"), key="auth.first_name")
        email = st.text_input(tr("auth.email"), key="auth.first_email")
        password = st.text_input(tr("auth.password"), type="password", key="auth.first_password")
        again = st.text_input(tr("auth.password_again"), type="password", key="auth.first_again")
        submitted = st.form_submit_button(tr("auth.first_admin_create"), type="primary")
    if not submitted:
        return
    if password != again:
        st.error(tr("auth.passwords_differ"))
        return
    try:
        user = accounts.add_first_administrator(login, name, password, email=email or None)
    except AccountError as refused:
        st.error(refused.text(_lang()))
        return
    accounts.signed_in(user.id)
    _start_session(user.id)
    st.rerun()


def _lang() -> str:
    return st.session_state.get("lang", "zh")

"""Who is signed in, for every run of the app. Signing in happens outside Streamlit, on the app
server's own routes (ui/web.py): they check the password or the single sign-on, start a
server-side session (store/sessions.py) and set its token in an HttpOnly cookie. Every run here
reads that cookie from ``st.context.cookies`` and checks the session in the database, so a
reload, a new tab or a pasted link stay signed in, and a session ended on the server (signing
out, idle, a new password, a disabled account, a role taken away, an administrator) is ended at
the next click. A run without a live session shows why and a link to sign in again that comes
back to the same page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from html import escape
from urllib.parse import urlencode, urlsplit

import streamlit as st

from domain.permissions import Actor
from settings import SettingsError
from store.access import GuardedStore
from store.accounts import Accounts
from store.sessions import SessionEnd, SignInSessions
from store.web_settings import WebSettings, load_web_settings
from ui.context import get_store, lang, tr
from ui.markup import plain
from ui.run_memo import once_per_run

COOKIE = "gbt_session"  # the session token; set and cleared only by ui/web.py
SIGN_IN_PATH = "/account/sign-in"
SIGN_OUT_PATH = "/account/sign-out"
USER_KEY = "auth.user_id"  # the account this run's session belongs to (set by each run's check)
# a token kept in the session instead of the cookie: streamlit.testing cannot send cookies, so
# the in-process tests sign in through a real server-side session handed over here
TOKEN_KEY = "auth.session_token"
ENDED_KEY = "auth.ended"


def idle_minutes(env: Mapping[str, str] | None = None) -> float:
    """GBT_AUDIT_IDLE_MINUTES: minutes without a click before a session ends (a bad value is
    the list's SettingsError, with its code and the variable)."""
    return web_settings(env).idle / timedelta(minutes=1)


def web_settings(env: Mapping[str, str] | None = None) -> WebSettings:
    return load_web_settings(env)


def session_token() -> str | None:
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # no browser connection (the test harness)
        token = None
    if isinstance(token, str) and token:
        return token
    held = st.session_state.get(TOKEN_KEY)
    return held if isinstance(held, str) else None


def check_session() -> Actor | None:
    """This run's signed-in account, checked against the sessions table (once per run);
    None when there is no live session (the reason is kept for the page that says so)."""
    return once_per_run("auth.session", _check_session)


def _check_session() -> Actor | None:
    settings = web_settings()
    check = SignInSessions(get_store(), settings).check(session_token())
    if check.session is None:
        st.session_state.pop(USER_KEY, None)
        st.session_state[ENDED_KEY] = check.ended
        return None
    user_id = check.session.user_id
    st.session_state[USER_KEY] = user_id
    return Accounts(get_store()).actor(user_id)


def require_login() -> Actor:
    """The signed-in person, or say the session has ended (with a way back) and stop."""
    try:
        actor = check_session()
    except SettingsError as wrong:
        # a setting of the installation, named; nobody is let in meanwhile
        st.error(wrong.message(lang()))
        st.stop()
        raise AssertionError("st.stop() returned") from None
    if actor is not None:
        _sidebar(actor)
        return actor
    _signed_out_page(st.session_state.get(ENDED_KEY))
    st.stop()
    raise AssertionError("st.stop() returned")  # for type checkers: never reached


def seems_signed_in() -> bool:
    """Whether this run has a live session (the menu shows only then)."""
    try:
        return check_session() is not None
    except SettingsError:
        return False  # require_login names the setting


def current_actor() -> Actor | None:
    """The signed-in account with its grants: its session checked and the account read once
    per run (ui.run_memo); None without a live session (or with a bad session setting, which
    require_login names)."""
    try:
        return check_session()
    except SettingsError:
        return None


def signed_in_name() -> str | None:
    """The display name the change log records for this session (None: nobody signed in)."""
    actor = current_actor()
    return actor.display_name if actor else None


def guarded_store() -> GuardedStore:
    """The store as the signed-in person may use it. The session is checked in this run too,
    so a save from a card (a fragment's own run) is refused once the session has ended."""
    actor = check_session()
    if actor is None:
        st.stop()
    return GuardedStore(get_store(), actor)


def here() -> str:
    """This page's address within the app (path and query), to come back to after signing in."""
    try:
        url = st.context.url
    except Exception:
        url = None
    path = urlsplit(url).path if url else "/"
    query = {key: st.query_params.get(key) for key in st.query_params}
    return path + (f"?{urlencode(query)}" if query else "")


def sign_in_link(next_path: str | None = None, ended: str | None = None) -> str:
    values = {"next": next_path or here(), "lang": lang()}
    if ended:
        values["ended"] = ended
    return f"{SIGN_IN_PATH}?{urlencode(values)}"


def _signed_out_page(ended: SessionEnd | None) -> None:
    code = {
        SessionEnd.IDLE: "auth.ended.idle",
        SessionEnd.EXPIRED: "auth.ended.expired",
        SessionEnd.ACCOUNT: "auth.ended.account",
        SessionEnd.UNKNOWN: "auth.ended.unknown",
    }.get(ended or SessionEnd.UNKNOWN, "auth.ended.unknown")
    minutes = f"{web_settings().idle / timedelta(minutes=1):g}"
    st.title(tr("auth.sign_in_title"))
    st.warning(tr(code, minutes=minutes))
    # a link of our own that opens in this tab (Streamlit opens links in a new tab unless told)
    st.markdown(
        f'<a href="{escape(sign_in_link(ended=None))}" target="_self">'
        f"{escape(tr('auth.sign_in_again'))}</a>",
        unsafe_allow_html=True,
    )


def _sidebar(actor: Actor) -> None:
    with st.sidebar:
        st.caption(tr("auth.signed_in_as", name=plain(actor.display_name)))
        # signing out is a form posted to the server's own route: it ends the session there,
        # clears the cookie and shows the sign-in page (the origin is checked like signing in)
        st.markdown(
            f'<form method="post" action="{SIGN_OUT_PATH}" style="margin:0">'
            f'<input type="hidden" name="lang" value="{escape(lang())}">'
            f'<button type="submit" data-testid="gbtSignOut" '
            f'style="border:1px solid rgba(49,51,63,.2);border-radius:.5rem;'
            f'padding:.25rem .75rem;background:transparent;cursor:pointer">'
            f"{escape(tr('auth.sign_out'))}</button></form>",
            unsafe_allow_html=True,
        )

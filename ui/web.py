"""The app server's own routes and gate, mounted by audit_server.py through Streamlit's st.App
(Streamlit ≥ 1.67: routes, middleware, Starlette underneath).

- ``/account/sign-in`` (GET: the form; POST: the password) checks the throttle and the password,
  starts a server-side session and sets its token in an HttpOnly, SameSite=Lax cookie (Secure
  with GBT_AUDIT_SECURE_COOKIE=1), then sends the browser to the page it asked for. A new
  installation shows the one-time first-administrator form here instead.
- ``/account/sign-out`` (POST) ends the session on the server and clears the cookie.
- ``/account/sso`` starts single sign-on (Streamlit's own OpenID Connect routes); when the
  provider sends the browser back, the gate matches its e-mail to an account and starts the
  same kind of session.
- The gate (middleware) lets a page load through only with a live session; otherwise it sends
  the browser to the sign-in page with the address it asked for, so it lands there afterwards.
  Evidence and other downloads under ``/media/`` need a live session as well.
- ``/api/v1/…`` is the read-only API (api/): the gate lets it through without a session; it
  checks its own personal API tokens.

Both POST routes accept a form only from the app's own origin (GBT_AUDIT_PUBLIC_ORIGIN, or the
Host the request came to). Every value shown on these pages is escaped (Jinja2 autoescape)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from api.routes import api_routes
from domain.permissions import Action, permits
from store.accounts import AccountError, Accounts
from store.config import SettingsError
from store.repository import AuditStore
from store.sessions import SessionEnd, SignInSessions
from store.sign_in import sign_in
from store.throttle import SignInThrottle
from store.web_settings import WebSettings, client_address, load_web_settings
from texts import t
from ui.auth import COOKIE, SIGN_IN_PATH, SIGN_OUT_PATH
from ui.evidence_media import owner_of

SSO_PATH = "/account/sso"
DEVICE_COOKIE = "gbt_device"  # this browser's own random name: known to the throttle once used
DEVICE_DAYS = 365
NEXT_COOKIE = "gbt_next"  # where to go after single sign-on (the provider returns to /)
MAX_FORM_BYTES = 16 * 1024
LANGS = ("zh", "en")
# paths that are no page of the app: Streamlit's own machinery, its static files, our routes
OPEN_PREFIXES = (
    "/_stcore/",
    "/static/",
    "/component/",
    "/bidi-component/",
    "/app/static/",
    "/account/",
    "/auth/",
    "/oauth2callback",
    "/favicon.png",
    "/manifest.json",
    "/api/v1/",  # the API checks its own tokens (api/tokens.py), never a session cookie
)
GUARDED_PREFIXES = ("/media/",)  # answered 403 without a session (never a redirect)


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _store() -> AuditStore:
    from ui.context import get_store  # one store per process, shared with the Streamlit runs

    return get_store()


def _settings() -> WebSettings:
    return load_web_settings()


# -- small checks ------------------------------------------------------------------------------


def safe_next(raw: str | None) -> str:
    """A place inside this app to go after signing in: a path, never another site."""
    if not raw or len(raw) > 2000 or not raw.startswith("/") or raw.startswith(("//", "/\\")):
        return "/"
    if any(not c.isprintable() or c.isspace() for c in raw) or "\\" in raw:
        return "/"
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or parts.path.startswith("/account/"):
        return "/"
    return raw


def _lang(raw: str | None) -> str:
    return raw if raw in LANGS else "zh"


def _address(request: Request, settings: WebSettings) -> str | None:
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.get("x-forwarded-for"), settings.trusted_proxies)


def origin_allowed(headers: Headers, settings: WebSettings) -> bool:
    """A form is accepted only from a page of this app: the browser's Origin (or Referer)
    must be the public origin, or name the host the request was sent to."""
    sent = headers.get("origin")
    if not sent or sent == "null":
        referer = headers.get("referer")
        if not referer:
            return False
        parts = urlsplit(referer)
        sent = f"{parts.scheme}://{parts.netloc}"
    sent = sent.rstrip("/").lower()
    if settings.public_origin is not None:
        return sent == settings.public_origin
    host = (headers.get("host") or "").lower()
    parts = urlsplit(sent)
    return bool(host) and parts.scheme in ("http", "https") and parts.netloc == host


def _set_session_cookie(response: Response, token: str, settings: WebSettings) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(settings.lifetime.total_seconds()),
        path="/",
        secure=settings.secure_cookie,
        httponly=True,
        samesite="lax",
    )


def _clear_session_cookie(response: Response, settings: WebSettings) -> None:
    response.delete_cookie(
        COOKIE, path="/", secure=settings.secure_cookie, httponly=True, samesite="lax"
    )


def _sign_in_url(next_path: str, lang: str = "zh", ended: str | None = None) -> str:
    values = {"next": next_path}
    if lang != "zh":
        values["lang"] = lang
    if ended:
        values["ended"] = ended
    return f"{SIGN_IN_PATH}?{urlencode(values)}"


# -- the sign-in page --------------------------------------------------------------------------

_PAGE = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="{{ 'zh-CN' if lang == 'zh' else 'en' }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · {{ app_title }}</title>
<style>
body{font-family:"Source Sans Pro","Noto Sans CJK SC",sans-serif;background:#fff;color:#31333f;
 margin:0;display:flex;justify-content:center}
main{width:100%;max-width:26rem;padding:3rem 1.5rem}
h1{font-size:1.75rem;margin:0 0 1.25rem}
label{display:block;font-size:.875rem;margin:.9rem 0 .3rem}
input{width:100%;box-sizing:border-box;padding:.55rem .7rem;border:1px solid #d0d3da;
 border-radius:.5rem;font-size:1rem}
button,a.button{display:inline-block;margin-top:1.25rem;padding:.55rem 1.1rem;border-radius:.5rem;
 border:1px solid #ff4b4b;background:#ff4b4b;color:#fff;font-size:1rem;cursor:pointer;
 text-decoration:none}
a.button{background:#fff;color:#31333f;border-color:#d0d3da}
.note{padding:.75rem 1rem;border-radius:.5rem;margin-bottom:1rem}
.error{background:#ffecec;color:#7d353b}.warning{background:#fffce7;color:#926c05}
.info{background:#e8f2fc;color:#004280}
.lang{float:right;font-size:.875rem}.or{margin:1rem 0 0;color:#808495;font-size:.875rem}
</style></head>
<body><main>
<a class="lang" href="{{ other_lang_url }}">{{ other_lang }}</a>
<h1>{{ title }}</h1>
{% for kind, text in notes %}<div class="note {{ kind }}" role="alert">{{ text }}</div>{% endfor %}
{% if intro %}<div class="note info">{{ intro }}</div>{% endif %}
{% if sso_url %}<a class="button" href="{{ sso_url }}">{{ sso_label }}</a>
<p class="or">{{ or_label }}</p>{% endif %}
<form method="post" action="{{ action }}">
<input type="hidden" name="next" value="{{ next }}">
<input type="hidden" name="lang" value="{{ lang }}">
{% for name, label, kind, value, auto in fields %}
<label for="f-{{ name }}">{{ label }}</label>
<input id="f-{{ name }}" name="{{ name }}" type="{{ kind }}" value="{{ value }}"
 autocomplete="{{ auto }}" maxlength="{{ 1000 if kind == 'password' else 320 }}">
{% endfor %}
<button type="submit">{{ submit }}</button>
</form>
</main></body></html>"""
)


@dataclass
class _Form:
    lang: str
    next: str
    values: dict[str, str]


async def _read_form(request: Request) -> _Form | Response:
    size = request.headers.get("content-length")
    if size is None or not size.isdigit() or int(size) > MAX_FORM_BYTES:
        return PlainTextResponse(
            " / ".join(t("auth.request_too_large", lang) for lang in LANGS), status_code=413
        )
    form = await request.form(max_files=0, max_fields=20)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    return _Form(_lang(values.get("lang")), safe_next(values.get("next")), values)


def _page(
    lang: str,
    next_path: str,
    *,
    first_admin: bool,
    notes: list[tuple[str, str]],
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    values = values or {}

    def tr(key: str, **kw: object) -> str:
        return t(key, lang, **kw)

    other = "en" if lang == "zh" else "zh"
    if first_admin:
        fields = [
            ("login", tr("auth.login"), "text", values.get("login", ""), "username"),
            (
                "display_name",
                tr("auth.display_name"),
                "text",
                values.get("display_name", ""),
                "name",
            ),
            ("email", tr("auth.email"), "email", values.get("email", ""), "email"),
            ("password", tr("auth.password"), "password", "", "new-password"),
            ("password_again", tr("auth.password_again"), "password", "", "new-password"),
        ]
    else:
        fields = [
            ("login", tr("auth.login"), "text", values.get("login", ""), "username"),
            ("password", tr("auth.password"), "password", "", "current-password"),
        ]
    sso = None if first_admin else _sso_provider()
    html = _PAGE.render(
        lang=lang,
        title=tr("auth.first_admin_title" if first_admin else "auth.sign_in_title"),
        app_title=tr("auth.app_title"),
        other_lang=tr("auth.language_other"),
        other_lang_url=_sign_in_url(next_path, other),
        notes=notes,
        intro=tr("auth.first_admin_intro") if first_admin else None,
        sso_url=f"{SSO_PATH}?{urlencode({'next': next_path})}" if sso is not None else None,
        sso_label=tr("auth.sso_button"),
        or_label=tr("auth.or"),
        action=SIGN_IN_PATH,
        next=next_path,
        fields=fields,
        submit=tr("auth.first_admin_create" if first_admin else "auth.sign_in"),
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _ended_note(ended: str | None, lang: str, settings: WebSettings) -> list[tuple[str, str]]:
    codes = {
        SessionEnd.IDLE.value: "auth.ended.idle",
        SessionEnd.EXPIRED.value: "auth.ended.expired",
        SessionEnd.ACCOUNT.value: "auth.ended.account",
        "signed_out": "auth.ended.signed_out",
        "sso_unknown_email": "auth.sso_unknown_email",
        "sso_no_email": "auth.sso_no_email",
        "disabled": "auth.disabled",
    }
    code = codes.get(ended or "")
    if code is None:
        return []
    minutes = f"{settings.idle.total_seconds() / 60:g}"
    return [("warning", t(code, lang, minutes=minutes, email=""))]


async def sign_in_page(request: Request) -> Response:
    settings = _settings()
    lang = _lang(request.query_params.get("lang"))
    next_path = safe_next(request.query_params.get("next"))
    accounts = Accounts(_store())
    first = await run_in_threadpool(accounts.count) == 0
    notes = _ended_note(request.query_params.get("ended"), lang, settings)
    if email := request.cookies.get("gbt_sso_email"):  # the refused e-mail, shown once
        notes = [("warning", t("auth.sso_unknown_email", lang, email=email[:320]))]
    response = _page(lang, next_path, first_admin=first, notes=notes)
    if request.cookies.get(COOKIE):
        _clear_session_cookie(response, settings)  # whatever it held is no longer live here
    response.delete_cookie("gbt_sso_email", path="/")
    return response


async def sign_in_submit(request: Request) -> Response:
    settings = _settings()
    form = await _read_form(request)
    if isinstance(form, Response):
        return form
    lang, next_path, values = form.lang, form.next, form.values
    store = _store()
    accounts = Accounts(store)
    first = await run_in_threadpool(accounts.count) == 0
    shown = {k: values.get(k, "")[:320] for k in ("login", "display_name", "email")}

    def refuse(code: str, status: int, **kw: object) -> Response:
        return _page(
            lang,
            next_path,
            first_admin=first,
            notes=[("error", t(code, lang, **kw))],
            values=shown,
            status=status,
        )

    if not origin_allowed(request.headers, settings):
        return refuse("auth.origin_refused", 403)
    password = values.get("password", "")[:1000]
    address = _address(request, settings)
    # this browser's own name for the throttle: made now on its first sign-in, so a right
    # password makes it known to the account from then on
    known_device = (request.cookies.get(DEVICE_COOKIE) or "")[:100] or None
    device = known_device or secrets.token_urlsafe(32)
    try:
        if first:
            if password != values.get("password_again", "")[:1000]:
                return refuse("auth.passwords_differ", 400)
            user = await run_in_threadpool(
                lambda: accounts.add_first_administrator(
                    values.get("login", "")[:200],
                    values.get("display_name", "")[:200],
                    password,
                    email=values.get("email", "")[:320] or None,
                )
            )
            await run_in_threadpool(accounts.signed_in, user.id)
        else:
            user = await run_in_threadpool(
                lambda: sign_in(
                    accounts,
                    SignInThrottle(store),
                    values.get("login", "")[:200],
                    password,
                    address,
                    device=device,
                )
            )
    except AccountError as refused:
        status = 429 if refused.code == "auth.throttled" else 401
        return _page(
            lang,
            next_path,
            first_admin=first and refused.code != "auth.first_admin_taken",
            notes=[("error", refused.text(lang))],
            values=shown,
            status=status if not first else 400,
        )
    token = await run_in_threadpool(
        lambda: SignInSessions(store, settings).start(
            user.id,
            via="password",
            user_agent=request.headers.get("user-agent", ""),
            address=address,
        )
    )
    response = RedirectResponse(next_path, status_code=303)
    _set_session_cookie(response, token, settings)
    if known_device is None:
        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=DEVICE_DAYS * 24 * 3600,
            path="/account/",
            secure=settings.secure_cookie,
            httponly=True,
            samesite="strict",
        )
    return response


async def sign_out(request: Request) -> Response:
    settings = _settings()
    form = await _read_form(request)
    if isinstance(form, Response):
        return form
    if not origin_allowed(request.headers, settings):
        return PlainTextResponse(
            " / ".join(t("auth.origin_refused", lang) for lang in LANGS), status_code=403
        )
    token = request.cookies.get(COOKIE)
    await run_in_threadpool(SignInSessions(_store(), settings).end, token)
    response = RedirectResponse(_sign_in_url("/", form.lang, "signed_out"), status_code=303)
    _clear_session_cookie(response, settings)
    _clear_sso_cookies(response, request)
    return response


# -- single sign-on ----------------------------------------------------------------------------


def _sso_provider() -> str | None:
    """'' for the one provider in [auth] of the secrets, its name for [auth.NAME], None when
    single sign-on is not configured."""
    try:
        import streamlit as st

        auth = st.secrets.get("auth")
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        return None
    if not auth:
        return None
    if "client_id" in auth:
        return ""
    names = [name for name, value in auth.items() if isinstance(value, dict | MutableMapping)]
    if not names:
        names = [name for name, value in auth.items() if hasattr(value, "items")]
    return names[0] if names else None


async def sso_start(request: Request) -> Response:
    provider = _sso_provider()
    next_path = safe_next(request.query_params.get("next"))
    if provider is None:
        return RedirectResponse(_sign_in_url(next_path), status_code=303)
    from streamlit.user_info import generate_login_redirect_url

    response = RedirectResponse(generate_login_redirect_url(provider or "default"), 303)
    response.set_cookie(
        NEXT_COOKIE,
        next_path,
        max_age=600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_settings().secure_cookie,
    )
    return response


def _sso_identity(request: Request) -> dict[str, Any] | None:
    """What Streamlit's OpenID Connect callback stored in its signed cookie, if anything."""
    from streamlit.web.server.starlette.starlette_auth_routes import (
        _get_cookie_value_from_request,
    )
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

    if not any(name.startswith(USER_COOKIE_NAME) for name in request.cookies):
        return None
    try:
        raw = _get_cookie_value_from_request(request, USER_COOKIE_NAME)
        identity = json.loads(raw) if raw else None
    except Exception:  # a cookie that does not verify or parse is no identity
        return None
    return identity if isinstance(identity, dict) and identity.get("is_logged_in") else None


def _clear_sso_cookies(response: Response, request: Request) -> None:
    try:
        from streamlit.web.server.starlette.starlette_auth_routes import _clear_auth_cookie
    except ImportError:  # pragma: no cover - pinned in pyproject.toml
        return
    _clear_auth_cookie(response, request)


def _sso_session(request: Request, identity: dict[str, Any], settings: WebSettings) -> Response:
    """Turn a single sign-on identity into a session of ours (or a clear refusal)."""
    accounts = Accounts(_store())
    next_path = safe_next(request.cookies.get(NEXT_COOKIE))
    email = identity.get("email")
    ended = None
    user = None
    if not email or identity.get("email_verified") is False:
        ended = "sso_no_email"
    else:
        try:
            user = accounts.user_by_email(str(email))
        except AccountError:
            user = None
        if user is None:
            ended = "sso_unknown_email"
        elif not user.active:
            ended, user = "disabled", None
    if user is None:
        response = RedirectResponse(_sign_in_url(next_path, ended=ended), status_code=303)
        if ended == "sso_unknown_email":
            response.set_cookie(
                "gbt_sso_email",
                str(email)[:320],
                max_age=60,
                path="/",
                httponly=True,
                samesite="lax",
            )
    else:
        accounts.signed_in(user.id)
        token = SignInSessions(_store(), settings).start(
            user.id,
            via="sso",
            user_agent=request.headers.get("user-agent", ""),
            address=_address(request, settings),
        )
        response = RedirectResponse(next_path, status_code=303)
        _set_session_cookie(response, token, settings)
    # the provider's identity has been used once; from here on our session alone counts
    _clear_sso_cookies(response, request)
    response.delete_cookie(NEXT_COOKIE, path="/")
    return response


# -- the gate ----------------------------------------------------------------------------------


class SignInGate:
    """Pages and downloads only with a live session. Runs before Streamlit's own handlers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "/")
        if path.startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            settings = _settings()
        except SettingsError as wrong:
            response: Response = PlainTextResponse(
                " / ".join(wrong.message(lang) for lang in LANGS), status_code=500
            )
            await response(scope, receive, send)
            return
        token = request.cookies.get(COOKIE)
        check = await run_in_threadpool(SignInSessions(_store(), settings).check, token)
        if check.session is not None:
            if path.startswith(GUARDED_PREFIXES):
                if not await run_in_threadpool(_may_download, path, check.session.user_id):
                    await PlainTextResponse("403", status_code=403)(scope, receive, send)
                    return
                await self.app(scope, receive, _with_download_headers(send))
            else:
                await self.app(scope, receive, send)
            return
        if path.startswith(GUARDED_PREFIXES):
            await PlainTextResponse("403", status_code=403)(scope, receive, send)
            return
        if (identity := _sso_identity(request)) is not None:
            response = await run_in_threadpool(_sso_session, request, identity, settings)
            await response(scope, receive, send)
            return
        next_path = safe_next(path + (f"?{request.url.query}" if request.url.query else ""))
        ended = check.ended.value if check.ended not in (None, SessionEnd.UNKNOWN) else None
        response = RedirectResponse(_sign_in_url(next_path, ended=ended), status_code=303)
        response.headers["Cache-Control"] = "no-store"
        if token:
            _clear_session_cookie(response, settings)
        await response(scope, receive, send)


def _may_download(path: str, user_id: int) -> bool:
    """An evidence file only for an account with a role in its organisation (or an
    administrator); other downloads for any live session."""
    organisation_id = owner_of(path)
    if organisation_id is None:
        return True
    actor = Accounts(_store()).actor(user_id)
    return actor is not None and permits(actor, organisation_id, Action.READ)


def _with_download_headers(send: Send) -> Send:
    """A download is never guessed at by the browser (nosniff) and never opened in place
    (attachment), whatever its name and type."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers["X-Content-Type-Options"] = "nosniff"
            headers["Cache-Control"] = "private, no-store"
            disposition = headers.get("content-disposition", "")
            if not disposition.lower().startswith("attachment"):
                headers["Content-Disposition"] = "attachment" + (
                    disposition[disposition.index(";") :] if ";" in disposition else ""
                )
        await send(message)

    return wrapped


ROUTES = [
    Route(SIGN_IN_PATH, sign_in_page, methods=["GET"]),
    Route(SIGN_IN_PATH, sign_in_submit, methods=["POST"]),
    Route(SIGN_OUT_PATH, sign_out, methods=["POST"]),
    Route(SSO_PATH, sso_start, methods=["GET"]),
    *api_routes(_store),  # the read-only API under /api/v1
]

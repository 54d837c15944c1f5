"""The API's routes under /api/v1: read-only, each answer the outcome of a read service called
as the token's account (the app's permission registry decides), shaped by api/shape.py.

No token, or one that is unknown, revoked or expired: 401. An audit the account holds no role
in answers exactly as one that does not exist: 404, no data. Ids and query strings are bounded
before anything reads them; JSON answers carry user text as JSON strings (nosniff, a CSP that
runs nothing), never HTML."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api import shape
from api.openapi import description
from api.tokens import actor_of, presented
from domain.errors import NotFound
from domain.permissions import NotPermitted
from reminders.ics import calendar_ics
from scoring import display
from services import overview
from services.context import Context
from store.config import display_zone
from store.repository import AuditStore
from texts import t

PREFIX = "/api/v1"
MAX_QUERY = 1024  # characters of a query string
MAX_ID = 2**31 - 1  # an id beyond what an integer column holds is no id
LANGS = ("zh", "en")
REFRESH = timedelta(hours=1)  # how often a subscribed calendar fetches its feed again
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}

StoreOf = Callable[[], AuditStore]
Work = Callable[[Context, Request, date, str], Response]


class _Answer(Exception):
    """A refusal on its way out as a JSON answer."""

    def __init__(self, status: int, code: str, **values: object) -> None:
        self.status, self.code, self.values = status, code, values


def _json(status: int, body: dict[str, Any]) -> Response:
    return JSONResponse(body, status_code=status, headers=HEADERS)


def _refusal(answer: _Answer, lang: str) -> Response:
    body = {"error": {"code": answer.code, "message": t(answer.code, lang, **answer.values)}}
    response = _json(answer.status, body)
    if answer.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="gbt-audit"'
    return response


def _lang(request: Request) -> str:
    wanted = request.query_params.get("lang", "zh")
    return wanted if wanted in LANGS else "zh"


def _audit_id(request: Request) -> int:
    raw = str(request.path_params.get("audit_id", ""))
    if not raw.isdigit() or len(raw) > 10 or not 0 < int(raw) <= MAX_ID:
        raise _Answer(404, "api.not_found")
    return int(raw)


def _run(store_of: StoreOf, request: Request, work: Work, *, in_query: bool) -> Response:
    lang = _lang(request)
    try:
        if len(request.url.query) > MAX_QUERY:
            raise _Answer(400, "api.query_too_long", max=MAX_QUERY)
        store = store_of()
        today = display.today(display_zone())
        actor = actor_of(store, presented(request, in_query=in_query), today)
        if actor is None:
            raise _Answer(401, "api.unauthorized")
        try:
            return work(Context(actor, store), request, today, lang)
        except (NotPermitted, NotFound):
            # no role there and no such audit answer alike: nothing tells one from the other
            raise _Answer(404, "api.not_found") from None
    except _Answer as answer:
        return _refusal(answer, lang)


def _endpoint(store_of: StoreOf, work: Work, *, in_query: bool = False) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        return await run_in_threadpool(_run, store_of, request, work, in_query=in_query)

    endpoint.__name__ = work.__name__.lstrip("_")
    return endpoint


# -- the routes' work ---------------------------------------------------------------------------


def _me(ctx: Context, request: Request, today: date, lang: str) -> Response:
    actor = ctx.actor
    return _json(200, {"id": actor.user_id, "login": actor.login, "name": actor.display_name})


def _audits(ctx: Context, request: Request, today: date, lang: str) -> Response:
    try:
        found = overview.readable_audits(ctx, ctx.actor.user_id, today=today, lang=lang)
    except NotPermitted:  # an account holding no role at all: nothing to read
        found = []
    return _json(200, {"audits": [shape.summary(row) for row in found]})


def _audit(ctx: Context, request: Request, today: date, lang: str) -> Response:
    found = overview.audit_detail(ctx, _audit_id(request), today=today, lang=lang)
    return _json(200, shape.detail(found))


def _calendar(body: bytes) -> Response:
    headers = {**HEADERS, "Content-Disposition": 'inline; filename="calendar.ics"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


def _audit_calendar(ctx: Context, request: Request, today: date, lang: str) -> Response:
    summary, dates = overview.audit_calendar(ctx, _audit_id(request), today=today, lang=lang)
    name = t("api.calendar_audit", lang, organisation=summary.organisation, round=summary.round_no)
    return _calendar(calendar_ics(name, dates, refresh=REFRESH))


def _my_calendar(ctx: Context, request: Request, today: date, lang: str) -> Response:
    try:
        name, dates = overview.owned_due_dates(ctx, ctx.actor.user_id, today=today, lang=lang)
    except NotPermitted:
        name, dates = ctx.actor.display_name, []
    return _calendar(
        calendar_ics(t("api.calendar_person", lang, name=name), dates, refresh=REFRESH)
    )


async def _openapi(request: Request) -> Response:
    return _json(200, description())


async def _unknown(request: Request) -> Response:
    return _refusal(_Answer(404, "api.not_found"), _lang(request))


def api_routes(store_of: StoreOf) -> list[Route]:
    """The API's routes, reading the store ``store_of`` gives (the server's one store)."""
    return [
        Route(f"{PREFIX}/openapi.json", _openapi, methods=["GET"]),
        Route(f"{PREFIX}/me", _endpoint(store_of, _me), methods=["GET"]),
        Route(f"{PREFIX}/audits", _endpoint(store_of, _audits), methods=["GET"]),
        Route(f"{PREFIX}/audits/{{audit_id}}", _endpoint(store_of, _audit), methods=["GET"]),
        Route(
            f"{PREFIX}/audits/{{audit_id}}/calendar.ics",
            _endpoint(store_of, _audit_calendar, in_query=True),
            methods=["GET"],
        ),
        Route(
            f"{PREFIX}/me/calendar.ics",
            _endpoint(store_of, _my_calendar, in_query=True),
            methods=["GET"],
        ),
        Route(PREFIX + "/{rest:path}", _unknown, methods=["GET"]),
    ]

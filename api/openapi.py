"""The API's OpenAPI 3.1 description, as data (served at /api/v1/openapi.json; the tests check
every route is described and every answer validates against it)."""

from __future__ import annotations

from typing import Any

MAX_ID = 2**31 - 1

_TEXT = {"type": "string"}
_MAYBE_TEXT = {"type": ["string", "null"]}
_COUNT = {"type": "integer", "minimum": 0}
_DAY = {"type": ["string", "null"], "format": "date"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": sorted(properties), "properties": properties}


SUMMARY = _object(
    {
        "id": {"type": "integer"},
        "organisation": _object({"id": {"type": "integer"}, "name": _TEXT}),
        "round": {"type": "integer"},
        "title": _TEXT,
        "state": {"type": "string", "enum": ["draft", "frozen", "archived"]},
        "audit_date": _DAY,
        "score": {**_TEXT, "description": "as the app shows it (two decimals, truncated)"},
        "score_exact": {**_TEXT, "description": "the exact score as a fraction p/q"},
        "tier": {**_TEXT, "description": "the verdict in words"},
        "next_tier": _TEXT,
        "points_to_next_tier": {
            **_MAYBE_TEXT,
            "description": "as shown (rounded up); null at the top tier or when a step "
            "(rectifying deductions, a prerequisite) comes first",
        },
        "points_to_next_tier_exact": _MAYBE_TEXT,
        "open_items": _COUNT,
        "open_actions": _COUNT,
        "overdue_actions": _COUNT,
    }
)
ITEM = _object(
    {
        "id": _TEXT,
        "title": _TEXT,
        "status": _TEXT,
        "finding": _TEXT,
        "samples_checked": {"type": ["integer", "null"]},
        "samples_conforming": {"type": ["integer", "null"]},
    }
)
ACTION = _object(
    {
        "key": _TEXT,
        "source": {"type": "string", "enum": ["item", "deduction", "request"]},
        "item_id": _MAYBE_TEXT,
        "subject": _TEXT,
        "action": _TEXT,
        "owner": _TEXT,
        "due": _DAY,
        "state": _TEXT,
        "overdue": {"type": "boolean"},
    }
)
ERROR = _object({"error": _object({"code": _TEXT, "message": _TEXT})})


def _json(schema: dict[str, Any], what: str) -> dict[str, Any]:
    return {"description": what, "content": {"application/json": {"schema": schema}}}


def _error(what: str) -> dict[str, Any]:
    return _json(_ref("Error"), what)


LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["zh", "en"], "default": "zh"},
    "description": "the language of words in the answer",
}
AUDIT_ID = {
    "name": "audit_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}
TOKEN = {
    "name": "token",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "maxLength": 100},
    "description": "the token, for calendar clients that cannot send a header",
}
REFUSED = {"401": _error("no live token"), "400": _error("a query string too long")}
NOT_FOUND = {"404": _error("no such audit, or none the token's account may see")}
CALENDAR = {"description": "an iCalendar feed", "content": {"text/calendar": {"schema": _TEXT}}}
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
BEARER_OR_QUERY: list[dict[str, list[str]]] = [{"bearer": []}, {"query": []}]


def _get(
    summary: str,
    ok: dict[str, Any],
    *,
    parameters: tuple[dict[str, Any], ...] = (LANG,),
    security: list[dict[str, list[str]]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": list(parameters),
        "responses": {"200": ok, **REFUSED, **(extra or {})},
    }
    operation["security"] = security if security is not None else BEARER
    return {"get": operation}


def description() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "星级售后自评 API",
            "version": "1",
            "description": "Read-only: the audits a personal API token's account may see "
            "(gbt-audit token add NAME makes one).",
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "query": {"type": "apiKey", "in": "query", "name": "token"},
            },
            "schemas": {
                "AuditSummary": SUMMARY,
                "AuditDetail": {
                    "allOf": [
                        _ref("AuditSummary"),
                        _object(
                            {
                                "items": {"type": "array", "items": ITEM},
                                "actions": {"type": "array", "items": ACTION},
                            }
                        ),
                    ]
                },
                "Error": ERROR,
            },
        },
        "paths": {
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "this description",
                    "security": [],
                    "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")},
                }
            },
            "/api/v1/me": _get(
                "the token's account",
                _json(
                    _object({"id": {"type": "integer"}, "login": _TEXT, "name": _TEXT}),
                    "the account",
                ),
            ),
            "/api/v1/audits": _get(
                "the audits the token's account may see",
                _json(
                    _object({"audits": {"type": "array", "items": _ref("AuditSummary")}}),
                    "every round not archived, by organisation and round",
                ),
            ),
            "/api/v1/audits/{audit_id}": _get(
                "one audit with its item results and actions",
                _json(_ref("AuditDetail"), "the audit"),
                parameters=(AUDIT_ID, LANG),
                extra=NOT_FOUND,
            ),
            "/api/v1/audits/{audit_id}/calendar.ics": _get(
                "the audit's dates as a calendar subscription",
                CALENDAR,
                parameters=(AUDIT_ID, LANG, TOKEN),
                security=BEARER_OR_QUERY,
                extra=NOT_FOUND,
            ),
            "/api/v1/me/calendar.ics": _get(
                "the due dates of the open actions the token's account owns",
                CALENDAR,
                parameters=(LANG, TOKEN),
                security=BEARER_OR_QUERY,
            ),
        },
    }

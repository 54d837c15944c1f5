"""The read-only API under /api/v1 through the app server's own stack: the sign-in gate (which
lets /api/v1 through without a session) and the API's routes, as ui/web.py mounts them, on
SQLite and PostgreSQL. Tokens are made through the token services, as the command line and the
Users page make them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from account_helpers import PASSWORD, team
from icalendar import Calendar
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from store_helpers import company, new_store, test_audit

from api.routes import api_routes
from domain.records import ActionState, Rectification
from scoring import display
from services import api_tokens, rounds
from services.context import Context
from store.accounts import Accounts
from store.config import display_zone
from ui.web import ROUTES, SignInGate

TODAY = display.today(display_zone())


async def a_page(request: Request) -> Response:
    return PlainTextResponse(f"page {request.url.path}")


def client(store) -> TestClient:
    """The gate and the API's routes around a stand-in for Streamlit's pages."""
    app = Starlette(
        routes=[*api_routes(lambda: store), Route("/{path:path}", a_page)],
        middleware=[Middleware(SignInGate)],
    )
    return TestClient(app, follow_redirects=False)


class World:
    def __init__(self, store):
        self.store = store
        self.people = team(store)  # consultant of A and B; editor, reviewer, viewer of A
        self.c = company(store, "西北通信服务有限公司")
        self.audit_c = test_audit(store, self.c)
        accounts = Accounts(store)
        accounts.add_user("other", "外部顾问孙", password=PASSWORD, actor="setup")
        accounts.grant("other", self.c.id, "consultant", actor="setup")
        accounts.add_user("nobody", "无角色钱", password=PASSWORD, actor="setup")
        self.admin = Context.local_administrator(store, "管理员（命令行）")
        self.web = client(store)

    def id_of(self, login: str) -> int:
        return Accounts(self.store).user(login).id

    def token(self, login: str, expires_on: date | None = None) -> str:
        made = api_tokens.add_token(
            self.admin, self.id_of(login), today=TODAY, label="test", expires_on=expires_on
        )
        return made.token

    def get(self, path: str, token: str | None = None, **params: str):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.web.get(path, headers=headers, params=params)


@pytest.fixture
def world(database_url, tmp_path):
    store = new_store(database_url, tmp_path)
    built = World(store)
    editor = Context(built.people.actor("editor"), store)
    audit = built.people.audit_a.id
    rounds.save_item(editor, audit, "1.1.1", expected_version=0, status="conforming")
    rounds.save_item(
        editor,
        audit,
        "2.1.1",
        expected_version=0,
        status="not_conforming",
        finding="<script>alert(1)</script> 回访记录缺失",
        rectification=Rectification("补齐回访记录", "编辑王", TODAY - timedelta(days=3)),
    )
    yield built
    store.engine.dispose()


def test_no_token_or_a_wrong_one_is_401_and_never_a_sign_in_page(world):
    for path in ("/api/v1/audits", f"/api/v1/audits/{world.people.audit_a.id}", "/api/v1/me"):
        for token in (None, "gbt_not-a-token", "x" * 5000):
            answer = world.get(path, token)
            assert answer.status_code == 401, (path, token)
            assert answer.headers["www-authenticate"].startswith("Bearer")
            assert answer.json()["error"]["code"] == "api.unauthorized"
    calendar = f"/api/v1/audits/{world.people.audit_a.id}/calendar.ics"
    assert world.web.get(calendar).status_code == 401
    assert world.web.get(calendar, params={"token": "gbt_guess"}).status_code == 401
    assert world.web.get("/checklist").status_code == 303  # the pages still need a session


def test_a_consultants_token_lists_their_clients_audits_with_scores_as_shown(world):
    token = world.token("consultant")
    answer = world.get("/api/v1/audits", token)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["x-content-type-options"] == "nosniff"
    audits = {row["id"]: row for row in answer.json()["audits"]}
    a, b = world.people.audit_a.id, world.people.audit_b.id
    assert set(audits) == {a, b}  # not organisation C's
    row = audits[a]
    assert row["organisation"] == {"id": world.people.a.id, "name": "华东家电服务有限公司"}
    assert row["round"] == 1 and row["state"] == "draft"
    # 1.1.1 (10 points) conforming, 2.1.1 (25) not: 10 of 100 applicable points
    assert row["score"] == display.score(10) == "10.00"
    assert row["score_exact"] == "10"
    assert row["open_items"] == 3
    assert (row["open_actions"], row["overdue_actions"]) == (1, 1)
    assert row["tier"] and row["next_tier"]
    assert audits[b]["score"] == "0.00"


def test_an_account_without_the_grant_sees_none_of_them(world):
    other = world.token("other")
    listed = world.get("/api/v1/audits", other).json()["audits"]
    assert [row["id"] for row in listed] == [world.audit_c.id]
    for audit in (world.people.audit_a.id, world.people.audit_b.id):
        for path in (f"/api/v1/audits/{audit}", f"/api/v1/audits/{audit}/calendar.ics"):
            answer = world.get(path, other)
            assert answer.status_code == 404
            assert answer.json()["error"]["code"] == "api.not_found"
            assert "华东" not in answer.text and "华南" not in answer.text
    # no role there and no such audit answer alike
    missing = world.get("/api/v1/audits/999999", other)
    assert (missing.status_code, missing.json()) == (404, answer.json())
    assert world.get("/api/v1/audits", world.token("nobody")).json() == {"audits": []}


@pytest.mark.parametrize("raw", ["0", "-1", "1e3", "99999999999999999999", "%20", "1.0"])
def test_an_id_out_of_bounds_is_404_without_reading(world, raw):
    assert world.get(f"/api/v1/audits/{raw}", world.token("admin")).status_code == 404


def test_a_long_query_string_is_refused(world):
    answer = world.get("/api/v1/audits", world.token("admin"), lang="zh" * 600)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "api.query_too_long"


def test_the_detail_has_item_results_and_actions_and_user_text_stays_data(world):
    token = world.token("editor")
    answer = world.get(f"/api/v1/audits/{world.people.audit_a.id}", token, lang="en")
    assert answer.status_code == 200
    body = answer.json()
    items = {row["id"]: row for row in body["items"]}
    assert items["1.1.1"]["status"] == "conforming"
    assert items["2.1.1"]["finding"] == "<script>alert(1)</script> 回访记录缺失"
    assert items["1.2.1"]["status"] == "not_assessed"
    (action,) = body["actions"]
    assert (action["item_id"], action["owner"], action["overdue"]) == ("2.1.1", "编辑王", True)
    assert action["due"] == (TODAY - timedelta(days=3)).isoformat()
    assert answer.headers["content-type"] == "application/json"  # never sniffed as a page
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")


def test_revoked_and_expired_tokens_are_refused(world):
    token = world.token("consultant")
    assert world.get("/api/v1/me", token).status_code == 200
    (record,) = api_tokens.tokens(world.admin, world.id_of("consultant"))
    api_tokens.revoke_token(world.admin, record.id)
    assert world.get("/api/v1/audits", token).status_code == 401
    expiring = world.token("consultant", expires_on=TODAY + timedelta(days=1))
    assert world.get("/api/v1/me", expiring).status_code == 200
    # the next day the token has expired: read as the store does, a day later
    from domain.api_tokens import TokenState

    (newest, _) = api_tokens.tokens(world.admin, world.id_of("consultant"))
    assert newest.state(TODAY + timedelta(days=1)) is TokenState.EXPIRED
    from api.tokens import actor_of

    assert actor_of(world.store, expiring, TODAY + timedelta(days=1)) is None
    assert actor_of(world.store, expiring, TODAY) is not None


def test_a_disabled_accounts_token_reads_nothing(world):
    token = world.token("viewer")
    Accounts(world.store).set_active("viewer", False, actor="setup")
    assert world.get("/api/v1/audits", token).status_code == 401


def _events(body: bytes) -> dict[str, tuple[date, str]]:
    calendar = Calendar.from_ical(body)
    return {
        str(event["uid"]): (event.decoded("dtstart"), str(event["summary"]))
        for event in calendar.walk("VEVENT")
    }


def test_the_calendar_feeds_parse_and_follow_a_change_to_an_action(world):
    token = world.token("editor")
    audit = world.people.audit_a.id
    feed = f"/api/v1/audits/{audit}/calendar.ics"
    first = world.web.get(feed, params={"token": token})  # as a calendar client subscribes
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/calendar")
    before = _events(first.content)
    calendar = Calendar.from_ical(first.content)  # a subscription says how often to refresh
    assert calendar.decoded("refresh-interval") == timedelta(hours=1)
    assert str(calendar["x-published-ttl"]) == "PT1H"
    mine = _events(world.web.get("/api/v1/me/calendar.ics", params={"token": token}).content)
    assert [due for due, _ in mine.values()] == [TODAY - timedelta(days=3)]
    assert set(mine) <= set(before)

    item = world.store.item(audit, "2.1.1")
    later = TODAY + timedelta(days=10)
    editor = Context(world.people.actor("editor"), world.store)
    rounds.save_item(
        editor,
        audit,
        "2.1.1",
        expected_version=item.version,
        rectification=Rectification("补齐回访记录", "编辑王", later, ActionState.IN_PROGRESS),
    )
    after = _events(world.web.get(feed, params={"token": token}).content)
    (uid,) = mine
    assert before[uid][0] == TODAY - timedelta(days=3) and after[uid][0] == later
    mine = _events(world.web.get("/api/v1/me/calendar.ics", params={"token": token}).content)
    assert [due for due, _ in mine.values()] == [later]
    # a consultant owns none of them: their own feed is empty, the audit's is not
    consultant = world.token("consultant")
    theirs = world.web.get("/api/v1/me/calendar.ics", params={"token": consultant})
    assert _events(theirs.content) == {}


def test_a_token_in_the_query_is_taken_by_calendar_feeds_only(world):
    token = world.token("editor")
    assert world.web.get("/api/v1/audits", params={"token": token}).status_code == 401


def test_the_app_server_mounts_the_api_and_unknown_api_paths_are_json_404(world):
    paths = {getattr(route, "path", "") for route in ROUTES}
    assert {"/api/v1/audits", "/api/v1/audits/{audit_id}", "/api/v1/openapi.json"} <= paths
    answer = world.get("/api/v1/nothing/here", world.token("admin"))
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "api.not_found"

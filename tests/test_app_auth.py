"""The sign-in for real over HTTP (the server's own routes and gate, ui/web.py, in Starlette's
test client on a real store) and the session check in the app (streamlit.testing): nothing
shows before sign-in; a new installation asks once for its first administrator; a form from
another site is refused; the cookie is HttpOnly and SameSite=Lax; a link asked for before
signing in is where signing in lands; signing out, a new password, a disabled account and an
idle session end the session on the server at once."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from app_helpers import APP, fresh_app, new_audit, sign_in_as, texts
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from settings import SettingsError
from store.accounts import Accounts
from store.base import utcnow
from store.sessions import SignInSessions
from store.web_settings import load_web_settings
from texts import t
from ui.auth import COOKIE, idle_minutes
from ui.evidence_media import media_id, offered
from ui.web import ROUTES, SignInGate, safe_next

PASSWORD = "correct horse battery"
ORIGIN = "http://testserver"


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path / "data")


@pytest.fixture
def people(store):
    accounts = Accounts(store)
    accounts.add_user("boss", "老板", password=PASSWORD, administrator=True, actor="setup")
    accounts.add_user("wang", "王经理", password=PASSWORD, actor="setup")
    return accounts


async def a_page(request: Request) -> Response:
    return PlainTextResponse(f"page {request.url.path}")


async def a_download(request: Request) -> Response:
    return PlainTextResponse("<html>evidence</html>", media_type="text/html")


def client() -> TestClient:
    """The app server's routes and gate around stand-ins for Streamlit's pages and media."""
    app = Starlette(
        routes=[
            *ROUTES,
            Route("/media/{name}", a_download),
            Route("/{path:path}", a_page),
        ],
        middleware=[Middleware(SignInGate)],
    )
    return TestClient(app, follow_redirects=False)


def post_sign_in(web: TestClient, origin: str | None = ORIGIN, **form: str) -> httpx.Response:
    headers = {"Origin": origin} if origin else {}
    return web.post("/account/sign-in", data=form, headers=headers)


def sign_in(web: TestClient, login: str = "wang", next_path: str = "/") -> httpx.Response:
    answer = post_sign_in(web, login=login, password=PASSWORD, next=next_path)
    assert answer.status_code == 303, answer.text
    return answer


def test_a_new_installation_asks_once_for_its_first_administrator(store):
    web = client()
    page = web.get("/account/sign-in")
    assert t("auth.first_admin_title") in page.text and 'value=""' in page.text
    answer = post_sign_in(
        web,
        login="boss",
        display_name="老板",
        password=PASSWORD,
        password_again=PASSWORD,
        next="/checklist?audit=3",
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/checklist?audit=3"
    assert Accounts(store).user("boss").administrator
    assert web.get("/account/sign-in").text.count(t("auth.first_admin_title")) == 0
    again = post_sign_in(
        client(), login="evil", display_name="x", password=PASSWORD, password_again=PASSWORD
    )
    assert again.status_code != 303 and Accounts(store).count() == 1


def test_the_first_administrator_form_keeps_what_was_typed_when_passwords_differ(store):
    answer = post_sign_in(
        client(),
        login="boss",
        display_name="老板",
        password=PASSWORD,
        password_again=PASSWORD + "!",
    )
    assert t("auth.passwords_differ") in answer.text
    assert 'value="boss"' in answer.text and PASSWORD not in answer.text
    assert Accounts(store).count() == 0


def test_a_page_asks_to_sign_in_and_signing_in_lands_on_the_page_asked_for(people):
    web = client()
    asked = web.get("/checklist?audit=7")
    assert asked.status_code == 303
    location = urlsplit(asked.headers["location"])
    assert location.path == "/account/sign-in"
    assert parse_qs(location.query)["next"] == ["/checklist?audit=7"]
    page = web.get(asked.headers["location"])
    assert 'name="next" value="/checklist?audit=7"' in page.text
    assert t("nav.audits") not in page.text
    answer = sign_in(web, "WANG", "/checklist?audit=7")
    assert answer.headers["location"] == "/checklist?audit=7"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP unless GBT_AUDIT_SECURE_COOKIE says otherwise
    assert web.get("/checklist?audit=7").text == "page /checklist"
    assert web.get("/dashboard?audit=7").text == "page /dashboard"  # a new tab: the same cookie


def test_behind_https_the_cookie_is_secure(people, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_SECURE_COOKIE", "1")
    assert "Secure" in sign_in(client()).headers["set-cookie"]


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "https://testserver.evil.example", None]
)
def test_a_sign_in_form_from_another_site_is_refused(people, origin):
    answer = post_sign_in(client(), origin, login="wang", password=PASSWORD)
    assert answer.status_code == 403
    assert t("auth.origin_refused") in answer.text and COOKIE not in answer.headers.get(
        "set-cookie", ""
    )


def test_the_public_origin_setting_is_the_only_origin_accepted(people, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_PUBLIC_ORIGIN", "https://audit.example.cn")
    assert post_sign_in(client(), login="wang", password=PASSWORD).status_code == 403
    answer = post_sign_in(client(), "https://audit.example.cn", login="wang", password=PASSWORD)
    assert answer.status_code == 303


@pytest.mark.parametrize(
    "raw",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "/account/sign-out",
        "",
        None,
        "/x\r\nSet-Cookie: a=b",
    ],
)
def test_signing_in_never_sends_the_browser_to_another_site(raw):
    assert safe_next(raw) == "/"


def test_a_wrong_password_and_an_unknown_name_get_the_same_refusal(people):
    wrong = post_sign_in(client(), login="wang", password="not the password")
    unknown = post_sign_in(client(), login="nobody", password="not the password")
    for answer in (wrong, unknown):
        assert answer.status_code == 401 and t("auth.refused") in answer.text
        assert "set-cookie" not in answer.headers
    assert 'value="wang"' in wrong.text  # the name is kept as typed, never the password


def test_repeated_wrong_passwords_slow_down_the_form(people):
    web = client()
    for _ in range(5):
        post_sign_in(web, login="wang", password="guess guess")
    answer = post_sign_in(web, login="wang", password=PASSWORD)
    assert answer.status_code == 429 and "set-cookie" not in answer.headers


def test_signing_out_ends_the_session_on_the_server_and_clears_the_cookie(people, store):
    web = client()
    sign_in(web)
    token = web.cookies[COOKIE]
    refused = web.post("/account/sign-out", headers={"Origin": "http://evil.example"})
    assert refused.status_code == 403  # another site cannot sign anyone out
    answer = web.post("/account/sign-out", headers={"Origin": ORIGIN})
    assert answer.status_code == 303 and "ended=signed_out" in answer.headers["location"]
    assert f'{COOKIE}=""' in answer.headers["set-cookie"]
    assert SignInSessions(store).check(token).session is None
    web.cookies.set(COOKIE, token)  # an old copy of the cookie opens nothing
    assert web.get("/dashboard").status_code == 303


def test_a_new_password_a_disabled_account_and_a_role_taken_away_end_sessions(people, store):
    audit = new_audit(store)
    people.grant("wang", audit.organisation_id, "editor", actor="setup")
    for end in (
        lambda: people.set_password("wang", "a new password 2", actor="boss"),
        lambda: people.revoke("wang", audit.organisation_id, actor="boss"),
        lambda: people.set_active("wang", False, actor="boss"),
    ):
        web = client()
        token = SignInSessions(store).start(people.user("wang").id)
        web.cookies.set(COOKIE, token)
        assert web.get("/audits").status_code == 200
        end()
        assert web.get("/audits").status_code == 303
    assert post_sign_in(client(), login="wang", password="a new password 2").status_code == 401


def test_downloads_need_a_session_and_are_never_sniffed_or_opened_in_place(people):
    web = client()
    assert web.get("/media/abc.html").status_code == 403
    sign_in(web)
    answer = web.get("/media/abc.html")
    assert answer.status_code == 200
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-disposition"].startswith("attachment")


def test_an_idle_session_ends_and_the_page_says_why(people, store, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_IDLE_MINUTES", "15")
    user_id = people.user("wang").id
    sessions = SignInSessions(store, load_web_settings())
    token = sessions.start(user_id, now=utcnow() - timedelta(minutes=14))
    assert sessions.check(token).session is not None  # 14 minutes: still signed in
    stale = sessions.start(user_id, now=utcnow() - timedelta(minutes=16))
    web = client()
    web.cookies.set(COOKIE, stale)
    answer = web.get("/checklist")
    assert "ended=idle" in answer.headers["location"]
    assert t("auth.ended.idle", minutes="15") in web.get(answer.headers["location"]).text


# -- the session in the app ------------------------------------------------------------------


def start_as(user_id: int) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in_as(at, user_id)
    return at.run()


def test_the_app_shows_nothing_without_a_live_session(people):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert t("nav.audits") not in texts(at)
    assert t("auth.ended.unknown") in texts(at)


def test_a_session_ended_on_the_server_ends_in_the_open_app_at_the_next_click(people):
    at = start_as(people.user("wang").id)
    assert t("auth.signed_in_as", name="王经理") in texts(at)
    people.set_password("wang", "a new password 2", actor="boss")  # gbt-audit user passwd
    at.run()
    assert t("auth.signed_in_as", name="王经理") not in texts(at)
    assert t("auth.ended.unknown") in texts(at)


def test_a_disabled_account_is_signed_out_at_the_next_click(people):
    at = start_as(people.user("wang").id)
    people.set_active("wang", False, actor="boss")
    at.run()
    assert t("nav.audits") not in texts(at)


def test_the_change_log_names_the_signed_in_account_and_asks_for_no_typed_name(people, store):
    audit = new_audit(store)
    people.grant("wang", audit.organisation_id, "editor", actor="setup")
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in_as(at, people.user("wang").id)
    at.session_state["audit_id"] = audit.id
    at.run()
    assert t("ui.your_name") not in texts(at)
    at.switch_page("ui/pages/checklist.py").run()
    at.radio(key=f"item.{audit.id}.1.1.1.status").set_value("conforming").run()
    assert not at.exception
    assert store.item(audit.id, "1.1.1").updated_by == "王经理"
    assert store.changes(audit_id=audit.id, limit=1)[0].actor == "王经理"


@pytest.mark.parametrize("raw", ["soon", "0", "-5"])
def test_a_bad_idle_setting_is_refused_naming_it(raw):
    with pytest.raises(SettingsError) as refused:
        idle_minutes({"GBT_AUDIT_IDLE_MINUTES": raw})
    assert refused.value.setting == "GBT_AUDIT_IDLE_MINUTES"
    assert refused.value.code == (
        "settings.not_a_number" if raw == "soon" else "settings.out_of_range"
    )


def test_the_app_keeps_xsrf_protection_on_and_secrets_out_of_git():
    import tomllib
    from pathlib import Path

    root = Path(__file__).parents[1]
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["address"] == "127.0.0.1"  # a reverse proxy serves others
    assert "/.streamlit/secrets.toml" in (root / ".gitignore").read_text(encoding="utf-8")


def test_a_bad_idle_setting_stops_the_app_with_its_name_and_lets_nobody_in(people, monkeypatch):
    at = start_as(people.user("wang").id)
    monkeypatch.setenv("GBT_AUDIT_IDLE_MINUTES", "soon")
    at.run()
    assert not at.exception
    assert "GBT_AUDIT_IDLE_MINUTES" in at.error[0].value
    assert t("nav.audits") not in texts(at)
    answer = client().get("/audits")
    assert answer.status_code == 500 and "GBT_AUDIT_IDLE_MINUTES" in answer.text


def test_an_evidence_file_downloads_only_for_people_with_a_role_in_its_organisation(people, store):
    audit = new_audit(store)
    other = new_audit(store, name="另一家公司")
    content = b"<html>evidence</html>"  # what the stand-in media route serves
    offered(content, "text/html", "制度.html", audit.organisation_id)
    path = f"/media/{media_id(content, 'text/html', '制度.html')}.html"
    people.grant("wang", other.organisation_id, "editor", actor="setup")  # a role elsewhere
    web = client()
    sign_in(web)
    refused = web.get(path)
    assert refused.status_code == 403 and b"evidence" not in refused.content
    people.grant("wang", audit.organisation_id, "viewer", actor="setup")
    web = client()
    sign_in(web)
    answer = web.get(path)
    assert answer.status_code == 200 and answer.content == content
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-disposition"].startswith("attachment")

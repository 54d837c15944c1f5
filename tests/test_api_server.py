"""The API on the real app server (`streamlit run audit_server.py`, st.App): the sign-in gate
lets /api/v1 through to the API's own token check, without a session cookie, while pages still
ask to sign in."""

from __future__ import annotations

import http.client
import json

import pytest
from account_helpers import team
from browser_app import Server
from store_helpers import new_store
from test_api import TODAY

from services import api_tokens
from services.context import Context
from store.accounts import Accounts


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = new_store(f"sqlite:///{data / 'audit.db'}", data)
    people = team(store)
    token = api_tokens.add_token(
        Context.local_administrator(store, "setup"),
        Accounts(store).user("consultant").id,
        today=TODAY,
    ).token
    store.engine.dispose()
    running = Server(data)
    running.start()
    yield running, token, people
    running.stop()


def _get(server: Server, path: str, token: str | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    connection.request("GET", path, headers=headers)  # the path sent as it is, unnormalised
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, {k.lower(): v for k, v in answer.getheaders()}, body


def test_the_app_server_serves_the_api_to_a_token_without_a_session(server):
    running, token, people = server
    status, headers, body = _get(running, "/api/v1/audits", token)
    assert status == 200 and headers["content-type"] == "application/json"
    listed = json.loads(body)["audits"]
    assert {row["id"] for row in listed} == {people.audit_a.id, people.audit_b.id}
    assert all(row["score"] == "0.00" for row in listed)
    assert _get(running, "/api/v1/audits")[0] == 401
    status, headers, body = _get(
        running, f"/api/v1/audits/{people.audit_a.id}/calendar.ics?token={token}"
    )
    assert status == 200 and headers["content-type"].startswith("text/calendar")
    assert body.startswith(b"BEGIN:VCALENDAR")
    # nothing under /api/v1 reaches Streamlit's pages or files, however the path is written
    status, headers, body = _get(running, "/api/v1/unknown", token)
    assert status == 404 and json.loads(body)["error"]["code"] == "api.not_found"
    for path in ("/api/v1/../media/x.pdf", "/api/v1/%2e%2e/media/x.pdf"):  # the server's 400
        status, headers, body = _get(running, path, token)
        assert status in (400, 404) and b"%PDF" not in body, (path, body[:200])
    assert _get(running, "/api/v1/audits/1", "gbt_wrong")[0] == 401
    assert _get(running, "/")[0] == 303  # a page still asks to sign in

"""Server-side sessions on both engines: the database keeps only a token's hash; a session ends
when idle, at its longest life, on sign-out, and at once when the account's password changes,
the account is disabled, a role or administration is taken away, or an administrator ends it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from account_helpers import PASSWORD
from sqlalchemy import select
from store_helpers import company, new_store

from store.account_tables import SessionRow
from store.accounts import Accounts
from store.base import utcnow
from store.sessions import SessionEnd, SignInSessions, token_hash
from store.web_settings import WebSettings

SETTINGS = WebSettings(idle=timedelta(minutes=30), lifetime=timedelta(hours=12))


@pytest.fixture
def store(database_url, tmp_path):
    store = new_store(database_url, tmp_path)
    accounts = Accounts(store)
    accounts.add_user("admin", "管理员", password=PASSWORD, administrator=True, actor="setup")
    accounts.add_user("wang", "王经理", password=PASSWORD, actor="setup")
    return store


def wang(store) -> int:
    return Accounts(store).user("wang").id


def test_the_database_keeps_only_the_tokens_hash(store):
    token = SignInSessions(store, SETTINGS).start(wang(store), user_agent="Chromium\n<b>")
    with store._read() as session:
        row = session.scalars(select(SessionRow)).one()
    assert row.token_hash == token_hash(token) and token not in row.token_hash
    assert row.user_agent == "Chromium <b>"  # control characters gone, text kept as text
    live = SignInSessions(store, SETTINGS).check(token).session
    assert live is not None and live.login == "wang" and live.via == "password"


def test_a_session_ends_when_idle_or_at_its_longest_life(store):
    sessions = SignInSessions(store, SETTINGS)
    start = utcnow()
    token = sessions.start(wang(store), now=start)
    # used every 20 minutes, it lives on until its longest life
    for minutes in range(20, 12 * 60, 20):
        assert sessions.check(token, start + timedelta(minutes=minutes)).session is not None
    ended = sessions.check(token, start + timedelta(hours=12, minutes=1))
    assert ended.session is None and ended.ended is SessionEnd.EXPIRED
    idle = sessions.start(wang(store), now=start)
    check = sessions.check(idle, start + timedelta(minutes=31))
    assert check.session is None and check.ended is SessionEnd.IDLE
    assert sessions.check(idle, start).ended is SessionEnd.UNKNOWN  # deleted: ended for good


def test_an_unknown_or_absurd_token_signs_nobody_in(store):
    sessions = SignInSessions(store, SETTINGS)
    for token in ("", "x" * 5000, "no such token", "\udcff"):
        assert sessions.check(token).session is None


def test_account_changes_end_its_sessions_at_once_and_no_one_elses(store):
    accounts = Accounts(store)
    organisation = company(store)
    accounts.grant("wang", organisation.id, "editor", actor="admin")
    sessions = SignInSessions(store, SETTINGS)
    admin_token = sessions.start(accounts.user("admin").id)
    changes = [
        lambda: accounts.set_password("wang", "another password 9", actor="admin"),
        lambda: accounts.revoke("wang", organisation.id, actor="admin"),
        lambda: accounts.set_administrator("wang", False, actor="admin"),
        lambda: accounts.set_active("wang", False, actor="admin"),
    ]
    for n, change in enumerate(changes):
        if n == 2:
            accounts.set_administrator("wang", True, actor="admin")
        tokens = [sessions.start(wang(store)) for _ in range(2)]
        change()
        assert [sessions.check(t).session for t in tokens] == [None, None]
    assert sessions.check(admin_token).session is not None


def test_granting_a_role_keeps_the_session(store):
    """More rights take effect at the next click; the person is not signed out for them."""
    sessions = SignInSessions(store, SETTINGS)
    token = sessions.start(wang(store))
    Accounts(store).grant("wang", company(store).id, "viewer", actor="admin")
    assert sessions.check(token).session is not None


def test_an_administrator_sees_the_live_sessions_and_ends_one(store):
    sessions = SignInSessions(store, SETTINGS)
    first = sessions.start(wang(store), user_agent="Chromium", address="10.0.0.7")
    second = sessions.start(wang(store), user_agent="Firefox")
    sessions.start(wang(store), now=utcnow() - timedelta(hours=1))  # idle: not listed
    listed = sessions.active()
    assert [s.user_agent for s in listed] == ["Firefox", "Chromium"]
    assert listed[1].address == "10.0.0.7"
    assert sessions.end_by_id(listed[1].id)
    assert not sessions.end_by_id(listed[1].id)  # ended already
    assert sessions.check(first).session is None and sessions.check(second).session is not None
    sessions.end(second)
    assert sessions.active() == []

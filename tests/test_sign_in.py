"""Signing in: a wrong password and an unknown name get the same answer; repeated failures slow
down both the login name and the client address, and the slow-down outlives a restart."""

from datetime import timedelta

import pytest
from account_helpers import PASSWORD
from store_helpers import new_store

from store.accounts import AccountError, Accounts
from store.base import utcnow
from store.sign_in import sign_in
from store.throttle import SignInThrottle, ThrottlePolicy

POLICY = ThrottlePolicy(free_attempts=3, first_wait=timedelta(seconds=30))


@pytest.fixture
def store(database_url, tmp_path):
    store = new_store(database_url, tmp_path)
    Accounts(store).add_user("wang", "王经理", password=PASSWORD, actor="setup")
    return store


def attempt(store, login, password, address="10.0.0.1", now=None):
    try:
        return sign_in(
            Accounts(store), SignInThrottle(store, POLICY), login, password, address, now
        )
    except AccountError as refused:
        return refused.code


def test_the_right_password_signs_in_and_notes_the_time(store):
    user = attempt(store, "Wang", PASSWORD)
    assert user.login == "wang"
    assert Accounts(store).user("wang").last_login_at is not None


def test_an_unknown_name_and_a_wrong_password_get_the_same_answer(store):
    assert attempt(store, "wang", "wrong password!") == "auth.refused"
    assert attempt(store, "nobody", "wrong password!") == "auth.refused"


def test_a_disabled_account_is_refused_even_with_the_right_password(store, database_url):
    Accounts(store).add_user("admin", "管理员", password=PASSWORD, administrator=True, actor="s")
    Accounts(store).set_active("wang", False, actor="admin")
    assert attempt(store, "wang", PASSWORD) == "auth.disabled"


def test_repeated_wrong_passwords_slow_the_login_name_down_even_from_a_new_address(store):
    now = utcnow()
    for n in range(3):
        assert attempt(store, "wang", "wrong", f"10.0.0.{n}", now) == "auth.refused"
    # the right password is refused too while the wait lasts, so guessing gains nothing
    assert attempt(store, "wang", PASSWORD, "10.9.9.9", now + timedelta(seconds=5)) == (
        "auth.throttled"
    )
    assert attempt(store, "wang", PASSWORD, "10.9.9.9", now + timedelta(seconds=31)).login == "wang"


def test_repeated_failures_from_one_address_slow_it_down_for_every_name(store):
    now = utcnow()
    for name in ("a1", "a2", "a3"):
        attempt(store, name, "wrong", "192.0.2.7", now)
    assert attempt(store, "wang", PASSWORD, "192.0.2.7", now) == "auth.throttled"
    assert attempt(store, "wang", PASSWORD, "192.0.2.8", now).login == "wang"


def test_unknown_names_are_throttled_like_known_ones(store):
    now = utcnow()
    for n in range(3):
        attempt(store, "nobody", "wrong", f"10.1.0.{n}", now)
        attempt(store, "wang", "wrong", f"10.2.0.{n}", now)
    assert attempt(store, "nobody", "x", "10.3.0.1", now) == "auth.throttled"
    assert attempt(store, "wang", "x", "10.3.0.2", now) == "auth.throttled"


def test_the_slow_down_outlives_a_restart(store, database_url, tmp_path):
    now = utcnow()
    for _ in range(3):
        attempt(store, "wang", "wrong", "10.0.0.1", now)
    reopened = new_store(database_url, tmp_path)
    wait = SignInThrottle(reopened, POLICY).wait("wang", None, now + timedelta(seconds=1))
    assert timedelta(seconds=28) < wait <= timedelta(seconds=30)


def test_the_wait_doubles_with_each_further_failure_up_to_a_limit():
    waits = [POLICY.wait_after(n).total_seconds() for n in range(2, 9)]
    assert waits == [0, 30, 60, 120, 240, 480, 900]


def test_guesses_sent_at_once_are_counted_one_after_another(store):
    """Twelve wrong passwords sent together: only the free attempts are checked, the rest are
    refused unchecked (the count was read before it was written, and all twelve were tried)."""
    from concurrent.futures import ThreadPoolExecutor

    policy = ThrottlePolicy(free_attempts=5)
    now = utcnow()

    def guess(n: int) -> str:
        try:
            sign_in(Accounts(store), SignInThrottle(store, policy), "wang", f"guess {n}", None, now)
        except AccountError as refused:
            return refused.code
        return "signed in"

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(guess, range(12)))
    assert answers.count("auth.refused") == 5
    assert answers.count("auth.throttled") == 7


def test_someone_elses_guesses_keep_the_owner_out_for_a_minute_at_most(store):
    now = utcnow()
    for n in range(12):
        attempt(store, "wang", "wrong", f"203.0.113.{n}", now + timedelta(seconds=61 * n))
    last = now + timedelta(seconds=61 * 11)
    wait = SignInThrottle(store, POLICY).wait("wang", None, last)
    assert timedelta(0) < wait <= timedelta(seconds=60)
    assert attempt(store, "wang", PASSWORD, "198.51.100.1", last + timedelta(seconds=61)).login


def test_a_browser_that_signed_in_before_is_not_kept_out_by_others_guesses(store):
    """The owner's browser (its device cookie) is counted on its own: guesses from the same
    office address and at the same name do not stop it."""
    now = utcnow()
    throttle = SignInThrottle(store, POLICY)
    owner = sign_in(Accounts(store), throttle, "wang", PASSWORD, "10.0.0.1", now, device="own")
    assert owner.login == "wang"
    for _ in range(6):  # someone at the same address, in another browser
        attempt(store, "wang", "wrong", "10.0.0.1", now)
    assert attempt(store, "wang", PASSWORD, "10.0.0.1", now) == "auth.throttled"
    again = sign_in(Accounts(store), throttle, "wang", PASSWORD, "10.0.0.1", now, device="own")
    assert again.login == "wang"

    # a browser token that never signed in to this account is no help to a guesser
    def guessed(device: str) -> str:
        try:
            sign_in(Accounts(store), throttle, "wang", "wrong", "10.0.0.1", now, device=device)
        except AccountError as refused:
            return refused.code
        return "signed in"

    assert guessed("made up") == "auth.throttled"

"""The sign-in gate in the app: nothing shows before sign-in; a new installation asks once for
its first administrator; a wrong password, an unknown name and a disabled account are refused
without saying which names exist; an idle session signs out; the change log names the account."""

import time

import pytest
from app_helpers import APP, fresh_app, new_audit, texts
from streamlit.testing.v1 import AppTest

from settings import SettingsError
from store.accounts import Accounts
from texts import t
from ui.auth import SEEN_KEY, USER_KEY, idle_minutes

PASSWORD = "correct horse battery"


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path / "data")


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    return at


def submit(at: AppTest, **values: str) -> AppTest:
    for key, value in values.items():
        at.text_input(key=f"auth.{key}").input(value)
    form_buttons = [b for b in at.button if b.proto.is_form_submitter]
    form_buttons[0].click()
    return at.run()


def test_a_new_installation_asks_once_for_its_first_administrator(store):
    at = start()
    assert t("auth.first_admin_title") in texts(at)
    assert not at.text_input(key="auth.first_login").value  # no default account, no password
    at = submit(
        at,
        first_login="boss",
        first_name="老板",
        first_password=PASSWORD,
        first_again=PASSWORD,
    )
    assert at.session_state[USER_KEY] == Accounts(store).user("boss").id
    assert t("auth.signed_in_as", name="老板") in texts(at)
    assert Accounts(store).user("boss").administrator
    # the next visitor sees the sign-in form, not the set-up form
    assert t("auth.first_admin_title") not in texts(start())


def test_the_first_administrator_form_keeps_what_was_typed_when_passwords_differ(store):
    at = submit(
        start(),
        first_login="boss",
        first_name="老板",
        first_password=PASSWORD,
        first_again=PASSWORD + "!",
    )
    assert t("auth.passwords_differ") in texts(at)
    assert at.text_input(key="auth.first_login").value == "boss"
    assert Accounts(store).count() == 0


@pytest.fixture
def people(store):
    accounts = Accounts(store)
    accounts.add_user("boss", "老板", password=PASSWORD, administrator=True, actor="setup")
    accounts.add_user("wang", "王经理", password=PASSWORD, actor="setup")
    return accounts


def test_nothing_but_the_sign_in_form_shows_before_sign_in(people):
    at = start()
    assert t("auth.sign_in_title") in texts(at)
    assert t("nav.audits") not in texts(at)
    assert len(at.text_input) == 2


def test_a_wrong_password_and_an_unknown_name_get_the_same_refusal(people):
    wrong = submit(start(), login="wang", password="not the password")
    unknown = submit(start(), login="nobody", password="not the password")
    for at in (wrong, unknown):
        assert at.error[0].value == t("auth.refused")
        assert USER_KEY not in at.session_state
        assert at.text_input(key="auth.login").value in {"wang", "nobody"}  # kept as typed


def test_the_right_password_opens_the_app_and_sign_out_closes_it(people):
    at = submit(start(), login="WANG", password=PASSWORD)
    assert t("auth.signed_in_as", name="王经理") in texts(at)
    at.button(key="auth.sign_out").click().run()
    assert USER_KEY not in at.session_state
    assert t("auth.sign_in_title") in texts(at)


def test_a_disabled_account_cannot_sign_in_and_a_session_ends_when_it_is_disabled(people):
    at = submit(start(), login="wang", password=PASSWORD)
    people.set_active("wang", False, actor="boss")
    at.run()
    assert USER_KEY not in at.session_state
    assert t("auth.account_gone") in texts(at)
    again = submit(start(), login="wang", password=PASSWORD)
    assert again.error[0].value == t("auth.disabled")


def test_an_idle_session_signs_out(people, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_IDLE_MINUTES", "15")
    at = submit(start(), login="wang", password=PASSWORD)
    at.session_state[SEEN_KEY] = time.time() - 14 * 60
    at.run()
    assert at.session_state[USER_KEY] is not None  # 14 minutes: still signed in
    at.session_state[SEEN_KEY] = time.time() - 16 * 60
    at.run()
    assert USER_KEY not in at.session_state
    assert t("auth.idle_expired", minutes="15") in texts(at)


def test_repeated_wrong_passwords_slow_down_the_form(people):
    at = start()
    for _ in range(5):
        at = submit(at, login="wang", password="guess guess")
    at = submit(at, login="wang", password=PASSWORD)
    assert "30" in at.error[0].value and USER_KEY not in at.session_state


def test_the_change_log_names_the_signed_in_account_and_asks_for_no_typed_name(people, store):
    audit = new_audit(store)
    people.grant("wang", audit.organisation_id, "editor", actor="setup")
    at = submit(start(), login="wang", password=PASSWORD)
    assert t("ui.your_name") not in texts(at)
    at.session_state["audit_id"] = audit.id
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
        "settings.not_a_number" if raw == "soon" else "settings.not_positive"
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
    at = submit(start(), login="wang", password=PASSWORD)
    monkeypatch.setenv("GBT_AUDIT_IDLE_MINUTES", "soon")
    at.run()
    assert not at.exception
    assert "GBT_AUDIT_IDLE_MINUTES" in at.error[0].value
    assert t("nav.audits") not in texts(at)

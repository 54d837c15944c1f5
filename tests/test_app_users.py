"""The administrators' users page: it lists every account with its roles, adds one (password
typed twice, as long as the store asks), disables and enables, grants and revokes a role in an
organisation, resets a password; each refusal (last administrator, a login taken, a role granted
twice) shows the store's own text, keeps what was typed and changes nothing."""

from pathlib import Path

import pytest
from app_helpers import APP, app, confirm, fresh_app, new_audit, sign_in_as, texts
from streamlit.testing.v1 import AppTest

from scoring import display
from store import open_store
from store.accounts import MIN_PASSWORD, Accounts
from store.config import display_zone
from texts import t

PASSWORD = "correct horse battery"


@pytest.fixture
def setup(monkeypatch, tmp_path):
    store = fresh_app(monkeypatch, tmp_path / "data")
    audit = new_audit(store)
    accounts = Accounts(store)
    accounts.add_user("editor", "编辑王", password=PASSWORD, actor="setup")
    accounts.grant("editor", audit.organisation_id, "editor", actor="setup")
    return store, audit, accounts


def users_page():
    return app("users")


def add(at, login, name="新同事", password=PASSWORD, again=None):
    at.text_input(key="users.add.login").input(login)
    at.text_input(key="users.add.name").input(name)
    at.text_input(key="users.add.password").input(password)
    at.text_input(key="users.add.again").input(password if again is None else again)
    next(b for b in at.button if b.label == t("users.add_submit")).click().run()
    assert not at.exception
    return at


def choose(at, login):
    at.selectbox(key="users.chosen").select(login).run()
    return at


def test_every_account_is_listed_with_its_roles_and_state(setup):
    at = users_page()
    assert not at.exception
    table = at.dataframe[0].value
    row = table[table[t("users.col_login")] == "editor"].iloc[0]
    assert row[t("users.col_name")] == "编辑王"
    assert row[t("users.col_roles")] == "华东家电服务有限公司：编辑"
    assert row[t("users.col_active")] == t("users.yes")
    assert row[t("users.col_last_login")] == t("users.never")
    tester = table[table[t("users.col_login")] == "tester"].iloc[0]
    assert tester[t("users.col_roles")] == t("auth.role.administrator")


def test_a_new_account_needs_the_password_twice_and_long_enough(setup):
    _store, _audit, accounts = setup
    at = add(users_page(), "zhao", again="another password")
    assert t("auth.passwords_differ") in texts(at)
    assert at.text_input(key="users.add.login").value == "zhao"  # what was typed stays
    at = add(at, "zhao", password="short")
    assert t("auth.error.password_short", min=MIN_PASSWORD) in texts(at)
    assert [u.login for u in accounts.users()] == ["editor", "tester"]
    at = add(at, "zhao", name="总经理赵")
    assert t("users.added", login="zhao") in texts(at)
    assert accounts.check_password("zhao", PASSWORD).user.display_name == "总经理赵"
    assert at.text_input(key="users.add.login").value == ""  # cleared for the next one


def test_a_login_already_taken_is_refused(setup):
    _store, _audit, accounts = setup
    at = add(users_page(), "EDITOR", name="另一个编辑")
    assert t("auth.error.login_taken", login="editor") in texts(at)
    assert accounts.user("editor").display_name == "编辑王"


def test_disabling_and_enabling_an_account(setup):
    _store, _audit, accounts = setup
    at = choose(users_page(), "editor")
    at.button(key="users.toggle_active").click().run()
    assert t("users.disabled", login="editor") in texts(at)
    assert not accounts.user("editor").active
    at.button(key="users.toggle_active").click().run()
    assert accounts.user("editor").active


def test_the_last_administrator_cannot_be_disabled_or_demoted(setup):
    _store, _audit, accounts = setup
    at = choose(users_page(), "tester")
    at.button(key="users.toggle_active").click().run()
    assert t("auth.error.last_admin", login="tester") in texts(at)
    at.button(key="users.toggle_admin").click().run()
    assert t("auth.error.last_admin", login="tester") in texts(at)
    tester = accounts.user("tester")
    assert tester.active and tester.administrator


def test_granting_a_role_twice_is_refused_and_revoking_takes_it_away(setup):
    _store, audit, accounts = setup
    at = choose(users_page(), "editor")
    at.selectbox(key="users.grant.role").select("reviewer").run()
    at.button(key="users.grant.submit").click().run()
    assert t(
        "auth.error.granted_twice",
        login="editor",
        organisation_id=audit.organisation_id,
        role=t("auth.role.editor"),  # the role by its label, not its code
    ) in texts(at)
    assert dict(accounts.user("editor").grants) == {audit.organisation_id: "editor"}
    at.button(key="users.revoke.submit").click().run()
    assert t("users.revoked", login="editor") in texts(at)
    assert accounts.user("editor").grants == ()
    at.selectbox(key="users.grant.role").select("reviewer").run()
    at.button(key="users.grant.submit").click().run()
    assert dict(accounts.user("editor").grants) == {audit.organisation_id: "reviewer"}


def test_resetting_a_password(setup):
    _store, _audit, accounts = setup
    at = choose(users_page(), "editor")
    at.text_input(key="users.password.new").input("a new long password")
    at.text_input(key="users.password.again").input("a new long password")
    next(b for b in at.button if b.label == t("users.reset_password")).click().run()
    assert t("users.password_reset", login="editor") in texts(at)
    assert accounts.check_password("editor", "a new long password").user is not None
    assert accounts.check_password("editor", PASSWORD).user is None


def test_an_accounts_email_for_notifications_is_set_and_a_taken_one_refused(setup):
    _store, _audit, accounts = setup
    accounts.add_user("li", "李强", password=PASSWORD, actor="setup", email="li@example.cn")
    at = choose(users_page(), "editor")
    at.text_input(key="users.email.editor").input("li@example.cn")
    next(b for b in at.button if b.label == t("users.set_email")).click().run()
    assert t("auth.error.email_taken", email="li@example.cn") in texts(at)
    assert accounts.user("editor").email is None
    at.text_input(key="users.email.editor").input("wang@example.cn")
    next(b for b in at.button if b.label == t("users.set_email")).click().run()
    assert t("users.email_set", login="editor") in texts(at)
    assert accounts.user("editor").email == "wang@example.cn"


def test_only_an_administrator_has_the_page(setup):
    _store, _audit, accounts = setup
    at = users_page()
    sign_in_as(at, accounts.user("editor").id)  # the same browser, an editor now
    at.run()
    assert t("users.title") not in texts(at) and not at.dataframe  # not in an editor's menu
    assert t("nav.audits") in texts(at)  # the app's first page instead


def test_the_page_itself_refuses_anyone_but_an_administrator(setup):
    """Should the page be reached without the menu (an old address, a changed role)."""
    _store, _audit, accounts = setup
    at = AppTest.from_file(str(Path(APP).parent / "ui" / "pages" / "users.py"), default_timeout=30)
    sign_in_as(at, accounts.user("editor").id)
    at.run()
    assert not at.exception
    assert t("users.not_permitted") in texts(at)
    assert not at.dataframe and not at.button


def test_an_administrator_sees_who_is_signed_in_and_ends_a_session(setup):
    from store.sessions import SignInSessions

    store, _audit, accounts = setup
    token = SignInSessions(store).start(
        accounts.user("editor").id, user_agent="Chromium on the QM's laptop", address="10.1.2.3"
    )
    at = users_page()
    shown = at.dataframe[-1].value
    assert "Chromium on the QM's laptop" in shown.to_string()
    assert "10.1.2.3" in shown.to_string()
    # in the organisation's zone as every other time on the page (the sessions were in UTC,
    # marked so, under a foot line saying the page's times are in Asia/Shanghai)
    started = next(s for s in SignInSessions(store).active() if s.login == "editor").created_at
    assert display.moment(started, display_zone()) in shown.to_string()
    assert "UTC" not in shown.to_string()
    editor_session = next(s for s in SignInSessions(store).active() if s.login == "editor")
    at.selectbox(key="users.session.chosen").select(editor_session.id).run()
    at.button(key="users.session.end").click().run()
    assert not at.exception
    assert SignInSessions(store).check(token).session is None
    assert t("users.session_ended", login="editor") in texts(at)


def test_granting_starts_from_the_least_powerful_role_and_says_what_it_granted(setup):
    store, audit, accounts = setup
    accounts.add_user("zhao", "总经理赵", password=PASSWORD, actor="setup")
    at = choose(users_page(), "zhao")
    assert at.selectbox(key="users.grant.role").value == "viewer"  # never 顾问 by default
    at.button(key="users.grant.submit").click().run()
    assert dict(accounts.user("zhao").grants) == {audit.organisation_id: "viewer"}
    organisation = store.organisation(audit.organisation_id).profile.name
    assert t(
        "users.granted_role", login="zhao", role=t("auth.role.viewer"), organisation=organisation
    ) in texts(at)


def test_an_administrator_makes_a_token_for_an_account_sees_it_once_and_revokes_it(setup):
    from api.tokens import actor_of
    from scoring import display
    from store.config import display_zone

    store, _audit, _accounts = setup
    today = display.today(display_zone())
    at = choose(users_page(), "editor")
    assert t("api_token.none") in [c.value for c in at.caption]
    at.text_input(key="api_tokens.label.0").input("日历 <b>订阅</b>")
    next(b for b in at.button if b.label == t("api_token.add")).click().run()
    assert not at.exception
    (shown,) = [c.value for c in at.code]
    assert shown.startswith("gbt_")
    actor = actor_of(store, shown, today)
    assert actor is not None and actor.login == "editor"
    table = at.dataframe[1].value
    assert list(table[t("api_token.col_label")]) == ["日历 <b>订阅</b>"]  # plain text, as typed
    assert list(table[t("api_token.col_state")]) == [t("api_token.state.active")]
    assert shown not in table.to_string()
    at.run()  # the next run no longer shows it
    assert not at.code
    # the form is empty for the next token: the label is not carried over
    assert at.text_input(key="api_tokens.label.1").value == ""
    # the token to revoke is named as typed (a select box shows text, not Markdown)
    (option,) = at.selectbox(key="api_tokens.revoke").options
    assert option.endswith("… 日历 <b>订阅</b>") and "\\" not in option
    # revoking asks first; cancelling keeps the token
    next(b for b in at.button if b.label == t("api_token.revoke")).click().run()
    assert actor_of(store, shown, today) is not None
    next(b for b in at.button if (b.key or "").startswith("cancel.")).click().run()
    assert actor_of(store, shown, today) is not None
    confirm(at, t("api_token.revoke"))
    assert not at.exception
    assert actor_of(store, shown, today) is None
    table = at.dataframe[1].value
    assert list(table[t("api_token.col_state")]) == [t("api_token.state.revoked")]


def test_a_token_refused_by_its_rules_says_why_and_makes_none(setup):
    at = choose(users_page(), "editor")
    at.text_input(key="api_tokens.label.0").input("日历\u0007订阅")  # a control character
    next(b for b in at.button if b.label == t("api_token.add")).click().run()
    assert [e.value for e in at.error] == [t("api_token.label_invalid", max=100)]
    assert not at.code
    assert at.text_input(key="api_tokens.label.0").value == "日历\u0007订阅"  # kept to correct


def as_person(login: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = "zh"
    sign_in_as(at, Accounts(open_store()).user(login).id)
    at.run()
    return at.switch_page("ui/pages/my_tokens.py").run()


def test_a_person_keeps_their_own_tokens_on_their_own_page(setup):
    from api.tokens import actor_of
    from scoring import display
    from store.config import display_zone

    store, _audit, accounts = setup
    at = as_person("editor")
    assert not at.exception
    at.text_input(key="api_tokens.label.0").input("手机日历")
    next(b for b in at.button if b.label == t("api_token.add")).click().run()
    assert not at.exception
    (shown,) = [c.value for c in at.code]
    actor = actor_of(store, shown, display.today(display_zone()))
    assert actor is not None and actor.login == "editor"  # their own, never another's
    accounts.add_user("newcomer", "新人", password=PASSWORD, actor="setup")
    # no role anywhere: nothing to read with a token, and no token page in their menu
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        as_person("newcomer")


def test_the_organisation_to_grant_is_named_as_typed(setup):
    """A select box shows its options as text: the Markdown escaping showed backslashes in a
    name with punctuation (华东家电\\(上海\\)\\_服务)."""
    store, _audit, _accounts = setup
    new_audit(store, name="华东家电(上海)_服务*有限公司")
    at = choose(users_page(), "editor")
    assert "华东家电(上海)_服务*有限公司" in at.selectbox(key="users.grant.organisation").options

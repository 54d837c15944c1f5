"""Accounts: login names are one per person whatever the case, passwords are argon2 hashes,
grants are one role per organisation, and the installation always keeps an administrator."""

import pytest
from account_helpers import PASSWORD, team
from sqlalchemy import select
from store_helpers import new_store

from domain.permissions import Role
from store.account_tables import UserRow
from store.accounts import AccountError, Accounts


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


def codes(excinfo: pytest.ExceptionInfo) -> str:
    return excinfo.value.code


def test_a_password_is_stored_only_as_an_argon2_hash_and_checks_as_typed(store):
    accounts = Accounts(store)
    user = accounts.add_user("Wang", "王经理", password=PASSWORD, actor="setup")
    with store._read() as session:
        stored = session.scalar(select(UserRow.password_hash).where(UserRow.id == user.id))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.check_password("wang", PASSWORD).user.id == user.id
    assert accounts.check_password("WANG", PASSWORD + "x").user is None
    assert accounts.check_password("nobody", PASSWORD).user is None


def test_login_names_and_emails_are_one_per_person_whatever_the_case_or_width(store):
    accounts = Accounts(store)
    accounts.add_user("Wang", "王经理", password=PASSWORD, email="Wang@Example.cn", actor="setup")
    with pytest.raises(AccountError) as taken:
        accounts.add_user("ＷＡＮＧ", "另一个王", password=PASSWORD, actor="setup")
    assert codes(taken) == "auth.error.login_taken"
    with pytest.raises(AccountError) as email:
        accounts.add_user("li", "李", password=PASSWORD, email="wang@example.CN", actor="setup")
    assert codes(email) == "auth.error.email_taken"
    assert accounts.user_by_email("WANG@example.cn").login == "wang"
    assert [u.login for u in accounts.users()] == ["wang"]


@pytest.mark.parametrize(
    ("login", "name", "password", "email", "code"),
    [
        ("", "x", PASSWORD, None, "auth.error.login_invalid"),
        ("two words", "x", PASSWORD, None, "auth.error.login_invalid"),
        ("li", "  ", PASSWORD, None, "auth.error.display_name_empty"),
        ("li", "李", "short", None, "auth.error.password_short"),
        ("li", "李", PASSWORD, "not-an-address", "auth.error.email_invalid"),
    ],
)
def test_a_bad_account_entry_is_refused_naming_what_is_wrong(
    store, login, name, password, email, code
):
    with pytest.raises(AccountError) as refused:
        Accounts(store).add_user(login, name, password=password, email=email, actor="setup")
    assert codes(refused) == code
    assert Accounts(store).count() == 0


def test_the_first_administrator_can_be_created_once_only(store):
    accounts = Accounts(store)
    first = accounts.add_first_administrator("boss", "老板", PASSWORD)
    assert first.administrator and first.active
    with pytest.raises(AccountError) as again:
        accounts.add_first_administrator("intruder", "Intruder", PASSWORD)
    assert codes(again) == "auth.first_admin_taken"
    assert [u.login for u in accounts.users()] == ["boss"]


def test_a_role_is_granted_once_per_organisation_and_revoked_by_name(store):
    t = team(store)
    with pytest.raises(AccountError) as twice:
        t.accounts.grant("editor", t.a.id, "viewer", actor="admin")
    assert codes(twice) == "auth.error.granted_twice"
    assert "editor" in str(twice.value) and f"#{t.a.id}" in str(twice.value)
    # the role held by its label in each language ("已有角色 editor" showed the code)
    assert "已有角色 编辑；" in twice.value.text("zh")
    assert "already holds the role Editor in" in twice.value.text("en")
    assert t.accounts.user("editor").grants == ((t.a.id, Role.EDITOR),)
    t.accounts.revoke("editor", t.a.id, actor="admin")
    assert t.accounts.user("editor").grants == ()
    with pytest.raises(AccountError) as not_held:
        t.accounts.revoke("editor", t.a.id, actor="admin")
    assert codes(not_held) == "auth.error.not_granted"


@pytest.mark.parametrize(
    ("login", "organisation", "role", "code"),
    [
        ("ghost", "a", "viewer", "auth.error.no_such_user"),
        ("viewer", 999, "viewer", "auth.error.no_such_organisation"),
        ("viewer", "b", "owner", "auth.error.unknown_role"),
        ("viewer", "b", "administrator", "auth.error.unknown_role"),
    ],
)
def test_a_grant_naming_an_unknown_user_organisation_or_role_is_refused(
    store, login, organisation, role, code
):
    t = team(store)
    organisation_id = {"a": t.a.id, "b": t.b.id}.get(organisation, organisation)
    before = t.accounts.users()
    with pytest.raises(AccountError) as refused:
        t.accounts.grant(login, organisation_id, role, actor="admin")
    assert codes(refused) == code
    assert t.accounts.users() == before


def test_the_last_active_administrator_can_be_neither_disabled_nor_demoted(store):
    t = team(store)
    for attempt in (
        lambda: t.accounts.set_active("admin", False, actor="admin"),
        lambda: t.accounts.set_administrator("admin", False, actor="admin"),
    ):
        with pytest.raises(AccountError) as last:
            attempt()
        assert codes(last) == "auth.error.last_admin"
    assert t.accounts.user("admin").administrator and t.accounts.user("admin").active
    t.accounts.set_administrator("consultant", True, actor="admin")
    t.accounts.set_active("admin", False, actor="consultant")
    assert not t.accounts.user("admin").active
    assert t.accounts.actor(t.accounts.user("admin").id) is None  # a disabled account acts no more


def test_account_changes_are_in_the_change_log_with_who_made_them(store):
    t = team(store)
    t.accounts.set_password("viewer", "a new long password", actor="管理员")
    lines = [(c.actor, c.entity, c.field, c.new) for c in store.changes(limit=3)]
    assert ("管理员", "user viewer", "password", "changed") in lines
    assert PASSWORD not in str(store.changes())


def race_first_administrators(store, people: int) -> list[str]:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    start = Barrier(people)

    def create(n: int) -> str:
        start.wait()
        try:
            Accounts(store).add_first_administrator(f"admin{n}", f"管理员{n}", "a long password 1")
        except AccountError as refused:
            return refused.code
        return "created"

    with ThreadPoolExecutor(max_workers=people) as pool:
        return list(pool.map(create, range(people)))


def test_two_first_administrators_at_the_same_moment_make_one(database_url, tmp_path):
    """The first-administrator form sent from several browsers at once: one account, whatever
    the race (PostgreSQL let 3 of 10 races make two before)."""
    from store.account_tables import FirstAdministratorRow, UserRow

    store = new_store(database_url, tmp_path)
    for _ in range(3):
        with store._write("clean") as session:  # a new installation again
            session.query(FirstAdministratorRow).delete()
            session.query(UserRow).delete()
        answers = race_first_administrators(store, 4)
        assert answers.count("created") == 1, answers
        assert set(answers) - {"created"} <= {"auth.first_admin_taken"}
        assert Accounts(store).count() == 1


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("          ", "auth.error.password_blank"),
        ("aaaaaaaaaa", "auth.error.password_repeated"),
        ("ＡＡＡＡＡａａａａａ", "auth.error.password_repeated"),
        ("wang.zhang", "auth.error.password_is_login"),
        ("WANG.ZHANG2026", "auth.error.password_is_login"),
        ("gnahz.gnaw", "auth.error.password_is_login"),
        ("short", "auth.error.password_short"),
    ],
)
def test_passwords_that_guess_themselves_are_refused(database_url, tmp_path, password, code):
    accounts = Accounts(new_store(database_url, tmp_path))
    with pytest.raises(AccountError) as refused:
        accounts.add_user("wang.zhang", "王章", password=password, actor="setup")
    assert refused.value.code == code
    accounts.add_user("wang.zhang", "王章", password="a sentence of my own", actor="setup")
    with pytest.raises(AccountError) as again:
        accounts.set_password("wang.zhang", password, actor="setup")
    assert again.value.code == code


@pytest.mark.parametrize("name", ["王经理\nroot (gbt-audit)", "编辑\u202e王", "x" * 101, "a\tb"])
def test_a_display_name_that_could_imitate_another_line_is_refused(store, name):
    with pytest.raises(AccountError) as refused:
        Accounts(store).add_user("li", name, password=PASSWORD, actor="setup")
    assert refused.value.code == "auth.error.display_name_invalid"
    assert Accounts(store).count() == 0


@pytest.mark.parametrize("again", ["编辑王", " 编辑王 ", "ＡＢＣ  王", "abc 王"])
def test_a_display_name_another_account_uses_is_refused_whatever_its_case_width_or_spaces(
    store, again
):
    """The change log shows display names: two people must never read as one."""
    accounts = Accounts(store)
    first = "编辑王" if "编辑" in again else "Abc 王"
    accounts.add_user("wang", first, password=PASSWORD, actor="setup")
    with pytest.raises(AccountError) as taken:
        accounts.add_user("wang2", again, password=PASSWORD, actor="setup")
    assert codes(taken) == "auth.error.display_name_taken"
    assert [u.login for u in accounts.users()] == ["wang"]

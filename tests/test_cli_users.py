"""``gbt-audit user``: the administrator's local tool for accounts; every refusal names what
is wrong and changes nothing."""

import io

import pytest

from cli.main import main
from domain.records import OrganisationProfile
from store import open_store
from store.accounts import Accounts

PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    return open_store()


def run(capsys, monkeypatch, *args, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_administrator_is_added_with_a_password_from_stdin(store, capsys, monkeypatch):
    code, out, _ = run(
        capsys,
        monkeypatch,
        "user",
        "add",
        "boss",
        "--display-name",
        "老板",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0 and "administrator" in out
    assert Accounts(store).check_password("boss", PASSWORD).user.administrator
    code, out, _ = run(capsys, monkeypatch, "user", "list")
    assert "boss\t老板\t-\tactive\tadministrator\tlast sign-in never" in out


def test_roles_are_granted_and_revoked_per_organisation(store, capsys, monkeypatch):
    org = store.create_organisation(OrganisationProfile(name="华东家电"), actor="t")
    run(capsys, monkeypatch, "user", "add", "wang", "--password-stdin", stdin=PASSWORD)
    assert run(capsys, monkeypatch, "user", "grant", "wang", org.id, "editor")[0] == 0
    code, _, err = run(capsys, monkeypatch, "user", "grant", "wang", org.id, "viewer")
    assert code == 1 and "already holds the role editor" in err
    code, out, _ = run(capsys, monkeypatch, "user", "list")
    assert f"editor@{org.id}" in out
    assert run(capsys, monkeypatch, "user", "revoke", "wang", org.id)[0] == 0
    assert Accounts(store).user("wang").grants == ()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("user", "grant", "ghost", "1", "viewer"), "ghost"),
        (("user", "grant", "wang", "77", "viewer"), "#77"),
        (("user", "grant", "wang", "1", "owner"), "owner"),
        (("user", "disable", "ghost"), "ghost"),
        (("user", "disable", "boss"), "last active administrator"),
        (("user", "revoke", "boss", "all"), "last active administrator"),
        (("user", "add", "wang", "--password-stdin"), "already taken"),
    ],
)
def test_refusals_name_what_is_wrong_and_change_nothing(store, capsys, monkeypatch, args, message):
    store.create_organisation(OrganisationProfile(name="华东家电"), actor="t")
    run(
        capsys,
        monkeypatch,
        "user",
        "add",
        "boss",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD,
    )
    monkeypatch.setenv("GBT_AUDIT_CLI_ACCOUNT", "boss")
    run(capsys, monkeypatch, "user", "add", "wang", "--password-stdin", stdin=PASSWORD)
    before = Accounts(store).users()
    code, _, err = run(capsys, monkeypatch, *args, stdin=PASSWORD)
    assert code == 1 and message in err and "nothing was changed" in err
    assert Accounts(store).users() == before


def test_a_disabled_account_is_restored_and_a_password_changed(store, capsys, monkeypatch):
    run(
        capsys,
        monkeypatch,
        "user",
        "add",
        "boss",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD,
    )
    run(
        capsys,
        monkeypatch,
        "user",
        "add",
        "wang",
        "--as",
        "boss",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert run(capsys, monkeypatch, "user", "disable", "wang", "--as", "boss")[0] == 0
    assert not Accounts(store).user("wang").active
    monkeypatch.setenv("GBT_AUDIT_CLI_ACCOUNT", "boss")  # the setting instead of --as
    assert run(capsys, monkeypatch, "user", "enable", "wang")[0] == 0
    assert (
        run(
            capsys,
            monkeypatch,
            "user",
            "passwd",
            "wang",
            "--password-stdin",
            stdin="another long one\n",
        )[0]
        == 0
    )
    assert Accounts(store).check_password("wang", "another long one").user is not None


def test_an_account_without_password_or_email_is_refused(store, capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "user", "add", "wang")
    assert code == 1 and "--email" in err
    assert Accounts(store).count() == 0
    code, _, _ = run(capsys, monkeypatch, "user", "add", "li", "--email", "li@example.cn")
    assert code == 0 and not Accounts(store).user("li").has_password


def test_the_change_log_names_the_administrator_account_the_command_line_acts_as(
    store, capsys, monkeypatch
):
    """Never the shell's $USER, which the caller sets: the administrator account named by --as
    (or GBT_AUDIT_CLI_ACCOUNT): its display name, and the account's id and login."""
    monkeypatch.setenv("USER", "root")
    monkeypatch.delenv("GBT_AUDIT_CLI_ACCOUNT", raising=False)
    run(
        capsys,
        monkeypatch,
        "user",
        "add",
        "boss",
        "--display-name",
        "老板",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD,
    )
    code, _, err = run(
        capsys, monkeypatch, "user", "add", "wang", "--password-stdin", stdin=PASSWORD
    )
    assert code == 1 and "--as" in err and "GBT_AUDIT_CLI_ACCOUNT" in err
    code, _, err = run(
        capsys,
        monkeypatch,
        "user",
        "add",
        "wang",
        "--as",
        "wang",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert code == 1 and "no such account" in err
    code, _, _ = run(
        capsys,
        monkeypatch,
        "user",
        "add",
        "wang",
        "--as",
        "BOSS",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert code == 0
    boss = Accounts(store).user("boss")
    latest = store.changes(limit=1)[0]
    assert (latest.actor, latest.account_id, latest.account_login) == ("老板", boss.id, "boss")
    assert all("root" not in c.actor for c in store.changes(limit=10))
    code, _, err = run(capsys, monkeypatch, "user", "disable", "boss", "--as", "wang")
    assert code == 1 and "not an active administrator" in err


def test_an_accounts_email_is_set_changed_refused_when_taken_and_removed(
    store, capsys, monkeypatch
):
    """Notifications are mailed to the account's address: ``user email`` sets it later."""
    accounts = Accounts(store)
    accounts.add_user("boss", "老板", password=PASSWORD, administrator=True, actor="setup")
    accounts.add_user("li", "李", password=PASSWORD, actor="setup", email="li@example.cn")
    accounts.add_user("wang", "王", password=PASSWORD, actor="setup")
    monkeypatch.setenv("GBT_AUDIT_CLI_ACCOUNT", "boss")
    assert run(capsys, monkeypatch, "user", "email", "wang", "Wang@Example.CN")[0] == 0
    assert accounts.user("wang").email == "wang@example.cn"
    code, _, err = run(capsys, monkeypatch, "user", "email", "wang", "li@example.cn")
    assert code == 1 and "li@example.cn" in err
    code, _, err = run(capsys, monkeypatch, "user", "email", "wang", "not an address")
    assert code == 1 and "not an address" in err
    assert accounts.user("wang").email == "wang@example.cn"
    assert run(capsys, monkeypatch, "user", "email", "wang")[0] == 0
    assert accounts.user("wang").email is None
    changes = [(c.entity, c.field, c.old, c.new) for c in store.changes(limit=2)]
    assert changes == [
        ("user wang", "email", "wang@example.cn", None),
        ("user wang", "email", None, "wang@example.cn"),
    ]

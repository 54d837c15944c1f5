"""People with roles in two client organisations, on a store the tests can reason about."""

from __future__ import annotations

from dataclasses import dataclass

from store_helpers import company, test_audit

from domain.permissions import Actor
from domain.records import AuditRecord, Organisation
from store import AuditStore
from store.accounts import Accounts

PASSWORD = "correct horse battery"


@dataclass
class Team:
    accounts: Accounts
    a: Organisation
    b: Organisation
    audit_a: AuditRecord
    audit_b: AuditRecord

    def actor(self, login: str) -> Actor:
        actor = self.accounts.actor(self.accounts.user(login).id)
        assert actor is not None
        return actor


def team(store: AuditStore) -> Team:
    """admin; consultant of A and B; editor, reviewer and viewer of A only."""
    accounts = Accounts(store)
    a = company(store, "华东家电服务有限公司")
    b = company(store, "华南汽车销售有限公司")
    accounts.add_user("admin", "管理员", password=PASSWORD, administrator=True, actor="setup")
    for login, name, role in [
        ("consultant", "顾问周", "consultant"),
        ("editor", "编辑王", "editor"),
        ("reviewer", "审核李", "reviewer"),
        ("viewer", "总经理赵", "viewer"),
    ]:
        accounts.add_user(login, name, password=PASSWORD, actor="setup")
        accounts.grant(login, a.id, role, actor="setup")
    accounts.grant("consultant", b.id, "consultant", actor="setup")
    return Team(accounts, a, b, test_audit(store, a), test_audit(store, b))


def cli_administrator(store: AuditStore, monkeypatch, login: str = "cli-admin") -> int:
    """The administrator account the command line acts as (GBT_AUDIT_CLI_ACCOUNT): commands
    that change data are refused without one. Its id."""
    user = Accounts(store).add_user(
        login, f"命令行管理员 {login}", password=PASSWORD, administrator=True, actor="setup"
    )
    monkeypatch.setenv("GBT_AUDIT_CLI_ACCOUNT", login)
    return user.id

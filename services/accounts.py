"""Accounts and roles: the administrators' use cases, checked like every other (the Users page
and ``gbt-audit user`` both come here). Signing in is not here: it is who someone is, not what
they may do (ui/auth.py, store/sign_in.py)."""

from __future__ import annotations

from domain.account_records import UserRecord
from domain.permissions import Action
from services.context import Context
from services.registry import By, service
from store.sessions import SessionRecord, SignInSessions
from store.web_settings import WebSettings


@service(Action.MANAGE_USERS, By.NOTHING, write=False)
def users(ctx: Context) -> list[UserRecord]:
    """Every account with its roles, by login."""
    return ctx.uow.accounts.users()


@service(Action.MANAGE_USERS, By.NOTHING)
def add_user(
    ctx: Context,
    login: str,
    display_name: str,
    *,
    password: str | None = None,
    email: str | None = None,
    administrator: bool = False,
    organisation_id: int | None = None,
    role: str | None = None,
) -> UserRecord:
    """A new active account, with its first role in an organisation when one is given: both or
    neither are saved."""
    accounts = ctx.uow.accounts
    user = accounts.add_user(
        login,
        display_name,
        actor=ctx.name,
        password=password,
        email=email,
        administrator=administrator,
    )
    if organisation_id is not None and role:
        user = accounts.grant(user.login, organisation_id, role, actor=ctx.name)
    return user


@service(Action.MANAGE_USERS, By.NOTHING)
def set_password(ctx: Context, login: str, password: str) -> None:
    ctx.uow.accounts.set_password(login, password, actor=ctx.name)


@service(Action.MANAGE_USERS, By.NOTHING)
def set_email(ctx: Context, login: str, email: str | None) -> UserRecord:
    """Where the account's notifications are mailed (None: nowhere)."""
    return ctx.uow.accounts.set_email(login, email, actor=ctx.name)


@service(Action.MANAGE_USERS, By.NOTHING)
def set_active(ctx: Context, login: str, active: bool) -> UserRecord:
    return ctx.uow.accounts.set_active(login, active, actor=ctx.name)


@service(Action.MANAGE_USERS, By.NOTHING)
def set_administrator(ctx: Context, login: str, administrator: bool) -> UserRecord:
    return ctx.uow.accounts.set_administrator(login, administrator, actor=ctx.name)


@service(Action.MANAGE_USERS, By.NOTHING)
def grant(ctx: Context, login: str, organisation_id: int, role: str) -> UserRecord:
    return ctx.uow.accounts.grant(login, organisation_id, role, actor=ctx.name)


@service(Action.MANAGE_USERS, By.NOTHING)
def revoke(ctx: Context, login: str, organisation_id: int) -> UserRecord:
    return ctx.uow.accounts.revoke(login, organisation_id, actor=ctx.name)


@service(Action.MANAGE_USERS, By.NOTHING, write=False)
def sessions(ctx: Context, settings: WebSettings | None = None) -> list[SessionRecord]:
    """Who is signed in where: the live sign-in sessions (``settings`` bound their life)."""
    return SignInSessions(ctx.store, settings).active()


@service(Action.MANAGE_USERS, By.NOTHING)
def end_session(ctx: Context, session_id: int) -> bool:
    """End one sign-in session (its browser is signed out at its next click)."""
    return SignInSessions(ctx.store).end_by_id(session_id)

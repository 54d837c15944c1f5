"""Every service with the permission it needs, as data: ``REGISTRY`` maps a service's name to
its ``Action`` and to where the organisation it acts in comes from (its first argument after the
context names an organisation, a round, an evidence document, a request for evidence, a
special deduction, a comment, an account or a personal API token; or nothing, for an
installation-wide action).

``@service(...)`` registers a function and wraps it: open (or join) one unit of work, locate
the organisation, check the actor's role (refused: NotPermitted, nothing read or changed), run
the function, withdraw the round's sign-off if the service changes a round's content, commit.
A test fails if a public function in services/ is not registered."""

from __future__ import annotations

import functools
import inspect
import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

from domain.permissions import Action, require, require_for_account
from services.context import Context
from store.review import withdraw_if_changed
from store.uow import UnitOfWork

P = ParamSpec("P")
R = TypeVar("R")


class By(StrEnum):
    """What a service's key argument names, and so how its organisation is found."""

    ORGANISATION = "organisation"
    ROUND = "round"
    EVIDENCE = "evidence"
    REQUEST = "request"
    DEDUCTION = "deduction"
    COMMENT = "comment"  # a comment in an item's thread (services/comments.py)
    ACCOUNT = "account"  # an account's id: the account itself, or an administrator
    TOKEN = "token"  # a personal API token's id: checked as its account
    NOTHING = "nothing"  # an installation-wide action (GLOBAL_ACTIONS)


def _locate(uow: UnitOfWork, by: By, key: Any) -> tuple[int | None, int | None]:
    """(organisation id, round id) of the key."""
    if by is By.NOTHING:
        return None, None
    if isinstance(key, bool):
        raise TypeError(f"a {by.value} is named by its id, not {key!r}")
    key = operator.index(key)  # an int, or a widget's numpy integer; anything else: TypeError
    if by is By.ORGANISATION:
        return uow.organisations.get(key).id, None
    if by is By.ROUND:
        return uow.rounds.get(key).organisation_id, key
    if by is By.DEDUCTION:
        audit_id = uow.rounds.of_deduction(key)
        return uow.rounds.get(audit_id).organisation_id, audit_id
    if by is By.EVIDENCE:
        return uow.evidence.get(key).organisation_id, None
    if by is By.COMMENT:
        comment = uow.work.comment_row(key)
        return comment.organisation_id, comment.audit_id
    request = uow.evidence.request(key)
    return request.organisation_id, request.audit_id


def _check(uow: UnitOfWork, ctx: Context, by: By, key: Any, action: Action) -> int | None:
    """Refuse (NotPermitted) unless the actor may do ``action`` on the key's organisation (or
    account); the round's id, if the key names one."""
    if by in (By.ACCOUNT, By.TOKEN):
        if isinstance(key, bool):
            raise TypeError(f"a {by.value} is named by its id, not {key!r}")
        key = operator.index(key)
        account_id = key if by is By.ACCOUNT else uow.api_tokens.get(key).user_id
        require_for_account(ctx.actor, account_id, action)
        return None
    organisation_id, audit_id = _locate(uow, by, key)
    require(ctx.actor, organisation_id, action)
    return audit_id


@dataclass(frozen=True)
class Registration:
    name: str
    action: Action
    by: By
    write: bool  # False: a read model, in one read-only transaction
    changes_round: bool  # a change to a round's content withdraws its sign-off


REGISTRY: dict[str, Registration] = {}


def service(
    action: Action, by: By, *, write: bool = True, changes_round: bool = False
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a service ``function(ctx: Context, key, ...)`` and wrap it (see above)."""

    def register(function: Callable[P, R]) -> Callable[P, R]:
        name = f"{function.__module__}.{function.__name__}"
        if name in REGISTRY:
            raise RuntimeError(f"service {name} registered twice")
        if changes_round and by is By.NOTHING:
            raise RuntimeError(f"service {name} changes a round it cannot locate")
        REGISTRY[name] = Registration(name, action, by, write, changes_round)
        signature = inspect.signature(function)

        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            given = list(signature.bind_partial(*args, **kwargs).arguments.values())
            ctx = given[0] if given else None
            if not isinstance(ctx, Context):
                raise TypeError(f"{name}: the first argument is the Context, not {ctx!r}")
            key = given[1] if by is not By.NOTHING and len(given) > 1 else None
            with ctx.unit_of_work(write=write) as uow:
                audit_id = _check(uow, ctx, by, key, action)
                outcome = function(*args, **kwargs)
                if changes_round and audit_id is not None:
                    withdraw_if_changed(uow, audit_id, ctx.name)
                return outcome

        return run

    return register

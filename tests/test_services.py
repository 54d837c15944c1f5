"""The one door: every service is in the permission registry, a forged call without the role is
refused before anything is read or changed, a change through a service (the app's or the
command line's) withdraws a sign-off in the same transaction, and a save or a dossier read is
one transaction."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date

import pytest
from account_helpers import team
from store_helpers import new_store
from transaction_helpers import Transactions

import services
from domain.account_records import ReviewKind, ReviewState
from domain.permissions import GLOBAL_ACTIONS, ROLE_ACTIONS, NotPermitted, Role
from dossier.assemble import dossier_data
from dossier.brief import build_brief
from services import comments, review, rounds
from services.context import Context
from services.registry import REGISTRY, By
from store.access import GuardedStore
from store.action_register import organisation_action_rows
from store.uow import UnitOfWork
from ui.portfolio_rows import portfolio_rows

PLUMBING = {"services.context", "services.registry", "services.notices"}


def service_modules():
    for info in pkgutil.iter_modules(services.__path__, "services."):
        if info.name not in PLUMBING and not info.name.rsplit(".", 1)[1].startswith("_"):
            yield importlib.import_module(info.name)


SERVICE_MODULES = list(service_modules())  # imported before the registry is parametrised over


def test_every_public_function_in_services_is_registered():
    public = {
        f"{module.__name__}.{name}"
        for module in SERVICE_MODULES
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    }
    assert public, "no services found"
    assert sorted(public - set(REGISTRY)) == []


def _service(name: str):
    module, function = name.rsplit(".", 1)
    return getattr(importlib.import_module(module), function)


@pytest.fixture
def t(database_url, tmp_path):
    store = new_store(database_url, tmp_path)
    return store, team(store)


def _arguments(function, key):
    """The key, then a placeholder for every other required argument: a refused call never
    gets as far as reading them."""
    parameters = list(inspect.signature(function).parameters.values())[2:]
    args = [None for p in parameters if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
    kwargs = {p.name: None for p in parameters if p.default is p.empty and p.kind is p.KEYWORD_ONLY}
    return ([key] if key is not None else []) + args, kwargs


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_forged_call_without_the_role_is_refused(t, name):
    """The editor of organisation A calls every service on organisation B's records (no role
    there), and the viewer of A every service that changes something in A."""
    store, people = t
    registration = REGISTRY[name]
    if registration.action in GLOBAL_ACTIONS and all(
        registration.action in ROLE_ACTIONS[role] for role in Role
    ):
        # nothing to forge: it shows each person their own (tests/test_my_work.py checks
        # that it shows nothing of an organisation they hold no role in)
        pytest.skip("every role may")
    function = _service(name)
    deductions = [
        store.add_deduction(audit.id, reason="三包期内拒绝更换", category="law", actor="qm").id
        for audit in (people.audit_b, people.audit_a)
    ]
    account = {login: people.accounts.user(login).id for login in ("consultant", "editor")}
    with UnitOfWork(store) as uow:  # a token of someone else's, for each caller
        tokens = [
            uow.api_tokens.add(account[login], label="", expires_on=None, created_by="setup")
            for login in ("consultant", "editor")
        ]
    keys = {
        By.ORGANISATION: (people.b.id, people.a.id),
        By.ACCOUNT: (account["consultant"], account["editor"]),
        By.TOKEN: tuple(made.record.id for made in tokens),
        By.ROUND: (people.audit_b.id, people.audit_a.id),
        By.DEDUCTION: tuple(deductions),
        By.COMMENT: tuple(_comment(store, people, a) for a in (people.audit_b, people.audit_a)),
        By.NOTHING: (None, None),
    }
    elsewhere, here = keys[registration.by]  # a new kind of key: add it here
    before = store.changes(limit=1)
    calls = [("editor", elsewhere)]
    if registration.action.value != "read":
        calls.append(("viewer", here))
    for login, key in calls:
        args, kwargs = _arguments(function, key)
        with pytest.raises(NotPermitted) as refused:
            function(Context(people.actor(login), store), *args, **kwargs)
        assert refused.value.code.startswith("auth.error.not_permitted")
        assert refused.value.values["action"] == registration.action.value
    assert store.changes(limit=1) == before  # nothing was written


def _comment(store, people, audit):
    """A comment in the round, by its organisation's consultant."""
    consultant = Context(people.actor("consultant"), store)  # consultant of both
    return comments.add_comment(consultant, audit.id, "1.1.1", "请补充记录").id


def _signed_off(store, people):
    audit = people.audit_a.id
    rounds.save_item(
        Context(people.actor("editor"), store),
        audit,
        "1.1.1",
        expected_version=0,
        status="conforming",
    )
    review.submit_for_review(Context(people.actor("editor"), store), audit)
    review.sign_off(Context(people.actor("reviewer"), store), audit)
    return audit


def test_a_change_through_the_command_line_withdraws_the_sign_off_as_the_app_does(t):
    store, people = t
    audit = _signed_off(store, people)
    local = Context.local_administrator(store, "质量经理（命令行）")
    item = store.item(audit, "1.1.1")
    rounds.save_item(local, audit, "1.1.1", expected_version=item.version, finding="复核")
    status = review.review_status(local, audit)
    assert status.state is ReviewState.WITHDRAWN
    assert status.events[-1].kind is ReviewKind.WITHDRAWN
    assert status.events[-1].user_name == "质量经理（命令行）"
    line = store.changes(audit_id=audit, limit=1)[0]
    assert (line.actor, line.field) == ("质量经理（命令行）", "review")


ROUND_CHANGES = [
    (
        "add_deduction",
        lambda ctx, audit, _d: rounds.add_deduction(ctx, audit, reason="拒绝三包", category="law"),
    ),
    (
        "update_deduction",
        lambda ctx, _audit, d: rounds.update_deduction(
            ctx, d.id, expected_version=d.version, reason="拒绝三包（复核）"
        ),
    ),
    (
        "remove_deduction",
        lambda ctx, _audit, d: rounds.remove_deduction(ctx, d.id, expected_version=d.version),
    ),
    (
        "set_bonus",
        lambda ctx, audit, _d: rounds.set_bonus(ctx, audit, "省级服务标杆", expected_version=0),
    ),
]


@pytest.mark.parametrize("name,change", ROUND_CHANGES, ids=[n for n, _ in ROUND_CHANGES])
def test_each_change_to_a_rounds_entries_withdraws_its_sign_off_in_the_same_transaction(
    t, name, change
):
    store, people = t
    audit = people.audit_a.id
    deduction = store.add_deduction(audit, reason="三包期内拒绝更换", category="law", actor="qm")
    audit = _signed_off(store, people)
    editor = Context(people.actor("editor"), store)
    with Transactions(store.engine) as one:
        change(editor, audit, deduction)
    status = review.review_status(editor, audit)
    assert status.state is ReviewState.WITHDRAWN
    assert (status.events[-1].kind, status.events[-1].user_name) == (ReviewKind.WITHDRAWN, "编辑王")
    assert one.count == 1


def test_a_refused_change_leaves_the_sign_off_and_the_entry_as_they_were(t):
    store, people = t
    audit = _signed_off(store, people)
    item = store.item(audit, "1.1.1")
    with pytest.raises(Exception) as refused:  # the versioned write refuses a stale version
        rounds.save_item(
            Context(people.actor("editor"), store),
            audit,
            "1.1.1",
            expected_version=item.version - 1,
            finding="过期",
        )
    assert type(refused.value).__name__ == "ConflictError"
    assert store.item(audit, "1.1.1") == item
    admin = Context(people.actor("admin"), store)
    assert review.review_status(admin, audit).state is ReviewState.SIGNED_OFF


def test_a_save_and_a_dossier_read_are_one_transaction_each(t):
    store, people = t
    audit = _signed_off(store, people)
    editor = people.actor("editor")
    item = store.item(audit, "1.1.1")
    with Transactions(store.engine) as through_the_guard:  # the app's save (withdraws too)
        GuardedStore(store, editor).save_item(
            audit, "1.1.1", expected_version=item.version, actor="", finding="一"
        )
    item = store.item(audit, "1.1.1")
    with Transactions(store.engine) as through_the_service:
        rounds.save_item(
            Context(editor, store), audit, "1.1.1", expected_version=item.version, finding="二"
        )
    with Transactions(store.engine) as dossier:
        data = dossier_data(GuardedStore(store, editor), audit)
    assert data.review.state is ReviewState.WITHDRAWN
    assert (through_the_guard.count, through_the_service.count, dossier.count) == (1, 1, 1)


def test_each_read_model_reads_in_one_transaction(t):
    store, people = t
    consultant = GuardedStore(store, people.actor("consultant"))
    today = date(2026, 12, 1)
    with Transactions(store.engine) as portfolio:
        rows = portfolio_rows(consultant, today, "zh")
    with Transactions(store.engine) as register:
        organisation_action_rows(consultant, people.a.id, today)
    with Transactions(store.engine) as brief:
        build_brief(consultant, people.audit_a.id, today)
    assert len(rows) == 2
    assert (portfolio.count, register.count, brief.count) == (1, 1, 1)

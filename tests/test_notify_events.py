"""Workflow steps record their notification in their own transaction (uow.outbox): submitted
for review tells the round's reviewers, returned and signed off tell who submitted it, an
evidence request tells the account it names; a refused step records nothing."""

from datetime import date

import pytest
from account_helpers import team
from store_helpers import new_store

from domain.account_records import ReviewError
from domain.notifications import EventKind
from services import review
from services.context import Context
from store.access import GuardedStore
from store.uow import UnitOfWork


@pytest.fixture
def t(database_url, tmp_path):
    store = new_store(database_url, tmp_path)
    return store, team(store)


def outbox(store):
    with UnitOfWork(store, write=False) as uow:
        return list(reversed(uow.outbox.recent()))


def ctx(t, login):
    store, people = t
    return Context(people.actor(login), store)


def test_review_steps_tell_the_reviewers_then_the_submitter(t):
    store, people = t
    audit = people.audit_a.id
    ids = {login: people.accounts.user(login).id for login in ("consultant", "editor", "reviewer")}
    review.submit_for_review(ctx(t, "editor"), audit, "请审核")
    [submitted] = outbox(store)
    assert submitted.kind is EventKind.SUBMITTED_FOR_REVIEW
    assert submitted.recipients == tuple(sorted([ids["consultant"], ids["reviewer"]]))
    assert submitted.organisation_id == people.a.id and submitted.audit_id == audit
    assert submitted.values == {
        "organisation": "华东家电服务有限公司",
        "round": people.audit_a.title,
        "by": "编辑王",
        "comment": "请审核",
    }
    with pytest.raises(ReviewError):
        review.return_for_changes(ctx(t, "reviewer"), audit, "   ")
    assert len(outbox(store)) == 1  # refused: nothing recorded
    review.return_for_changes(ctx(t, "reviewer"), audit, "1.1.2 缺少抽样记录")
    returned = outbox(store)[-1]
    assert returned.kind is EventKind.RETURNED and returned.recipients == (ids["editor"],)
    assert returned.values["comment"] == "1.1.2 缺少抽样记录" and returned.values["by"] == "审核李"
    review.submit_for_review(ctx(t, "editor"), audit)
    review.sign_off(ctx(t, "reviewer"), audit)
    signed = outbox(store)[-1]
    assert signed.kind is EventKind.SIGNED_OFF and signed.recipients == (ids["editor"],)
    assert [n.kind for n in outbox(store)] == [
        EventKind.SUBMITTED_FOR_REVIEW,
        EventKind.RETURNED,
        EventKind.SUBMITTED_FOR_REVIEW,
        EventKind.SIGNED_OFF,
    ]


def test_an_evidence_request_tells_the_account_it_names(t):
    store, people = t
    guarded = GuardedStore(store, people.actor("editor"))
    item = "1.1.1"
    guarded.request_evidence(
        people.audit_a.id,
        item,
        needed="培训签到表",
        owner="审核李",
        due=date(2026, 12, 31),
        actor="编辑王",
    )
    guarded.request_evidence(
        people.audit_a.id, item, needed="网点照片", owner="外包张", due=None, actor="编辑王"
    )
    named, unknown = outbox(store)
    assert named.kind is EventKind.EVIDENCE_REQUESTED
    assert named.recipients == (people.accounts.user("reviewer").id,)
    assert named.values == {
        "organisation": "华东家电服务有限公司",
        "round": people.audit_a.title,
        "item": item,
        "title": "培训签到表",
        "owner": "审核李",
        "due_on": "2026-12-31",
        "by": "编辑王",
    }
    assert unknown.recipients == ()  # a free-text owner: the robots are told, nobody mailed
    assert unknown.values["due_on"] is None

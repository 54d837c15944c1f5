"""Assignments, comment threads, owner links and "my work" through their services, on SQLite
and PostgreSQL: who may, what is refused (by code), what the change log keeps, and that none of
it is a change to the round (a sign-off stands)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from account_helpers import PASSWORD, team
from store_helpers import new_store

from domain.account_records import ReviewState
from domain.permissions import NotPermitted
from domain.records import Rectification
from domain.work import EDIT_WINDOW, Level, WorkRefused
from services import assignments, comments, review, rounds
from services.context import Context
from services.my_work import my_work
from store.uow import UnitOfWork

TODAY = date(2026, 12, 7)


@pytest.fixture
def t(database_url, tmp_path):
    store = new_store(database_url, tmp_path)
    return store, team(store)


def as_(store, people, login):
    return Context(people.actor(login), store)


def _user_id(people, login):
    return people.accounts.user(login).id


def test_an_item_is_assigned_reassigned_and_taken_back_each_step_in_the_change_log(t):
    store, people = t
    consultant, audit = as_(store, people, "consultant"), people.audit_a.id
    editor, reviewer = _user_id(people, "editor"), _user_id(people, "reviewer")
    made = assignments.assign(consultant, audit, "1.1.1", editor, date(2026, 12, 1))
    assert (made.user_name, made.level, made.due) == ("编辑王", Level.ITEM, date(2026, 12, 1))
    assignments.assign(consultant, audit, "1.1.1", reviewer, date(2026, 12, 1))
    whole = assignments.assign(consultant, audit, "1.2", editor)
    assert whole.level is Level.INDICATOR
    listed = assignments.round_assignments(consultant, audit)
    assert [(a.target, a.user_name) for a in listed] == [("1.1.1", "审核李"), ("1.2", "编辑王")]
    assignments.unassign(consultant, audit, "1.2")
    assert [a.target for a in assignments.round_assignments(consultant, audit)] == ["1.1.1"]
    lines = [
        (c.entity, c.field, c.old, c.new, c.audit_id)
        for c in reversed(store.changes(limit=5))
        if c.entity.startswith("assignment")
    ]
    assert lines == [
        (f"assignment {audit}/1.1.1", "assignee", None, "编辑王", None),
        (f"assignment {audit}/1.1.1", "due", None, "2026-12-01", None),
        (f"assignment {audit}/1.1.1", "assignee", "编辑王", "审核李", None),
        (f"assignment {audit}/1.2", "assignee", None, "编辑王", None),
        (f"assignment {audit}/1.2", "assignee", "编辑王", None, None),
    ]


def test_what_cannot_be_assigned_is_refused_by_code_and_saves_nothing(t):
    store, people = t
    consultant, audit = as_(store, people, "consultant"), people.audit_a.id
    outsider = people.accounts.add_user("outsider", "外单位张", password=PASSWORD, actor="t")
    people.accounts.grant("outsider", people.b.id, "editor", actor="t")
    cases = [
        (("1.1.1", outsider.id), "work.error.not_member"),
        (("9.9.9", _user_id(people, "editor")), "work.error.unknown_target"),
    ]
    for (target, user_id), code in cases:
        with pytest.raises(WorkRefused) as refused:
            assignments.assign(consultant, audit, target, user_id)
        assert refused.value.code == code
    with pytest.raises(WorkRefused) as refused:
        assignments.unassign(consultant, audit, "1.1.1")
    assert refused.value.code == "work.error.not_assigned"
    with pytest.raises(NotPermitted):  # an editor scores; she does not hand out work
        assignments.assign(as_(store, people, "editor"), audit, "1.1.1", outsider.id)
    assert assignments.round_assignments(consultant, audit) == []


def test_assigning_and_commenting_leave_a_sign_off_standing(t):
    store, people = t
    audit = people.audit_a.id
    rounds.save_item(
        as_(store, people, "editor"), audit, "1.1.1", expected_version=0, status="conforming"
    )
    review.submit_for_review(as_(store, people, "editor"), audit)
    review.sign_off(as_(store, people, "reviewer"), audit)
    assignments.assign(as_(store, people, "consultant"), audit, "1.1.2", _user_id(people, "editor"))
    comments.add_comment(as_(store, people, "editor"), audit, "1.1.2", "样本已补齐")
    status = review.review_status(as_(store, people, "consultant"), audit)
    assert status.state is ReviewState.SIGNED_OFF


def test_a_comment_mentions_colleagues_and_only_its_author_corrects_it_in_time(t):
    store, people = t
    audit = people.audit_a.id
    editor = as_(store, people, "editor")
    posted = comments.add_comment(
        editor, audit, "1.1.1", "  @consultant 请看 **三包** 记录，@审核李，也请确认  "
    )
    assert posted.body == "@consultant 请看 **三包** 记录，@审核李，也请确认"  # as typed
    assert posted.mentions == tuple(
        sorted((_user_id(people, "consultant"), _user_id(people, "reviewer")))
    )
    # everyone with a role in the organisation reads the thread
    thread = comments.thread(as_(store, people, "viewer"), audit, "1.1.1")
    assert [(c.author_name, c.author_login) for c in thread] == [("编辑王", "editor")]
    with pytest.raises(WorkRefused) as other:
        comments.edit_comment(as_(store, people, "consultant"), posted.id, "改写")
    assert other.value.code == "work.error.not_author"
    edited = comments.edit_comment(
        editor, posted.id, "@编辑王 自己 only", now=posted.created_at + timedelta(minutes=5)
    )
    assert edited.edited_at is not None
    assert edited.mentions == (_user_id(people, "editor"),)
    with pytest.raises(WorkRefused) as late:
        comments.edit_comment(
            editor, posted.id, "再改", now=posted.created_at + EDIT_WINDOW + timedelta(seconds=1)
        )
    assert late.value.code == "work.error.edit_window_over"
    lines = [(c.entity, c.field, c.old, c.new) for c in reversed(store.changes(limit=2))]
    assert lines == [
        (f"comment {audit}/1.1.1", "comment", None, posted.body),
        (f"comment {audit}/1.1.1", "comment", posted.body, "@编辑王 自己 only"),
    ]
    with pytest.raises(NotPermitted):  # a viewer reads the thread, writes nothing
        comments.add_comment(as_(store, people, "viewer"), audit, "1.1.1", "看过了")
    with pytest.raises(WorkRefused) as empty:
        comments.add_comment(editor, audit, "1.1.1", "   ")
    assert empty.value.code == "work.error.empty_comment"


def test_my_work_gathers_assignments_actions_requests_and_mentions(t):
    store, people = t
    audit = people.audit_a.id
    consultant, editor = as_(store, people, "consultant"), as_(store, people, "editor")
    editor_id = _user_id(people, "editor")
    assignments.assign(consultant, audit, "1.1.1", editor_id, date(2026, 12, 1))  # overdue
    assignments.assign(consultant, audit, "2.1", editor_id, date(2026, 12, 31))
    rounds.save_item(
        consultant,
        audit,
        "1.1.2",
        expected_version=0,
        rectification=Rectification("补齐抽样记录", "编辑王", date(2026, 12, 20)),
    )
    rounds.save_item(
        consultant,
        audit,
        "1.2.1",
        expected_version=0,
        rectification=Rectification("培训记录归档", "王工", None),
    )
    store.request_evidence(
        audit, "2.1.1", needed="投诉台账", owner="王工", due=None, actor="顾问周"
    )
    comments.add_comment(consultant, audit, "1.1.1", "@editor 请先做这一项")
    before = my_work(editor, TODAY)
    assert [(a.target, a.overdue) for a in before.assigned] == [("1.1.1", True), ("2.1", False)]
    assert [line.row.ref for line in before.actions] == ["1.1.2"]  # named by display name
    assert before.requests == ()
    assignments.link_owner(consultant, people.a.id, " 王工 ", editor_id)  # the free text
    after = my_work(editor, TODAY)
    assert [line.row.ref for line in after.actions] == ["1.1.2", "1.2.1"]
    assert [line.row.action for line in after.requests] == ["投诉台账"]
    assert [(m.item_id, m.author, m.body) for m in after.mentions] == [
        ("1.1.1", "顾问周", "@editor 请先做这一项")
    ]
    assert after.assigned[0].where.organisation == "华东家电服务有限公司"
    assert my_work(as_(store, people, "reviewer"), TODAY).empty


def test_my_work_shows_nothing_of_an_organisation_where_the_role_was_taken_away(t):
    store, people = t
    people.accounts.grant("editor", people.b.id, "editor", actor="t")
    editor_id = _user_id(people, "editor")
    assignments.assign(as_(store, people, "consultant"), people.audit_b.id, "1.1.1", editor_id)
    assert len(my_work(as_(store, people, "editor"), TODAY).assigned) == 1
    people.accounts.revoke("editor", people.b.id, actor="t")
    assert my_work(as_(store, people, "editor"), TODAY).assigned == ()


def test_a_linked_owner_can_be_unlinked_and_the_links_live_in_the_unit_of_work(t):
    store, people = t
    consultant = as_(store, people, "consultant")
    assignments.link_owner(consultant, people.a.id, "王工", _user_id(people, "editor"))
    assert assignments.owner_links(consultant, people.a.id) == {"王工": _user_id(people, "editor")}
    assignments.link_owner(consultant, people.a.id, "王工", None)
    with UnitOfWork(store, write=False) as uow:
        assert uow.work.owner_links(people.a.id) == {}
    last = store.changes(limit=1)[0]
    assert (last.entity, last.field, last.old, last.new) == (
        "owner 王工",
        "account",
        "编辑王",
        None,
    )


def _outbox(store):
    with UnitOfWork(store, write=False) as uow:
        return [(n.kind.value, n.recipients, n.values) for n in reversed(uow.outbox.recent())]


def test_an_assignment_and_a_mention_each_leave_one_notification_for_their_person(t):
    store, people = t
    audit = people.audit_a.id
    consultant, editor = as_(store, people, "consultant"), as_(store, people, "editor")
    editor_id, consultant_id = _user_id(people, "editor"), _user_id(people, "consultant")
    assignments.assign(consultant, audit, "1.1.1", editor_id, date(2026, 12, 31))
    assignments.assign(consultant, audit, "1.1.1", editor_id, date(2027, 1, 15))  # due only
    comments.add_comment(editor, audit, "1.1.1", "@顾问周 <b>已完成</b> @editor")
    [(kind, recipients, values), (kind2, recipients2, values2)] = _outbox(store)
    assert (kind, recipients) == ("assigned", (editor_id,))
    assert values["item"] == "1.1.1" and values["due_on"] == "2026-12-31"
    assert values["organisation"] == "华东家电服务有限公司" and values["by"] == "顾问周"
    # the author mentioning herself is not told
    assert (kind2, recipients2) == ("mentioned", (consultant_id,))
    assert values2["comment"] == "@顾问周 <b>已完成</b> @editor" and values2["by"] == "编辑王"

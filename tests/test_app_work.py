"""The pages of who works on what, driven in-process: the checklist's assignments tab, an
item's comment thread (read only when opened), My work, and linking an action's free-text
owner to an account on the action register."""

from __future__ import annotations

from datetime import date

import app_helpers
import pytest
from app_helpers import app, fresh_app, new_audit, on_tab, sign_in_as, texts

from domain.records import Rectification
from services import assignments, comments, rounds
from services.context import Context
from store.accounts import Accounts
from store.work import Work

PASSWORD = "colleague password"


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


def colleague(store, organisation_id, login="wang", name="王工", role="editor"):
    accounts = Accounts(store)
    user = accounts.add_user(login, name, password=PASSWORD, actor="tests")
    accounts.grant(login, organisation_id, role, actor="tests")
    return user.id


def admin(store):
    return Context(Accounts(store).actor(app_helpers.tester()), store)


def as_(store, user_id):
    return Context(Accounts(store).actor(user_id), store)


def test_the_assignments_tab_assigns_items_and_an_indicator_to_a_colleague(store):
    audit = new_audit(store)
    wang = colleague(store, audit.organisation_id)
    at = on_tab(app("checklist", audit.id), "分配")
    assert not at.exception
    at.multiselect(key="assign.targets").select("1.1.1").select("1.2")
    at.selectbox(key="assign.person").select(wang)
    at.date_input(key="assign.due").set_value(date(2026, 1, 5))
    next(b for b in at.button if b.label == "分配").click().run()
    assert not at.exception
    made = assignments.round_assignments(admin(store), audit.id)
    assert [(a.target, a.user_id, a.due) for a in made] == [
        ("1.1.1", wang, date(2026, 1, 5)),
        ("1.2", wang, date(2026, 1, 5)),
    ]
    assert "已分配 2 项给 王工。" in texts(at)


def test_assigning_with_no_item_chosen_says_so_and_assigns_nothing(store):
    """The empty picker read 全部 ("all"), and pressing 分配 did nothing without a word."""
    audit = new_audit(store)
    colleague(store, audit.organisation_id)
    at = on_tab(app("checklist", audit.id), "分配")
    assert at.multiselect(key="assign.targets").placeholder == "请选择"
    next(b for b in at.button if b.label == "分配").click().run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["请先选择要分配的检查项或二级指标；未分配任何工作。"]
    assert assignments.round_assignments(admin(store), audit.id) == []


def test_an_items_card_names_its_assignee_red_when_late(store):
    audit = new_audit(store)
    wang = colleague(store, audit.organisation_id, name="王工*粗体*")
    assignments.assign(admin(store), audit.id, "1.1.1", wang, date(2020, 1, 1))
    at = app("checklist", audit.id)
    assert not at.exception
    heading = next(m.value for m in at.markdown if m.value.startswith("**1.1.1"))
    # plain, and overdue in red and in words
    assert r":red[分配给 王工\*粗体\*，期限 2020-01-01 · 已逾期]" in heading


def test_the_thread_is_read_only_when_opened_and_a_comment_stays_plain_text(store, monkeypatch):
    audit = new_audit(store)
    colleague(store, audit.organisation_id)
    reads = []
    original = Work.thread

    def counting(self, audit_id, item_id):
        reads.append(item_id)
        return original(self, audit_id, item_id)

    monkeypatch.setattr(Work, "thread", counting)
    at = app("checklist", audit.id)
    at.session_state[f"item.{audit.id}.1.1.1.open"] = True  # the card's details
    at.run()
    assert not at.exception and reads == []  # every card drawn, no thread read
    at.toggle(key=f"comments.{audit.id}.1.1.1").set_value(True).run()
    assert reads == ["1.1.1"]
    assert "还没有留言。" in texts(at)
    at.text_area(key=f"comments.{audit.id}.1.1.1.body").input("@wang 请看 **三包** ![x](http://x)")
    next(b for b in at.button if b.label == "发表").click().run()
    assert not at.exception
    (comment,) = comments.thread(admin(store), audit.id, "1.1.1")
    assert comment.body == "@wang 请看 **三包** ![x](http://x)"
    assert len(comment.mentions) == 1
    shown = "\n".join(m.value for m in at.markdown)
    assert r"@wang 请看 \*\*三包\*\* \!\[x\]\(http\:\/\/x\)" in shown
    assert not at.warning  # @wang is a colleague: nothing to say
    # an @name that is nobody's: posted, and the writer is told nobody was reached
    at.text_area(key=f"comments.{audit.id}.1.1.1.body").input("@不存在的人 请看")
    next(b for b in at.button if b.label == "发表").click().run()
    assert len(comments.thread(admin(store), audit.id, "1.1.1")) == 2
    assert [w.value for w in at.warning] == [  # as Markdown source: the name shown as typed
        "留言已发表，但 \\@不存在的人 不是本企业有角色的账户，没有人因此收到提醒。"
        "请用同事的登录名或姓名。"
    ]


def test_my_work_lists_what_is_assigned_owned_requested_and_mentioned(store):
    audit = new_audit(store)
    wang = colleague(store, audit.organisation_id)
    boss = admin(store)
    assignments.assign(boss, audit.id, "1.1.1", wang, date(2020, 1, 1))  # overdue
    rounds.save_item(
        boss,
        audit.id,
        "1.1.2",
        expected_version=0,
        rectification=Rectification("补齐记录", "王工", date(2099, 1, 1)),
    )
    store.request_evidence(
        audit.id, "1.2.1", needed="培训签到表", owner="wang", due=None, actor="测试员"
    )
    comments.add_comment(boss, audit.id, "1.1.1", "@王工 **请**先做")
    at = app()
    sign_in_as(at, wang)
    at.switch_page("ui/pages/my_work.py").run()
    assert not at.exception
    assigned = at.dataframe[0].value
    assert list(assigned["检查项"]) and assigned["检查项"][0].startswith("1.1.1 ")
    assert list(assigned["逾期"]) == ["已逾期"]
    assert len(at.dataframe) == 4
    assert list(at.dataframe[1].value["整改措施"]) == ["补齐记录"]
    assert list(at.dataframe[2].value["所需证据"]) == ["培训签到表"]
    assert list(at.dataframe[3].value["留言"]) == ["@王工 **请**先做"]  # a cell: plain text
    assert "分配给我的检查项（1）" in texts(at)


def test_my_work_says_so_when_nothing_waits(store):
    audit = new_audit(store)
    wang = colleague(store, audit.organisation_id)
    at = app()
    sign_in_as(at, wang)
    at.switch_page("ui/pages/my_work.py").run()
    assert not at.exception
    assert "目前没有分配给您的工作。" in texts(at)


def test_a_free_text_owner_is_linked_to_an_account_on_the_action_register(store):
    audit = new_audit(store)
    wang = colleague(store, audit.organisation_id)
    rounds.save_item(
        admin(store),
        audit.id,
        "1.1.1",
        expected_version=0,
        rectification=Rectification("建立回访制度", "王工程师", None),
    )
    at = app("actions", audit.id)
    assert not at.exception
    at.selectbox(key="owners.owner").select("王工程师")
    at.selectbox(key="owners.account").select(wang)
    next(b for b in at.button if b.label == "保存关联").click().run()
    assert not at.exception
    assert assignments.owner_links(admin(store), audit.organisation_id) == {"王工程师": wang}
    assert "王工程师 → 王工" in list(at.dataframe[0].value["责任人"])
    wangs = as_(store, wang)
    from services.my_work import my_work

    assert [line.row.action for line in my_work(wangs, date(2026, 12, 7)).actions] == [
        "建立回访制度"
    ]


def test_the_register_sets_an_account_as_the_owner_of_the_selected_actions(store):
    audit = new_audit(store)
    wang = colleague(store, audit.organisation_id)
    rounds.save_item(
        admin(store),
        audit.id,
        "1.1.1",
        expected_version=0,
        rectification=Rectification("建立回访制度", "", None),
    )
    at = app("actions", audit.id)
    at.session_state["actions.table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.selectbox(key="actions.bulk_owner_account").set_value(wang)
    at.button(key="actions.bulk_apply").click().run()
    assert not at.exception
    assert store.item(audit.id, "1.1.1").rectification.owner == "王工"


def test_the_change_log_names_assignments_comments_and_owner_links_by_their_labels():
    from ui.change_log import entity_label, field_label

    assert entity_label("assignment 5/1.2.3", "zh") == "分配 5/1.2.3"
    assert entity_label("comment 5/1.2.3", "en") == "comment 5/1.2.3"
    assert entity_label("owner 王 工", "zh") == "负责人「王 工」"  # an owner text with a space
    assert field_label("assignee", "zh") == "负责人"
    assert field_label("comment", "en") == "comment"


def test_its_author_corrects_a_comment_in_the_thread_and_others_cannot(store):
    audit = new_audit(store)
    wang = colleague(store, audit.organisation_id)
    posted = comments.add_comment(as_(store, wang), audit.id, "1.1.1", "请看附件")
    at = app()
    sign_in_as(at, wang)
    at.session_state["audit_id"] = audit.id
    at.switch_page("ui/pages/checklist.py").run()
    at.session_state[f"item.{audit.id}.1.1.1.open"] = True
    at.session_state[f"comments.{audit.id}.1.1.1"] = True
    at.run()
    assert not at.exception
    at.text_area(key=f"comment.{posted.id}.body").input("请看附件（第二版）")
    next(b for b in at.button if b.label == "保存修改").click().run()
    assert not at.exception
    (after,) = comments.thread(admin(store), audit.id, "1.1.1")
    assert (after.body, after.edited_at is not None) == ("请看附件（第二版）", True)
    assert "已修改" in "\n".join(m.value for m in at.markdown)
    other = app("checklist", audit.id)  # the administrator: not its author
    other.session_state[f"item.{audit.id}.1.1.1.open"] = True
    other.session_state[f"comments.{audit.id}.1.1.1"] = True
    other.run()
    assert not [b for b in other.button if b.label == "保存修改"]

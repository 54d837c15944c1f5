"""The action register page: the actions of the open audit, filters, overdue marked, bulk
changes saved through the store, and each row opening its item on the checklist."""

from datetime import date, timedelta

import pytest
from app_helpers import app, fresh_app, new_audit, texts
from store_helpers import sign_off

from domain.records import ActionState, Rectification
from scoring import Status

PAST = date.today() - timedelta(days=5)
LATER = date.today() + timedelta(days=30)


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


@pytest.fixture
def audit(store):
    audit = new_audit(store)
    items = [i.id for i in store.catalogue(audit.catalogue_hash).items]
    for item_id, action in zip(
        items[:3],
        [
            Rectification("修订服务制度", "王敏", PAST),
            Rectification("补充培训记录", "李强", LATER),
            Rectification("更新网点公示", "王敏", LATER, ActionState.DONE),
        ],
        strict=True,
    ):
        store.save_item(
            audit.id,
            item_id,
            expected_version=0,
            actor="测试员",
            status=Status.NOT_CONFORMING,
            finding="现场未见记录",
            rectification=action,
        )
    return audit


def table(at):
    [frame] = at.dataframe
    return frame.value


def test_the_register_lists_the_actions_overdue_first_and_counts_them(store, audit):
    at = app("actions", audit.id)
    assert not at.exception
    frame = table(at)
    assert list(frame["责任人"]) == ["王敏", "李强", "王敏"]
    assert list(frame["逾期"]) == ["逾期", "", ""]
    assert "显示 3 / 3 项整改措施，其中逾期 1 项" in texts(at)


def test_filtering_by_owner_and_state_narrows_the_table(store, audit):
    at = app("actions", audit.id)
    at.multiselect(key="actions.owners").set_value(["王敏"]).run()
    assert list(table(at)["整改措施"]) == ["修订服务制度", "更新网点公示"]
    downloads = [d.proto.label for d in at.get("download_button")]
    assert "王敏的日历（.ics）" in downloads  # one owner chosen: their own calendar
    at.multiselect(key="actions.states").set_value(["done"]).run()
    assert list(table(at)["整改措施"]) == ["更新网点公示"]


def test_an_audit_without_actions_says_where_to_add_them(store):
    at = app("actions", new_audit(store, "另一家").id)
    assert "还没有整改措施" in texts(at)


def test_a_bulk_change_on_selected_rows_is_saved_and_logged(store, audit):
    at = app("actions", audit.id)
    at.session_state["actions.table"] = {"selection": {"rows": [0, 1], "columns": []}}
    at.run()
    assert "已选 2 项" in texts(at)
    at.selectbox(key="actions.bulk_state").set_value("in_progress")
    at.button(key="actions.bulk_apply").click().run()  # the form's submit button
    assert not at.exception
    assert "已更新 2 项整改措施" in texts(at)
    states = {r.rectification.action: r.rectification.state for r in store.items(audit.id).values()}
    assert states == {
        "修订服务制度": ActionState.IN_PROGRESS,
        "补充培训记录": ActionState.IN_PROGRESS,
        "更新网点公示": ActionState.DONE,
    }
    assert store.changes(audit_id=audit.id)[0].actor == "测试员"


def test_a_selected_row_opens_its_item_on_the_checklist(store, audit):
    first = store.catalogue(audit.catalogue_hash).items[0]
    at = app("actions", audit.id)
    at.session_state["actions.table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.button(key=f"actions.open.{audit.id}-item-{first.id}").click().run()
    assert not at.exception
    assert at.session_state["checklist.indicator"] == first.id.rsplit(".", 1)[0]
    assert [t.value for t in at.title] == ["华东家电服务有限公司"]  # the checklist's heading
    assert at.radio(key="checklist.indicator").value == first.id.rsplit(".", 1)[0]


def test_the_page_offers_the_calendar_and_makes_the_one_page_brief(store, audit):
    from store.jobs import Jobs, JobState

    at = app("actions", audit.id)
    downloads = [d.proto.label for d in at.get("download_button")]
    assert downloads == ["导出 Excel", "日历订阅（.ics）"]
    [make] = [b for b in at.button if b.label == "生成认证准备简报（PDF）"]
    make.click().run()
    assert not at.exception
    job = Jobs(store).job(at.session_state[f"actions.brief_job.{audit.id}"])
    assert job.kind == "brief" and job.state is JobState.DONE  # no worker: made here
    assert [d.proto.label for d in at.get("download_button")][-1] == "下载简报"


def test_a_closed_rounds_register_is_read_only(store, audit):
    sign_off(store, audit.id)
    store.close_round(audit.id, expected_version=store.audit(audit.id).version, actor="测试员")
    at = app("actions", audit.id)
    at.session_state["actions.table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert len(table(at)) == 3
    assert at.button(key="actions.bulk_apply").disabled  # the bulk change's submit button
    assert "本轮审核已冻结，只能查看。" in texts(at)

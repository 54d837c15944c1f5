"""The action register: every rectification action of an audit, filtered, sorted, changed in
bulk through the versioned store, and exported to a spreadsheet."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from store_helpers import new_store, sign_off, test_audit

from domain.action_register import (
    ActionFilter,
    BulkChange,
    SortKey,
    Source,
    filter_actions,
    sort_actions,
)
from domain.owners import Person, is_owner, resolve_owner
from domain.records import ActionState, Rectification
from dossier.actions_xlsx import actions_xlsx
from scoring import Status
from store.action_register import action_rows, apply_bulk, organisation_action_rows

TODAY = date(2026, 11, 20)


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


@pytest.fixture
def audit(store):
    audit = test_audit(store)
    for item_id, action in {
        "1.1.1": Rectification("修订服务制度", "王敏", date(2026, 11, 10)),
        "1.2.1": Rectification("补充培训记录", "李强", date(2026, 12, 15), ActionState.IN_PROGRESS),
        "2.1.1": Rectification(
            "整改投诉流程", "wang@example.cn", date(2026, 10, 1), ActionState.DONE
        ),
    }.items():
        store.save_item(
            audit.id,
            item_id,
            expected_version=0,
            actor="qm",
            status=Status.NOT_CONFORMING,
            finding=f"发现 {item_id}",
            rectification=action,
        )
    store.save_item(audit.id, "2.1.2", expected_version=0, actor="qm", status=Status.CONFORMING)
    store.add_deduction(
        audit.id,
        reason="未按承诺时限上门",
        category="own_rules",
        item_id="2.1.1",
        actor="qm",
        rectification=Rectification("建立超时预警", "", None),
    )
    return audit


def keys(rows):
    return [row.key.split("-", 1)[1] for row in rows]


def test_the_register_lists_every_action_of_items_and_deductions_but_not_items_without_one(
    store, audit
):
    rows = action_rows(store, audit.id, TODAY)
    assert keys(rows) == ["item-1.1.1", "item-1.2.1", "item-2.1.1", "deduction-1"]
    first = rows[0]
    assert (first.indicator_id, first.finding, first.owner) == ("1.1", "发现 1.1.1", "王敏")
    deduction = rows[-1]
    assert deduction.source is Source.DEDUCTION
    assert (deduction.item_id, deduction.indicator_id) == ("2.1.1", "2.1")


def test_an_action_is_overdue_after_its_due_date_unless_done_and_never_without_a_date(store, audit):
    overdue = {row.ref: row.overdue for row in action_rows(store, audit.id, TODAY)}
    # 1.1.1 due 11-10 open: overdue; 1.2.1 due later; 2.1.1 past but done; the deduction undated
    assert overdue == {"1.1.1": True, "1.2.1": False, "2.1.1": False, "1": False}
    on_due_day = action_rows(store, audit.id, date(2026, 11, 10))
    assert not on_due_day[0].overdue  # due today is not yet overdue


def test_filters_by_owner_state_indicator_and_due_window(store, audit):
    rows = action_rows(store, audit.id, TODAY)
    assert keys(filter_actions(rows, ActionFilter(owners=frozenset({" 王敏 "})))) == ["item-1.1.1"]
    assert keys(filter_actions(rows, ActionFilter(owners=frozenset({""})))) == ["deduction-1"]
    done = ActionFilter(states=frozenset({ActionState.DONE}))
    assert keys(filter_actions(rows, done)) == ["item-2.1.1"]
    by_indicator = ActionFilter(indicators=frozenset({"2"}))  # a first-level id takes its children
    assert keys(filter_actions(rows, by_indicator)) == ["item-2.1.1", "deduction-1"]
    window = ActionFilter(due_from=date(2026, 11, 1), due_to=date(2026, 12, 31))
    assert keys(filter_actions(rows, window)) == ["item-1.1.1", "item-1.2.1"]
    assert keys(filter_actions(rows, ActionFilter(overdue_only=True))) == ["item-1.1.1"]


def test_an_owner_filter_finds_the_actions_of_a_person_by_any_of_their_names(store, audit):
    wang = Person("王敏", login="wangmin", email="wang@example.cn")
    rows = action_rows(store, audit.id, TODAY)
    wanted = ActionFilter(owners=frozenset({"wangmin"}), people=(wang,))
    assert keys(filter_actions(rows, wanted)) == ["item-1.1.1", "item-2.1.1"]


def test_owner_text_is_matched_to_a_person_case_and_space_insensitively():
    wang = Person("王 敏", login="WangMin", email="Wang@Example.cn")
    assert (
        is_owner("wangmin", wang) and is_owner("王  敏", wang) and is_owner("wang@example.cn", wang)
    )
    assert not is_owner("", wang) and not is_owner("王", wang)
    assert resolve_owner("wangmin", [wang]) is wang
    assert resolve_owner("li@example.cn", [wang]) == Person("li@example.cn", email="li@example.cn")
    assert resolve_owner("李强", [wang]) is None  # free text: a person without an account


def test_attention_order_puts_overdue_first_then_the_nearest_due_and_done_last(store, audit):
    rows = action_rows(store, audit.id, TODAY)
    assert keys(sort_actions(rows)) == ["item-1.1.1", "item-1.2.1", "deduction-1", "item-2.1.1"]
    assert keys(sort_actions(rows, SortKey.DUE)) == [
        "item-2.1.1",
        "item-1.1.1",
        "item-1.2.1",
        "deduction-1",
    ]
    assert keys(sort_actions(rows, SortKey.OWNER))[-1] == "deduction-1"  # no owner last


def test_a_bulk_change_sets_state_owner_and_due_on_every_selected_row_and_logs_it(store, audit):
    rows = action_rows(store, audit.id, TODAY)
    selected = [rows[0], rows[3]]
    outcome = apply_bulk(
        store,
        selected,
        BulkChange(state=ActionState.IN_PROGRESS, owner="赵六", due=date(2026, 12, 1)),
        actor="经理",
    )
    assert outcome.refused == () and len(outcome.saved) == 2
    after = {row.ref: row for row in action_rows(store, audit.id, TODAY)}
    for ref in ("1.1.1", "1"):
        action = after[ref].rectification
        assert (action.state, action.owner, action.due) == (
            ActionState.IN_PROGRESS,
            "赵六",
            date(2026, 12, 1),
        )
    assert after["1.1.1"].action == "修订服务制度"  # untouched fields stay
    assert after["1.2.1"].owner == "李强"  # unselected rows stay
    log = store.changes(audit_id=audit.id)
    assert {(c.entity, c.actor) for c in log[:2]} == {
        ("item 1.1.1", "经理"),
        ("special deduction 1", "经理"),
    }


def test_a_bulk_change_refuses_a_row_changed_meanwhile_and_still_saves_the_others(store, audit):
    rows = action_rows(store, audit.id, TODAY)
    store.save_item(  # a colleague saves 1.2.1 after the register was read
        audit.id, "1.2.1", expected_version=rows[1].version, actor="同事", notes="已联系"
    )
    outcome = apply_bulk(store, rows[:2], BulkChange(state=ActionState.DONE), actor="经理")
    assert outcome.saved == (rows[0].key,)
    [(key, why)] = outcome.refused
    assert key == rows[1].key and "同事" in why
    after = {row.ref: row for row in action_rows(store, audit.id, TODAY)}
    assert after["1.2.1"].state is ActionState.IN_PROGRESS  # the colleague's version stands


def test_clearing_the_due_date_in_bulk(store, audit):
    rows = action_rows(store, audit.id, TODAY)
    apply_bulk(store, rows[:1], BulkChange(clear_due=True), actor="经理")
    assert action_rows(store, audit.id, TODAY)[0].due is None
    assert BulkChange().is_empty and not BulkChange(clear_due=True).is_empty


def test_an_organisation_register_takes_the_open_round_only_so_carried_actions_show_once(
    store, audit
):
    sign_off(store, audit.id)
    store.close_round(audit.id, expected_version=store.audit(audit.id).version, actor="qm")
    rows = organisation_action_rows(store, audit.organisation_id, TODAY)
    assert len(rows) == 4
    assert {row.audit_id for row in rows} == {audit.id + 1}


def test_the_spreadsheet_holds_the_rows_as_given_with_real_dates_and_overdue_marked(store, audit):
    rows = sort_actions(action_rows(store, audit.id, TODAY))
    sheet = load_workbook(BytesIO(actions_xlsx(rows))).active
    assert sheet.title == "整改台账"
    assert [c.value for c in sheet[1]][:2] == ["项目", "评价项目 / 扣分理由"]
    first = [c.value for c in sheet[2]]
    assert first[0] == "1.1.1" and first[4] == "王敏" and first[7] == "逾期"
    assert first[5].date() == date(2026, 11, 10)
    assert sheet.cell(row=2, column=6).font.color.rgb.endswith("C00000")
    assert sheet.cell(row=4, column=1).value == "特别扣分 #1 · 2.1.1"
    assert sheet.max_row == 5

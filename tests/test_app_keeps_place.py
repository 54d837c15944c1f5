"""The app keeps the user's place and input: the view stays where the user is working, a
refused form keeps what was typed, and a conflict never throws away unsaved text."""

import pytest
from app_helpers import app, fresh_app, new_audit, texts

from domain.records import OrganisationProfile
from scoring import Status
from texts import t


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


def key(audit, item_id, field):
    return f"item.{audit.id}.{item_id}.{field}"


def test_scoring_items_keeps_the_indicator_in_view(store):
    """The browser keeps a radio's choice by its label: the indicator labels must not change
    as items are scored (progress is a caption), or the view jumps back to 1.1."""
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.radio(key="checklist.indicator").set_value("1.5").run()
    labels = at.radio(key="checklist.indicator").options
    for item_id in ("1.5.1", "1.5.2", "1.5.3", "1.5.4"):
        at.radio(key=key(audit, item_id, "status")).set_value("conforming").run()
        assert at.radio(key="checklist.indicator").value == "1.5"
        assert at.radio(key="checklist.indicator").options == labels
    assert not at.exception


def test_a_pending_sampled_choice_survives_scoring_its_neighbour(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.radio(key="checklist.indicator").set_value("1.3").run()
    at.radio(key=key(audit, "1.3.2", "status")).set_value("sampled").run()
    at.radio(key=key(audit, "1.3.1", "status")).set_value("conforming").run()
    at.radio(key=key(audit, "1.3.3", "status")).set_value("conforming").run()
    assert at.radio(key=key(audit, "1.3.2", "status")).value == "sampled"
    assert "请填写抽查样本数" in texts(at)


def test_an_item_marked_not_conforming_stays_in_the_open_filter_until_the_user_moves_on(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.radio(key="checklist.filter").set_value("open").run()
    at.radio(key=key(audit, "1.1.1", "status")).set_value("not_conforming").run()
    at.text_area(key=key(audit, "1.1.1", "finding")).input("未设立售后服务部门").run()
    assert not at.exception
    assert store.item(audit.id, "1.1.1").finding == "未设立售后服务部门"
    at.radio(key="checklist.filter").set_value("lost").run()
    at.radio(key="checklist.filter").set_value("open").run()
    assert not [r for r in at.radio if r.key == key(audit, "1.1.1", "status")]


def test_every_item_of_the_catalogue_is_on_one_page(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.radio(key="checklist.filter").set_value("open").run()
    assert len([r for r in at.radio if str(r.key).endswith(".status")]) == 52


def open_tab(at) -> str:
    (tabs,) = [b for b in at.main.children.values() if getattr(b, "type", "") == "tab_container"]
    return tabs.children[tabs.proto.tab_container.default_tab_index].label


def test_changing_the_language_stays_on_the_same_tab(store):
    """The tab set keeps its tab by label: switching to English went back to the first tab."""
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.session_state["checklist.tab"] = "分配"
    at.run()
    assert open_tab(at) == "分配"
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert open_tab(at) == "Assignments"
    at.radio(key="lang").set_value("zh").run()
    assert open_tab(at) == "分配"


def test_changing_the_language_keeps_an_items_details_open(store):
    """The details are a keyed expander whose label is in words: they closed on a switch."""
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.session_state[f"item.{audit.id}.1.1.1.open"] = True
    at.run()
    finding = f"item.{audit.id}.1.1.1.finding"
    assert [a for a in at.text_area if a.key == finding]
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert [a for a in at.text_area if a.key == finding]
    assert "Unexpected" not in " ".join(e.value for e in at.error)


def test_saving_in_the_special_items_tab_stays_on_that_tab(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.session_state["checklist.tab"] = "特别扣分与加分"
    at.run()
    next(t for t in at.text_input if t.label == "事实与理由").input("三包期内拒绝更换")
    at.selectbox(key=f"add_deduction.{audit.id}.category").set_value("law")
    next(b for b in at.button if b.label == "添加").click().run()
    assert store.deductions(audit.id)
    assert open_tab(at) == "特别扣分与加分"


def test_a_deduction_added_from_a_busy_browser_still_stays_on_the_special_items_tab(store):
    """The click can arrive with the tab set's previous value (the browser had not yet
    caught up with the tab the user opened): the page must not jump back to the items."""
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.session_state["checklist.tab"] = "特别扣分与加分"
    at.run()
    next(t for t in at.text_input if t.label == "事实与理由").input("三包期内拒绝更换")
    at.selectbox(key=f"add_deduction.{audit.id}.category").set_value("law")
    at.session_state["checklist.tab"] = "评价项目"  # the stale value the click carries
    next(b for b in at.button if b.label == "添加").click().run()
    assert store.deductions(audit.id)
    assert open_tab(at) == "特别扣分与加分"


def test_loading_the_newer_entry_keeps_what_the_user_typed(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    store.save_item(
        audit.id, "1.1.1", expected_version=0, actor="另一位同事", status=Status.NOT_CONFORMING
    )
    at.session_state[key(audit, "1.1.1", "open")] = True  # the item's details, opened
    at.run()
    at.text_area(key=key(audit, "1.1.1", "finding")).input("服务部职责未成文").run()
    assert "另一位同事" in texts(at)
    at.button(key=f"reload.{audit.id}.1.1.1").click().run()
    assert at.radio(key=key(audit, "1.1.1", "status")).value == "not_conforming"
    assert "服务部职责未成文" in texts(at) + at.text_area(key=key(audit, "1.1.1", "finding")).value
    at.button(key=f"reapply.{audit.id}.1.1.1").click().run()
    saved = store.item(audit.id, "1.1.1")
    assert (saved.status, saved.finding) == (Status.NOT_CONFORMING, "服务部职责未成文")


def test_creating_a_second_organisation_opens_it_without_an_error(store):
    store.create_organisation(OrganisationProfile(name="甲公司"), actor="测试员")
    at = app("audits")
    at.text_input(key="new_org.name").input("乙公司")
    next(b for b in at.button if b.label == "保存" and "new_org" in b.form_id).click().run()
    assert not at.exception
    second = next(o for o in store.organisations() if o.profile.name == "乙公司")
    assert at.selectbox(key="org_id").value == second.id
    assert at.text_input(key="new_org.name").value == ""


def test_a_refused_organisation_form_keeps_every_field(store):
    at = app()
    at.text_input(key="new_org.name").input("某公司")
    at.text_input(key="new_org.credit_code").input("91110000600037341X")
    at.text_input(key="new_org.address").input("上海市浦东新区")
    at.number_input(key="new_org.headcount").set_value(320)
    at.button[0].click().run()
    assert "统一社会信用代码" in texts(at)
    assert store.organisations() == []
    # the user corrects only the wrong field and submits again
    at.text_input(key="new_org.credit_code").input("91110000600037341L")
    at.button[0].click().run()
    (saved,) = store.organisations()
    assert (saved.profile.name, saved.profile.address, saved.profile.headcount) == (
        "某公司",
        "上海市浦东新区",
        320,
    )


@pytest.mark.parametrize("move", ["page", "language"])
def test_a_save_that_arrives_with_a_move_to_another_page_or_language_leaves_the_whole_page_to_it(
    store, move
):
    """A busy browser can send a card's change and a page-wide change in one message: the save
    must not narrow the rerun to its card (the rest of the page would stay as it was)."""
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.radio(key=key(audit, "1.1.1", "status")).set_value("conforming")
    if move == "page":
        at.switch_page("ui/pages/dashboard.py")
    else:
        at.radio(key="lang").set_value("en")
    at.run()
    assert not at.exception
    assert store.item(audit.id, "1.1.1").status is Status.CONFORMING
    if move == "page":
        assert t("ui.gaps_title", "zh") in texts(at)  # the dashboard, drawn whole
        assert at.radio(key="lang").value == "zh"  # the sidebar too
    else:
        assert at.tabs[0].label == "Items"

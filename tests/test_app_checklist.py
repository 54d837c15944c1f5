"""The checklist: entries save as they are made, conflicts are caught, bad input is refused."""

import pytest
from app_helpers import app, fresh_app, new_audit, on_tab, texts
from store_helpers import sign_off

from scoring import Status
from texts import t


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


def key(audit, item_id, field):
    return f"item.{audit.id}.{item_id}.{field}"


def test_without_an_open_audit_the_page_points_to_the_audit_list(store):
    at = app("checklist")
    assert not at.exception
    assert "尚未打开任何审核" in texts(at)


def test_choosing_a_status_saves_it_and_updates_the_score(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    assert not at.exception
    at.radio(key=key(audit, "1.1.1", "status")).set_value("conforming").run()
    assert not at.exception
    saved = store.item(audit.id, "1.1.1")
    assert saved.status is Status.CONFORMING and saved.updated_by == "测试员"
    assert next(m for m in at.metric if m.label == "得分").value == "2.00"
    assert "已自动保存" in texts(at)


def test_a_save_checks_the_session_once_and_the_run_after_it_once(store, monkeypatch):
    """Every check is two reads (the session, the account with its grants). The save callback
    checked it for the save and again for the score the save moved (and a third time in the
    run after it): one check serves the whole save, one the run."""
    from store.sessions import SignInSessions

    audit = new_audit(store)
    at = app("checklist", audit.id)
    checks = []
    real = SignInSessions.check
    monkeypatch.setattr(
        SignInSessions, "check", lambda self, *a, **k: checks.append(1) or real(self, *a, **k)
    )
    at.radio(key=key(audit, "1.1.1", "status")).set_value("conforming").run()
    assert store.item(audit.id, "1.1.1").status is Status.CONFORMING
    assert len(checks) == 2  # the callback's, then the page's run


def test_the_checklist_works_out_no_plan_and_the_dashboard_does(store, monkeypatch):
    """The cheapest path to the next tier costs as much again as the score, and only the
    dashboard shows it: a save and the checklist's runs compute the score alone."""
    from store import audits as store_audits

    audit = new_audit(store)
    plans = []
    real = store_audits.plan_next_tier
    monkeypatch.setattr(
        store_audits, "plan_next_tier", lambda *a, **k: plans.append(1) or real(*a, **k)
    )
    at = app("checklist", audit.id)  # by way of the audit list, whose rows show no plan
    at.radio(key=key(audit, "1.1.1", "status")).set_value("conforming").run()
    assert not at.exception and store.item(audit.id, "1.1.1").status is Status.CONFORMING
    assert plans == []
    at.switch_page("ui/pages/dashboard.py").run()
    assert not at.exception and plans == [1]


def test_findings_and_rectification_are_saved_as_typed(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.radio(key=key(audit, "1.1.1", "status")).set_value("not_conforming").run()
    at.text_area(key=key(audit, "1.1.1", "finding")).input("未设立售后服务部门").run()
    at.text_input(key=key(audit, "1.1.1", "action")).input("成立售后服务部").run()
    at.text_input(key=key(audit, "1.1.1", "owner")).input("张总").run()
    assert not at.exception
    saved = store.item(audit.id, "1.1.1")
    assert saved.finding == "未设立售后服务部门"
    assert (saved.rectification.action, saved.rectification.owner) == ("成立售后服务部", "张总")


def test_sampled_waits_for_the_counts_then_saves_them(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.radio(key="checklist.indicator").set_value("1.2").run()
    at.radio(key=key(audit, "1.2.1", "status")).set_value("sampled").run()
    assert "请填写抽查样本数" in texts(at)
    assert store.item(audit.id, "1.2.1").status is Status.NOT_ASSESSED
    at.number_input(key=key(audit, "1.2.1", "checked")).set_value(10)
    at.number_input(key=key(audit, "1.2.1", "conforming")).set_value(8)
    at.button(key=key(audit, "1.2.1", "save_samples")).click().run()
    saved = store.item(audit.id, "1.2.1")
    assert (saved.status, saved.samples_checked, saved.samples_conforming) == (
        Status.SAMPLED,
        10,
        8,
    )


def test_impossible_sample_counts_are_refused_with_the_reason(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.radio(key="checklist.indicator").set_value("1.2").run()
    at.radio(key=key(audit, "1.2.1", "status")).set_value("sampled").run()
    at.number_input(key=key(audit, "1.2.1", "checked")).set_value(5)
    at.number_input(key=key(audit, "1.2.1", "conforming")).set_value(7)
    at.button(key=key(audit, "1.2.1", "save_samples")).click().run()
    # in the page's language alone ("conforming samples (7) exceed…" was English only)
    refusal = t("audit.conforming_exceeds_checked", "zh", conforming=7, checked=5)
    assert f"评价项 1.2.1：{refusal}" in texts(at)
    assert "exceed samples checked" not in texts(at)
    assert store.item(audit.id, "1.2.1").status is Status.NOT_ASSESSED


def test_a_change_saved_elsewhere_is_not_overwritten(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)  # this tab loads item 1.1.1 at version 0
    store.save_item(
        audit.id, "1.1.1", expected_version=0, actor="另一位同事", status=Status.NOT_CONFORMING
    )
    at.radio(key=key(audit, "1.1.1", "status")).set_value("conforming").run()
    assert t("conflict.by", "zh", by="另一位同事") in texts(at)
    assert "your change was not saved" not in texts(at)  # one language per sentence
    assert store.item(audit.id, "1.1.1").status is Status.NOT_CONFORMING
    at.button(key=f"reload.{audit.id}.1.1.1").click().run()
    assert at.radio(key=key(audit, "1.1.1", "status")).value == "not_conforming"


def test_an_exclusion_asks_for_its_justification(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.radio(key="checklist.indicator").set_value("2.3").run()
    at.radio(key=key(audit, "2.3.1", "status")).set_value("not_applicable").run()
    assert "删减须写明理由" in texts(at)
    at.text_input(key=key(audit, "2.3.1", "justification")).input("不提供配送服务").run()
    assert store.item(audit.id, "2.3.1").justification == "不提供配送服务"


def test_a_frozen_round_is_read_only(store):
    audit = new_audit(store)
    sign_off(store, audit.id)
    store.close_round(audit.id, expected_version=store.audit(audit.id).version, actor="测试员")
    at = app("checklist", audit.id)
    assert "只能查看" in texts(at)
    assert at.radio(key=key(audit, "1.1.1", "status")).disabled


def add_deduction_form(at, audit):
    form = f"add_deduction.{audit.id}"
    return (
        next(t for t in at.text_input if t.key == f"{form}.reason"),
        at.selectbox(key=f"{form}.category"),
        at.selectbox(key=f"{form}.item"),
    )


def test_special_deductions_are_entered_with_their_reason(store):
    audit = new_audit(store)
    at = on_tab(app("checklist", audit.id), "特别扣分与加分")
    reason, category, _ = add_deduction_form(at, audit)
    reason.input("三包期内拒绝更换")
    category.set_value("own_rules")
    next(b for b in at.button if b.label == "添加").click().run()
    assert not at.exception
    (deduction,) = store.deductions(audit.id)
    assert (deduction.reason, deduction.category) == ("三包期内拒绝更换", "own_rules")
    assert "该扣分项尚无整改措施" in texts(at)


def test_a_deduction_category_is_chosen_not_defaulted(store):
    """The category defaulted to 违反国家法律法规: a deduction added without a thought for it
    was filed as a breach of the law."""
    audit = new_audit(store)
    at = on_tab(app("checklist", audit.id), "特别扣分与加分")
    reason, category, _ = add_deduction_form(at, audit)
    assert category.value is None
    reason.input("三包期内拒绝更换")
    next(b for b in at.button if b.label == "添加").click().run()
    assert store.deductions(audit.id) == []
    assert t("audit.deduction_no_category", "zh") in texts(at)
    assert add_deduction_form(at, audit)[0].value == "三包期内拒绝更换"  # kept as typed


def test_a_deductions_related_item_is_picked_by_number_and_title(store):
    """The related item was a bare id in a list of every id."""
    audit = new_audit(store)
    catalogue = store.catalogue(audit.catalogue_hash)
    at = on_tab(app("checklist", audit.id), "特别扣分与加分")
    reason, category, item = add_deduction_form(at, audit)
    title = catalogue.item("2.1.1").title.zh
    assert item.value is None
    assert f"2.1.1 {title}" in item.options
    reason.input("未公示三包政策")
    category.set_value("law")
    item.set_value("2.1.1")
    next(b for b in at.button if b.label == "添加").click().run()
    (deduction,) = store.deductions(audit.id)
    assert deduction.item_id == "2.1.1"
    assert title in texts(at)  # the deduction names its item by title too
    reason, category, item = add_deduction_form(at, audit)
    assert (reason.value, category.value, item.value) == ("", None, None)


def test_an_empty_deduction_reason_is_refused(store):
    audit = new_audit(store)
    at = on_tab(app("checklist", audit.id), "特别扣分与加分")
    add_deduction_form(at, audit)[1].set_value("law")
    next(b for b in at.button if b.label == "添加").click().run()
    assert t("audit.deduction_no_reason", "zh") in texts(at)
    assert "needs its reason" not in texts(at)
    assert store.deductions(audit.id) == []


def test_prerequisites_are_recorded(store):
    audit = new_audit(store)
    at = on_tab(app("checklist", audit.id), "申请条件")
    at.radio(key=f"prereq.{audit.id}.legal_entity").set_value(True)
    at.radio(key=f"prereq.{audit.id}.system_running_3_months").set_value(False)
    next(
        b for b in at.button if b.label == "保存" and b.form_id.startswith("prerequisites")
    ).click().run()
    assert store.audit(audit.id).prerequisites["system_running_3_months"] is False


def test_the_change_log_tab_shows_who_changed_what(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.radio(key=key(audit, "1.1.1", "status")).set_value("conforming").run()
    log = on_tab(at, "修改记录").dataframe[0].value
    row = log[log["对象"] == "项目 1.1.1"].iloc[0]
    assert (row["修改人"], row["字段"], row["原值"], row["新值"]) == (
        "测试员",
        "评价结果",
        "未评",
        "符合",
    )


def test_the_change_log_reads_in_english_too(store):
    audit = new_audit(store)
    store.save_item(audit.id, "1.3.2", expected_version=0, actor="QM", status=Status.NOT_CONFORMING)
    at = app("checklist", audit.id, lang="en")
    log = on_tab(at, "Change log").dataframe[0].value
    row = log.iloc[0]
    assert (row["What"], row["Field"], row["New"]) == ("Item 1.3.2", "Status", "Not conforming")


def test_the_no_evidence_filter_lists_unscored_items_and_knows_their_evidence(store):
    import io

    from weasyprint import HTML

    audit = new_audit(store)
    document, _ = store.add_evidence(
        audit.organisation_id,
        "制度.pdf",
        io.BytesIO(HTML(string="<p>制度</p>").write_pdf()),
        title="售后服务管理制度",
        kind="record",
        actor="测试员",
    )
    store.link_evidence(audit.id, "1.1.2", document.id, actor="测试员")  # linked, never scored
    at = app("checklist", audit.id)
    at.radio(key="checklist.filter").set_value("no_evidence").run()
    assert not at.exception
    assert "出现了意外错误" not in texts(at)
    cards = {
        str(r.key).removeprefix(f"item.{audit.id}.").removesuffix(".status")
        for r in at.radio
        if str(r.key).endswith(".status")
    }
    assert "1.1.1" in cards and "1.1.2" not in cards


def test_the_chinese_page_shows_no_english_source_note(store):
    """The bundled catalogue's source notes are English ("Provisional item; share of…"): the
    Chinese page gives the confidence level and its explanation only."""
    audit = new_audit(store)
    shown = {}
    for lang in ("zh", "en"):
        at = app("checklist", audit.id, lang=lang)
        at.session_state[key(audit, "1.1.1", "open")] = True  # the card's details
        shown[lang] = texts(at.run())
    assert "可信度" in shown["zh"] and "Item paraphrases clause" not in shown["zh"]
    assert "Item paraphrases clause 5.1.1." in shown["en"]


def test_the_change_log_names_categories_prerequisites_reviews_and_fields_by_their_labels():
    """Codes showed inside Chinese rows: "[law] …", "legal_entity=True, …", "signed_off 91.47",
    "editor", planned_certification_on."""
    from criteria import DEFAULT_CATALOGUE, load_catalogue
    from ui.change_log import field_label, value_label

    catalogue = load_catalogue(DEFAULT_CATALOGUE)
    law = next(c for c in catalogue.spec.special_items.deduction_categories if c.id == "law")
    rows = {
        ("created", "[law] 三包期内未更换"): f"[{law.title.zh}] 三包期内未更换",
        ("review", "signed_off 91.47"): "已签核 91.47",
        ("review", "withdrawn: changed after sign-off"): "签核已撤销（签核后有修改）",
        ("role", "editor"): "编辑",
    }
    for (field, value), shown in rows.items():
        assert value_label(field, value, "zh", catalogue) == shown
    prerequisites = ", ".join(f"{p.id}=True" for p in catalogue.spec.prerequisites)
    shown = value_label("prerequisites", prerequisites, "zh", catalogue)
    assert "=" not in shown and "True" not in shown and "：是" in shown
    assert field_label("planned_certification_on", "zh") == "计划认证日期"


def test_a_save_that_changes_the_tier_says_so_from_and_to(store):
    """All conforming but 1.1.1 (2), 1.2.2 (3) and 1.3.3 (1): 94.00, 四星级. Marking 1.1.1
    conforming makes 96.00: the checklist says the tier went from 四星级 to 五星级, once."""
    audit = new_audit(store)
    for item in store.catalogue(audit.catalogue_hash).items:
        failing = item.id in ("1.1.1", "1.2.2", "1.3.3")
        status = Status.NOT_CONFORMING if failing else Status.CONFORMING
        store.save_item(audit.id, item.id, expected_version=0, actor="qm", status=status)
    at = app("checklist", audit.id)
    assert not at.exception
    at.radio(key=key(audit, "1.1.1", "status")).set_value("conforming").run()
    assert not at.exception
    changed = t("verdict.tier_changed", "zh", before="四星级", after="五星级")
    assert changed in [e.value for e in at.info]
    at.run()  # said once: the next run no longer shows it
    assert changed not in [e.value for e in at.info]


def test_a_save_that_keeps_the_tier_says_nothing_of_tiers(store):
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.radio(key=key(audit, "1.1.1", "status")).set_value("conforming").run()
    assert not any("→" in e.value for e in at.info)


def test_a_closed_card_keeps_only_its_status_in_the_session(store):
    """Streamlit copies the whole session state for every keyed widget it draws: a closed card
    puts its status alone there (its other ten fields were 572 keys over 52 cards, 5.5 ms a
    card); its details' fields come when it is opened, from the entry it was loaded with."""
    audit = new_audit(store)
    at = app("checklist", audit.id)
    at.radio(key="checklist.filter").set_value("open").run()
    statuses = [str(r.key) for r in at.radio if str(r.key).endswith(".status")]
    assert len(statuses) == 52
    item_keys = [k for k in at.session_state._state.filtered_state if k.startswith("item.")]
    fields = {k.rsplit(".", 1)[1] for k in item_keys}
    assert fields == {"status", "open"}, fields
    # the first card's details opened: their fields are drawn, and save as typed
    at.session_state[key(audit, "1.1.1", "open")] = True
    at.run()
    assert at.text_area(key=key(audit, "1.1.1", "finding")).value == ""
    at.text_area(key=key(audit, "1.1.1", "finding")).input("记录缺失").run()
    assert store.item(audit.id, "1.1.1").finding == "记录缺失"

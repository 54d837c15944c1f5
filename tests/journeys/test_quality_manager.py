"""A quality manager scores the whole catalogue in one sitting, by indicator, in order —
with findings, samples, an exclusion, a deduction and evidence — reloads, and exports the
dossier. The view never leaves the indicator being worked on."""

from __future__ import annotations

from app_ui import AuditApp
from playwright.sync_api import expect

from criteria.loader import default_catalogue

NOT_CONFORMING, SAMPLED, EXCLUDED = "1.3.1", "1.3.2", "2.3.1"
PASSWORD = "王敏的售后密码 2026"


def test_quality_manager_scores_everything_and_exports_the_dossier(chromium, server, evidence_pdf):
    app = AuditApp(chromium.new_page(viewport={"width": 1440, "height": 900}), server.url, "qm")
    app.open()
    app.create_first_administrator("wangmin", "王敏", PASSWORD)
    app.create_organisation("华东家电服务有限公司", "91110000600037341L")
    app.see("已保存组织「华东家电服务有限公司」")
    app.create_audit()
    app.snap("checklist", widths=(1440, 390))
    assert app.tab_presses_to_next_status("1.1.1", "1.1.2") <= 2  # a quick keyboard path

    catalogue = default_catalogue()
    for second in catalogue.second_levels:
        app.indicator(second.id, last_item=second.items[-1].id)
        for item in second.items:
            if item.id == NOT_CONFORMING:
                app.score(item.id, "不符合")
                app.type_into(item.id, "评价发现 / 不符合事实", "售后服务部职责未形成文件")
                app.type_into(item.id, "措施", "编制部门职责说明书")
            elif item.id == SAMPLED:
                app.score(item.id, "抽样")
                card = app.card(item.id)
                card.get_by_label("抽查样本数").fill("10")
                card.get_by_label("符合样本数").fill("8")
                app.click("保存抽样结果", within=card)
            elif item.id == EXCLUDED:
                app.score(item.id, "不适用（删减）")
                app.card(item.id).get_by_label("删减理由").fill("本企业不提供配送服务")
                app.card(item.id).get_by_label("删减理由").press("Enter")
            else:
                app.score(item.id, "符合")
            app.saved(item.id)
            assert app.chosen_indicator() == second.id, f"the view left {second.id}"
        # the list of indicators follows the saves (a card's save reruns it with the figures)
        assert app.indicator_progress(second.id).startswith("✓"), second.id
    app.see("52 / 52")
    app.no_error()
    app.snap("all-scored")

    # evidence, attached from the item itself
    app.indicator("1.1")
    card = app.details("1.1.1")
    app.upload(card, evidence_pdf)
    app.see("已上传并关联「售后服务管理制度」")

    # a special deduction: the tab stays open after saving
    app.tab("特别扣分与加分")
    app.page.get_by_label("事实与理由").first.fill("三包期内拒绝为顾客更换商品")
    app.choose("类别", "违反国家法律法规")  # chosen, never defaulted
    app.click("添加")
    app.see("已添加特别扣分项")
    assert app.open_tab() == "特别扣分与加分"
    app.snap("deduction")

    # F5: still signed in (the session's cookie), the same audit on the same page
    app.reload()
    app.see("当前用户：王敏")
    app.see("52 / 52")
    expect(app.page).to_have_url(f"{server.url}checklist?audit=1")

    # in English every choice keeps its place and a status change saves; then back in Chinese
    # (the browser used to send a choice back under its old language's label: an error box)
    app.language("English")
    assert app.chosen("Filter") == "By indicator"
    card = app.card("1.1.2")
    card.get_by_role("radiogroup").get_by_text("Not conforming", exact=True).click()
    expect(card.get_by_text("Saved automatically")).to_be_visible(timeout=30_000)
    assert app.chosen("Filter") == "By indicator"
    expect(app.page.get_by_test_id("stException")).to_have_count(0)
    app.snap("english", widths=(1440, 390))
    app.language("中文")
    assert app.chosen("筛选") == "按指标浏览"
    app.score("1.1.2", "符合")
    app.see("52 / 52")
    app.no_error()

    app.go("申请资料")
    app.click("生成申请资料")
    app.see("已生成")
    with app.page.expect_download() as download:
        app.page.get_by_role("button", name="下载申请资料（PDF）").click()
    assert download.value.suggested_filename.endswith(".pdf")
    app.no_error()
    app.snap("dossier", widths=(1440, 390))

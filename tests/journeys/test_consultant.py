"""A consultant with three clients: three organisations in a row, an audit each, a round
submitted, signed off and closed, items changed in round 2, the rounds compared, the audit moved
to another machine."""

from __future__ import annotations

import re

from app_ui import AuditApp
from browser_app import Server, settle
from playwright.sync_api import expect

PASSWORD = "顾问的密码 consultant"
CLIENTS = ("华东家电服务有限公司", "江南电器销售有限公司", "北方家居连锁有限公司")


def open_from_portfolio(app: AuditApp, query: str, name: str) -> None:
    """Search the portfolio, click the one row found: its audit opens on the dashboard."""
    app.go("客户总览")
    app.page.get_by_label("搜索组织名称或统一社会信用代码").fill(query)
    app.page.keyboard.press("Enter")
    settle(app.page)
    app.see(f"显示 1 / {len(CLIENTS)} 个组织")
    box = app.page.get_by_test_id("stDataFrame").bounding_box()
    assert box is not None
    app.page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's selector
    settle(app.page)
    expect(app.page).to_have_url(re.compile(r"/dashboard\?audit=\d+$"))
    app.see(name)
    app.no_error()


def test_consultant_works_for_three_clients(chromium, server, tmp_path):
    app = AuditApp(
        chromium.new_page(viewport={"width": 1440, "height": 900}), server.url, "consultant"
    )
    app.open()
    app.create_first_administrator("consultant", "李顾问", PASSWORD)
    for name in CLIENTS:
        app.create_organisation(name)
        app.see(f"已保存组织「{name}」")
        app.no_error()
        # the new client is the one shown, and the form is empty for the next
        app.see(name, exact=True)
        app.create_audit()
        app.score("1.1.1", "符合")
        app.saved("1.1.1")
        app.go("审核列表")
    app.snap("three-clients", widths=(1440, 390))

    # the portfolio: search for the second client and open it by its row; then the third again
    open_from_portfolio(app, "江南", CLIENTS[1])
    open_from_portfolio(app, "北方", CLIENTS[2])
    app.go("审核列表")

    app.click("签核与结束本轮")  # reviewed and signed off before it can close
    app.see("只有签核后的轮次才能结束")
    app.click("提交审核")
    app.see("已提交审核。")
    app.click("签核")
    app.see("已签核。")
    app.see("李顾问 于")  # who signed off, when, the score and the catalogue
    app.snap("signed-off", widths=(1440, 390))
    app.confirm("结束本轮")
    app.see("第 1 轮已冻结")
    app.go("检查表")  # the new round is the open audit
    app.see("第 2 轮")
    app.score("1.1.1", "不符合")
    app.score("1.1.2", "符合")
    app.saved("1.1.2")

    app.go("轮次与签核")
    app.see("有变化的项目 (2)")  # 1.1.1 and 1.1.2, in a table
    app.no_error()
    app.snap("rounds")

    app.go("审核列表")
    rows = app.page.get_by_text("导出存档")
    rows.last.click()
    app.click("生成存档")
    with app.page.expect_download() as download:
        app.page.get_by_role("button", name="下载存档").click()
    archive = tmp_path / "audit.zip"
    download.value.save_as(archive)

    other = Server(tmp_path / "other-machine")
    other.start()
    try:
        there = AuditApp(app.page, other.url, "consultant-import")
        there.open()
        there.create_first_administrator("consultant", "李顾问", PASSWORD)
        there.page.get_by_text("导入存档").click()
        there.upload(there.page.get_by_test_id("stFileUploader").last, archive)
        there.click("导入")
        there.see("已导入")
        there.see(CLIENTS[-1])
        there.no_error()
        there.snap("imported")
    finally:
        other.stop()

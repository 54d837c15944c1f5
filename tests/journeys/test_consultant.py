"""A consultant with three clients: three organisations in a row, an audit each, a round
submitted, refused the consultant's own sign-off (four eyes), signed off by a reviewer who
opens the link the consultant sends, closed, items changed in round 2, the rounds compared,
the audit moved to another machine."""

from __future__ import annotations

import re

from app_ui import AuditApp
from browser_app import Server, settle
from playwright.sync_api import expect

from store import open_store
from store.accounts import Accounts

PASSWORD = "顾问的密码 consultant"
REVIEWER_PASSWORD = "审核人的密码 reviewer"
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


def add_reviewer(server: Server, monkeypatch, audit_id: int) -> None:
    """The consultancy's colleague, added by the administrator's tool as the client's reviewer."""
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(server.data_dir))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    accounts = Accounts(store)
    accounts.add_user("sun", "审核人孙", password=REVIEWER_PASSWORD, actor="李顾问")
    accounts.grant("sun", store.audit(audit_id).organisation_id, "reviewer", actor="李顾问")
    store.engine.dispose()


def test_consultant_works_for_three_clients(chromium, server, tmp_path, monkeypatch):
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
    app.click("签核")  # four eyes: who submitted may not sign off too
    app.see("李顾问 提交了此轮次，不能自己签核")
    app.no_error()
    app.snap("four-eyes-refused", widths=(1440, 390))

    # a colleague reviews it: the consultant sends the page's address; the reviewer signs in
    # on it and lands on the same round
    link = app.page.url
    audit_id = int(re.search(r"audit=(\d+)", link).group(1))
    add_reviewer(server, monkeypatch, audit_id)
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    reviewer = AuditApp(context.new_page(), server.url, "consultant-reviewer")
    reviewer.page.goto(link)
    reviewer.sign_in("sun", REVIEWER_PASSWORD)
    reviewer.see(CLIENTS[2])
    reviewer.click("签核")
    reviewer.see("已签核。")
    reviewer.see("审核人孙 于")  # who signed off, when, the score and the catalogue
    reviewer.no_error()
    context.close()

    app.reload()
    app.see("审核人孙 于")
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
        panel = there.page.get_by_test_id("stExpander").filter(has_text="导入存档")
        there.upload(panel.get_by_test_id("stFileUploader"), archive)
        there.click("导入")
        there.see("已导入")
        there.see(CLIENTS[-1])
        there.no_error()
        there.snap("imported")
    finally:
        other.stop()

"""Four eyes in a company without a consultant, three browsers: its quality manager starts the
audit herself (her role, quality_manager), scores and submits it; the administrator changes an
item afterwards and is refused the sign-off (he made the last change); the reviewer opens the
link, signs in on it and signs off; the quality manager sees who signed and closes the round."""

from __future__ import annotations

import re

from app_ui import AuditApp
from browser_app import Server

from store import open_store
from store.accounts import Accounts

ADMIN_PASSWORD = "管理员的密码 admin 2026"
QM_PASSWORD = "质量经理的密码 qm 2026"
REVIEWER_PASSWORD = "审核人的密码 reviewer 2026"
COMPANY = "华东家电服务有限公司"


def add_people(server: Server, monkeypatch) -> None:
    """The company's quality manager and reviewer, added with the administrator's tool."""
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(server.data_dir))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    accounts = Accounts(store)
    [company] = store.organisations()
    accounts.add_user("sun", "质量经理孙", password=QM_PASSWORD, actor="管理员周")
    accounts.grant("sun", company.id, "quality_manager", actor="管理员周")
    accounts.add_user("li", "审核人李", password=REVIEWER_PASSWORD, actor="管理员周")
    accounts.grant("li", company.id, "reviewer", actor="管理员周")
    store.engine.dispose()


def browser(chromium, server: Server, name: str, path: str, login: str, password: str):
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    app = AuditApp(context.new_page(), server.url, name)
    app.page.goto(path)
    app.sign_in(login, password)
    return context, app


def test_the_one_who_changed_last_cannot_sign_off_and_a_reviewer_can(chromium, server, monkeypatch):
    admin = AuditApp(
        chromium.new_page(viewport={"width": 1440, "height": 900}), server.url, "four-eyes"
    )
    admin.open()
    admin.create_first_administrator("zhou", "管理员周", ADMIN_PASSWORD)
    admin.create_organisation(COMPANY)
    admin.see(f"已保存组织「{COMPANY}」")
    add_people(server, monkeypatch)

    # the quality manager starts the company's audit herself, scores and submits it
    qm_context, qm = browser(chromium, server, "four-eyes-qm", server.url, "sun", QM_PASSWORD)
    qm.see("当前用户：质量经理孙")
    qm.create_audit()
    qm.score("1.1.1", "符合")
    qm.saved("1.1.1")
    qm.go("审核列表")
    qm.click("签核与结束本轮")
    qm.click("提交审核")
    qm.see("已提交审核。")
    qm.no_error()
    link = qm.page.url  # the rounds page of the audit, to send to the reviewer
    audit_id = int(re.search(r"/rounds\?audit=(\d+)$", link).group(1))

    # the administrator changes an item after the submission: the last change is his
    admin.page.goto(f"{server.url}checklist?audit={audit_id}")
    admin.see(COMPANY)
    admin.score("1.1.2", "符合")
    admin.saved("1.1.2")
    admin.page.goto(link)
    admin.click("签核")
    admin.see("管理员周 做了此轮次的最后一次修改，不能自己签核")
    admin.no_error()
    admin.snap("refused", widths=(1440, 390))

    # the reviewer opens the link, signs in on it, lands on the round and signs it off
    reviewer_context, reviewer = browser(
        chromium, server, "four-eyes-reviewer", link, "li", REVIEWER_PASSWORD
    )
    reviewer.see(COMPANY)
    reviewer.click("签核")
    reviewer.see("已签核。")
    reviewer.see("审核人李 于")
    reviewer.no_error()
    reviewer_context.close()

    # the quality manager sees who signed off and closes the round (her role may)
    qm.reload()
    qm.see("审核人李 于")
    qm.confirm("结束本轮")
    qm.see("第 1 轮已冻结")
    qm.no_error()
    qm_context.close()

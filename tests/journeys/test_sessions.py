"""A sign-in that lasts like a web application's, in Chromium: a link opened before signing in
is where signing in lands; F5 and a new tab keep the person signed in on that page and audit;
the cookie is HttpOnly; a new password set from the command line ends an open session at its
next load; signing out and reloading shows the sign-in page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date

from app_ui import AuditApp
from browser_app import ROOT, settle
from playwright.sync_api import expect

from domain.records import OrganisationProfile
from store import open_store
from store.accounts import Accounts

PASSWORD = "correct horse battery"
TITLE = "2026 年度自评"


def seed(data_dir, monkeypatch) -> int:
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(data_dir))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    accounts = Accounts(store)
    accounts.add_user("admin", "管理员", password=PASSWORD, administrator=True, actor="setup")
    organisation = store.create_organisation(
        OrganisationProfile(name="华东家电服务有限公司"), "王敏"
    )
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=store.catalogues()[0].content_hash,
        title=TITLE,
        audit_date=date(2026, 11, 1),
        assessor="王敏",
        actor="王敏",
    )
    accounts.add_user("wangmin", "王敏", password=PASSWORD, actor="admin")
    accounts.grant("wangmin", organisation.id, "editor", actor="admin")
    return audit.id


def signed_in(app: AuditApp) -> None:
    app.see("当前用户：王敏")
    app.see(TITLE)
    app.no_error()


def on_sign_in_page(app: AuditApp) -> None:
    expect(app.page).to_have_url(re.compile(re.escape(f"{app.url}account/sign-in") + ".*"))
    expect(app.page.get_by_label("登录名")).to_be_visible()


def test_a_link_f5_and_a_new_tab_stay_signed_in_until_the_server_ends_the_session(
    chromium, server, monkeypatch
):
    server.stop()
    audit_id = seed(server.data_dir, monkeypatch)
    server.start()
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    app = AuditApp(context.new_page(), server.url, "sessions")

    # a fresh browser on a link is asked to sign in, then lands on that link
    app.open(f"checklist?audit={audit_id}")
    app.sign_in("wangmin", PASSWORD)
    expect(app.page).to_have_url(f"{server.url}checklist?audit={audit_id}")
    signed_in(app)
    cookie = {c["name"]: c for c in context.cookies()}["gbt_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert app.page.evaluate("document.cookie").find("gbt_session") == -1  # no script reads it

    # F5
    app.reload()
    expect(app.page).to_have_url(f"{server.url}checklist?audit={audit_id}")
    signed_in(app)

    # a new tab on another page of the same audit
    tab = AuditApp(context.new_page(), server.url, "sessions-tab")
    tab.open(f"dashboard?audit={audit_id}")
    expect(tab.page).to_have_url(f"{server.url}dashboard?audit={audit_id}")
    signed_in(tab)
    app.snap("signed-in-after-f5")

    # a new password from the command line ends the open session at its next load
    subprocess.run(
        [sys.executable, "-m", "cli", "user", "passwd", "wangmin", "--password-stdin"],
        input="a new password 42\n",
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "GBT_AUDIT_DATA_DIR": str(server.data_dir)},
        capture_output=True,
    )
    tab.page.reload()
    on_sign_in_page(tab)
    app.page.get_by_role("link", name="仪表盘").first.click()  # a click in the open tab
    app.see("重新登录")
    settle(app.page)

    # signing in again from the ended tab's own link, signing out, reloading: the sign-in page
    app.page.get_by_role("link", name="重新登录").click()
    on_sign_in_page(app)
    app.sign_in("wangmin", "a new password 42")
    expect(app.page).to_have_url(re.compile(re.escape(f"{server.url}dashboard")))
    app.see("当前用户：王敏")
    app.page.get_by_test_id("gbtSignOut").click()
    app.page.wait_for_url("**/account/sign-in**")
    app.see("您已退出登录。")
    app.page.reload()
    on_sign_in_page(app)
    app.page.goto(f"{server.url}checklist?audit={audit_id}")
    on_sign_in_page(app)
    app.snap("signed-out")
    context.close()


def test_another_browsers_guesses_do_not_keep_the_owner_out(chromium, server, monkeypatch):
    server.stop()
    seed(server.data_dir, monkeypatch)
    server.start()
    owner_browser = chromium.new_context()
    owner = AuditApp(owner_browser.new_page(), server.url, "lockout-owner")
    owner.open()
    owner.sign_in("wangmin", PASSWORD)
    owner.page.get_by_test_id("gbtSignOut").click()
    owner.page.wait_for_url("**/account/sign-in**")

    guesser_browser = chromium.new_context()  # same address (127.0.0.1), another browser
    guesser = guesser_browser.new_page()
    guesser.goto(f"{server.url}account/sign-in")
    for n in range(8):
        form = guesser.locator("form")
        form.get_by_label("登录名").fill("wangmin")
        form.get_by_label("密码", exact=True).fill(f"guess number {n}")
        form.get_by_role("button", name="登录", exact=True).click()
        guesser.wait_for_load_state()
    expect(guesser.get_by_text("尝试次数过多")).to_be_visible()

    owner.sign_in("wangmin", PASSWORD)  # at once: the owner's browser is counted on its own
    owner.see("当前用户：王敏")
    owner.no_error()
    owner_browser.close()
    guesser_browser.close()

"""Back and Forward in Chromium: one press per page change, each page with its audit.

Issue 25 saw Back needing two presses to leave a page chosen in the menu (on main at 96016ca).
On Streamlit 1.67 with today's app this journey passes without any change (checked by running
it before anything was added for it): the menu keeps ?audit=N on the new address and no second
entry is made. It stays as the guard that keeps it so. On the way, the evidence page's batch
upload is photographed at both widths: a row and an item choice per file, a line per file."""

from __future__ import annotations

from app_ui import LONG, AuditApp
from playwright.sync_api import expect
from test_unsaved_typing import PASSWORD, seed


def test_back_and_forward_take_one_press_per_page(chromium, server, monkeypatch, evidence_pdf):
    server.stop()
    audit_id = seed(server.data_dir, monkeypatch)
    server.start()
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    app = AuditApp(context.new_page(), server.url, "history")
    app.open(f"checklist?audit={audit_id}")
    app.sign_in("wangmin", PASSWORD)
    app.see("已评项目")

    def on(page: str) -> None:
        expect(app.page).to_have_url(f"{server.url}{page}?audit={audit_id}", timeout=LONG)
        app.no_error()

    app.go("仪表盘")
    on("dashboard")
    app.go("整改台账")
    on("actions")
    app.page.go_back()
    on("dashboard")
    app.see("升级到")
    app.page.go_back()
    on("checklist")
    app.see("已评项目")
    app.page.go_forward()
    on("dashboard")

    # the batch upload: each file its own row and items, then its own line
    app.go("证据库")
    on("evidence")
    uploader = app.page.get_by_test_id("stFileUploader").first
    other = evidence_pdf.with_name("回访记录202603.pdf")
    other.write_bytes(evidence_pdf.read_bytes() + b"%2\n")
    uploader.locator("input[type=file]").set_input_files([str(evidence_pdf), str(other)])
    app.see("回访记录202603.pdf：支持的评价项目")
    app.snap("batch-rows", widths=(1440, 390))
    choice = app.page.get_by_test_id("stMultiSelect").filter(
        has_text="售后服务管理制度.pdf：支持的评价项目"
    )
    choice.locator("input").click()
    app.page.keyboard.type("1.1.1")
    app.page.get_by_role("option").first.click()
    app.page.keyboard.press("Escape")
    app.click("上传")
    app.see("售后服务管理制度.pdf：已保存为「售后服务管理制度」，已关联评价项 1.1.1")
    app.see("回访记录202603.pdf：已保存为「回访记录202603」")
    app.snap("batch-stored", widths=(1440, 390))
    context.close()

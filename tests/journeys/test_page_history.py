"""Back and Forward in Chromium: one press per page change, each page with its audit.

Issue 25 saw Back needing two presses to leave a page chosen in the menu (on main at 96016ca).
The cause (Streamlit 1.67): a menu press pushes the new page's address without its query, the
page's run puts ``?audit=N`` back, and Streamlit pushes that as a second history entry whenever
its message comes before the menu's own push is drawn, about half the time. ui/history.py
completes the menu's push with the open audit, so each page change is one entry: counted here
with ``history.length`` after every menu press (a second entry fails at once, not by the chance
of a Back landing on it), then walked with Back and Forward. The batch upload of the evidence
page, photographed at both widths (a row and an item choice per file, a line per file), has its
own journey."""

from __future__ import annotations

from app_ui import LONG, AuditApp
from playwright.sync_api import BrowserContext, expect
from test_unsaved_typing import PASSWORD, seed


def signed_in(chromium, server, monkeypatch) -> tuple[BrowserContext, AuditApp, int]:
    server.stop()
    audit_id = seed(server.data_dir, monkeypatch)
    server.start()
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    app = AuditApp(context.new_page(), server.url, "history")
    app.open(f"checklist?audit={audit_id}")
    app.sign_in("wangmin", PASSWORD)
    app.see("已评项目")
    return context, app, audit_id


def test_back_and_forward_take_one_press_per_page(chromium, server, monkeypatch):
    context, app, audit_id = signed_in(chromium, server, monkeypatch)

    def on(page: str) -> None:
        expect(app.page).to_have_url(f"{server.url}{page}?audit={audit_id}", timeout=LONG)
        app.no_error()

    def entries() -> int:
        return app.page.evaluate("window.history.length")

    first = entries()
    for n, (label, page) in enumerate(
        [("证据库", "evidence"), ("检查表", "checklist"), ("仪表盘", "dashboard")], start=1
    ):
        app.go(label)
        on(page)
        app.page.wait_for_timeout(500)  # a late second push would come now
        assert entries() == first + n, f"{page}: {entries() - first - n + 1} entries"
    app.go("整改台账")
    on("actions")
    app.page.wait_for_timeout(500)
    assert entries() == first + 4
    app.page.go_back()
    on("dashboard")
    app.see("升级到")
    app.page.go_back()
    on("checklist")
    app.see("已评项目")
    app.page.go_forward()
    on("dashboard")
    context.close()


def test_a_batch_upload_gives_each_file_its_items_and_its_line(
    chromium, server, monkeypatch, evidence_pdf
):
    context, app, audit_id = signed_in(chromium, server, monkeypatch)
    app.go("证据库")
    expect(app.page).to_have_url(f"{server.url}evidence?audit={audit_id}", timeout=LONG)
    app.no_error()
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

"""Text typed but not saved is not lost without a word, in Chromium: choosing another page in
the menu asks, in the page's language, naming the field and saying how to keep the text;
reloading asks with the browser's own question; saved text lets the page go without asking.
On the way, the special deduction's pickers (category chosen, item found by a word of its
title) and the catalogue names are photographed at both widths."""

from __future__ import annotations

import re
from datetime import date

from app_ui import LONG, AuditApp
from browser_app import settle
from playwright.sync_api import expect

from domain.records import OrganisationProfile
from store import open_store
from store.accounts import Accounts
from texts import t

PASSWORD = "correct horse battery"


def seed(data_dir, monkeypatch) -> int:
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(data_dir))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    Accounts(store).add_user(
        "wangmin", "王敏", password=PASSWORD, administrator=True, actor="setup"
    )
    organisation = store.create_organisation(
        OrganisationProfile(name="华东家电服务有限公司"), "王敏"
    )
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=store.catalogues()[0].content_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 1),
        assessor="王敏",
        actor="王敏",
    )
    return audit.id


STREAMLIT_ENGLISH = ("Drag and drop", "per file", "Press Enter", "+Enter to", "Running...")


def no_streamlit_english(app: AuditApp) -> None:
    """None of Streamlit's own English words on the Chinese page."""
    shown = app.page.locator("body").inner_text()
    assert not [w for w in STREAMLIT_ENGLISH if w in shown], shown[:2000]


class Dialogs:
    """Every browser dialog, answered as told (dismissed unless accept is set)."""

    def __init__(self, page) -> None:
        self.seen: list[tuple[str, str]] = []
        self.accept = False
        page.on("dialog", self._answer)

    def _answer(self, dialog) -> None:
        self.seen.append((dialog.type, dialog.message))
        dialog.accept() if self.accept else dialog.dismiss()


def test_typed_text_not_saved_is_not_lost_without_a_word(chromium, server, monkeypatch):
    server.stop()
    audit_id = seed(server.data_dir, monkeypatch)
    server.start()
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    app = AuditApp(context.new_page(), server.url, "unsaved")
    dialogs = Dialogs(app.page)
    checklist = f"{server.url}checklist?audit={audit_id}"
    app.open(f"checklist?audit={audit_id}")
    app.sign_in("wangmin", PASSWORD)
    app.see("已评项目")

    # Streamlit's own words in Chinese: the item card's uploader
    details = app.card("1.1.1").locator("details").first
    expect(details).to_be_visible(timeout=LONG)
    if details.get_attribute("open") is None:
        details.locator("summary").click()
        settle(app.page)
    dropzone = app.card("1.1.1").get_by_test_id("stFileUploaderDropzone").first
    # (1.67 shows its icon, "Upload" and the limit here; seen in this journey's first run)
    expect(dropzone).to_contain_text("每个文件不超过 50MB", timeout=LONG)
    expect(dropzone.get_by_role("button", name="选择文件")).to_be_visible()
    expect(dropzone.get_by_role("button", name="上传文件")).to_have_count(1)  # its aria-label
    no_streamlit_english(app)
    app.snap("uploader-zh", widths=(1440, 390))
    app.tab("特别扣分与加分")

    # typed into the deduction form, not added: the menu asks, naming the field
    reason = app.keyed(f"add_deduction.{audit_id}.reason").locator("input")
    reason.click()
    reason.press_sequentially("三包期内拒绝更换")
    expect(app.page.get_by_test_id("InputInstructions").first).to_contain_text("按 Enter 提交表单")
    no_streamlit_english(app)
    app.page.get_by_role("link", name="仪表盘").click()
    app.page.wait_for_timeout(500)
    question = t("ui.unsaved_leave", "zh", fields="事实与理由")
    assert dialogs.seen == [("confirm", question)]
    expect(app.page).to_have_url(checklist)  # stayed, with the text
    expect(reason).to_have_value("三包期内拒绝更换")

    # a reload asks with the browser's own question, and staying keeps the text
    app.page.evaluate("() => { location.reload(); }")
    app.page.wait_for_timeout(1000)
    assert dialogs.seen[-1][0] == "beforeunload"
    expect(reason).to_have_value("三包期内拒绝更换")

    # the pickers: a category chosen, an item found by a word of its title
    category = app.keyed(f"add_deduction.{audit_id}.category")
    category.click()
    app.page.get_by_role("option", name="违反企业自身服务规定").click()
    item = app.keyed(f"add_deduction.{audit_id}.item")
    item.click()
    app.page.keyboard.type("三包")
    options = app.page.get_by_role("option")
    expect(options.first).to_be_visible(timeout=LONG)
    assert all("三包" in o for o in options.all_inner_texts())
    assert all(re.match(r"^\d+\.\d+\.\d+ ", o) for o in options.all_inner_texts())
    app.snap("deduction-item-search", widths=(1440, 390))
    options.first.click()
    app.snap("deduction-form-filled", widths=(1440, 390))

    # added: nothing waits, the menu changes the page without asking
    form = app.page.get_by_test_id("stForm").filter(has=reason)
    form.get_by_role("button", name="添加", exact=True).click()
    settle(app.page)
    app.see("已添加特别扣分项。")
    app.snap("deduction-added", widths=(1440, 390))
    asked = len(dialogs.seen)
    app.go("仪表盘")
    expect(app.page).to_have_url(re.compile(r".*/dashboard.*"))
    assert len(dialogs.seen) == asked
    app.snap("dashboard-names-catalogue", widths=(1440, 390))

    # in English, the question is English; leaving drops the text, as it said
    app.language("English")
    app.go("Checklist")
    details = app.card("1.1.1").locator("details").first
    expect(details).to_be_visible(timeout=LONG)
    if details.get_attribute("open") is None:
        details.locator("summary").click()
        settle(app.page)
    english = app.card("1.1.1").get_by_test_id("stFileUploaderDropzone").first
    expect(english).to_contain_text("50MB per file", timeout=LONG)  # Streamlit's own, in English
    expect(english.get_by_role("button", name="Upload", exact=True)).to_be_visible()
    expect(english).not_to_contain_text("每个文件")
    finding = app.card("1.1.1").get_by_label(t("ui.finding", "en"))
    expect(finding).to_be_editable(timeout=LONG)
    finding.click()
    finding.press_sequentially("No service department")
    dialogs.accept = True
    app.page.get_by_role("link", name="Dashboard").click()
    settle(app.page)
    assert dialogs.seen[-1] == (
        "confirm",
        t("ui.unsaved_leave", "en", fields=t("ui.finding", "en")),
    )
    expect(app.page).to_have_url(re.compile(r".*/dashboard.*"))
    app.no_error()
    context.close()

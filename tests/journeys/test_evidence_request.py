"""A consultant asks for a document an item lacks; the editor, on a phone, uploads it into the
item; the consultant opens the file (checked against its hash) and sees the request closed."""

from __future__ import annotations

from pathlib import Path

from app_ui import AuditApp
from first_audit import first_audit

from store import open_store

PASSWORD = "证据索取旅程的密码 2026"


def seeded_audit(data_dir, monkeypatch) -> int:
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(data_dir))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    people = (("ligw", "李顾问", "consultant", None), ("wangjl", "王经理", "editor", None))
    return first_audit(open_store(), PASSWORD, assessor="李顾问", people=people).id


def test_a_requested_document_is_uploaded_from_a_phone_and_opened_by_the_consultant(
    chromium, server, monkeypatch, evidence_pdf
):
    server.stop()
    audit_id = seeded_audit(server.data_dir, monkeypatch)
    server.start()

    consultant_browser = chromium.new_context(viewport={"width": 1440, "height": 900})
    consultant = AuditApp(consultant_browser.new_page(), server.url, "evidence-request")
    consultant.open(f"checklist?audit={audit_id}")
    consultant.sign_in("ligw", PASSWORD)
    card = consultant.details("1.1.1")
    card.get_by_text("向同事索取证据").click()
    card.get_by_role("textbox", name="向谁索取").fill("王经理")
    card.get_by_label("需要什么证据").fill("售后服务管理制度（现行版）")
    consultant.click("发出索取", within=card)
    consultant.see("待提供：售后服务管理制度（现行版）（向 王经理 索取")
    consultant.no_error()

    phone = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    editor = AuditApp(phone.new_page(), server.url, "evidence-request-phone")
    editor.open(f"checklist?audit={audit_id}")
    editor.sign_in("wangjl", PASSWORD)
    card = editor.details("1.1.1")
    editor.see("待提供：售后服务管理制度（现行版）")
    editor.upload(card, evidence_pdf)
    editor.see("已上传并关联「售后服务管理制度」")
    editor.no_error()
    shot_card = editor.details("1.1.1")
    shot_card.scroll_into_view_if_needed()
    editor.snap("uploaded-on-phone", widths=(390,))
    phone.close()

    consultant.reload()  # still signed in: the session outlives a reload
    card = consultant.details("1.1.1")
    consultant.see("已提供：售后服务管理制度（现行版）（王经理；王经理 关联文件后关闭）")
    consultant.click("打开", within=card)
    consultant.see("下载原件 售后服务管理制度.pdf")
    with consultant.page.expect_download() as download:
        consultant.page.get_by_role("button", name="下载原件 售后服务管理制度.pdf").click()
    assert download.value.suggested_filename == "售后服务管理制度.pdf"
    assert Path(download.value.path()).read_bytes() == evidence_pdf.read_bytes()
    consultant.no_error()
    consultant.snap("request-closed", widths=(1440, 390))
    consultant_browser.close()

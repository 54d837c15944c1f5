"""An executive opens a link to an audit, cold, and answers three questions from the first
screen without scrolling — which tier are we, what blocks the next tier, who fixes it by when —
then downloads the one-page brief and prints the dashboard."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
from app_ui import AuditApp
from playwright.sync_api import Locator, expect

from domain.records import ActionState, OrganisationProfile, Rectification
from scoring import Status
from services import certification
from services.context import Context
from store import open_store
from store.accounts import Accounts

PASSWORD = "赵总的密码 executive"
TODAY = date.today()
SOON = TODAY + timedelta(days=21)
LATER = TODAY + timedelta(days=60)


def seeded_audit(data_dir, monkeypatch) -> int:
    """What the quality manager left behind, written through the store: 85.50 (三星级), and
    the cheapest way to 四星级 is 3.1.1 (李娜, in progress) and 1.1.1 (nobody named yet)."""
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(data_dir))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    organisation = store.create_organisation(
        OrganisationProfile(name="华东家电服务有限公司"), "王敏"
    )
    catalogue = store.catalogues()[0]
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=catalogue.content_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 1),
        assessor="王敏",
        actor="王敏",
    )
    actions = {
        "3.1.1": Rectification("建立顾客档案管理制度", "李娜", SOON, ActionState.IN_PROGRESS),
        "1.1.1": Rectification("设立售后服务部并明确职责", "", LATER),
    }
    for n, item in enumerate(catalogue.items):
        status = Status.NOT_CONFORMING if n % 6 == 0 else Status.CONFORMING
        extra = {"rectification": actions[item.id]} if item.id in actions else {}
        store.save_item(audit.id, item.id, expected_version=0, actor="王敏", status=status, **extra)
    certification.add_certificate(
        Context.local_administrator(store, "王敏"),
        organisation.id,
        body="中国商业联合会",
        number="CSC-2024-0123",
        tier="三星级",
        issued_on=TODAY - timedelta(days=500),
    )
    Accounts(store).add_first_administrator("zhaoyue", "赵总", PASSWORD)
    return audit.id


def in_first_screen(locator: Locator) -> None:
    """Visible without scrolling: the whole box inside the window."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    window = locator.page.viewport_size
    assert box is not None and window is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= window["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= window["width"], box


def plan_row(app: AuditApp, item_id: str) -> Locator:
    return app.keyed("dash_plan").locator("tr").filter(has_text=item_id)


def test_executive_answers_three_questions_from_the_first_screen(chromium, server, monkeypatch):
    server.stop()
    audit_id = seeded_audit(server.data_dir, monkeypatch)
    server.start()
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    app = AuditApp(context.new_page(), server.url, "executive")
    app.open(f"dashboard?audit={audit_id}")
    app.sign_in("zhaoyue", PASSWORD)  # a new browser: the link asks to sign in first
    expect(app.page).to_have_url(f"{server.url}dashboard?audit={audit_id}")
    app.see("华东家电服务有限公司")
    app.no_error()
    figures = app.keyed("dash_figures")

    # 1. which tier are we (and may we apply)
    in_first_screen(figures.get_by_text("三星级", exact=True))
    in_first_screen(figures.get_by_text("待确认", exact=True))  # prerequisites not confirmed
    # 2. what blocks the next tier, 3. who fixes it by when
    in_first_screen(app.page.get_by_text("升级到四星级：谁在何时整改什么"))
    first = plan_row(app, "3.1.1")
    in_first_screen(first)
    for cell in ("李娜", SOON.isoformat(), "进行中"):
        expect(first).to_contain_text(cell)
    nobody = plan_row(app, "1.1.1")
    in_first_screen(nobody)
    expect(nobody).to_contain_text("无负责人")
    expect(nobody).to_contain_text(LATER.isoformat())
    app.see("认证证书：三星级（中国商业联合会，CSC-2024-0123）")

    # the brief for the desk: one A4 page with the plan and its owner (made as a job: with no
    # worker running, by this server, which says so)
    app.page.get_by_role("button", name="生成就绪简报（PDF）").click()
    app.see("没有运行中的后台处理程序（gbt-audit worker），简报已在本服务器上生成。")
    with app.page.expect_download(timeout=60_000) as download:
        app.page.get_by_role("button", name="下载就绪简报（PDF）").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    brief = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(brief.pages) == 1
    assert download.value.suggested_filename.endswith(".pdf")

    # printing the dashboard: the app's chrome is dropped, the dashboard fits three pages
    app.page.emulate_media(media="print")
    expect(app.page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(app.page.get_by_role("button", name="下载就绪简报（PDF）")).to_be_hidden()
    app.page.emulate_media(media="screen")
    printed = pypdf.PdfReader(io.BytesIO(app.page.pdf(format="A4")))
    assert len(printed.pages) <= 3

    # on a phone the figures leave room for the plan on the first screen
    app.page.set_viewport_size({"width": 390, "height": 844})
    app.page.wait_for_timeout(400)
    in_first_screen(figures.get_by_text("三星级", exact=True))
    in_first_screen(app.page.get_by_text("升级到四星级：谁在何时整改什么"))
    app.page.set_viewport_size({"width": 1440, "height": 900})

    app.snap("dashboard", widths=(1440, 390))
    app.no_error()
    context.close()

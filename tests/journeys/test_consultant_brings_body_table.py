"""End to end in a real browser: a consultant brings the certification body's own scoring table,
moves the client's audit onto it, sees the score the body's points give, and exports the dossier.

Screenshots go to artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from browser_app import Server, settle, shot, sign_in
from pypdf import PdfReader
from store_helpers import submit_and_sign_off
from workbook_builder import example_table

from domain.records import OrganisationProfile
from scoring import Status
from store import open_store
from store.accounts import Accounts
from store.config import load_settings

PASSWORD = "顾问的密码 consultant"
pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def seed(data_dir: Path, monkeypatch) -> int:
    """An audit on the bundled catalogue: all conforming but 2.1.1 (2 points there, 3 in the
    body's table) and 3.2.5 (which the body replaced by 3.2.6). Score 95 on the bundled one."""
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(data_dir))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store(load_settings())
    organisation = store.create_organisation(
        OrganisationProfile(name="华东家电服务有限公司"), actor="顾问"
    )
    bundled = store.catalogues()[0]
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=bundled.content_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 1),
        assessor="王敏",
        actor="顾问",
    )
    for item in bundled.items:
        status = Status.NOT_CONFORMING if item.id in ("2.1.1", "3.2.5") else Status.CONFORMING
        store.save_item(audit.id, item.id, expected_version=0, actor="顾问", status=status)
    consultant = Accounts(store).add_first_administrator("consultant", "李顾问", PASSWORD)
    # moving freezes the round: only when signed off
    submit_and_sign_off(store, audit.id, consultant.id)
    return audit.id


def test_a_consultant_moves_an_audit_onto_the_bodys_table_and_exports(
    chromium, tmp_path, monkeypatch
):
    expect = playwright.expect
    server = Server(tmp_path / "data")
    audit_id = seed(server.data_dir, monkeypatch)
    server.start()
    try:
        journey(expect, chromium, server, audit_id, tmp_path)
    finally:
        server.stop()


def journey(expect, browser, server, audit_id: int, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server.url}dashboard?audit={audit_id}")
    settle(page)
    sign_in(page, "consultant", PASSWORD)
    expect(page.get_by_text("95.0").first).to_be_visible(timeout=15_000)

    page.get_by_role("link", name="评价目录").click()
    settle(page)
    table = example_table(tmp_path)
    page.locator("input[type=file]").first.set_input_files(str(table))
    expect(page.get_by_text("各列含义")).to_be_visible(timeout=15_000)
    settle(page)
    shot(page, "catalogue-01-mapping")
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_text("已保存目录")).to_be_visible(timeout=15_000)
    settle(page)

    # 3.2.5 is not in the body's table: carry its finding to the body's 3.2.6
    page.get_by_test_id("stSelectbox").filter(has_text="3.2.5").click()
    page.keyboard.type("3.2.6")
    page.keyboard.press("Enter")
    settle(page)
    shot(page, "catalogue-02-move")
    expect(page.get_by_text(re.compile("新一轮共 \\d+ 项从未评开始"))).to_be_visible()
    page.get_by_role("button", name="冻结本轮并在新目录上开启下一轮").click()
    dialog = page.get_by_role("dialog")  # it asks first, saying what cannot be undone
    expect(dialog.get_by_text(re.compile("此操作不能撤销"))).to_be_visible(timeout=15_000)
    shot(page, "catalogue-02b-confirm")
    dialog.get_by_role("button", name="冻结并转目录", exact=True).click()
    # body's points: 2.1.1 is worth 3 there, 3.2.6 carries 3.2.5's 3 → 94
    expect(page.get_by_text("得分 94.0")).to_be_visible(timeout=15_000)

    page.get_by_role("link", name="仪表盘").click()
    settle(page)
    expect(page.get_by_text("94.0").first).to_be_visible(timeout=15_000)
    expect(page.get_by_text(re.compile("评价目录：示例认证中心"))).to_be_visible()
    shot(page, "catalogue-03-dashboard")

    page.get_by_role("link", name="申请资料").click()
    settle(page)
    page.get_by_role("button", name="生成申请资料").click()
    download_button = page.get_by_role("button", name=re.compile("PDF"))
    expect(download_button).to_be_visible(timeout=120_000)
    with page.expect_download() as caught:
        download_button.click()
    pdf = PdfReader(io.BytesIO(Path(caught.value.path()).read_bytes()))
    cover = pdf.pages[0].extract_text()
    assert "示例认证中心" in cover
    shot(page, "catalogue-04-dossier")

"""Two app servers on one PostgreSQL and one bucket, each with its own data folder (what a
balancer with sticky sessions sends people to): a status saved through one is seen through the
other; evidence uploaded through one opens, checked against its hash, through the other; and a
sign-in made on one is valid on the other (the session lives in the shared database, and the
browser sends its cookie to the same host whichever server answers)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from app_ui import AuditApp
from browser_app import Server
from first_audit import first_audit
from playwright.sync_api import expect
from s3_server import environment, new_bucket

from store import load_settings, open_store

PASSWORD = "两台服务器旅程的密码 2026"


@pytest.fixture
def shared(database_url, s3_endpoint):
    return {
        "GBT_AUDIT_DATABASE_URL": database_url,
        **environment(s3_endpoint, new_bucket(s3_endpoint)),
    }


def seeded_audit(env: dict[str, str], folder: Path) -> int:
    store = open_store(load_settings({**env, "GBT_AUDIT_DATA_DIR": str(folder)}))
    audit = first_audit(store, PASSWORD, assessor="李顾问")
    store.engine.dispose()
    return audit.id


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_save_and_an_upload_on_one_server_are_seen_on_the_other(
    chromium, shared, tmp_path, evidence_pdf
):
    audit_id = seeded_audit(shared, tmp_path / "seed")
    first = Server(tmp_path / "first", env=shared)
    second = Server(tmp_path / "second", env=shared)
    first.start()
    second.start()
    try:
        context = chromium.new_context(viewport={"width": 1440, "height": 900})
        for server in (first, second):  # a server's first run loads the app: slow on 2 cores
            warm = context.new_page()
            warm.goto(server.url)
            expect(warm.locator("h1").first).to_be_visible(timeout=180_000)
            warm.close()
        one = AuditApp(context.new_page(), first.url, "two-servers-first")
        one.open(f"checklist?audit={audit_id}")
        one.sign_in("admin", PASSWORD)
        one.score("1.1.1", "符合")
        card = one.details("1.1.1")
        one.upload(card, evidence_pdf)
        one.see("已上传并关联「售后服务管理制度」")
        one.no_error()

        other = AuditApp(context.new_page(), second.url, "two-servers-second")
        other.open(f"checklist?audit={audit_id}")
        other.see("当前用户：管理员")  # signed in on the first server: no second password
        expect(other.page.get_by_text("登录名")).to_have_count(0)
        card = other.details("1.1.1")
        chosen = card.get_by_role("radiogroup", name="评价结果").locator("label:has(input:checked)")
        assert chosen.inner_text().strip() == "符合"  # saved through the first server
        other.click("打开", within=card)
        other.see("下载原件 售后服务管理制度.pdf")
        with other.page.expect_download() as download:
            other.page.get_by_role("button", name="下载原件 售后服务管理制度.pdf").click()
        assert Path(download.value.path()).read_bytes() == evidence_pdf.read_bytes()
        other.no_error()
        context.close()
    finally:
        first.stop()
        second.stop()
    store = open_store(load_settings({**shared, "GBT_AUDIT_DATA_DIR": str(tmp_path / "seed")}))
    assert store.item(audit_id, "1.1.1").status.value == "conforming"
    sha256 = hashlib.sha256(evidence_pdf.read_bytes()).hexdigest()
    for folder in (tmp_path / "first", tmp_path / "second"):
        assert not [p for p in folder.rglob("*") if p.is_file() and p.name == sha256]
    assert [c.ok for c in store.verify_evidence()] == [True]

"""An executive opens a link to an audit, cold, and reads the tier, the eligibility and the
cheapest way to the next tier."""

from __future__ import annotations

from datetime import date

from app_ui import AuditApp
from playwright.sync_api import expect

from scoring import Status
from store import open_store
from store.accounts import Accounts
from store.records import OrganisationProfile

PASSWORD = "赵总的密码 executive"


def seeded_audit(data_dir, monkeypatch) -> int:
    """What the quality manager left behind, written through the store."""
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
    for n, item in enumerate(catalogue.items):
        status = Status.NOT_CONFORMING if n % 6 == 0 else Status.CONFORMING
        store.save_item(audit.id, item.id, expected_version=0, actor="王敏", status=status)
    Accounts(store).add_first_administrator("zhaoyue", "赵总", PASSWORD)
    return audit.id


def test_executive_reads_tier_eligibility_and_plan_from_a_link(chromium, server, monkeypatch):
    server.stop()
    audit_id = seeded_audit(server.data_dir, monkeypatch)
    server.start()
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    app = AuditApp(context.new_page(), server.url, "executive")
    app.open(f"dashboard?audit={audit_id}")
    app.sign_in("zhaoyue", PASSWORD)  # a new browser: the link asks to sign in first
    expect(app.page).to_have_url(f"{server.url}dashboard?audit={audit_id}")
    app.see("华东家电服务有限公司")
    app.see("等级")
    app.see("申请资格")
    app.see("待确认")  # the prerequisites are not confirmed yet
    app.see("最省力的升级方案")
    app.no_error()
    app.snap("dashboard", widths=(1440, 390))
    context.close()

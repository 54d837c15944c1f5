"""One installation, two client companies, four people: a consultant sees both clients; a
client's editor scores in their own company and is refused the other's audit by its address;
the client's general manager (a viewer) reads the dashboard and cannot change a score."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app_ui import AuditApp
from playwright.sync_api import expect

from domain.records import OrganisationProfile
from store import open_store
from store.accounts import Accounts

PASSWORD = "各自的密码 roles journey"
A, B = "华东家电服务有限公司", "华南汽车销售有限公司"


@dataclass(frozen=True)
class Seeded:
    audit_a: int
    audit_b: int


def seed(data_dir, monkeypatch) -> Seeded:
    """Two clients with an audit each, and who may do what, written through the store."""
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(data_dir))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    catalogue = store.catalogues()[0]
    audits = []
    for name in (A, B):
        organisation = store.create_organisation(OrganisationProfile(name=name), "管理员")
        audits.append(
            store.create_audit(
                organisation.id,
                catalogue_hash=catalogue.content_hash,
                title="2026 年度自评",
                audit_date=date(2026, 11, 1),
                assessor="王敏",
                actor="管理员",
            )
        )
    a, b = (audit.organisation_id for audit in audits)
    accounts = Accounts(store)
    accounts.add_first_administrator("admin", "管理员", PASSWORD)
    for login, name in (("zhou", "顾问周"), ("wang", "编辑王"), ("zhao", "总经理赵")):
        accounts.add_user(login, name, password=PASSWORD, actor="管理员")
    accounts.grant("zhou", a, "consultant", actor="管理员")
    accounts.grant("zhou", b, "consultant", actor="管理员")
    accounts.grant("wang", a, "editor", actor="管理员")
    accounts.grant("zhao", a, "viewer", actor="管理员")
    return Seeded(audits[0].id, audits[1].id)


def person(chromium, server, name: str) -> tuple[AuditApp, object]:
    """A browser of one's own: each person signs in in a fresh session."""
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    return AuditApp(context.new_page(), server.url, f"roles-{name}"), context


def test_each_person_sees_only_what_their_role_allows(chromium, server, monkeypatch):
    server.stop()
    seeded = seed(server.data_dir, monkeypatch)
    server.start()

    consultant, context = person(chromium, server, "consultant")
    consultant.open("portfolio")
    consultant.sign_in("zhou", PASSWORD)
    consultant.see("客户总览")
    for client in (A, B):  # a row each in the portfolio's table (cells drawn on a canvas)
        cell = consultant.page.locator("[role=gridcell]").get_by_text(client, exact=True)
        expect(cell).to_have_count(1, timeout=30_000)
    consultant.no_error()
    consultant.snap("portfolio", widths=(1440, 390))
    context.close()

    editor, context = person(chromium, server, "editor")
    editor.open(f"checklist?audit={seeded.audit_a}")
    editor.sign_in("wang", PASSWORD)
    editor.see(A)
    editor.score("1.1.1", "符合")
    editor.saved("1.1.1")
    editor.no_error()
    # the other client's audit, by its address: still signed in, and still not permitted
    editor.open(f"checklist?audit={seeded.audit_b}")
    editor.see(f"无权限：您在审核 #{seeded.audit_b} 所属的企业没有任何角色")
    expect(editor.page.get_by_text(B)).to_have_count(0)
    editor.no_error()
    editor.snap("not-permitted", widths=(1440, 390))
    context.close()

    viewer, context = person(chromium, server, "viewer")
    viewer.open(f"dashboard?audit={seeded.audit_a}")
    viewer.sign_in("zhao", PASSWORD)
    viewer.see(A)
    viewer.see("等级")
    viewer.no_error()
    viewer.snap("dashboard", widths=(1440, 390))
    viewer.go("检查表")
    viewer.see("可以查看，不能修改")
    choices = viewer.card("1.1.1").get_by_role("radiogroup", name="评价结果")
    expect(choices.get_by_role("radio", name="符合", exact=True)).to_be_checked()  # the editor's
    for choice in choices.get_by_role("radio").all():
        expect(choice).to_be_disabled()
    viewer.no_error()
    viewer.snap("checklist-read-only", widths=(1440, 390))
    context.close()

    store = open_store()
    assert store.item(seeded.audit_a, "1.1.1").updated_by == "编辑王"
    assert store.item(seeded.audit_b, "1.1.1").version == 0  # nothing entered in B

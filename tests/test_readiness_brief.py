"""The readiness brief: one page that answers which tier (or why none), whether we may apply,
how far to the next tier and who fixes what by when."""

from datetime import date, timedelta

import pytest
from app_helpers import new_audit
from pypdf import PdfReader

from domain.records import ActionState, Rectification
from dossier.brief import MAX_PLAN_ROWS, build_brief, render_brief
from scoring import Status
from services import certification
from services.context import Context
from store import open_store
from texts import t

TODAY = date(2026, 11, 20)
LONG = "现场抽查发现服务记录不完整，回访记录缺失，投诉处理时限超出承诺，" * 8


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    return open_store()


def assess(store, audit, failing, action_for=lambda item_id: Rectification()):
    for item in store.catalogue(audit.catalogue_hash).items:
        bad = item.id in failing
        store.save_item(
            audit.id,
            item.id,
            expected_version=0,
            actor="qm",
            status=Status.NOT_CONFORMING if bad else Status.CONFORMING,
            finding=LONG if bad else "",
            rectification=action_for(item.id) if bad else Rectification(),
        )


def pdf_text(path):
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_brief_names_tier_eligibility_points_to_next_and_the_plan_with_owner_and_due(
    store, tmp_path
):
    audit = new_audit(store)
    items = [i.id for i in store.catalogue(audit.catalogue_hash).items]
    late = {items[0]: Rectification("修订服务制度", "王敏", TODAY - timedelta(days=2))}
    assess(store, audit, items[:6], lambda i: late.get(i, Rectification("补齐记录", "李强", TODAY)))
    brief = build_brief(store, audit.id, TODAY)
    assert brief.actions_overdue == 1 and brief.actions_open == 6
    assert brief.plan_lines and all(line.action.owner for line in brief.plan_lines)
    out = tmp_path / "brief.pdf"
    assert render_brief(brief, out) == 1
    text = pdf_text(out)
    for expected in (brief.tier, "申请资格", "距下一等级", "升级计划", "逾期整改", "李强"):
        assert expected in text


def test_a_long_plan_stays_on_one_page_and_counts_what_it_leaves_out(store, tmp_path):
    audit = new_audit(store)
    items = [i.id for i in store.catalogue(audit.catalogue_hash).items]
    assess(
        store,
        audit,
        items,  # every item fails: the plan to the first tier is long
        lambda i: Rectification(LONG, "质量部 王敏", TODAY, ActionState.IN_PROGRESS),
    )
    brief = build_brief(store, audit.id, TODAY)
    assert len(brief.plan_lines) == MAX_PLAN_ROWS and brief.plan_more > 0
    out = tmp_path / "brief.pdf"
    assert render_brief(brief, out) == 1
    assert len(PdfReader(out).pages) == 1
    assert f"另有 {brief.plan_more} 项" in pdf_text(out)


def test_without_a_tier_the_brief_says_why(store, tmp_path):
    audit = new_audit(store)
    items = [i.id for i in store.catalogue(audit.catalogue_hash).items]
    assess(store, audit, items)
    brief = build_brief(store, audit.id, TODAY)
    assert brief.fail_reason.startswith("得分低于")
    store.update_audit(
        audit.id,
        expected_version=store.audit(audit.id).version,
        actor="qm",
        prerequisites={store.catalogue(audit.catalogue_hash).spec.prerequisites[0].id: False},
    )
    not_eligible = build_brief(store, audit.id, TODAY)
    assert not_eligible.fail_reason.startswith("不具备申请资格")
    render_brief(not_eligible, tmp_path / "b.pdf")
    assert "不具备申请资格" in pdf_text(tmp_path / "b.pdf")


def test_the_brief_in_english_lists_prerequisites_the_english_way(store, tmp_path):
    audit = new_audit(store)
    assess(store, audit, [])
    brief = build_brief(store, audit.id, TODAY, lang="en")
    assert brief.eligibility == "Eligibility not yet confirmed"
    assert "; " in brief.eligibility_detail and "、" not in brief.eligibility_detail
    render_brief(brief, tmp_path / "en.pdf", lang="en")
    assert "Readiness brief" in pdf_text(tmp_path / "en.pdf")


def test_five_special_deductions_are_a_reason_the_brief_gives(store, tmp_path):
    audit = new_audit(store)
    items = [i.id for i in store.catalogue(audit.catalogue_hash).items]
    assess(store, audit, items)
    for n in range(5):
        store.add_deduction(audit.id, reason=f"问题 {n}", category="law", actor="qm")
    brief = build_brief(store, audit.id, TODAY)
    assert "特别扣分项 5 个" in brief.fail_reason


def test_with_five_deductions_the_brief_names_the_tier_rectifying_one_reaches(store, tmp_path):
    """Every item conforming, five deductions: 95.00 and no tier. Rectifying one gives 96.00,
    五星级 — the brief says so, not "0.00 to 达标级"."""
    audit = new_audit(store)
    assess(store, audit, [])
    store.update_audit(
        audit.id,
        expected_version=store.audit(audit.id).version,
        actor="qm",
        prerequisites={
            p.id: True for p in store.catalogue(audit.catalogue_hash).spec.prerequisites
        },
    )
    for n in range(5):
        store.add_deduction(audit.id, reason=f"问题 {n}", category="law", actor="qm")
    brief = build_brief(store, audit.id, TODAY)
    assert (brief.next_value, brief.next_caption) == (
        t("next.tile_rectify", "zh", count=1),
        t("next.tile_reaches", "zh", tier="五星级"),
    )
    render_brief(brief, tmp_path / "b.pdf")
    text = "".join(pdf_text(tmp_path / "b.pdf").split())  # lines wrap inside the box
    assert "整改后可达五星级" in text and "0.00" not in text.split("距下一等级")[1][:20]


def test_a_top_score_without_a_tier_never_reads_top_tier_reached_on_the_brief(store, tmp_path):
    audit = new_audit(store)
    assess(store, audit, [])
    prerequisites = store.catalogue(audit.catalogue_hash).spec.prerequisites
    store.update_audit(
        audit.id,
        expected_version=store.audit(audit.id).version,
        actor="qm",
        prerequisites={p.id: p.id != "no_major_incident" for p in prerequisites},
    )
    brief = build_brief(store, audit.id, TODAY)
    render_brief(brief, tmp_path / "b.pdf")
    text = "".join(pdf_text(tmp_path / "b.pdf").split())
    assert t("brief.top_tier", "zh") not in text
    assert t("next.tile_no_tier", "zh") in text


def test_an_overdue_surveillance_puts_the_certificate_at_risk_on_the_brief(store, tmp_path):
    """Issued 2025-09-01: its first surveillance was due by 2026-09-01 and none is recorded."""
    audit = new_audit(store)
    assess(store, audit, [])
    certification.add_certificate(
        Context.local_administrator(store, "qm"),
        audit.organisation_id,
        body="中国质量认证中心",
        number="CQC-1",
        tier="四星级",
        issued_on=date(2025, 9, 1),
    )
    brief = build_brief(store, audit.id, TODAY)
    risk = t("cycle.at_risk", "zh", event=t("cycle.surveillance", "zh", n=1), due="2026-09-01")
    assert brief.certificate_risk == risk
    assert brief.next_cycle_event == f"{t('cycle.surveillance', 'zh', n=2)} 2027-09-01"
    out = tmp_path / "brief.pdf"
    assert render_brief(brief, out) == 1
    assert "暂停风险" in pdf_text(out)
    certification.record_surveillance(
        Context.local_administrator(store, "qm"), audit.organisation_id, on=date(2026, 10, 8)
    )
    assert build_brief(store, audit.id, TODAY).certificate_risk == ""

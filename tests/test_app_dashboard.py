"""The dashboard answers an executive's three questions first: which tier (or why none), what
blocks the next tier, and who fixes it by when; then the gaps with their actions and the
readiness checks grouped by kind."""

import re
from datetime import date, timedelta

import pytest
from app_helpers import app, fresh_app, new_audit, texts

from domain.records import ActionState, Rectification
from scoring import Status, display
from services import certification
from services.context import Context
from texts import t
from ui.markup import plain

TODAY = date.today()
LATER = TODAY + timedelta(days=30)
PAST = TODAY - timedelta(days=3)


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


def scored(store, audit, not_conforming=(), actions=None):
    """Every item assessed, ``not_conforming`` ones failed; ``actions``: item → Rectification."""
    actions = actions or {}
    for item in store.catalogue(audit.catalogue_hash).items:
        status = Status.NOT_CONFORMING if item.id in not_conforming else Status.CONFORMING
        extra = {"rectification": actions[item.id]} if item.id in actions else {}
        store.save_item(
            audit.id, item.id, expected_version=0, actor="测试员", status=status, **extra
        )


def eligible(store, audit):
    store.update_audit(
        audit.id,
        expected_version=store.audit(audit.id).version,
        actor="测试员",
        prerequisites={
            "legal_entity": True,
            "no_major_incident": True,
            "system_running_3_months": True,
        },
    )


def shown(label: str) -> str:
    """A label as the reader sees it: user text is escaped from Markdown (ui/markup.py)."""
    return re.sub(r"\\(.)", r"\1", label)


def metric(at, label):
    return next(m for m in at.metric if m.label == label)


# 100 − 9 = 91 (四星级); 五星级 needs 4 more: fixing 3.1.4 and 3.2.3 (+3 each) is the plan
THREE_GAPS = {"3.1.4", "3.2.3", "3.2.5"}


def test_the_plan_to_the_next_tier_names_each_fixs_owner_and_due_date(store):
    audit = new_audit(store)
    scored(
        store,
        audit,
        THREE_GAPS,
        {
            "3.1.4": Rectification("每季度开展满意度调查", "李娜", LATER, ActionState.IN_PROGRESS),
            "3.2.3": Rectification("规定投诉处理时限", "", PAST),
        },
    )
    eligible(store, audit)
    at = app("dashboard", audit.id)
    assert not at.exception
    assert metric(at, "等级").value == "四星级"
    assert metric(at, "距下一等级").value == "4.00"
    assert metric(at, "申请资格").value == "具备"
    assert "升级到五星级：谁在何时整改什么" in texts(at)
    plan = at.table[0].value
    assert plan.to_dict("records") == [
        {
            "整改项": "3.1.4 定期开展顾客满意度调查并用于改进",
            "加分": "+3.00",
            "责任人": "李娜",
            "完成期限": LATER.isoformat(),
            "进度": "进行中",
        },
        {
            "整改项": "3.2.3 明确投诉处理时限并按时响应和解决",
            "加分": "+3.00",
            "责任人": "无负责人",  # said plainly, not left blank
            "完成期限": f"{PAST.isoformat()}（已逾期）",
            "进度": "未开始",
        },
    ]
    # the overdue date in red, as in the register and the brief; the other not
    styles = at.table[0].proto.arrow_data.styler.styles
    assert "color: #c00000" in styles
    assert styles.count("color: #c00000") == 1


def test_a_failed_evaluation_shows_why_in_place_of_a_tier(store):
    audit = new_audit(store)
    scored(store, audit, {i.id for i in store.catalogue(audit.catalogue_hash).items[:20]})
    eligible(store, audit)
    at = app("dashboard", audit.id)
    assert not at.exception
    tier = metric(at, "等级")
    assert tier.value == "未达标"
    assert "低于 70.00 分" in tier.delta
    assert any("低于 70.00 分" in e.value for e in at.error)
    assert "升级到达标级" in texts(at)  # the plan aims at the lowest tier


def test_an_ineligible_company_sees_which_prerequisite_blocks_it(store):
    audit = new_audit(store)
    scored(store, audit, THREE_GAPS)
    store.update_audit(
        audit.id,
        expected_version=store.audit(audit.id).version,
        actor="测试员",
        prerequisites={"legal_entity": True, "no_major_incident": False},
    )
    at = app("dashboard", audit.id)
    assert metric(at, "等级").value == "无等级"
    assert metric(at, "申请资格").value == "不具备"
    assert any(e.value.startswith("不具备申请资格：") for e in at.error)


def test_a_fix_without_any_action_says_so(store):
    audit = new_audit(store)
    scored(store, audit, THREE_GAPS)
    eligible(store, audit)
    plan = app("dashboard", audit.id).table[0].value
    assert set(plan["责任人"]) == {"无负责人"}
    assert set(plan["完成期限"]) == {"无期限"}
    assert set(plan["进度"]) == {"无整改措施"}


def test_at_the_top_tier_there_is_nothing_to_plan(store):
    audit = new_audit(store)
    scored(store, audit)
    eligible(store, audit)
    at = app("dashboard", audit.id)
    assert metric(at, "等级").value == "五星级"
    assert any(s.value == "已达最高等级" for s in at.success)
    assert not at.table  # no plan, and no gaps to list
    assert "失分项 (0)" in texts(at)


def test_the_gaps_table_carries_owner_due_and_state_sorted_by_points_lost(store):
    audit = new_audit(store)
    scored(
        store,
        audit,
        {"1.1.1", "3.2.3", "1.3.3"},
        {"1.3.3": Rectification("修订考核制度", "王敏", LATER, ActionState.DONE)},
    )
    at = app("dashboard", audit.id)
    gaps = at.table[-1].value
    assert list(gaps.columns[:6]) == ["编号", "名称", "失分", "责任人", "完成期限", "进度"]
    assert gaps["失分"].tolist() == sorted(gaps["失分"].tolist(), reverse=True)
    done = gaps[gaps["编号"] == "1.3.3"].iloc[0]
    assert (done["责任人"], done["完成期限"], done["进度"]) == ("王敏", LATER.isoformat(), "已完成")
    assert "失分项 (3)" in texts(at)


def test_readiness_checks_are_grouped_by_kind_with_a_count_and_collapsed(store):
    audit = new_audit(store)
    scored(
        store,
        audit,
        {"1.1.1", "3.2.3"},
        {"1.1.1": Rectification("任命负责人", "张伟", PAST)},
    )
    at = app("dashboard", audit.id)
    items = len(store.catalogue(audit.catalogue_hash).items)
    groups = [e.label for e in at.expander]
    assert groups == [
        "申请条件未确认满足（3）",
        "整改已逾期（1）",
        "失分但没有整改措施（1）",
        f"判为符合，但没有关联证据（{items - 2}）",
    ]
    assert f"共 {3 + 1 + 1 + items - 2} 项" in texts(at)
    overdue = at.expander[1]
    assert [shown(b.label) for b in overdue.button] == [
        f"1.1.1：整改措施已过期（负责人 张伟，期限 {PAST.isoformat()}）"
    ]


def test_a_readiness_line_opens_its_item_on_the_checklist(store):
    audit = new_audit(store)
    scored(store, audit, {"3.2.3"})
    at = app("dashboard", audit.id)
    group = next(e for e in at.expander if e.label.startswith("失分但没有整改措施"))
    line = next(b for b in group.button if shown(b.label).startswith("3.2.3"))
    line.click().run()
    assert not at.exception
    assert at.session_state["checklist.indicator"] == "3.2"
    assert "已评项目" in texts(at)  # the checklist is shown


def test_the_next_surveillance_or_renewal_shows_when_a_certificate_exists(store):
    audit = new_audit(store)
    issued = TODAY - timedelta(days=400)
    certification.add_certificate(
        Context.local_administrator(store, "测试员"),
        audit.organisation_id,
        body="中国商业联合会",
        number="CSC-2025-0007",
        tier="三星级",
        issued_on=issued,
    )
    at = app("dashboard", audit.id)
    second = issued.replace(year=issued.year + 2)
    named = "认证证书：三星级（中国商业联合会，CSC\\-2025\\-0007）"  # as typed, not Markdown
    assert f"{named}· 第 2 次监督审核：{second.isoformat()}" in texts(at)
    # the first, due a year after issue, was never recorded: the certificate is at risk
    first = issued.replace(year=issued.year + 1).isoformat()
    risk = t("cycle.at_risk", "zh", event=t("cycle.surveillance", "zh", n=1), due=first)
    assert risk in [e.value for e in at.error]
    certification.record_surveillance(
        Context.local_administrator(store, "测试员"), audit.organisation_id, on=TODAY
    )
    assert risk not in texts(app("dashboard", audit.id))


def test_without_a_certificate_no_cycle_line_shows(store):
    audit = new_audit(store)
    assert "认证证书" not in texts(app("dashboard", audit.id))


def test_the_readiness_brief_is_made_and_downloaded_from_the_first_screen(store):
    audit = new_audit(store)
    at = app("dashboard", audit.id)
    assert at.get("download_button") == []
    next(b for b in at.button if b.label == "生成就绪简报（PDF）").click().run(timeout=60)
    assert not at.exception
    downloads = at.get("download_button")
    assert len(downloads) == 1
    assert downloads[0].proto.label == "下载就绪简报（PDF）"


def test_the_dashboard_reads_in_english(store):
    audit = new_audit(store)
    scored(store, audit, THREE_GAPS)
    eligible(store, audit)
    at = app("dashboard", audit.id, lang="en")
    assert not at.exception
    assert list(at.table[0].value.columns) == ["Fix", "Gain", "Owner", "Due", "State"]
    assert set(at.table[0].value["Owner"]) == {"no owner"}
    assert "Lost points, no rectification action (3)" in [e.label for e in at.expander]


def test_a_special_deduction_to_rectify_shows_in_the_plan_with_its_owner(store):
    audit = new_audit(store)
    scored(store, audit)
    eligible(store, audit)
    for n in range(5):  # five special deductions fail the evaluation whatever the score
        store.add_deduction(
            audit.id,
            reason=f"第 {n + 1} 起违规",
            category="law",
            actor="测试员",
            item_id="3.2.3" if n == 0 else None,
            rectification=Rectification("整改到位", "周强", LATER) if n == 0 else None,
        )
    at = app("dashboard", audit.id)
    assert not at.exception
    assert metric(at, "等级").value == "未达标"
    # the next step names the deduction to rectify and what that reaches, not "0.00 to 达标级"
    step = display.next_step_text(store.score(audit.id)[0], "zh", quote=plain)
    assert step.startswith("下一步：整改 1 个特别扣分项（第 1 起违规）")
    assert step in [w.value for w in at.warning]
    assert metric(at, "距下一等级").value == t("next.tile_rectify", "zh", count=1)
    assert at.table[0].value.to_dict("records") == [
        {
            "整改项": "特别扣分：第 1 起违规",
            "加分": "+1.00",  # each special deduction takes 1 point
            "责任人": "周强",
            "完成期限": LATER.isoformat(),
            "进度": "未开始",
        }
    ]


def test_the_brief_made_for_a_signed_in_person_is_offered_for_download(store):
    # the job keeps who asked for it (its run acts as them); the page must still know it as
    # the brief it asked for, and offer it (it was forgotten, and the button never came)
    audit = new_audit(store)
    scored(store, audit)
    at = app("dashboard", audit.id)
    make = next(b for b in at.button if b.label == t("dash.brief_make", "zh"))
    make.click().run(timeout=120)
    labels = [d.proto.label for d in at.get("download_button")]
    assert t("dash.brief_download", "zh") in labels, texts(at)

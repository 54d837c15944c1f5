"""The consultant's portfolio rows: what needs attention comes first (the rule is
ui.portfolio_rows.attention_order), search and filters, the figures each row carries, and
the rows a signed-in consultant may see."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest
from app_helpers import fresh_app, new_audit, signed_off

from domain.records import AuditState, OrganisationProfile, Rectification
from scoring import Status
from scoring.cycle import CertificateState, CycleEvent, CycleEventKind, add_years
from services import certification
from services.context import Context
from store import AuditStore
from store.access import GuardedStore
from store.accounts import Accounts
from texts import t
from ui.portfolio_rows import (
    PortfolioFilter,
    PortfolioRow,
    attention_order,
    filter_rows,
    portfolio_rows,
)

TODAY = date(2026, 11, 24)


def row(name: str, **changes: Any) -> PortfolioRow:
    """A sound row with no dates, 20 points short of the first tier."""
    base = PortfolioRow(
        audit_id=1,
        organisation_id=1,
        organisation=name,
        credit_code="",
        round_no=1,
        state=AuditState.DRAFT,
        audit_date=TODAY,
        score=Fraction(50),
        tier="无等级",
        tier_group="无等级",
        eligibility="",
        points_to_next=Fraction(20),
        next_tier="达标级",
        open_items=0,
        actions_open=0,
        actions_overdue=0,
        next_due=None,
        next_event=None,
        last_activity=None,
    )
    return replace(base, **changes)


def overdue(name: str, days: int) -> PortfolioRow:
    return row(name, actions_open=1, actions_overdue=1, next_due=TODAY - timedelta(days=days))


def surveillance_in(name: str, days: int) -> PortfolioRow:
    return row(
        name, next_event=CycleEvent(CycleEventKind.SURVEILLANCE, TODAY + timedelta(days=days), 1)
    )


def ordered(*rows: PortfolioRow) -> list[str]:
    return [r.organisation for r in sorted(rows, key=attention_order)]


# -- the default order -----------------------------------------------------------------------


def test_overdue_actions_come_first_the_longest_overdue_first():
    assert ordered(
        surveillance_in("明天监督审核", 1),
        overdue("逾期两天", 2),
        row("差分最少", points_to_next=Fraction(1, 100)),
        overdue("逾期十天", 10),
    ) == ["逾期十天", "逾期两天", "明天监督审核", "差分最少"]


def test_a_certificate_at_risk_comes_first_with_the_overdue_actions():
    """An overdue surveillance (the certificate at risk of suspension) needs attention now."""
    at_risk = row("监督审核逾期", certificate=CertificateState.AT_RISK)
    assert at_risk.at_risk
    assert ordered(surveillance_in("明天监督审核", 1), at_risk, overdue("逾期两天", 2))[:2] == [
        "逾期两天",
        "监督审核逾期",
    ]


def test_then_the_nearest_date_whether_an_action_due_or_a_surveillance_or_renewal():
    renewal = CycleEvent(CycleEventKind.RENEWAL, TODAY + timedelta(days=3), 1)
    assert ordered(
        row("无日期", points_to_next=Fraction(0)),
        row("整改10天后到期", actions_open=1, next_due=TODAY + timedelta(days=10)),
        surveillance_in("5天后监督审核", 5),
        row("3天后换证", next_event=renewal),
    ) == ["3天后换证", "5天后监督审核", "整改10天后到期", "无日期"]


def test_an_action_due_before_the_surveillance_sets_the_rows_date():
    both = row(
        "整改先到期",
        actions_open=1,
        next_due=TODAY + timedelta(days=2),
        next_event=CycleEvent(CycleEventKind.SURVEILLANCE, TODAY + timedelta(days=30), 1),
    )
    assert both.next_date == TODAY + timedelta(days=2)
    assert ordered(surveillance_in("7天后监督审核", 7), both) == ["整改先到期", "7天后监督审核"]


def test_then_the_fewest_exact_points_to_the_next_tier_and_the_top_tier_last():
    # 1/300 and 1/200 both show as 0.01: the order follows the exact values
    assert ordered(
        row("已是最高等级", points_to_next=None),
        row("差1/200分", points_to_next=Fraction(1, 200)),
        row("差7分", points_to_next=Fraction(7)),
        row("差1/300分", points_to_next=Fraction(1, 300)),
    ) == ["差1/300分", "差1/200分", "差7分", "已是最高等级"]


def test_equal_rows_follow_the_name_and_unreadable_rows_go_last():
    broken = row("数据损坏", problem="ValueError: 'banana'", points_to_next=None)
    assert ordered(broken, row("乙公司"), overdue("丙公司", 1), row("甲公司")) == [
        "丙公司",
        "乙公司",
        "甲公司",
        "数据损坏",
    ]


# -- search and filters ----------------------------------------------------------------------


def test_search_finds_part_of_a_name_or_a_credit_code_whatever_case_and_spaces():
    rows = [
        row("ACME Service Co", credit_code="91310000000000001Y"),
        row("华东家电服务有限公司", credit_code="91110000600037341L"),
    ]
    assert [r.organisation for r in filter_rows(rows, PortfolioFilter("acme service"))] == [
        "ACME Service Co"
    ]
    assert [r.organisation for r in filter_rows(rows, PortfolioFilter("家电"))] == [
        "华东家电服务有限公司"
    ]
    assert [r.organisation for r in filter_rows(rows, PortfolioFilter("6000 37341l"))] == [
        "华东家电服务有限公司"
    ]
    assert filter_rows(rows, PortfolioFilter("  ")) == rows
    assert filter_rows(rows, PortfolioFilter("北方")) == []


def test_tier_and_state_filters_keep_the_rows_picked():
    rows = [
        row("四星", tier_group="四星级"),
        row("无等级"),
        row("已冻结的四星", tier_group="四星级", state=AuditState.FROZEN),
    ]
    four = PortfolioFilter(tiers=frozenset({"四星级"}))
    assert [r.organisation for r in filter_rows(rows, four)] == ["四星", "已冻结的四星"]
    frozen = replace(four, states=frozenset({AuditState.FROZEN}))
    assert [r.organisation for r in filter_rows(rows, frozen)] == ["已冻结的四星"]


# -- the rows of a real store ------------------------------------------------------------------


@pytest.fixture
def store(monkeypatch, tmp_path) -> AuditStore:
    return fresh_app(monkeypatch, tmp_path)


def conform(store: AuditStore, audit_id: int, items: list[str]) -> None:
    for item_id in items:
        store.save_item(
            audit_id, item_id, expected_version=0, actor="测试员", status=Status.CONFORMING
        )


def test_a_row_has_points_to_next_tier_next_due_next_surveillance_and_last_activity(store):
    today = date.today()
    audit = new_audit(store, "甲公司")
    store.save_item(
        audit.id,
        "1.1.1",
        expected_version=0,
        actor="测试员",
        status=Status.NOT_CONFORMING,
        rectification=Rectification("成立售后部", "张总", today + timedelta(days=9)),
    )
    store.save_item(
        audit.id,
        "1.1.2",
        expected_version=0,
        actor="测试员",
        status=Status.NOT_CONFORMING,
        rectification=Rectification("培训", "李工", today - timedelta(days=1)),
    )
    issued = add_years(today, -1) + timedelta(days=40)
    certification.add_certificate(
        Context.local_administrator(store, "测试员"),
        audit.organisation_id,
        body="中国质量认证中心",
        number="CQC-1",
        tier="四星级",
        issued_on=issued,
    )
    exact, _ = store.score(audit.id)

    [only] = portfolio_rows(store, today, "zh")

    assert only.score == exact.score == 0
    assert only.points_to_next == exact.points_to_next_tier == 70
    assert (only.next_tier, only.tier_group) == ("达标级", "无等级")
    assert (only.actions_open, only.actions_overdue) == (2, 1)
    assert only.next_due == today - timedelta(days=1)
    event = only.next_event
    assert (event.kind, event.due, event.number) == (
        CycleEventKind.SURVEILLANCE,
        add_years(issued, 1),
        1,
    )
    assert only.certificate is CertificateState.VALID and not only.at_risk
    assert only.last_activity == store.changes(organisation_id=audit.organisation_id)[0].at


def test_a_closed_round_shows_the_result_frozen_when_it_closed(store):
    audit = new_audit(store, "甲公司")
    catalogue = store.catalogue(audit.catalogue_hash)
    conform(store, audit.id, [item.id for item in catalogue.items])
    frozen_score, _ = store.score(audit.id)
    signed_off(store, audit.id)
    audit = store.audit(audit.id)
    round_two = store.close_round(audit.id, expected_version=audit.version, actor="测试员")
    store.set_audit_archived(round_two.id, True, expected_version=round_two.version, actor="测试员")

    [only] = portfolio_rows(store, date.today(), "en")

    assert (only.audit_id, only.state) == (audit.id, AuditState.FROZEN)
    assert only.score == frozen_score.score == 100
    assert only.points_to_next is None  # the top tier
    assert only.tier_group == "Five-star"


def test_only_an_organisation_written_to_since_is_scored_again(store, monkeypatch):
    first, second = new_audit(store, "甲公司"), new_audit(store, "乙公司")
    scored: list[int] = []
    original = AuditStore.result
    monkeypatch.setattr(AuditStore, "result", lambda self, i: scored.append(i) or original(self, i))
    memo: dict = {}
    portfolio_rows(store, TODAY, "zh", memo)
    assert sorted(scored) == [first.id, second.id]

    scored.clear()
    assert [r.score for r in portfolio_rows(store, TODAY, "zh", memo)] == [0, 0]
    assert scored == []

    conform(store, second.id, ["1.1.1"])
    rows = portfolio_rows(store, TODAY, "zh", memo)
    assert scored == [second.id]
    assert {r.organisation: r.score > 0 for r in rows} == {"甲公司": False, "乙公司": True}

    scored.clear()
    portfolio_rows(store, TODAY + timedelta(days=1), "zh", memo)  # overdue changes by the day
    assert sorted(scored) == [first.id, second.id]


def test_a_consultant_sees_only_the_clients_granted_to_them(store):
    new_audit(store, "甲公司")
    mine = new_audit(store, "乙公司")
    store.create_organisation(OrganisationProfile(name="丙公司（尚无审核）"), actor="测试员")
    accounts = Accounts(store)
    user = accounts.add_user("li", "李顾问", actor="admin", password="顾问的密码 consultant")
    accounts.grant("li", mine.organisation_id, "consultant", actor="admin")
    actor = accounts.actor(user.id)
    assert actor is not None

    rows = portfolio_rows(GuardedStore(store, actor), TODAY, "zh", {})

    assert [(r.organisation, r.broken) for r in rows] == [("乙公司", False)]


def test_five_deductions_show_the_deduction_to_rectify_not_zero_points_live_and_frozen(store):
    """Every item conforming, five special deductions: 95.00 and no tier. The row says
    "rectify 1 · then 五星级" and has no points to the next tier (never 0.00 to 达标级)."""
    audit = new_audit(store, "甲公司")
    catalogue = store.catalogue(audit.catalogue_hash)
    conform(store, audit.id, [item.id for item in catalogue.items])
    for n in range(5):
        store.add_deduction(audit.id, reason=f"问题 {n}", category="law", actor="测试员")
    expected = (
        f"{t('next.tile_rectify', 'zh', count=1)} · {t('next.tile_reaches', 'zh', tier='五星级')}"
    )
    [live] = portfolio_rows(store, date.today(), "zh")
    assert (live.points_to_next, live.next_tier) == (None, expected)

    signed_off(store, audit.id)
    audit = store.audit(audit.id)
    round_two = store.close_round(audit.id, expected_version=audit.version, actor="测试员")
    store.set_audit_archived(round_two.id, True, expected_version=round_two.version, actor="测试员")
    [frozen] = portfolio_rows(store, date.today(), "zh")
    assert frozen.state is AuditState.FROZEN
    assert (frozen.points_to_next, frozen.next_tier) == (None, expected)

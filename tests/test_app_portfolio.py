"""The consultant's portfolio page: what needs attention first, search, filters, each row
opening its audit on the dashboard, and only the clients the store lets the person see."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from app_helpers import APP, app, fresh_app, new_audit, sign_in_as, signed_off, texts
from stdnum.cn import uscc
from streamlit.testing.v1 import AppTest

from domain.records import OrganisationProfile, Rectification
from scoring import Status
from scoring.cycle import add_years
from services import certification
from services.context import Context
from store import AuditStore
from store.accounts import Accounts

TABLE = "portfolio.table"


@pytest.fixture
def store(monkeypatch, tmp_path) -> AuditStore:
    return fresh_app(monkeypatch, tmp_path)


def names(at) -> list[str]:
    return at.dataframe[0].value["组织"].tolist()


def pick(at, index: int):
    at.session_state[TABLE] = {"selection": {"rows": [index], "columns": []}}
    return at.run()


def action(store: AuditStore, audit_id: int, item_id: str, due: date) -> None:
    store.save_item(
        audit_id,
        item_id,
        expected_version=0,
        actor="测试员",
        status=Status.NOT_CONFORMING,
        rectification=Rectification("整改", "张总", due),
    )


def conform(store: AuditStore, audit_id: int, count: int) -> None:
    catalogue = store.catalogue(store.audit(audit_id).catalogue_hash)
    for item in catalogue.items[:count]:
        store.save_item(
            audit_id, item.id, expected_version=0, actor="测试员", status=Status.CONFORMING
        )


@pytest.fixture
def clients(store) -> dict[str, int]:
    """Five clients, one for each step of the default order, created in another order."""
    today = date.today()
    audits = {}
    audits["戊 差分多"] = new_audit(store, "戊 差分多")  # nothing assessed: 70 points short
    audits["丁 差分少"] = new_audit(store, "丁 差分少")
    conform(store, audits["丁 差分少"].id, 10)
    audits["丙 整改两周后到期"] = new_audit(store, "丙 整改两周后到期")
    action(store, audits["丙 整改两周后到期"].id, "1.1.1", today + timedelta(days=14))
    audits["乙 十天后监督审核"] = new_audit(store, "乙 十天后监督审核")
    certification.add_certificate(
        Context.local_administrator(store, "测试员"),
        audits["乙 十天后监督审核"].organisation_id,
        body="中国质量认证中心",
        number="CQC-2",
        tier="三星级",
        issued_on=add_years(today, -1) + timedelta(days=10),
    )
    audits["甲 逾期整改"] = new_audit(store, "甲 逾期整改")
    action(store, audits["甲 逾期整改"].id, "1.1.1", today - timedelta(days=3))
    return {name: audit.id for name, audit in audits.items()}


ATTENTION_ORDER = [
    "甲 逾期整改",
    "乙 十天后监督审核",
    "丙 整改两周后到期",
    "丁 差分少",
    "戊 差分多",
]


def test_what_needs_attention_comes_first(store, clients):
    at = app("portfolio")
    assert not at.exception
    assert names(at) == ATTENTION_ORDER
    table = at.dataframe[0].value
    assert table["逾期整改"].tolist() == [1, 0, 0, 0, 0]
    assert table["距下一等级"].tolist()[-1] == 70.0
    assert table["认证事项"].tolist()[1] == "第 1 次监督审核"
    assert "其中 1 个有逾期整改" in texts(at)


def test_search_by_name_or_credit_code_narrows_the_list(store, clients):
    code = "91310000" + "123456789"
    code += uscc.calc_check_digit(code)
    north = store.create_organisation(
        OrganisationProfile(name="北方家居", credit_code=code), "测试员"
    )
    new_audit_id = store.create_audit(
        north.id,
        catalogue_hash=store.catalogues()[0].content_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 1),
        assessor="王敏",
        actor="测试员",
    ).id
    at = app("portfolio")
    at.text_input(key="portfolio.search").input("差分").run()
    assert names(at) == ["丁 差分少", "戊 差分多"]
    assert "显示 2 / 6 个组织" in texts(at)
    at.text_input(key="portfolio.search").input(code[-6:].lower()).run()
    assert names(at) == ["北方家居"]
    pick(at, 0)
    assert at.session_state["audit_id"] == new_audit_id
    at.switch_page("ui/pages/portfolio.py").run()
    at.text_input(key="portfolio.search").input("没有这家").run()
    assert "没有符合搜索和筛选条件的组织" in texts(at)
    assert not at.dataframe


def test_filters_by_tier_and_round_state(store, clients):
    top = new_audit(store, "己 全部符合")
    conform(store, top.id, 100)
    signed_off(store, top.id)
    top = store.audit(top.id)
    round_two = store.close_round(top.id, expected_version=top.version, actor="测试员")
    store.set_audit_archived(round_two.id, True, expected_version=round_two.version, actor="测试员")
    at = app("portfolio")
    tiers = at.multiselect(key="portfolio.tiers")
    assert tiers.options == ["五星级", "无等级"]
    tiers.set_value(["五星级"]).run()
    assert names(at) == ["己 全部符合"]
    assert at.dataframe[0].value["状态"].tolist() == ["已冻结"]
    at.multiselect(key="portfolio.tiers").set_value([]).run()
    at.multiselect(key="portfolio.states").set_value(["draft"]).run()
    assert names(at) == ATTENTION_ORDER


def test_a_row_opens_its_audit_on_the_dashboard_and_coming_back_shows_the_portfolio(store, clients):
    at = app("portfolio")
    pick(at, 2)
    assert not at.exception
    wanted = clients["丙 整改两周后到期"]
    assert at.session_state["audit_id"] == wanted
    assert at.query_params["audit"] in (str(wanted), [str(wanted)])
    assert at.title[0].value == "丙 整改两周后到期"  # the dashboard, titled by the company
    at.switch_page("ui/pages/portfolio.py").run()
    assert at.title[0].value == "客户总览"  # not sent to the audit again
    assert names(at) == ATTENTION_ORDER


def test_a_score_shows_truncated_and_a_shortfall_rounded_up(store):
    audit = new_audit(store, "甲公司")
    conform(store, audit.id, 100)
    for item_id in ("1.1.1", "1.1.2", "1.3.1"):  # 2 + 2 + 1.5 points lost
        store.save_item(
            audit.id, item_id, expected_version=1, actor="测试员", status=Status.NOT_CONFORMING
        )
    store.save_item(  # 1.5 × 6/7: 0.2142857… lost
        audit.id,
        "1.3.2",
        expected_version=1,
        actor="测试员",
        status=Status.SAMPLED,
        samples_checked=7,
        samples_conforming=6,
    )
    exact, _ = store.score(audit.id)
    assert exact.score == Fraction(660, 7)  # 94.2857…, 0.7142… short of 95
    at = app("portfolio")
    table = at.dataframe[0].value
    assert table["得分"].tolist() == [94.28]  # never 94.29
    assert table["距下一等级"].tolist() == [0.72]  # never 0.71
    assert table["下一等级"].tolist() == ["五星级"]


def test_a_consultant_sees_only_the_clients_granted_to_them(store, clients):
    """The page reads through the guarded store of the signed-in consultant: it must not
    reach past it."""
    accounts = Accounts(store)
    user = accounts.add_user("li", "李顾问", actor="admin", password="顾问的密码 consultant")
    for name in ("乙 十天后监督审核", "丁 差分少"):
        accounts.grant("li", store.audit(clients[name]).organisation_id, "consultant", actor="a")
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = "zh"
    sign_in_as(at, user.id)
    at.run()
    at.switch_page("ui/pages/portfolio.py").run()
    assert not at.exception
    assert names(at) == ["乙 十天后监督审核", "丁 差分少"]

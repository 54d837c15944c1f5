"""The certification page: record a certificate, see its cycle, start a surveillance round."""

from datetime import date, timedelta

import pytest
from app_helpers import app, fresh_app, new_audit, texts
from store_helpers import sign_off

from scoring.cycle import add_years, valid_until
from services import certification
from services.context import Context
from texts import t


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


def record(at, **values):
    for key, value in values.items():
        widget = at.date_input if key == "issued_on" else at.text_input
        widget(key=f"certification.{key}").set_value(value)
    at.main.button[-1].click().run()  # the form's submit button


def test_recording_a_certificate_shows_its_surveillance_and_renewal_dates(store):
    audit = new_audit(store)
    at = app("certification", audit.id)
    assert "尚未登记证书" in texts(at)
    issued = date.today().replace(day=1)
    record(at, body="中国质量认证中心", number="CQC-0042", tier="四星级", issued_on=issued)
    assert not at.exception
    assert "已保存证书" in texts(at)
    assert f"中国质量认证中心 · 证书编号 CQC\\-0042 · 发证日期 {issued.isoformat()}" in texts(at)
    [cycle] = at.dataframe
    assert list(cycle.value["日期"]) == [
        add_years(issued, 1).isoformat(),
        add_years(issued, 2).isoformat(),
        valid_until(issued).isoformat(),
    ]
    assert list(cycle.value["节点"]) == ["第 1 次监督审核", "第 2 次监督审核", "再认证（证书到期）"]
    assert (
        certification.current_certificate(
            Context.local_administrator(store, "test"), audit.organisation_id
        ).number
        == "CQC-0042"
    )


def test_every_date_on_the_page_is_written_through_the_one_date_format(store, monkeypatch):
    """The page wrote its dates itself (isoformat), not through scoring/display.py: the issue
    date, the validity, each event's date and a held surveillance's day, the history."""
    from scoring import display

    audit = new_audit(store)
    issued = date.today() - timedelta(days=400)
    ctx = Context.local_administrator(store, "测试员")
    for number in ("N-0", "N-1"):  # two certificates: the history table shows too
        certification.add_certificate(
            ctx, audit.organisation_id, body="机构", number=number, tier="三星级", issued_on=issued
        )
    held = date.today() - timedelta(days=3)
    certification.record_surveillance(ctx, audit.organisation_id, on=held)
    monkeypatch.setattr(display, "day", lambda value: f"<{value}>")
    at = app("certification", audit.id)
    assert not at.exception
    shown = texts(at)
    assert f"\\<{issued}\\>" in shown or f"<{issued}>" in shown
    assert f"<{valid_until(issued)}>" in shown
    cycle, history = at.dataframe
    assert all(d.startswith("<") for d in cycle.value["日期"])
    assert any(f"<{held}>" in s for s in cycle.value["状态"])
    assert all(
        d.startswith("<") for column in ("发证日期", "有效期至") for d in history.value[column]
    )


def test_an_incomplete_certificate_is_refused_and_what_was_typed_stays(store):
    audit = new_audit(store)
    at = app("certification", audit.id)
    record(at, body="中国质量认证中心", number="", tier="四星级")
    refusal = t("cycle.certificate_incomplete", "zh", missing=t("certification.number", "zh"))
    assert refusal in texts(at)  # the missing field named in the reader's language
    assert at.text_input(key="certification.body").value == "中国质量认证中心"
    assert (
        certification.certificates(
            Context.local_administrator(store, "test"), audit.organisation_id
        )
        == []
    )


def test_starting_a_surveillance_round_opens_it_on_the_checklist(store):
    audit = new_audit(store)
    certification.add_certificate(
        Context.local_administrator(store, "测试员"),
        audit.organisation_id,
        body="机构",
        number="N-1",
        tier="三星级",
        issued_on=date(2025, 12, 1),
        audit_id=audit.id,
    )
    sign_off(store, audit.id)  # the certified round is still open: closing it needs its sign-off
    at = app("certification", audit.id)
    [start] = [b for b in at.button if b.label == "开始监督审核轮次"]
    start.click().run()
    assert not at.exception
    rounds = store.audits(audit.organisation_id)
    assert [r.round_no for r in rounds] == [1, 2]
    assert at.session_state["audit_id"] == rounds[-1].id
    assert "监督审核" in rounds[-1].title


def test_an_overdue_surveillance_shows_the_certificate_at_risk_until_one_is_recorded(store):
    audit = new_audit(store)
    issued = date.today() - timedelta(days=400)  # the first surveillance was due 35 days ago
    certification.add_certificate(
        Context.local_administrator(store, "测试员"),
        audit.organisation_id,
        body="机构",
        number="N-1",
        tier="三星级",
        issued_on=issued,
    )
    at = app("certification", audit.id)
    assert t("cycle.state.at_risk", "zh") in [e.value for e in at.error]
    [cycle] = at.dataframe
    assert cycle.value["状态"].iloc[0] == t("cycle.event.overdue", "zh", on="")
    at.date_input(key="certification.held_on").set_value(date.today() - timedelta(days=3))
    at.selectbox(key="certification.new_tier").set_value("four_star")
    [save] = [b for b in at.button if b.label == t("certification.save_surveillance", "zh")]
    save.click().run()
    assert not at.exception
    assert t("cycle.state.valid", "zh") in [e.value for e in at.success]
    [cycle] = at.dataframe
    held = (date.today() - timedelta(days=3)).isoformat()
    result = t("cycle.result.changed", "zh", tier="四星级")
    assert cycle.value["状态"].iloc[0] == t("cycle.event.held_result", "zh", on=held, result=result)
    assert at.subheader[0].value == "四星级"

"""The audit list: organisations and audits are created, opened, closed and archived."""

import pytest
from app_helpers import app, fresh_app, new_audit, texts


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


def fill_new_organisation(at, **fields):
    for name, value in fields.items():
        at.text_input(key=f"new_org.{name}").input(value)


def test_a_first_visit_explains_what_to_do(store):
    at = app()
    assert not at.exception
    assert "先新建一个组织" in texts(at)


def test_an_organisation_is_created_from_the_application_form(store):
    at = app()
    fill_new_organisation(
        at,
        name="华东家电服务有限公司",
        credit_code="91110000600037341L",
        contact_email="qm@example.cn",
    )
    at.number_input(key="new_org.headcount").set_value(320)
    at.button[0].click()  # the form's save button comes first on the page
    at.run()
    assert not at.exception
    (organisation,) = store.organisations()
    assert organisation.profile.credit_code == "91110000600037341L"
    assert organisation.profile.headcount == 320
    assert "已保存组织「华东家电服务有限公司」" in texts(at)


def test_a_bad_credit_code_is_refused_with_the_field_named_and_nothing_saved(store):
    at = app()
    fill_new_organisation(at, name="某公司", credit_code="12345")
    at.button[0].click()
    at.run()
    assert "统一社会信用代码" in texts(at) and "无效" in texts(at)
    assert store.organisations() == []


def test_an_audit_is_created_and_opened_on_the_checklist(store):
    at = app()
    fill_new_organisation(at, name="华东家电服务有限公司")
    at.button[0].click()
    at.run()
    create = next(b for b in at.button if b.label == "创建并开始审核")
    create.click()
    at.run()
    assert not at.exception
    (audit,) = store.audits()
    assert audit.catalogue_id == "gbt27922-2011"
    assert at.session_state["audit_id"] == audit.id
    assert "已评项目" in texts(at)  # the checklist page


def test_the_audit_list_shows_each_audit_with_its_score(store):
    new_audit(store)
    at = app("audits")
    assert not at.exception
    assert "2026 年度自评" in texts(at)
    assert any(m.value == "0.00" and m.label == "得分" for m in at.metric)


def test_english_is_one_switch_away(store):
    new_audit(store)
    at = app("audits", lang="en")
    assert "Audits" in texts(at)
    assert "Round 1" in texts(at)

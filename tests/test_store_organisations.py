"""Organisations: the application form's company data, checked, versioned and logged."""

import re
from dataclasses import replace

import pytest
from store_helpers import VALID_CODE, company, new_store

from store import ConflictError, InvalidEntry


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


def test_a_company_profile_is_saved_and_read_back(store):
    created = company(store, code=VALID_CODE)
    again = store.organisation(created.id)
    assert again.profile.name == "华东家电服务有限公司"
    assert again.profile.credit_code == VALID_CODE
    assert again.profile.headcount == 320
    assert [o.id for o in store.organisations()] == [created.id]


def test_credit_codes_are_checked_and_normalised(store):
    with pytest.raises(InvalidEntry, match=r"统一社会信用代码.*无效"):
        company(store, code="91110000600037341X")  # wrong check character
    assert store.organisations() == []
    spaced = company(store, code=" 9111 0000 6000 3734 1l")
    assert spaced.profile.credit_code == VALID_CODE


def test_a_credit_code_belongs_to_one_organisation(store):
    first = company(store, code=VALID_CODE)
    with pytest.raises(InvalidEntry, match=f"already belongs to organisation #{first.id}"):
        company(store, name="另一家公司", code=VALID_CODE)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "  "}, "企业名称：必填"),
        ({"contact_email": "not-an-email"}, "电子邮箱：“not-an-email”格式不对"),
        ({"headcount": -3}, "员工总数：不能为负数"),
        ({"service_headcount": 400}, "售后服务人员数：400 超过员工总数"),
    ],
)
def test_bad_profile_fields_are_refused_naming_the_field(store, change, message):
    org = company(store)
    with pytest.raises(InvalidEntry, match=message.replace("(", r"\(").replace(")", r"\)")):
        store.update_organisation(
            org.id, replace(org.profile, **change), expected_version=org.version, actor="qm"
        )
    assert store.organisation(org.id).profile == org.profile  # nothing saved


def test_a_stale_update_is_refused_and_the_newer_data_kept(store):
    org = company(store)
    tab_a = store.update_organisation(
        org.id, replace(org.profile, address="新地址 A"), expected_version=org.version, actor="a"
    )
    with pytest.raises(ConflictError, match="your change was not saved"):
        store.update_organisation(
            org.id,
            replace(org.profile, address="新地址 B"),
            expected_version=org.version,
            actor="b",
        )
    assert store.organisation(org.id).profile.address == "新地址 A"
    assert tab_a.version == org.version + 1


def test_changes_are_logged_with_who_old_and_new(store):
    org = company(store)
    store.update_organisation(
        org.id,
        replace(org.profile, service_outlets=15),
        expected_version=org.version,
        actor="王经理",
    )
    latest = store.changes(organisation_id=org.id)[0]
    assert (latest.actor, latest.entity, latest.field, latest.old, latest.new) == (
        "王经理",
        "organisation",
        "service_outlets",
        "12",
        "15",
    )


def test_archived_organisations_leave_the_default_list(store):
    org = company(store)
    store.set_organisation_archived(org.id, True, expected_version=org.version, actor="qm")
    assert store.organisations() == []
    assert [o.id for o in store.organisations(include_archived=True)] == [org.id]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"credit_code": "91110000600037341X"}, "profile.credit_code_invalid"),
        ({"service_headcount": 400}, "profile.exceeds"),
        ({"contact_phone": "phone?"}, "profile.malformed"),
    ],
)
def test_a_profile_refusal_reads_in_one_language(store, change, code):
    """The credit-code message ran Chinese and English together ("无效 is not valid")."""
    org = company(store)
    with pytest.raises(InvalidEntry) as refused:
        store.update_organisation(
            org.id, replace(org.profile, **change), expected_version=org.version, actor="qm"
        )
    assert [p.code for p in refused.value.problems] == [code]
    chinese, english = refused.value.text("zh"), refused.value.text("en")
    user_values = [str(v) for v in change.values()]
    for value in user_values:
        chinese, english = chinese.replace(value, ""), english.replace(value, "")
    assert not re.search(r"[A-Za-z]", chinese), chinese
    assert not re.search(r"[\u4e00-\u9fff]", english), english

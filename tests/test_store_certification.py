"""Certificates: recorded with body, number, tier and issue date; the cycle they set; and a
surveillance round started from the last certified round."""

from datetime import date

import pytest
from store_helpers import company, new_store, sign_off, test_audit

from domain.account_records import ReviewError
from domain.certificate_rules import CertificateRule
from domain.errors import Refused
from domain.records import AuditState, Rectification
from scoring import Status
from scoring.cycle import SurveillanceResult
from services import certification
from services.context import Context


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


@pytest.fixture
def certified(store):
    """Round 1 assessed and closed (round 2 opened from it), then certified on round 1."""
    audit = test_audit(store)
    store.save_item(
        audit.id,
        "1.1.1",
        expected_version=0,
        actor="qm",
        status=Status.NOT_CONFORMING,
        finding="制度未更新",
        rectification=Rectification("修订制度", "王敏", date(2027, 1, 31)),
    )
    sign_off(store, audit.id)
    store.close_round(audit.id, expected_version=store.audit(audit.id).version, actor="qm")
    store.save_item(audit.id + 1, "1.1.2", expected_version=0, actor="qm", status=Status.CONFORMING)
    certification.add_certificate(
        Context.local_administrator(store, "qm"),
        audit.organisation_id,
        body="中国质量认证中心",
        number="CQC-SS-2026-0042",
        tier="四星级",
        issued_on=date(2026, 12, 1),
        audit_id=audit.id,
    )
    return audit


def test_a_recorded_certificate_gives_its_surveillance_and_renewal_dates(store, certified):
    certificate = certification.current_certificate(
        Context.local_administrator(store, "test"), certified.organisation_id
    )
    assert (certificate.body, certificate.number, certificate.tier) == (
        "中国质量认证中心",
        "CQC-SS-2026-0042",
        "四星级",
    )
    assert certificate.cycle.surveillances == (date(2027, 12, 1), date(2028, 12, 1))
    assert certificate.cycle.valid_until == date(2029, 11, 30)  # renewal due by then
    assert store.changes(organisation_id=certified.organisation_id)[0].entity == "certificate 1"


def test_the_newest_certificate_is_the_current_one(store, certified):
    certification.add_certificate(
        Context.local_administrator(store, "qm"),
        certified.organisation_id,
        body="中国质量认证中心",
        number="CQC-SS-2029-0007",
        tier="五星级",
        issued_on=date(2029, 11, 20),
    )
    assert (
        certification.current_certificate(
            Context.local_administrator(store, "test"), certified.organisation_id
        ).tier
        == "五星级"
    )
    assert (
        len(
            certification.certificates(
                Context.local_administrator(store, "test"), certified.organisation_id
            )
        )
        == 2
    )


def test_a_certificate_without_body_number_or_tier_is_refused_naming_what_is_missing(store):
    organisation = company(store)
    with pytest.raises(Refused) as refused:
        certification.add_certificate(
            Context.local_administrator(store, "qm"),
            organisation.id,
            body=" ",
            number="",
            tier="三星级",
            issued_on=date(2026, 1, 1),
        )
    assert refused.value.code == "cycle.certificate_incomplete"
    assert refused.value.values == {"missing": ("body", "number")}
    assert refused.value.text("zh") == "证书信息不完整：请填写认证机构、证书编号。"
    assert (
        certification.certificates(Context.local_administrator(store, "test"), organisation.id)
        == []
    )


def test_a_too_long_field_is_refused_naming_it_in_the_readers_language(store):
    """The refusal named the field by its code inside the Chinese sentence ("number 过长")."""
    organisation = company(store)
    with pytest.raises(CertificateRule) as refused:
        certification.add_certificate(
            Context.local_administrator(store, "qm"),
            organisation.id,
            body="中国商业联合会",
            number="7" * (certification.MAX_FIELD + 1),
            tier="三星级",
            issued_on=date(2026, 1, 1),
        )
    assert refused.value.code == "cycle.too_long"
    assert refused.value.values == {"field": "number", "limit": certification.MAX_FIELD}
    assert refused.value.text("zh") == "证书编号过长（上限 200 个字符）"
    assert refused.value.text("en") == "Certificate number: too long (at most 200 characters)"


def test_a_certificate_cannot_name_another_organisations_round(store, certified):
    other = company(store, name="另一家")
    with pytest.raises(Refused) as refused:
        certification.add_certificate(
            Context.local_administrator(store, "qm"),
            other.id,
            body="机构",
            number="1",
            tier="三星级",
            issued_on=date(2026, 1, 1),
            audit_id=certified.id,
        )
    assert (refused.value.code, refused.value.values) == (
        "cycle.round_elsewhere",
        {"audit_id": certified.id},
    )


def test_a_surveillance_round_starts_from_the_certified_round_not_from_later_work(store, certified):
    new = certification.start_surveillance_round(
        Context.local_administrator(store, "顾问"), certified.organisation_id, on=date(2027, 11, 15)
    )
    assert (new.round_no, new.state, new.previous_audit_id) == (3, AuditState.DRAFT, certified.id)
    assert new.title == "2027 年第 1 次监督审核"
    assert new.audit_date == date(2027, 11, 15)
    items = store.items(new.id)
    assert set(items) == {"1.1.1"}  # round 2's later entry for 1.1.2 is not what was certified
    assert items["1.1.1"].rectification.owner == "王敏"
    assert store.audit(certified.id).state is AuditState.FROZEN  # the certified round stays


def test_a_certificate_granted_on_an_open_signed_off_round_closes_it_for_the_surveillance(
    store,
):
    audit = test_audit(store)
    certification.add_certificate(
        Context.local_administrator(store, "qm"),
        audit.organisation_id,
        body="机构",
        number="N-1",
        tier="三星级",
        issued_on=date(2026, 1, 10),
        audit_id=audit.id,
    )
    with pytest.raises(ReviewError) as refused:  # closing it needs its sign-off, as ever
        certification.start_surveillance_round(
            Context.local_administrator(store, "qm"), audit.organisation_id, on=date(2027, 3, 1)
        )
    assert refused.value.code == "auth.review.error.not_signed_off"
    assert store.audit(audit.id).state is AuditState.DRAFT
    sign_off(store, audit.id)
    new = certification.start_surveillance_round(
        Context.local_administrator(store, "qm"), audit.organisation_id, on=date(2027, 3, 1)
    )
    assert store.audit(audit.id).state is AuditState.FROZEN
    assert (new.previous_audit_id, new.title) == (audit.id, "2027 年第 1 次监督审核")


def test_without_a_certificate_a_surveillance_round_is_refused_with_what_to_do(store):
    audit = test_audit(store)
    with pytest.raises(Refused) as refused:
        certification.start_surveillance_round(
            Context.local_administrator(store, "qm"), audit.organisation_id, on=date(2027, 1, 1)
        )
    assert refused.value.code == "cycle.no_certificate"


def test_without_a_named_round_the_last_closed_round_is_the_certified_one(store):
    audit = test_audit(store)
    sign_off(store, audit.id)
    store.close_round(audit.id, expected_version=store.audit(audit.id).version, actor="qm")
    certification.add_certificate(
        Context.local_administrator(store, "qm"),
        audit.organisation_id,
        body="机构",
        number="N-2",
        tier="三星级",
        issued_on=date(2026, 12, 1),
    )
    new = certification.start_surveillance_round(
        Context.local_administrator(store, "qm"), audit.organisation_id, on=date(2027, 12, 1)
    )
    assert new.previous_audit_id == audit.id and new.round_no == 3


def qm(store, name="qm"):
    return Context.local_administrator(store, name)


def test_surveillances_held_are_kept_with_the_certificate_and_set_its_status(store):
    """Issued 2028-02-29: the first surveillance, not held by 2029-02-28, is overdue and the
    certificate at risk; held late on 2029-10-15 it is the first, and the certificate valid."""
    organisation = company(store)
    certification.add_certificate(
        qm(store),
        organisation.id,
        body="中国质量认证中心",
        number="CQC-SS-2028-0042",
        tier="四星级",
        issued_on=date(2028, 2, 29),
    )
    _, at_risk = certification.certificate_status(qm(store), organisation.id, on=date(2029, 7, 1))
    assert at_risk.valid_until == date(2031, 2, 28)
    assert (at_risk.state.value, at_risk.events[0].state.value) == ("at_risk", "overdue")
    recorded = certification.record_surveillance(
        qm(store, "顾问"), organisation.id, on=date(2029, 10, 15)
    )
    assert recorded.held.result is SurveillanceResult.KEPT and recorded.number == 1
    _, status = certification.certificate_status(qm(store), organisation.id, on=date(2029, 10, 15))
    assert status.state.value == "valid"
    assert [(e.number, e.state.value, e.held_on) for e in status.events[:2]] == [
        (1, "held", date(2029, 10, 15)),
        (2, "upcoming", None),
    ]
    assert store.changes(organisation_id=organisation.id)[0].field == "surveillance 1"
    # a surveillance round started after it is the second
    certification.record_surveillance(
        qm(store, "顾问"), organisation.id, on=date(2030, 2, 1), tier="五星级"
    )
    _, status = certification.certificate_status(qm(store), organisation.id, on=date(2030, 2, 2))
    assert status.tier == "五星级" and status.events[1].held.result is SurveillanceResult.CHANGED


def test_a_surveillance_outside_the_validity_or_twice_on_a_day_is_refused(store):
    organisation = company(store)
    with pytest.raises(CertificateRule) as refused:
        certification.record_surveillance(qm(store), organisation.id, on=date(2027, 1, 1))
    assert refused.value.code == "cycle.no_certificate"
    certification.add_certificate(
        qm(store), organisation.id, body="机构", number="N-1", tier="三星级",
        issued_on=date(2026, 12, 31),
    )  # fmt: skip
    with pytest.raises(CertificateRule) as refused:
        certification.record_surveillance(qm(store), organisation.id, on=date(2029, 12, 31))
    assert refused.value.code == "cycle.outside_validity"
    assert refused.value.values["until"] == "2029-12-30"
    certification.record_surveillance(qm(store), organisation.id, on=date(2027, 12, 1))
    with pytest.raises(CertificateRule) as refused:
        certification.record_surveillance(qm(store), organisation.id, on=date(2027, 12, 1))
    assert refused.value.code == "cycle.already_held"
    assert len(certification.current_certificate(qm(store), organisation.id).held) == 1


def test_a_late_first_surveillance_round_is_titled_the_first_not_the_nearest_anniversary(
    store, certified
):
    """Issued 2026-12-01, the first surveillance held late on 2028-09-01 (nearer the second
    anniversary) is still the first."""
    new = certification.start_surveillance_round(
        qm(store, "顾问"), certified.organisation_id, on=date(2028, 9, 1)
    )
    assert new.title == "2028 年第 1 次监督审核"

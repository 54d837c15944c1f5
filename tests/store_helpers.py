"""A store on a fresh database with a small catalogue whose numbers the tests can reason about."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from catalogue_builder import ItemDef, catalogue_dict

from domain.records import AuditRecord, Organisation, OrganisationProfile
from evidence.s3_settings import S3Settings
from store import AuditStore, Settings, open_store

ITEMS = [
    ItemDef("1.1.1", 10),
    ItemDef("1.1.2", 20, scoring="sampled"),
    ItemDef("1.2.1", 30, excludable=True),
    ItemDef("2.1.1", 25),
    ItemDef("2.1.2", 15, excludable=True),
]
CATALOGUE_TEXT = yaml.safe_dump(catalogue_dict(ITEMS), allow_unicode=True)
VALID_CODE = "91110000600037341L"  # a real-format 统一社会信用代码 with a correct check character


def settings_for(
    database_url: str,
    folder: Path,
    max_upload_bytes: int = 5 << 20,
    evidence_s3: S3Settings | None = None,
) -> Settings:
    return Settings(
        data_dir=folder,
        database_url=database_url,
        evidence_dir=folder / "evidence",
        max_upload_bytes=max_upload_bytes,
        evidence_s3=evidence_s3,
    )


def new_store(database_url: str, folder: Path, evidence_s3: S3Settings | None = None) -> AuditStore:
    store = open_store(settings_for(database_url, folder, evidence_s3=evidence_s3))
    store.register_catalogue(CATALOGUE_TEXT, "test-catalogue.yaml")
    return store


def company(store: AuditStore, name: str = "华东家电服务有限公司", code: str = "") -> Organisation:
    profile = OrganisationProfile(
        name=name,
        credit_code=code,
        address="上海市浦东新区张江路 100 号",
        contact_name="王经理",
        contact_phone="021-5555 1234",
        contact_email="service@example.cn",
        headcount=320,
        service_headcount=45,
        products_in_scope="家用电器",
        service_outlets=12,
    )
    return store.create_organisation(profile, actor="qm")


def test_audit(store: AuditStore, organisation: Organisation | None = None) -> AuditRecord:
    organisation = organisation or company(store)
    test_hash = next(c.content_hash for c in store.catalogues() if c.id == "test-catalogue")
    return store.create_audit(
        organisation.id,
        catalogue_hash=test_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 1),
        assessor="李审核",
        actor="qm",
    )


test_audit.__test__ = False  # type: ignore[attr-defined]  # pytest reads it: a helper, not a test


def sign_off(store: AuditStore, audit_id: int, reviewer: str = "签核人") -> None:
    """Submit the round and sign it off as an administrator account (created on first use):
    only a signed-off round can be closed."""
    from store.accounts import AccountError, Accounts

    accounts = Accounts(store)
    login = "sign-off-reviewer"
    try:
        accounts.user(login)
    except AccountError:
        accounts.add_user(
            login, reviewer, password="reviewer password", actor="tests", administrator=True
        )
    submit_and_sign_off(store, audit_id, accounts.user(login).id)


def submit_and_sign_off(store: AuditStore, audit_id: int, user_id: int) -> None:
    """The round submitted for review and signed off by one account (as a company of one may,
    GBT_AUDIT_SINGLE_PERSON_SIGN_OFF): only a signed-off round can be closed or moved."""
    from services import review
    from services.context import Context
    from store.accounts import Accounts

    actor = Accounts(store).actor(user_id)
    assert actor is not None
    review.submit_for_review(Context(actor, store), audit_id)
    review.sign_off(Context(actor, store), audit_id, single_person=True)


def close_signed_off(store: AuditStore, audit_id: int, **kwargs) -> AuditRecord:
    """Sign the round off, then close it (as the app requires)."""
    sign_off(store, audit_id)
    return store.close_round(
        audit_id, expected_version=store.audit(audit_id).version, actor="qm", **kwargs
    )

"""What a journey starts from: the first administrator, one organisation and its first round
of the full GB/T 27922 catalogue, and the colleagues with their roles — written through the
store, as an administrator would have left them."""

from __future__ import annotations

from datetime import date

from domain.records import AuditRecord, OrganisationProfile
from store.accounts import Accounts
from store.repository import AuditStore

ORGANISATION = "华东家电服务有限公司"
ADMINISTRATOR = ("admin", "管理员")


def first_audit(
    store: AuditStore,
    password: str,
    *,
    assessor: str,
    people: tuple[tuple[str, str, str, str | None], ...] = (),
) -> AuditRecord:
    """The round "2026 年度自评" of ORGANISATION, assessed by ``assessor``; each of ``people``
    is (login, display name, role in the organisation, e-mail or None), all with ``password``."""
    accounts = Accounts(store)
    login, name = ADMINISTRATOR
    accounts.add_first_administrator(login, name, password)
    organisation = store.create_organisation(OrganisationProfile(name=ORGANISATION), name)
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=store.catalogues()[0].content_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 1),
        assessor=assessor,
        actor=name,
    )
    for person, shown, role, email in people:
        accounts.add_user(person, shown, actor=name, password=password, email=email)
        accounts.grant(person, organisation.id, role, actor=name)
    return audit

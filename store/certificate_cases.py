"""Use cases of the certification cycle, called by the command line and the app alike (they
move into the services/ package as they are): record a certificate, record a surveillance held,
read the certificate's status on a day. Inputs are bounded here, before the store is touched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from criteria import Tier
from domain.certificate_rules import CertificateRule
from scoring.cycle import (
    DUE_WINDOW_DAYS,
    MAX_DUE_WINDOW_DAYS,
    CycleStatus,
    HeldSurveillance,
)
from store.certification import CertificateRecord
from store.repository import AuditStore

if TYPE_CHECKING:  # the guard wraps the store; the cases take either
    from store.access import GuardedStore

MAX_FIELD = 200  # a body's name, a certificate number, a tier: one line each


@dataclass(frozen=True)
class SurveillanceRecorded:
    number: int  # the certificate year it belongs to
    held: HeldSurveillance


def known_tiers(store: AuditStore | GuardedStore, organisation_id: int) -> list[Tier]:
    """The tiers of the scheme the organisation's latest round is scored under."""
    rounds = store.audits(organisation_id)
    if not rounds:
        return []
    latest = rounds[-1]
    return list(store.catalogue(latest.catalogue_hash).scheme(latest.scheme_id).tiers)


def resolve_tier(store: AuditStore | GuardedStore, organisation_id: int, tier_id: str) -> str:
    """A tier id (``four_star``) or title (四星级) of the organisation's scheme, as the title a
    certificate states (Chinese, as printed); refused with the known ids otherwise."""
    given = tier_id.strip()
    tiers = known_tiers(store, organisation_id)
    for tier in tiers:
        if given in (tier.id, tier.title.zh, tier.title.en):
            return tier.title.zh
    raise CertificateRule(
        "cycle.unknown_tier", tier=given[:MAX_FIELD], known=", ".join(t.id for t in tiers) or "—"
    )


def _bounded(**fields: str) -> None:
    for name, value in fields.items():
        if len(value) > MAX_FIELD:
            raise CertificateRule("cycle.too_long", field=name, limit=MAX_FIELD)


def add_certificate(
    store: AuditStore | GuardedStore,
    organisation_id: int,
    *,
    body: str,
    number: str,
    tier_id: str,
    issued_on: date,
    actor: str,
) -> CertificateRecord:
    _bounded(body=body, number=number, tier=tier_id)
    store.organisation(organisation_id)  # an unknown organisation is named as such first
    tier = resolve_tier(store, organisation_id, tier_id)
    return store.add_certificate(
        organisation_id, body=body, number=number, tier=tier, issued_on=issued_on, actor=actor
    )


def record_surveillance(
    store: AuditStore | GuardedStore,
    organisation_id: int,
    *,
    on: date,
    actor: str,
    tier_id: str | None = None,
    suspended: bool = False,
) -> SurveillanceRecorded:
    store.organisation(organisation_id)
    tier = None
    if tier_id is not None:
        _bounded(tier=tier_id)
        tier = resolve_tier(store, organisation_id, tier_id)
    before = store.current_certificate(organisation_id)
    held = store.record_surveillance(
        organisation_id, on=on, actor=actor, tier=tier, suspended=suspended
    )
    assert before is not None  # recorded on it just now
    # the certificate year it belongs to (an extra one in a covered year: the year it falls in)
    number = before.cycle.surveillance_number(on, [h.held_on for h in before.held])
    return SurveillanceRecorded(number, held)


def certificate_status(
    store: AuditStore | GuardedStore,
    organisation_id: int,
    *,
    on: date,
    window_days: int = DUE_WINDOW_DAYS,
) -> tuple[CertificateRecord, CycleStatus]:
    if not 0 <= window_days <= MAX_DUE_WINDOW_DAYS:
        raise CertificateRule("cycle.bad_window", value=window_days, limit=MAX_DUE_WINDOW_DAYS)
    store.organisation(organisation_id)
    certificate = store.current_certificate(organisation_id)
    if certificate is None:
        raise CertificateRule("cycle.no_certificate")
    return certificate, certificate.status(on, window_days=window_days)

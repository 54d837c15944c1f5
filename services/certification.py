"""The certification cycle: the certificates an organisation holds, and a surveillance round
started from the certified round (a new draft holding a copy of its entries: what was
certified is what the surveillance checks is still true)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from criteria import Tier
from domain.certificate_rules import CertificateRule
from domain.errors import Refused
from domain.permissions import Action
from domain.records import AuditRecord, AuditState
from scoring.cycle import (
    DUE_WINDOW_DAYS,
    MAX_DUE_WINDOW_DAYS,
    CycleStatus,
    HeldSurveillance,
    SurveillanceResult,
)
from services.context import Context
from services.registry import By, service
from store.certification import CertificateRecord
from texts import t

FIELDS = ("body", "number", "tier")  # 认证机构, 证书编号, 等级
MAX_FIELD = 200  # a body's name, a certificate number, a tier: one line each


@dataclass(frozen=True)
class SurveillanceRecorded:
    number: int  # the certificate year it belongs to
    held: HeldSurveillance


class CertificateIncomplete(Refused):
    """Values: ``missing``, the empty fields (body, number, tier), named in the reader's
    language."""

    def text(self, lang: str) -> str:
        fields = self.values["missing"]
        assert isinstance(fields, tuple)
        separator = "、" if lang == "zh" else ", "
        named = separator.join(t(f"certification.{field}", lang) for field in fields)
        return t(self.code, lang, missing=named)


class CertificateFieldTooLong(CertificateRule):
    """Values: ``field``, the field too long (body, number or tier), named in the reader's
    language (the code alone read "number 过长" in the Chinese page), and ``limit``."""

    def message(self, lang: str = "zh") -> str:
        field = t(f"certification.{self.values['field']}", lang)
        return t(self.code, lang, field=field, limit=self.values["limit"])


@service(Action.READ, By.ORGANISATION, write=False)
def certificates(ctx: Context, organisation_id: int) -> list[CertificateRecord]:
    """Newest issue first."""
    return ctx.uow.certificates.of_organisation(organisation_id)


@service(Action.READ, By.ORGANISATION, write=False)
def current_certificate(ctx: Context, organisation_id: int) -> CertificateRecord | None:
    """The most recently issued certificate, whether or not it has run out."""
    return next(iter(ctx.uow.certificates.of_organisation(organisation_id)), None)


@service(Action.EDIT_ORGANISATION, By.ORGANISATION)
def add_certificate(
    ctx: Context,
    organisation_id: int,
    *,
    body: str,
    number: str,
    tier: str,
    issued_on: date,
    audit_id: int | None = None,
) -> CertificateRecord:
    _bounded(body=body, number=number, tier=tier)
    given = {"body": body.strip(), "number": number.strip(), "tier": tier.strip()}
    missing = tuple(field for field in FIELDS if not given[field])
    if missing:
        raise CertificateIncomplete("cycle.certificate_incomplete", missing=missing)
    uow = ctx.uow
    if audit_id is not None and uow.rounds.get(audit_id).organisation_id != organisation_id:
        raise Refused("cycle.round_elsewhere", audit_id=audit_id)
    certificate = uow.certificates.add(
        organisation_id, audit_id=audit_id, issued_on=issued_on, recorded_by=ctx.name, **given
    )
    uow.changes.append(
        ctx.name,
        f"certificate {certificate.id}",
        [
            (
                "created",
                None,
                f"{certificate.body} {certificate.number} {certificate.tier} {issued_on}",
            )
        ],
        organisation_id=organisation_id,
    )
    return certificate


@service(Action.CREATE_ROUND, By.ORGANISATION)
def start_surveillance_round(
    ctx: Context, organisation_id: int, *, on: date, lang: str = "zh"
) -> AuditRecord:
    """Open a surveillance round from the last certified round (the certificate's round, else
    the organisation's last closed round) with a copy of its entries; a certified round still
    open is closed into it (its sign-off must hold). ``lang`` is the new round's title's."""
    uow = ctx.uow
    certificate = next(iter(uow.certificates.of_organisation(organisation_id)), None)
    if certificate is None:
        raise Refused("cycle.no_certificate")
    source_id = certificate.audit_id
    if source_id is None:
        closed = uow.rounds.in_state(organisation_id, AuditState.FROZEN)
        source_id = closed[-1].id if closed else None
    if source_id is None:
        raise Refused("cycle.no_certified_round")
    number = certificate.cycle.surveillance_number(on, [h.held_on for h in certificate.held])
    title = t("cycle.surveillance_title", lang, n=number, year=on.year)
    source = uow.rounds.get(source_id)
    if source.state is AuditState.DRAFT:  # certified on a round still open: close it now
        return ctx.store.close_round(
            source.id,
            expected_version=source.version,
            actor=ctx.name,
            next_date=on,
            next_title=title,
        )
    row = uow.rounds.row(source.id)
    new = uow.rounds.open_next(row, title, on, ctx.name)
    uow.changes.append(
        ctx.name,
        "audit",
        [("created", None, f"surveillance round {new.round_no} from round {row.round_no}")],
        organisation_id=row.organisation_id,
        audit_id=new.id,
    )
    return new


def _bounded(**fields: str) -> None:
    for name, value in fields.items():
        if len(value) > MAX_FIELD:
            raise CertificateFieldTooLong("cycle.too_long", field=name, limit=MAX_FIELD)


@service(Action.READ, By.ORGANISATION, write=False)
def known_tiers(ctx: Context, organisation_id: int) -> list[Tier]:
    """The tiers of the scheme the organisation's latest round is scored under."""
    return list(ctx.store.latest_tiers(organisation_id))


@service(Action.READ, By.ORGANISATION, write=False)
def resolve_tier(ctx: Context, organisation_id: int, tier_id: str) -> str:
    """A tier id (``four_star``) or title (四星级) of the organisation's scheme, as the title a
    certificate states (Chinese, as printed); refused with the known ids otherwise."""
    _bounded(tier=tier_id)
    given = tier_id.strip()
    tiers = known_tiers(ctx, organisation_id)
    for tier in tiers:
        if given in (tier.id, tier.title.zh, tier.title.en):
            return tier.title.zh
    raise CertificateRule(
        "cycle.unknown_tier", tier=given[:MAX_FIELD], known=", ".join(t.id for t in tiers) or "—"
    )


@service(Action.EDIT_ORGANISATION, By.ORGANISATION)
def record_surveillance(
    ctx: Context,
    organisation_id: int,
    *,
    on: date,
    tier_id: str | None = None,
    tier: str | None = None,
    suspended: bool = False,
) -> SurveillanceRecorded:
    """A surveillance evaluation held on the current certificate on ``on``: the tier kept
    (no tier given, or the same), changed (another tier: ``tier_id`` of the organisation's
    scheme, or ``tier`` as the certificate states it), or the certificate suspended."""
    if tier is not None:
        _bounded(tier=tier)
    if tier_id is not None:
        tier = resolve_tier(ctx, organisation_id, tier_id)
    uow = ctx.uow
    certificate = next(iter(uow.certificates.of_organisation(organisation_id)), None)
    if certificate is None:
        raise CertificateRule("cycle.no_certificate")
    cycle = certificate.cycle
    if not cycle.valid_on(on):
        raise CertificateRule(
            "cycle.outside_validity",
            on=on.isoformat(),
            issued=certificate.issued_on.isoformat(),
            until=cycle.valid_until.isoformat(),
        )
    now_tier = certificate.status(on).tier
    wanted = (tier or "").strip() or None
    if suspended:
        result = SurveillanceResult.SUSPENDED
    elif wanted is not None and wanted != now_tier:
        result = SurveillanceResult.CHANGED
    else:
        result = SurveillanceResult.KEPT
    if uow.certificates.surveillance_held(certificate.id, on):
        raise CertificateRule("cycle.already_held", on=on.isoformat())
    # the certificate year it belongs to (an extra one in a covered year: the year it falls in)
    number = cycle.surveillance_number(on, [h.held_on for h in certificate.held])
    held = uow.certificates.add_surveillance(
        certificate.id,
        held_on=on,
        result=result,
        tier=wanted if result is SurveillanceResult.CHANGED else None,
        recorded_by=ctx.name,
    )
    uow.changes.append(
        ctx.name,
        f"certificate {certificate.id}",
        [
            (
                f"surveillance {number}",
                None,
                f"{on.isoformat()} {result.value} {held.tier or ''}".strip(),
            )
        ],
        organisation_id=organisation_id,
    )
    return SurveillanceRecorded(number, held)


@service(Action.READ, By.ORGANISATION, write=False)
def certificate_status(
    ctx: Context, organisation_id: int, *, on: date, window_days: int = DUE_WINDOW_DAYS
) -> tuple[CertificateRecord, CycleStatus]:
    """The current certificate and its events and state on ``on``."""
    if not 0 <= window_days <= MAX_DUE_WINDOW_DAYS:
        raise CertificateRule("cycle.bad_window", value=window_days, limit=MAX_DUE_WINDOW_DAYS)
    certificate = next(iter(ctx.uow.certificates.of_organisation(organisation_id)), None)
    if certificate is None:
        raise CertificateRule("cycle.no_certificate")
    return certificate, certificate.status(on, window_days=window_days)

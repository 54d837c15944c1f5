"""The certification cycle: the certificates an organisation holds, and a surveillance round
started from the certified round (a new draft holding a copy of its entries: what was
certified is what the surveillance checks is still true)."""

from __future__ import annotations

from datetime import date

from domain.errors import Refused
from domain.permissions import Action
from domain.records import AuditRecord, AuditState
from services.context import Context
from services.registry import By, service
from store.certification import CertificateRecord
from texts import t

FIELDS = ("body", "number", "tier")  # 认证机构, 证书编号, 等级


class CertificateIncomplete(Refused):
    """Values: ``missing``, the empty fields (body, number, tier), named in the reader's
    language."""

    def text(self, lang: str) -> str:
        fields = self.values["missing"]
        assert isinstance(fields, tuple)
        separator = "、" if lang == "zh" else ", "
        named = separator.join(t(f"certification.{field}", lang) for field in fields)
        return t(self.code, lang, missing=named)


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
    number = certificate.cycle.surveillance_number(on)
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

"""Certificates an organisation holds, the cycle they set, the surveillance evaluations held on
them, and surveillance rounds.

A surveillance round starts from the last certified round: a new draft round holding a copy of
its entries (what was certified is what the surveillance checks is still true).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from domain.certificate_rules import CertificateRule
from domain.errors import InvalidEntry
from domain.records import AuditRecord, AuditState
from scoring.cycle import (
    DUE_WINDOW_DAYS,
    CertificationCycle,
    CycleStatus,
    HeldSurveillance,
    SurveillanceResult,
    certification_cycle,
    cycle_status,
)
from store import convert
from store.base import StoreBase, utcnow
from store.tables import CertificateRow, SurveillanceRow
from texts import t


@dataclass(frozen=True)
class CertificateRecord:
    id: int
    organisation_id: int
    body: str  # 认证机构
    number: str  # 证书编号
    tier: str  # 等级, as the certificate states it
    issued_on: date
    audit_id: int | None = None  # the round it was granted on
    recorded_at: datetime | None = None
    recorded_by: str = ""
    version: int = 1
    held: tuple[HeldSurveillance, ...] = ()  # surveillance evaluations held, by date

    @property
    def cycle(self) -> CertificationCycle:
        return certification_cycle(self.issued_on)

    def status(self, on: date, *, window_days: int = DUE_WINDOW_DAYS) -> CycleStatus:
        return cycle_status(self.issued_on, self.tier, self.held, on, window_days=window_days)


def _record(row: CertificateRow, held: list[SurveillanceRow] | None = None) -> CertificateRecord:
    return CertificateRecord(
        id=row.id,
        organisation_id=row.organisation_id,
        body=row.body,
        number=row.number,
        tier=row.tier,
        issued_on=row.issued_on,
        audit_id=row.audit_id,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        version=row.version,
        held=tuple(
            HeldSurveillance(h.held_on, SurveillanceResult(h.result), h.tier)
            for h in sorted(held or [], key=lambda h: h.held_on)
        ),
    )


class CertificationMixin(StoreBase):
    def add_certificate(
        self,
        organisation_id: int,
        *,
        body: str,
        number: str,
        tier: str,
        issued_on: date,
        actor: str,
        audit_id: int | None = None,
    ) -> CertificateRecord:
        missing = [
            name
            for name, value in (
                ("body 认证机构", body),
                ("number 证书编号", number),
                ("tier 等级", tier),
            )
            if not value.strip()
        ]
        if missing:
            raise InvalidEntry(f"证书信息不完整 — the certificate needs its {', '.join(missing)}")
        with self._write("certificate") as session:
            org = self._organisation_row(session, organisation_id)
            if audit_id is not None:
                audit = self._audit_row(session, audit_id)
                if audit.organisation_id != org.id:
                    raise InvalidEntry(
                        f"audit #{audit_id} belongs to another organisation — 该审核不属于此组织"
                    )
            row = CertificateRow(
                organisation_id=org.id,
                audit_id=audit_id,
                body=body.strip(),
                number=number.strip(),
                tier=tier.strip(),
                issued_on=issued_on,
                recorded_at=utcnow(),
                recorded_by=actor,
            )
            session.add(row)
            session.flush()
            self._log(
                session,
                actor,
                f"certificate {row.id}",
                [("created", None, f"{row.body} {row.number} {row.tier} {issued_on.isoformat()}")],
                organisation_id=org.id,
            )
            return _record(row)

    def certificates(self, organisation_id: int) -> list[CertificateRecord]:
        """Newest issue first."""
        with self._read() as session:
            rows = list(
                session.scalars(
                    select(CertificateRow)
                    .where(CertificateRow.organisation_id == organisation_id)
                    .order_by(CertificateRow.issued_on.desc(), CertificateRow.id.desc())
                )
            )
            held: dict[int, list[SurveillanceRow]] = {row.id: [] for row in rows}
            if rows:
                for made in session.scalars(
                    select(SurveillanceRow).where(SurveillanceRow.certificate_id.in_(held))
                ):
                    held[made.certificate_id].append(made)
            return [_record(row, held[row.id]) for row in rows]

    def current_certificate(self, organisation_id: int) -> CertificateRecord | None:
        """The most recently issued certificate, whether or not it has run out."""
        return next(iter(self.certificates(organisation_id)), None)

    def start_surveillance_round(
        self, organisation_id: int, *, on: date, actor: str, lang: str = "zh"
    ) -> AuditRecord:
        """Open a surveillance round from the last certified round (the certificate's round,
        else the organisation's last closed round) with a copy of its entries."""
        certificate = self.current_certificate(organisation_id)
        if certificate is None:
            raise InvalidEntry(t("cycle.no_certificate", lang))
        source_id = certificate.audit_id or self._last_closed_round(organisation_id)
        if source_id is None:
            raise InvalidEntry(t("cycle.no_certified_round", lang))
        number = certificate.cycle.surveillance_number(on, [h.held_on for h in certificate.held])
        title = t("cycle.surveillance_title", lang, n=number, year=on.year)
        source = self.audit(source_id)  # type: ignore[attr-defined]  # AuditsMixin's
        if source.state is AuditState.DRAFT:  # certified on a round still open: close it now
            return self.close_round(  # type: ignore[attr-defined]  # RoundsMixin's
                source.id,
                expected_version=source.version,
                actor=actor,
                next_date=on,
                next_title=title,
            )
        with self._write("audit") as session:
            row = self._audit_row(session, source.id)
            new = self._open_next_round(session, row, title, on, actor)  # type: ignore[attr-defined]  # RoundsMixin's
            self._log(
                session,
                actor,
                "audit",
                [("created", None, f"surveillance round {new.round_no} from round {row.round_no}")],
                organisation_id=row.organisation_id,
                audit_id=new.id,
            )
            session.flush()
            return convert.audit(new)

    def record_surveillance(
        self,
        organisation_id: int,
        *,
        on: date,
        actor: str,
        tier: str | None = None,
        suspended: bool = False,
    ) -> HeldSurveillance:
        """A surveillance evaluation held on the current certificate on ``on``: the tier kept
        (``tier`` absent or the same), changed (another ``tier``), or the certificate suspended."""
        certificate = self.current_certificate(organisation_id)
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
        current = self.certificate_status(organisation_id, on=on)
        now_tier = current.tier if current else certificate.tier
        wanted = (tier or "").strip() or None
        if suspended:
            result = SurveillanceResult.SUSPENDED
        elif wanted is not None and wanted != now_tier:
            result = SurveillanceResult.CHANGED
        else:
            result = SurveillanceResult.KEPT
        with self._write("certificate") as session:
            taken = session.scalar(
                select(SurveillanceRow.id).where(
                    SurveillanceRow.certificate_id == certificate.id,
                    SurveillanceRow.held_on == on,
                )
            )
            if taken is not None:
                raise CertificateRule("cycle.already_held", on=on.isoformat())
            number = cycle.surveillance_number(on, [h.held_on for h in certificate.held])
            row = SurveillanceRow(
                certificate_id=certificate.id,
                held_on=on,
                result=result.value,
                tier=wanted if result is SurveillanceResult.CHANGED else None,
                recorded_at=utcnow(),
                recorded_by=actor,
            )
            session.add(row)
            session.flush()
            self._log(
                session,
                actor,
                f"certificate {certificate.id}",
                [
                    (
                        f"surveillance {number}",
                        None,
                        f"{on.isoformat()} {result.value} {row.tier or ''}".strip(),
                    )
                ],
                organisation_id=organisation_id,
            )
            return HeldSurveillance(on, result, row.tier)

    def certificate_status(
        self, organisation_id: int, *, on: date, window_days: int = DUE_WINDOW_DAYS
    ) -> CycleStatus | None:
        """The current certificate's events and state on ``on``; None without a certificate."""
        certificate = self.current_certificate(organisation_id)
        if certificate is None:
            return None
        return certificate.status(on, window_days=window_days)

    def _last_closed_round(self, organisation_id: int) -> int | None:
        rounds = self.audits(organisation_id)  # type: ignore[attr-defined]  # AuditsMixin's
        closed = [a for a in rounds if a.state is AuditState.FROZEN]
        return closed[-1].id if closed else None

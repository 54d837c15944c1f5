"""A certificate an organisation holds, the cycle it sets and the surveillance evaluations held
on it, as the store hands them out. The use cases (recording a certificate or a surveillance,
its status on a day, starting a surveillance round) are services/certification.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from scoring.cycle import (
    DUE_WINDOW_DAYS,
    CertificationCycle,
    CycleStatus,
    HeldSurveillance,
    SurveillanceResult,
    certification_cycle,
    cycle_status,
)
from store.tables import CertificateRow, SurveillanceRow


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


def certificate_record(
    row: CertificateRow, held: Iterable[SurveillanceRow] = ()
) -> CertificateRecord:
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
            for h in sorted(held, key=lambda h: h.held_on)
        ),
    )

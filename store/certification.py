"""A certificate an organisation holds, and the cycle it sets, as the store hands it out. The
use cases (recording one, starting a surveillance round) are services/certification.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from scoring.cycle import CertificationCycle, certification_cycle
from store.tables import CertificateRow


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

    @property
    def cycle(self) -> CertificationCycle:
        return certification_cycle(self.issued_on)


def certificate_record(row: CertificateRow) -> CertificateRecord:
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
    )

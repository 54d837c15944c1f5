"""The input contract of the dossier: everything it shows, already loaded and scored.

The store builds ``DossierData`` from the database; the dossier never queries anything itself.
Evidence files are reached only through ``EvidenceSource``, one at a time, by SHA-256.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from criteria import Catalogue
from domain.account_records import ReviewStatus
from domain.records import (
    AuditRecord,
    BonusRecord,
    DeductionRecord,
    EvidenceRecord,
    ItemRecord,
    OrganisationProfile,
)
from scoring import Plan, ScoreResult
from scoring.history import VerdictThenAndNow


@dataclass(frozen=True)
class DossierData:
    organisation: OrganisationProfile
    audit: AuditRecord
    catalogue: Catalogue
    result: ScoreResult  # scoring.score_audit(...)
    plan: Plan  # scoring.plan_next_tier(...)
    items: Mapping[str, ItemRecord]  # by item id; absent = not assessed
    deductions: tuple[DeductionRecord, ...]
    bonuses: tuple[BonusRecord, ...]
    evidence: tuple[EvidenceRecord, ...]  # every evidence record linked to this audit
    generated_at: datetime
    review: ReviewStatus | None = None  # the round's review; the cover prints its sign-off
    # a frozen round whose recorded verdict today's rules would not give: both, dated, by
    # language ("zh", "en"); None when they agree or the round is open
    verdicts: Mapping[str, VerdictThenAndNow] | None = None


class EvidenceSource(Protocol):
    """The evidence blob store: where the file with this SHA-256 is, or None if it is gone."""

    def local_path(self, sha256: str) -> Path | None: ...

"""What a certification evaluator would flag before the on-site evaluation. Pure functions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from criteria import Catalogue
from criteria.schema import Text
from domain.records import (
    ActionState,
    AuditRecord,
    DeductionRecord,
    EvidenceRecord,
    ItemRecord,
    Rectification,
)
from scoring import Status
from texts import t


class Check(StrEnum):
    CONFORMING_WITHOUT_EVIDENCE = "conforming_without_evidence"
    EXPIRED_EVIDENCE = "expired_evidence"
    EXCLUSION_WITHOUT_JUSTIFICATION = "exclusion_without_justification"
    DEDUCTION_WITHOUT_RECTIFICATION = "deduction_without_rectification"
    FINDING_WITHOUT_RECTIFICATION = "finding_without_rectification"
    OVERDUE_ACTION = "overdue_action"
    PREREQUISITE_NOT_MET = "prerequisite_not_met"
    STALE_EVIDENCE = "stale_evidence"
    EXPIRES_BEFORE_CERTIFICATION = "expires_before_certification"


# evidence shows the period under review: the year before the round's audit date
REVIEW_PERIOD = timedelta(days=365)


@dataclass(frozen=True)
class ReadinessWarning:
    check: Check
    ref: str  # "1.2.3", "special_deductions[0]", "E-12", "legal_entity"
    values: Mapping[str, object]

    def text(self, lang: str = "zh") -> str:
        """The line in ``lang``; a catalogue title is given in that language too."""
        values = {k: v.get(lang) if isinstance(v, Text) else v for k, v in self.values.items()}
        return t(f"readiness.{self.check.value}", lang, ref=self.ref, **values)


def readiness(
    catalogue: Catalogue,
    audit: AuditRecord,
    items: Mapping[str, ItemRecord],
    deductions: Sequence[DeductionRecord],
    evidence: Mapping[int, EvidenceRecord],
    today: date,
) -> list[ReadinessWarning]:
    return [
        *_prerequisites(catalogue, audit),
        *_items(catalogue, items, evidence, today),
        *_dated_evidence(catalogue, audit, items, evidence, today),
        *_deductions(deductions, today),
    ]


def _dated_evidence(
    catalogue: Catalogue,
    audit: AuditRecord,
    items: Mapping[str, ItemRecord],
    evidence: Mapping[int, EvidenceRecord],
    today: date,
) -> Iterator[ReadinessWarning]:
    """Records that cover only time before the period under review, and documents valid today
    that run out before the certification body is expected."""
    period_start = audit.audit_date - REVIEW_PERIOD
    planned = audit.planned_certification_on
    for item in catalogue.items:
        record = items.get(item.id)
        if record is None:
            continue
        for evidence_id in record.evidence_ids:
            document = evidence.get(evidence_id)
            if document is None:
                continue
            if document.covered_to is not None and document.covered_to < period_start:
                yield ReadinessWarning(
                    Check.STALE_EVIDENCE,
                    item.id,
                    {
                        "title": document.title,
                        "covered_to": document.covered_to,
                        "since": period_start,
                    },
                )
            if (
                planned is not None
                and not document.expired_on(today)
                and document.valid_until is not None
                and document.valid_until < planned
            ):
                yield ReadinessWarning(
                    Check.EXPIRES_BEFORE_CERTIFICATION,
                    item.id,
                    {
                        "title": document.title,
                        "valid_until": document.valid_until,
                        "planned": planned,
                    },
                )


def _prerequisites(catalogue: Catalogue, audit: AuditRecord) -> Iterator[ReadinessWarning]:
    for prerequisite in catalogue.spec.prerequisites:
        if audit.prerequisites.get(prerequisite.id) is not True:
            yield ReadinessWarning(
                Check.PREREQUISITE_NOT_MET, prerequisite.id, {"title": prerequisite.title}
            )


def _items(
    catalogue: Catalogue,
    items: Mapping[str, ItemRecord],
    evidence: Mapping[int, EvidenceRecord],
    today: date,
) -> Iterator[ReadinessWarning]:
    for item in catalogue.items:
        record = items.get(item.id)
        if record is None:
            continue
        claims_conformity = record.status is Status.CONFORMING or (
            record.status is Status.SAMPLED and (record.samples_conforming or 0) > 0
        )
        if claims_conformity and not record.evidence_ids:
            yield ReadinessWarning(
                Check.CONFORMING_WITHOUT_EVIDENCE, item.id, {"title": item.title}
            )
        for evidence_id in record.evidence_ids:
            document = evidence.get(evidence_id)
            if document is not None and document.expired_on(today):
                yield ReadinessWarning(
                    Check.EXPIRED_EVIDENCE,
                    item.id,
                    {"title": document.title, "valid_until": document.valid_until},
                )
        if record.status is Status.NOT_APPLICABLE and not record.justification.strip():
            yield ReadinessWarning(
                Check.EXCLUSION_WITHOUT_JUSTIFICATION, item.id, {"title": item.title}
            )
        lost_points = record.status is Status.NOT_CONFORMING or (
            record.status is Status.SAMPLED
            and (record.samples_conforming or 0) < (record.samples_checked or 0)
        )
        if lost_points and not record.rectification.is_set:
            yield ReadinessWarning(
                Check.FINDING_WITHOUT_RECTIFICATION, item.id, {"title": item.title}
            )
        yield from _overdue(item.id, record.rectification, today)


def _deductions(deductions: Sequence[DeductionRecord], today: date) -> Iterator[ReadinessWarning]:
    for n, deduction in enumerate(deductions):
        ref = f"special_deductions[{n}]"
        if not deduction.rectification.is_set:
            yield ReadinessWarning(
                Check.DEDUCTION_WITHOUT_RECTIFICATION, ref, {"reason": deduction.reason}
            )
        yield from _overdue(ref, deduction.rectification, today)


def _overdue(ref: str, action: Rectification, today: date) -> Iterator[ReadinessWarning]:
    if action.is_set and action.state is not ActionState.DONE and action.due and action.due < today:
        yield ReadinessWarning(
            Check.OVERDUE_ACTION, ref, {"owner": action.owner or "—", "due": action.due}
        )

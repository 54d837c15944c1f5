"""The dossier's content, arranged the way the document reads; the PDF and the spreadsheet
both render this, so they show the same rows, references and numbers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from criteria import Item, Text, Tier
from domain.records import BonusRecord, DeductionRecord, EvidenceRecord, ItemRecord, Rectification
from dossier.data import DossierData
from dossier.report import DossierWarning, warning
from dossier.sign_off import CoverSignOff, cover_sign_off, review_state
from scoring import EligibilityStatus, Fix, FixKind, Gap, ItemResult, Rollup, Status, display
from texts import t


@dataclass(frozen=True)
class EvidenceEntry:
    ref: str  # "E-03": numbered in the order the item table first cites them
    record: EvidenceRecord
    supports: tuple[str, ...]  # item ids, in catalogue order
    expired: bool  # on the day the dossier was generated


@dataclass(frozen=True)
class ItemRow:
    item: Item
    result: ItemResult
    record: ItemRecord | None
    evidence_refs: tuple[str, ...]  # "E-03", or "#42" for a record not linked to the audit

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def status(self) -> Status:
        return self.result.assessment.status

    @property
    def status_text(self) -> str:
        text = t(f"status.{self.status.value}")
        if self.status is Status.SAMPLED:
            checked = self.result.assessment.samples_checked
            conforming = self.result.assessment.samples_conforming
            text += f" {conforming}/{checked}"
        return text

    @property
    def confidence_text(self) -> str:
        """How far the item's points can be trusted (sourced / low / provisional)."""
        return display.confidence_label(self.item.source.confidence)

    @property
    def tone(self) -> str:
        """A CSS class for the status: ok, partial, fail, excluded, open."""
        if self.result.is_open:
            return "open"
        return {
            Status.CONFORMING: "ok",
            Status.SAMPLED: "ok" if self.result.lost == 0 else "partial",
            Status.NOT_CONFORMING: "fail",
            Status.NOT_APPLICABLE: "excluded",
        }.get(self.status, "open")

    @property
    def finding(self) -> str:
        return self.record.finding if self.record else ""

    @property
    def justification(self) -> str:
        return self.record.justification if self.record else ""

    @property
    def notes(self) -> str:
        return self.record.notes if self.record else ""

    @property
    def rectification(self) -> Rectification | None:
        action = self.record.rectification if self.record else None
        return action if action and action.is_set else None


@dataclass(frozen=True)
class IndicatorGroup:
    """A second-level indicator with its item rows, or a first-level one with its children."""

    rollup: Rollup
    rows: tuple[ItemRow, ...] = ()
    children: tuple[IndicatorGroup, ...] = ()

    @property
    def id(self) -> str:
        return self.rollup.indicator_id


@dataclass(frozen=True)
class GapRow:
    gap: Gap
    row: ItemRow


@dataclass(frozen=True)
class DeductionRow:
    number: int  # 1-based, as the plan's "special_deductions[n]" refers to n - 1
    record: DeductionRecord
    category: Text | None
    item_title: str | None


@dataclass(frozen=True)
class BonusRow:
    record: BonusRecord
    counted: bool  # only max_bonuses of them count


@dataclass(frozen=True)
class FixRow:
    fix: Fix
    ref_text: str  # the item id, or "特别扣分 2"


@dataclass(frozen=True)
class PrerequisiteRow:
    id: str
    title: Text
    met: bool | None


@dataclass(frozen=True)
class TierRow:
    tier: Tier
    reached: bool
    current: bool


@dataclass(frozen=True)
class DossierView:
    data: DossierData
    groups: tuple[IndicatorGroup, ...]
    rows: tuple[ItemRow, ...]
    exclusions: tuple[ItemRow, ...]
    deductions: tuple[DeductionRow, ...]
    bonuses: tuple[BonusRow, ...]
    gaps: tuple[GapRow, ...]
    fixes: tuple[FixRow, ...]
    prerequisites: tuple[PrerequisiteRow, ...]
    tiers: tuple[TierRow, ...]
    evidence: tuple[EvidenceEntry, ...]
    warnings: tuple[DossierWarning, ...]

    @property
    def tier_title(self) -> Text:
        """The verdict: the tier awarded, or why there is none (scoring/display.py)."""
        result = self.data.result
        return Text(zh=display.verdict_label(result, "zh"), en=display.verdict_label(result, "en"))

    @property
    def deductions_to_rectify(self) -> int:
        return self.data.result.verdict.deductions_to_rectify

    @property
    def next_step(self) -> Text:
        """What to do next, as every surface words it (scoring/next_step.py)."""
        result = self.data.result
        return Text(
            zh=display.next_step_text(result, "zh"), en=display.next_step_text(result, "en")
        )

    @property
    def eligibility_text(self) -> str:
        return t(f"eligibility.{self.data.result.eligibility.status.value}")

    @property
    def sign_off(self) -> CoverSignOff | None:
        return cover_sign_off(self.data.review)

    @property
    def review_state(self) -> Text:
        return review_state(self.data.review)


def build_view(data: DossierData) -> DossierView:
    catalogue, result = data.catalogue, data.result
    scored = {r.item_id: r for r in result.items}
    refs = evidence_refs(data)
    by_id = {e.id: e for e in data.evidence}
    warnings: list[DossierWarning] = []

    def row(item: Item) -> ItemRow:
        record = data.items.get(item.id)
        cited = record.evidence_ids if record else ()
        for evidence_id in cited:
            if evidence_id not in by_id:
                warnings.append(
                    warning("dossier.evidence_dangling", item.id, evidence_id=evidence_id)
                )
        shown = tuple(refs.get(e, f"#{e}") for e in cited)
        return ItemRow(item, scored[item.id], record, shown)

    groups = []
    for first, first_rollup in zip(catalogue.first_levels, result.sections, strict=True):
        children = tuple(
            IndicatorGroup(rollup, rows=tuple(row(item) for item in second.items))
            for second, rollup in zip(first.children, first_rollup.children, strict=True)
        )
        groups.append(IndicatorGroup(first_rollup, children=children))
    rows = tuple(r for first in groups for second in first.children for r in second.rows)
    row_of = {r.id: r for r in rows}

    evidence = _evidence_entries(data, refs, rows)
    warnings += [
        warning("dossier.evidence_expired", e.ref, title=e.record.title, date=e.record.valid_until)
        for e in evidence
        if e.expired
    ]
    view = DossierView(
        data=data,
        groups=tuple(groups),
        rows=rows,
        exclusions=tuple(r for r in rows if r.status is Status.NOT_APPLICABLE),
        deductions=_deductions(data),
        bonuses=tuple(
            BonusRow(b, n < catalogue.spec.special_items.max_bonuses)
            for n, b in enumerate(data.bonuses)
        ),
        gaps=tuple(GapRow(g, row_of[g.item_id]) for g in result.gaps),
        fixes=tuple(FixRow(f, _fix_ref(f)) for f in data.plan.fixes),
        prerequisites=tuple(
            PrerequisiteRow(p.id, p.title, data.audit.prerequisites.get(p.id))
            for p in catalogue.spec.prerequisites
        ),
        tiers=tuple(
            TierRow(tier, result.score >= Fraction(tier.min_score), tier == result.tier)
            for tier in result.scheme.tiers
        ),
        evidence=evidence,
        warnings=(),
    )
    return replace(view, warnings=(*warnings, *_completeness_warnings(view)))


def evidence_refs(data: DossierData) -> dict[int, str]:
    """E-01, E-02... in the order the item table first cites them; evidence no item cites
    comes last, by record id. Two digits until there are more than 99."""
    linked = {e.id for e in data.evidence}
    order: list[int] = []
    for item in data.catalogue.items:
        record = data.items.get(item.id)
        for evidence_id in record.evidence_ids if record else ():
            if evidence_id in linked and evidence_id not in order:
                order.append(evidence_id)
    order += sorted(linked - set(order))
    width = max(2, len(str(len(order))))
    return {evidence_id: f"E-{n:0{width}d}" for n, evidence_id in enumerate(order, start=1)}


def _evidence_entries(
    data: DossierData, refs: dict[int, str], rows: tuple[ItemRow, ...]
) -> tuple[EvidenceEntry, ...]:
    today = data.generated_at.date()
    supports: dict[int, list[str]] = {e.id: [] for e in data.evidence}
    for r in rows:
        for evidence_id in r.record.evidence_ids if r.record else ():
            if evidence_id in supports and r.id not in supports[evidence_id]:
                supports[evidence_id].append(r.id)
    entries = [
        EvidenceEntry(refs[e.id], e, tuple(supports[e.id]), e.expired_on(today))
        for e in data.evidence
    ]
    return tuple(sorted(entries, key=lambda e: e.ref))


def _deductions(data: DossierData) -> tuple[DeductionRow, ...]:
    categories = {c.id: c.title for c in data.catalogue.spec.special_items.deduction_categories}
    rows = []
    for n, record in enumerate(data.deductions, start=1):
        item_title = None
        if record.item_id and data.catalogue.has_item(record.item_id):
            item_title = data.catalogue.item(record.item_id).title.zh
        rows.append(DeductionRow(n, record, categories.get(record.category), item_title))
    return tuple(rows)


def _fix_ref(fix: Fix) -> str:
    if fix.kind is FixKind.ITEM:
        return fix.ref
    number = int(fix.ref.removeprefix("special_deductions[").removesuffix("]")) + 1
    return f"特别扣分 {number}"


def _completeness_warnings(view: DossierView) -> list[DossierWarning]:
    """What a certification body would notice is missing or not yet settled."""
    data, result = view.data, view.data.result
    found = []
    unassessed = [r.id for r in view.rows if r.status is Status.NOT_ASSESSED]
    if unassessed:
        found.append(warning("dossier.open_items", "、".join(unassessed), count=len(unassessed)))
    unjustified = [r.id for r in view.rows if r.result.unjustified_exclusion]
    found += [warning("dossier.unjustified_exclusion", item_id) for item_id in unjustified]
    # the engine's own notes, unless they are the unjustified exclusions just reported
    found += [
        warning("dossier.score_warning", str(w))
        for w in result.warnings
        if not (w.path[:1] == ("items",) and w.path[1:2] and w.path[1] in unjustified)
    ]
    eligibility = result.eligibility
    if eligibility.status is not EligibilityStatus.ELIGIBLE:
        titles = {p.id: p.title.zh for p in data.catalogue.spec.prerequisites}
        named = "、".join(titles.get(p, p) for p in eligibility.unmet or eligibility.unconfirmed)
        found.append(warning("dossier.eligibility", named, status=view.eligibility_text))
    limit = data.catalogue.spec.special_items.max_bonuses
    if len(data.bonuses) > limit:
        found.append(warning("dossier.extra_bonus", str(limit), count=len(data.bonuses)))
    return found

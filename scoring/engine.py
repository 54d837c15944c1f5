"""The scoring rules of GB/T 27922 certification, as pure functions.

score = earned points / applicable points × 100
        − deduction_points per special deduction + bonus_points for at most one special bonus,
        clamped to 0–100. Everything is exact (fractions); only display rounds (see tiers.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction

from criteria import Catalogue, Item, Tier, TierScheme
from scoring.model import AuditInput, ItemAssessment, Status
from scoring.tiers import next_tier, tier_for
from scoring.validation import AuditError, AuditProblem, Severity, validate_audit

HUNDRED = Fraction(100)


@dataclass(frozen=True)
class ItemResult:
    item: Item
    assessment: ItemAssessment
    applicable: bool
    earned: Fraction
    # an exclusion without justification counts as not assessed until it is justified
    unjustified_exclusion: bool = False

    @property
    def item_id(self) -> str:
        return self.item.id

    @property
    def points(self) -> Fraction:
        return Fraction(self.item.points)

    @property
    def applicable_points(self) -> Fraction:
        return self.points if self.applicable else Fraction(0)

    @property
    def lost(self) -> Fraction:
        return self.applicable_points - self.earned

    @property
    def is_open(self) -> bool:
        """Still to be assessed (or to be justified)."""
        return self.assessment.status is Status.NOT_ASSESSED or self.unjustified_exclusion


@dataclass(frozen=True)
class Rollup:
    """Points of one indicator, over its applicable items."""

    indicator_id: str
    title_zh: str
    title_en: str
    earned: Fraction
    applicable: Fraction
    items: int
    excluded: int
    open: int
    children: tuple[Rollup, ...] = ()

    @property
    def percent(self) -> Fraction | None:
        return self.earned / self.applicable * HUNDRED if self.applicable else None


@dataclass(frozen=True)
class Gap:
    item_id: str
    title_zh: str
    title_en: str
    status: Status
    points: Fraction
    earned: Fraction
    lost: Fraction
    score_gain: Fraction  # what fixing it adds to the score


class EligibilityStatus(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"  # a prerequisite is unmet: no tier whatever the score
    UNCONFIRMED = "unconfirmed"  # none unmet, but some not yet confirmed


@dataclass(frozen=True)
class Eligibility:
    status: EligibilityStatus
    unmet: tuple[str, ...]
    unconfirmed: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return self.status is EligibilityStatus.ELIGIBLE


@dataclass(frozen=True)
class ScoreResult:
    catalogue_id: str
    catalogue_hash: str
    scheme: TierScheme
    items: tuple[ItemResult, ...]
    applicable_points: Fraction
    earned_points: Fraction
    base_score: Fraction
    deduction_total: Fraction
    bonus_total: Fraction
    score: Fraction
    tier: Tier | None
    next_tier: Tier | None
    eligibility: Eligibility
    sections: tuple[Rollup, ...]
    gaps: tuple[Gap, ...]
    warnings: tuple[AuditProblem, ...]

    @property
    def raw_score(self) -> Fraction:
        """The score before clamping to 0–100."""
        return self.base_score - self.deduction_total + self.bonus_total

    @property
    def points_to_next_tier(self) -> Fraction | None:
        return Fraction(self.next_tier.min_score) - self.score if self.next_tier else None

    @property
    def open_items(self) -> tuple[str, ...]:
        return tuple(r.item_id for r in self.items if r.is_open)

    @property
    def excluded_items(self) -> tuple[str, ...]:
        return tuple(r.item_id for r in self.items if not r.applicable)

    def item(self, item_id: str) -> ItemResult:
        return next(r for r in self.items if r.item_id == item_id)


def score_item(item: Item, assessment: ItemAssessment) -> ItemResult:
    points = Fraction(item.points)
    status = assessment.status
    if status is Status.NOT_APPLICABLE:
        justified = item.excludable and bool((assessment.justification or "").strip())
        return ItemResult(
            item,
            assessment,
            applicable=not justified,
            earned=Fraction(0),
            unjustified_exclusion=not justified,
        )
    if status is Status.CONFORMING:
        earned = points
    elif status is Status.SAMPLED:
        checked = assessment.samples_checked or 0
        earned = points * Fraction(assessment.samples_conforming or 0, checked) if checked else 0
    else:
        earned = Fraction(0)
    return ItemResult(item, assessment, applicable=True, earned=Fraction(earned))


def score_audit(
    catalogue: Catalogue,
    audit: AuditInput,
    scheme_id: str | None = None,
    *,
    strict: bool = False,
) -> ScoreResult:
    """Score an audit. Raises AuditError for entries that cannot be scored; with ``strict``
    incomplete entries (an exclusion without justification) are refused too."""
    problems = validate_audit(catalogue, audit)
    refused = [p for p in problems if strict or p.severity is Severity.ERROR]
    try:
        scheme = catalogue.scheme(scheme_id or audit.scheme_id)
    except KeyError as exc:
        refused.append(AuditProblem(("scheme",), str(exc.args[0])))
    if refused:
        raise AuditError(refused)

    items = tuple(score_item(item, audit.assessment(item.id)) for item in catalogue.items)
    applicable = sum((r.applicable_points for r in items), Fraction(0))
    earned = sum((r.earned for r in items), Fraction(0))
    if not applicable:
        # validation refuses an all-excluded audit; unjustified exclusions stay applicable
        raise AuditError([AuditProblem(("items",), "no applicable points to score")])
    base = earned / applicable * HUNDRED

    special = catalogue.spec.special_items
    deductions = Fraction(special.deduction_points) * len(audit.deductions)
    bonuses = Fraction(special.bonus_points) * min(len(audit.bonuses), special.max_bonuses)
    score = min(HUNDRED, max(Fraction(0), base - deductions + bonuses))

    return ScoreResult(
        catalogue_id=catalogue.id,
        catalogue_hash=catalogue.content_hash,
        scheme=scheme,
        items=items,
        applicable_points=applicable,
        earned_points=earned,
        base_score=base,
        deduction_total=deductions,
        bonus_total=bonuses,
        score=score,
        tier=tier_for(scheme, score),
        next_tier=next_tier(scheme, score),
        eligibility=eligibility(catalogue, audit),
        sections=rollups(catalogue, items),
        gaps=gaps(items, applicable),
        warnings=tuple(p for p in problems if p.severity is Severity.INCOMPLETE),
    )


def eligibility(catalogue: Catalogue, audit: AuditInput) -> Eligibility:
    wanted = [p.id for p in catalogue.spec.prerequisites]
    unmet = tuple(p for p in wanted if audit.prerequisites.get(p) is False)
    unconfirmed = tuple(p for p in wanted if audit.prerequisites.get(p) is None)
    if unmet:
        status = EligibilityStatus.NOT_ELIGIBLE
    elif unconfirmed:
        status = EligibilityStatus.UNCONFIRMED
    else:
        status = EligibilityStatus.ELIGIBLE
    return Eligibility(status, unmet, unconfirmed)


def rollups(catalogue: Catalogue, items: tuple[ItemResult, ...]) -> tuple[Rollup, ...]:
    by_id = {r.item_id: r for r in items}
    sections = []
    for first in catalogue.first_levels:
        children = tuple(
            _rollup(
                second.id,
                second.title.zh,
                second.title.en,
                [by_id[item.id] for item in second.items],
            )
            for second in first.children
        )
        members = [by_id[item.id] for second in first.children for item in second.items]
        whole = _rollup(first.id, first.title.zh, first.title.en, members)
        sections.append(replace(whole, children=children))
    return tuple(sections)


def _rollup(node_id: str, zh: str, en: str, members: list[ItemResult]) -> Rollup:
    return Rollup(
        indicator_id=node_id,
        title_zh=zh,
        title_en=en,
        earned=sum((r.earned for r in members), Fraction(0)),
        applicable=sum((r.applicable_points for r in members), Fraction(0)),
        items=len(members),
        excluded=sum(1 for r in members if not r.applicable),
        open=sum(1 for r in members if r.is_open),
    )


def gaps(items: tuple[ItemResult, ...], applicable: Fraction) -> tuple[Gap, ...]:
    """Every item that lost points, most recoverable first (catalogue order breaks ties)."""
    lost = [r for r in items if r.lost > 0]
    ordered = sorted(enumerate(lost), key=lambda pair: (-pair[1].lost, pair[0]))
    return tuple(
        Gap(
            item_id=r.item_id,
            title_zh=r.item.title.zh,
            title_en=r.item.title.en,
            status=r.assessment.status,
            points=r.points,
            earned=r.earned,
            lost=r.lost,
            score_gain=r.lost / applicable * HUNDRED,
        )
        for _, r in ordered
    )

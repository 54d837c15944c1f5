"""The scoring rules of GB/T 27922 certification, as pure functions.

score = earned points / applicable points × 100
        − deduction_points per special deduction + bonus_points for at most one special bonus,
        clamped to 0–100. Everything is exact; only display truncates (see display.py).

The verdict: a tier is awarded only when the score reaches the first threshold AND there are
fewer special deductions than the catalogue's ``fail_at_deductions`` AND no prerequisite is
unmet. Unconfirmed prerequisites leave the tier standing, flagged as unconfirmed.

Speed: points carry at most two decimals, so totals are integers in hundredths; only sampled
items need a rational (one shared denominator). The per-item results, roll-ups and gaps are built
only when read. 10,000 audits score in well under a second (bench/bench_scoring.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from math import lcm
from types import MappingProxyType

from criteria import Catalogue, Item, Tier, TierScheme
from scoring.model import AuditInput, ItemAssessment, Status
from scoring.validation import (
    MAX_SPECIAL_DEDUCTIONS,
    AuditError,
    AuditProblem,
    Severity,
    validate_audit,
)

HUNDRED = Fraction(100)
ZERO = Fraction(0)


def exact_sum(values: Iterable[Fraction]) -> Fraction:
    """The sum of fractions over one growing common denominator: one normalisation at the end
    instead of one per addition (Fraction's ``+`` reduces every time)."""
    num, den = 0, 1
    for value in values:
        d = value.denominator
        if d != den:
            common = lcm(den, d)
            num = num * (common // den) + value.numerator * (common // d)
            den = common
        else:
            num += value.numerator
    return Fraction(num, den)


@dataclass(frozen=True)
class ItemResult:
    item: Item
    assessment: ItemAssessment
    applicable: bool
    earned: Fraction
    # an exclusion without justification counts as not assessed until it is justified
    unjustified_exclusion: bool = False
    points: Fraction = field(default=Fraction(0), compare=False)  # = item.points, exactly

    def __post_init__(self) -> None:
        if not self.points:  # not given: derive it (score_item passes the cached value)
            object.__setattr__(self, "points", Fraction(self.item.points))

    @property
    def item_id(self) -> str:
        return self.item.id

    @property
    def applicable_points(self) -> Fraction:
        return self.points if self.applicable else ZERO

    @cached_property
    def lost(self) -> Fraction:
        """Points an assessed item lost. An open item lost nothing yet: it is unassessed."""
        if self.is_open or self.earned is self.points:  # open, or conforming: nothing lost
            return ZERO
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
    """An assessed item that lost points (失分项). Open items are never gaps."""

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


class FailReason(StrEnum):
    SCORE_BELOW_FIRST_TIER = "score_below_first_tier"  # below the scheme's first threshold
    TOO_MANY_DEDUCTIONS = "too_many_deductions"  # special deductions ≥ fail_at_deductions


@dataclass(frozen=True)
class Verdict:
    """What an evaluator would sign.

    ``tier`` is the tier awarded: None when the evaluation fails (``fail_reasons``) or the
    company is not eligible. ``tier_once_eligible`` is, for a company not eligible, the tier its
    result would get once every prerequisite is met (None otherwise): never the tier awarded.
    ``unconfirmed`` lists prerequisites still to be confirmed: the tier stands subject to them.
    """

    tier: Tier | None
    fail_reasons: tuple[FailReason, ...]
    tier_once_eligible: Tier | None
    eligibility: Eligibility
    deductions: int
    fail_at_deductions: int

    @property
    def failed(self) -> bool:
        return bool(self.fail_reasons)

    @property
    def not_eligible(self) -> bool:
        return self.eligibility.status is EligibilityStatus.NOT_ELIGIBLE

    @property
    def unconfirmed(self) -> tuple[str, ...]:
        return self.eligibility.unconfirmed

    @property
    def deductions_to_rectify(self) -> int:
        """Special deductions that must be rectified before any tier can be awarded."""
        return max(0, self.deductions - self.fail_at_deductions + 1)


@dataclass(frozen=True)
class _Shape:
    """A catalogue's numbers in the form scoring needs, built once per catalogue."""

    items: tuple[Item, ...]
    index: dict[str, int]  # private to scoring: a plain dict is the fastest lookup
    points: tuple[int, ...]  # hundredths of a point
    point_values: tuple[Fraction, ...]  # the same, as points
    sampled: tuple[bool, ...]
    excludable: tuple[bool, ...]
    total: int  # hundredths
    # scheme id -> ascending (numerator, denominator, tier) of each threshold
    thresholds: Mapping[str, tuple[tuple[int, int, Tier], ...]]
    categories: frozenset[str]
    prerequisites: tuple[str, ...]
    deduction_points: Fraction
    bonus_points: Fraction
    max_bonuses: int
    fail_at_deductions: int

    @classmethod
    def of(cls, catalogue: Catalogue) -> _Shape:
        items = catalogue.items
        points = tuple(int(item.points * 100) for item in items)  # ≤ 2 decimals: exact
        special = catalogue.spec.special_items
        thresholds = {}
        for scheme in catalogue.spec.tier_schemes:
            steps = []
            for tier in scheme.tiers:
                minimum = Fraction(tier.min_score)
                steps.append((minimum.numerator, minimum.denominator, tier))
            thresholds[scheme.id] = tuple(steps)
        return cls(
            items=items,
            index={item.id: n for n, item in enumerate(items)},
            points=points,
            point_values=tuple(Fraction(p, 100) for p in points),
            sampled=tuple(item.scoring == "sampled" for item in items),
            excludable=tuple(item.excludable for item in items),
            total=sum(points),
            thresholds=MappingProxyType(thresholds),
            categories=frozenset(c.id for c in special.deduction_categories),
            prerequisites=tuple(p.id for p in catalogue.spec.prerequisites),
            deduction_points=Fraction(special.deduction_points),
            bonus_points=Fraction(special.bonus_points),
            max_bonuses=special.max_bonuses,
            fail_at_deductions=special.fail_at_deductions,
        )


def shape(catalogue: Catalogue) -> _Shape:
    """The catalogue's scoring shape, cached on the (frozen, never changing) catalogue object."""
    cached = catalogue.__dict__.get("_scoring_shape")
    if cached is None:
        cached = _Shape.of(catalogue)
        object.__setattr__(catalogue, "_scoring_shape", cached)
    return cached


@dataclass(frozen=True)
class ScoreResult:
    catalogue_id: str
    catalogue_hash: str
    scheme: TierScheme
    applicable_points: Fraction
    earned_points: Fraction
    base_score: Fraction
    deduction_total: Fraction
    bonus_total: Fraction
    score: Fraction
    score_tier: Tier | None  # what the score alone reaches, before the other rules
    tier: Tier | None  # awarded (= verdict.tier)
    next_tier: Tier | None  # the lowest tier above what the rules give (eligibility aside)
    verdict: Verdict
    warnings: tuple[AuditProblem, ...]
    catalogue: Catalogue = field(repr=False, compare=False)
    audit: AuditInput = field(repr=False, compare=False)

    @property
    def eligibility(self) -> Eligibility:
        return self.verdict.eligibility

    @property
    def raw_score(self) -> Fraction:
        """The score before clamping to 0–100."""
        return self.base_score - self.deduction_total + self.bonus_total

    @property
    def points_to_next_tier(self) -> Fraction | None:
        """Score points still missing for the next tier (0 when only deductions stand in the
        way: see ``verdict.deductions_to_rectify``)."""
        if self.next_tier is None:
            return None
        return max(Fraction(0), Fraction(self.next_tier.min_score) - self.score)

    @cached_property
    def items(self) -> tuple[ItemResult, ...]:
        return tuple(
            score_item(item, self.audit.assessment(item.id)) for item in self.catalogue.items
        )

    @cached_property
    def sections(self) -> tuple[Rollup, ...]:
        return rollups(self.catalogue, self.items)

    @cached_property
    def gaps(self) -> tuple[Gap, ...]:
        return gaps(self.items, self.applicable_points)

    @property
    def open_items(self) -> tuple[str, ...]:
        return tuple(r.item_id for r in self.items if r.is_open)

    @property
    def open_points(self) -> Fraction:
        """Points of the open items: what they could add is unassessed, never a gap."""
        return exact_sum(r.applicable_points for r in self.items if r.is_open)

    @property
    def excluded_items(self) -> tuple[str, ...]:
        return tuple(r.item_id for r in self.items if not r.applicable)

    def item(self, item_id: str) -> ItemResult:
        return self.items[shape(self.catalogue).index[item_id]]


def score_item(
    item: Item, assessment: ItemAssessment, points: Fraction | None = None
) -> ItemResult:
    points = Fraction(item.points) if points is None else points
    status = assessment.status
    if status is Status.NOT_APPLICABLE:
        justified = item.excludable and bool((assessment.justification or "").strip())
        return ItemResult(
            item,
            assessment,
            applicable=not justified,
            earned=ZERO,
            unjustified_exclusion=not justified,
            points=points,
        )
    if status is Status.CONFORMING:
        earned = points
    elif status is Status.SAMPLED:
        checked = assessment.samples_checked or 0
        earned = points * Fraction(assessment.samples_conforming or 0, checked) if checked else ZERO
    else:
        earned = ZERO
    return ItemResult(item, assessment, applicable=True, earned=earned, points=points)


def score_audit(
    catalogue: Catalogue,
    audit: AuditInput,
    scheme_id: str | None = None,
    *,
    strict: bool = False,
) -> ScoreResult:
    """Score an audit. Raises AuditError for entries that cannot be scored; with ``strict``
    incomplete entries (an exclusion without justification) are refused too.

    One pass adds up the points and screens every entry; only an audit with something
    unusual in it goes through ``validate_audit``, which says what and where.
    """
    try:
        scheme = catalogue.scheme(scheme_id or audit.scheme_id)
    except KeyError as exc:
        problems = validate_audit(catalogue, audit)
        problems.append(AuditProblem(("scheme",), str(exc.args[0])))
        raise AuditError([p for p in problems if strict or p.severity is Severity.ERROR]) from None
    form = shape(catalogue)
    totals = _add_up(form, audit)
    warnings: tuple[AuditProblem, ...] = ()
    if totals is None or not _specials_plain(form, audit):
        problems = validate_audit(catalogue, audit)
        refused = [p for p in problems if strict or p.severity is Severity.ERROR]
        if refused:
            raise AuditError(refused)
        warnings = tuple(p for p in problems if p.severity is Severity.INCOMPLETE)
        totals = totals or _add_up(form, audit, screen=False)
    assert totals is not None  # validated entries always add up
    applicable, earned, den = totals  # hundredths; earned is over den
    if not applicable:
        # validation refuses an all-excluded audit; unjustified exclusions stay applicable
        raise AuditError([AuditProblem(("items",), "no applicable points to score")])

    count = len(audit.deductions)
    deducted = form.deduction_points * count
    bonus = form.bonus_points * min(len(audit.bonuses), form.max_bonuses)
    adjust = bonus - deducted
    # score = 100·earned/(applicable·den) + adjust, as one integer ratio num/whole
    whole = applicable * den * adjust.denominator
    raw = 100 * earned * adjust.denominator + adjust.numerator * applicable * den
    clamped = min(max(raw, 0), 100 * whole)

    score_tier = next_up = None
    steps = form.thresholds[scheme.id]
    for numerator, denominator, tier in steps:
        if clamped * denominator >= numerator * whole:
            score_tier = tier
        else:
            next_up = tier
            break
    reasons: list[FailReason] = []
    if score_tier is None:
        reasons.append(FailReason.SCORE_BELOW_FIRST_TIER)
    if count >= form.fail_at_deductions:
        reasons.append(FailReason.TOO_MANY_DEDUCTIONS)
    by_rules = None if reasons else score_tier
    if reasons and score_tier is not None:
        next_up = steps[0][2]  # failing on deductions alone: any tier is the next step
    status = _eligibility(form, audit)
    not_eligible = status.status is EligibilityStatus.NOT_ELIGIBLE
    verdict = Verdict(
        tier=None if not_eligible else by_rules,
        fail_reasons=tuple(reasons),
        tier_once_eligible=by_rules if not_eligible else None,
        eligibility=status,
        deductions=count,
        fail_at_deductions=form.fail_at_deductions,
    )
    return ScoreResult(
        catalogue_id=catalogue.id,
        catalogue_hash=catalogue.content_hash,
        scheme=scheme,
        applicable_points=Fraction(applicable, 100),
        earned_points=Fraction(earned, 100 * den),
        base_score=Fraction(100 * earned, applicable * den),
        deduction_total=deducted,
        bonus_total=bonus,
        score=Fraction(clamped, whole),
        score_tier=score_tier,
        tier=verdict.tier,
        next_tier=next_up,
        verdict=verdict,
        warnings=warnings,
        catalogue=catalogue,
        audit=audit,
    )


def _add_up(form: _Shape, audit: AuditInput, *, screen: bool = True) -> tuple[int, int, int] | None:
    """(applicable, earned, den) in hundredths, earned over den (the product of the sampled
    items' sample counts). With ``screen``, None as soon as an entry is anything but plainly
    valid, so that ``validate_audit`` can say what is wrong."""
    index, points, excludable, sampled = form.index, form.points, form.excludable, form.sampled
    conforming_, sampled_, excluded_ = Status.CONFORMING, Status.SAMPLED, Status.NOT_APPLICABLE
    applicable, whole, num, den = form.total, 0, 0, 1
    for key, entry in audit.assessments.items():
        n = index.get(key)
        if n is None or entry.item_id != key:
            if screen:
                return None
            continue
        status = entry.status
        checked, conforming = entry.samples_checked, entry.samples_conforming
        if status is conforming_:  # the common case first
            if screen and (checked is not None or conforming is not None):
                return None
            whole += points[n]
        elif status is sampled_:
            if not (
                sampled[n]
                and type(checked) is int
                and type(conforming) is int
                and 0 <= conforming <= checked
                and checked > 0
            ):
                if screen:
                    return None
                continue
            num = num * checked + points[n] * conforming * den
            den *= checked
        elif screen and (checked is not None or conforming is not None):
            return None
        elif status is excluded_:
            if excludable[n] and entry.justification and entry.justification.strip():
                applicable -= points[n]
            elif screen:
                return None  # not excludable, or no justification yet: let validation say so
        effort = entry.effort
        if screen and effort is not None and not effort > 0:
            return None
    if screen and not applicable:
        return None
    return applicable, whole * den + num, den


def _specials_plain(form: _Shape, audit: AuditInput) -> bool:
    """Deductions, bonuses and prerequisites need no comment from validation."""
    deductions = audit.deductions
    if len(deductions) > MAX_SPECIAL_DEDUCTIONS:
        return False
    for d in deductions:
        if (
            d.category not in form.categories
            or not d.reason.strip()
            or (d.item_id is not None and d.item_id not in form.index)
            or (d.effort is not None and not d.effort > 0)
        ):
            return False
    if len(audit.bonuses) > form.max_bonuses or not all(b.reason.strip() for b in audit.bonuses):
        return False
    return all(key in form.prerequisites for key in audit.prerequisites)


def _eligibility(form: _Shape, audit: AuditInput) -> Eligibility:
    return _eligibility_of(form.prerequisites, audit)


def eligibility(catalogue: Catalogue, audit: AuditInput) -> Eligibility:
    return _eligibility_of([p.id for p in catalogue.spec.prerequisites], audit)


def _eligibility_of(wanted: Sequence[str], audit: AuditInput) -> Eligibility:
    """Any unmet prerequisite: not eligible; otherwise any unconfirmed: unconfirmed."""
    given = audit.prerequisites
    unmet = tuple(p for p in wanted if given.get(p) is False)
    unconfirmed = tuple(p for p in wanted if given.get(p) is None)
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
        sections.append(_rollup(first.id, first.title.zh, first.title.en, members, children))
    return tuple(sections)


def _rollup(
    node_id: str,
    zh: str,
    en: str,
    members: list[ItemResult],
    children: tuple[Rollup, ...] = (),
) -> Rollup:
    return Rollup(
        indicator_id=node_id,
        title_zh=zh,
        title_en=en,
        earned=exact_sum(r.earned for r in members),
        applicable=exact_sum(r.applicable_points for r in members),
        items=len(members),
        excluded=sum(1 for r in members if not r.applicable),
        open=sum(1 for r in members if r.is_open),
        children=children,
    )


def gaps(items: tuple[ItemResult, ...], applicable: Fraction) -> tuple[Gap, ...]:
    """Every assessed item that lost points, most recoverable first (catalogue order breaks
    ties). Open items (not assessed, or excluded without justification) are not gaps."""
    lost = [r for r in items if r.lost]
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

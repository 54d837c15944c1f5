"""The cheapest way to the next tier: an exact minimum-cost cover, not a heuristic.

Fixing a gap item recovers its lost points (score gain = lost / applicable × 100); removing a
special deduction (rectifying the finding before the real evaluation) recovers its points. We
want the set of fixes whose gains reach the shortfall at the least total effort, then the fewest
fixes, then the largest margin. Efforts default to 1 per fix, which makes it "fewest items".

The deduction rule comes first: with ``fail_at_deductions`` or more special deductions no tier
can be awarded, so a plan must rectify at least ``deductions - fail_at + 1`` of them whatever
the score. Open items (not assessed) are never candidates: nobody knows yet what they earn.

A Pareto dynamic programme over the gap items' (effort, count, gain) is exact: a partial plan
that costs no more, uses no more fixes and gains no less than another dominates it, and extending
both by the same fix keeps that order, so dropping dominated partial plans never loses the
optimum. Special deductions all recover the same points, so they are a count, not a subset: the
j cheapest of them are tried with every plan on the items' frontier (polynomial in both).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from criteria import Tier
from scoring.engine import ScoreResult
from scoring.model import AuditInput


class FixKind(StrEnum):
    ITEM = "item"
    DEDUCTION = "deduction"


@dataclass(frozen=True)
class Fix:
    kind: FixKind
    ref: str  # item id, or "special_deductions[n]"
    label: str
    gain: Fraction  # score points this fix adds
    effort: Fraction


@dataclass(frozen=True)
class Plan:
    target: Tier | None  # None: already at the top tier
    shortfall: Fraction  # score points still needed (≤ 0 when only deductions stand in the way)
    fixes: tuple[Fix, ...]
    reachable: bool
    deductions_required: int = 0  # special deductions that must be rectified first

    @property
    def total_effort(self) -> Fraction:
        return sum((f.effort for f in self.fixes), Fraction(0))

    @property
    def total_gain(self) -> Fraction:
        return sum((f.gain for f in self.fixes), Fraction(0))


def candidate_fixes(result: ScoreResult, audit: AuditInput) -> list[Fix]:
    fixes = [
        Fix(
            FixKind.ITEM,
            gap.item_id,
            gap.title_zh,
            gap.score_gain,
            audit.assessment(gap.item_id).effort or Fraction(1),
        )
        for gap in result.gaps
    ]
    deduction_gain = result.deduction_total / len(audit.deductions) if audit.deductions else 0
    for n, deduction in enumerate(audit.deductions):
        fixes.append(
            Fix(
                FixKind.DEDUCTION,
                f"special_deductions[{n}]",
                deduction.reason,
                Fraction(deduction_gain),
                deduction.effort or Fraction(1),
            )
        )
    return fixes


def plan_next_tier(result: ScoreResult, audit: AuditInput) -> Plan:
    target = result.next_tier
    if target is None:
        return Plan(None, Fraction(0), (), reachable=True)
    # clamping is monotonic and every threshold is in (0, 100]: compare the unclamped score
    shortfall = Fraction(target.min_score) - result.raw_score
    required = result.verdict.deductions_to_rectify
    chosen = cheapest_cover(candidate_fixes(result, audit), shortfall, min_deductions=required)
    if chosen is None:
        return Plan(target, shortfall, (), reachable=False, deductions_required=required)
    return Plan(target, shortfall, chosen, reachable=True, deductions_required=required)


# a partial plan over the gap items: (effort, count, gain, chosen fix indices)
_State = tuple[Fraction, int, Fraction, tuple[int, ...]]


def cheapest_cover(
    fixes: Sequence[Fix], need: Fraction, *, min_deductions: int = 0
) -> tuple[Fix, ...] | None:
    """The fixes whose gains sum to ≥ need, rectifying at least ``min_deductions`` special
    deductions, at the least (effort, count), then largest gain. None if that is impossible."""
    chosen, _ = cover_with_stats(fixes, need, min_deductions=min_deductions)
    return chosen


def cover_with_stats(
    fixes: Sequence[Fix], need: Fraction, *, min_deductions: int = 0
) -> tuple[tuple[Fix, ...] | None, int]:
    """``cheapest_cover`` and the number of partial plans it kept (to show it stays small).

    Every special deduction recovers the same points, so taking j of them is best done with
    the j of least effort: the deductions reduce to one number j, tried against each plan of
    the items' Pareto frontier. That is |frontier| × (deductions + 1) steps, not 2^deductions.
    """
    items = [n for n, f in enumerate(fixes) if f.kind is not FixKind.DEDUCTION]
    deductions = sorted(
        (n for n, f in enumerate(fixes) if f.kind is FixKind.DEDUCTION),
        key=lambda n: (fixes[n].effort, n),
    )
    gains = {fixes[n].gain for n in deductions}
    if len(gains) > 1:
        raise ValueError(f"special deductions must all recover the same points, got {gains}")
    if len(deductions) < min_deductions:
        return None, 0
    if need <= 0 and min_deductions <= 0:
        return (), 0
    if sum((f.gain for f in fixes), Fraction(0)) < need:
        return None, 0
    frontier, kept = _item_frontier(fixes, items, need)
    per_deduction = gains.pop() if gains else Fraction(0)
    spent = [Fraction(0)]  # spent[j]: effort of the j cheapest deductions
    for n in deductions:
        spent.append(spent[-1] + fixes[n].effort)
    best: tuple[Fraction, int, Fraction, tuple[int, ...]] | None = None
    for effort, count, gain, chosen in frontier:
        for taken in range(min_deductions, len(deductions) + 1):
            total = gain + per_deduction * taken
            if total >= need:  # more deductions would only cost more
                key = (
                    effort + spent[taken],
                    count + taken,
                    -total,
                    tuple(sorted((*chosen, *deductions[:taken]))),
                )
                best = key if best is None or key < best else best
                break
        kept += 1
    if best is None:
        return None, kept
    return tuple(fixes[n] for n in best[3]), kept


def _item_frontier(
    fixes: Sequence[Fix], items: list[int], need: Fraction
) -> tuple[list[_State], int]:
    """Every Pareto-optimal plan over the gap items alone (see the module's docstring)."""
    frontier: list[_State] = [(Fraction(0), 0, Fraction(0), ())]
    kept = 1
    for index in items:
        fix = fixes[index]
        grown = [
            (effort + fix.effort, count + 1, gain + fix.gain, (*chosen, index))
            for effort, count, gain, chosen in frontier
            if gain < need  # a plan that already covers the need gains nothing by growing
        ]
        frontier = _pareto(frontier + grown)
        kept += len(frontier)
    return frontier, kept


def _pareto(states: list[_State]) -> list[_State]:
    """Keep the states no other state beats on effort, count and gain at once."""
    states.sort(key=lambda s: (s[0], s[1], -s[2], s[3]))
    kept: list[_State] = []
    for state in states:
        if not any(k[0] <= state[0] and k[1] <= state[1] and k[2] >= state[2] for k in kept):
            kept.append(state)
    return kept

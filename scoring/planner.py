"""The cheapest way to the next tier: an exact minimum-cost cover, not a heuristic.

Fixing a gap item recovers its lost points (score gain = lost / applicable × 100); removing a
special deduction (rectifying the finding before the real evaluation) recovers its points. We
want the set of fixes whose gains reach the shortfall at the least total effort, then the fewest
fixes, then the largest margin. Efforts default to 1 per fix, which makes it "fewest items".

A Pareto dynamic programme over (effort, count, gain) is exact: a partial plan that costs no more,
uses no more fixes and gains no less than another dominates it, and extending both by the same
fix keeps that order, so dropping dominated partial plans never loses the optimum. With ≤ 100
candidates whose gains come from a handful of point values the frontier stays small.
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
    shortfall: Fraction  # score points still needed (0 when already there)
    fixes: tuple[Fix, ...]
    reachable: bool

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
    chosen = cheapest_cover(candidate_fixes(result, audit), shortfall)
    if chosen is None:
        return Plan(target, shortfall, (), reachable=False)
    return Plan(target, shortfall, chosen, reachable=True)


def cheapest_cover(fixes: Sequence[Fix], need: Fraction) -> tuple[Fix, ...] | None:
    """The fixes whose gains sum to ≥ need at the least (effort, count), then largest gain.
    None if even all of them fall short."""
    if need <= 0:
        return ()
    if sum((f.gain for f in fixes), Fraction(0)) < need:
        return None
    # a state: (effort, count, gain, chosen indices)
    frontier: list[tuple[Fraction, int, Fraction, tuple[int, ...]]] = [
        (Fraction(0), 0, Fraction(0), ())
    ]
    for index, fix in enumerate(fixes):
        grown = [
            (effort + fix.effort, count + 1, gain + fix.gain, (*chosen, index))
            for effort, count, gain, chosen in frontier
            if gain < need  # a plan that already covers the need gains nothing by growing
        ]
        frontier = _pareto(frontier + grown)
    done = [state for state in frontier if state[2] >= need]
    best = min(done, key=lambda s: (s[0], s[1], -s[2], s[3]))
    return tuple(fixes[i] for i in best[3])


def _pareto(
    states: list[tuple[Fraction, int, Fraction, tuple[int, ...]]],
) -> list[tuple[Fraction, int, Fraction, tuple[int, ...]]]:
    """Keep the states no other state beats on effort, count and gain at once."""
    states.sort(key=lambda s: (s[0], s[1], -s[2], s[3]))
    kept: list[tuple[Fraction, int, Fraction, tuple[int, ...]]] = []
    for state in states:
        if not any(k[0] <= state[0] and k[1] <= state[1] and k[2] >= state[2] for k in kept):
            kept.append(state)
    return kept

"""The next step a result asks for: the one sentence every surface shows under the verdict.

- Points to the next tier: the next tier and the points still missing, from the score as
  clamped to 0–100, so every surface (text, JSON, PDF, xlsx, brief, app) shows the same figure.
- Deductions to rectify: with ``fail_at_deductions`` or more special deductions no tier is
  awarded whatever the score. The step names the deductions to rectify (the least effort first,
  as the plan takes them, then in the order entered) and the tier rectifying them reaches — or,
  when even that reaches none, the points still missing for the first tier. ("下一等级：达标级，
  还差 0.00 分" said nothing of what to do.)
- Top tier: only when a tier is awarded. A company at the top score with no tier because a
  prerequisite is unmet is told to meet the prerequisites instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from criteria import Tier
from scoring.engine import ScoreResult
from scoring.tiers import tier_for

HUNDRED = Fraction(100)


class NextStepKind(StrEnum):
    NEXT_TIER = "next_tier"
    RECTIFY_DEDUCTIONS = "rectify_deductions"
    TOP_TIER = "top_tier"
    MEET_PREREQUISITES = "meet_prerequisites"


@dataclass(frozen=True)
class NextStep:
    kind: NextStepKind
    tier: Tier | None = None  # the next tier, or the tier rectifying reaches (None: still none)
    points: Fraction | None = None  # points still missing (for rectifying: after it)
    deductions: tuple[str, ...] = ()  # the reasons of the deductions to rectify
    score_after: Fraction | None = None  # the score once they are rectified
    unmet: tuple[str, ...] = ()  # prerequisite ids to meet


def next_step(result: ScoreResult) -> NextStep:
    verdict = result.verdict
    required = verdict.deductions_to_rectify
    if required:
        entered = result.audit.deductions
        cheapest = sorted(range(len(entered)), key=lambda n: (entered[n].effort or Fraction(1), n))[
            :required
        ]
        each = result.deduction_total / verdict.deductions
        after = min(max(result.raw_score + each * required, Fraction(0)), HUNDRED)
        reached = tier_for(result.scheme, after)
        first = Fraction(result.scheme.tiers[0].min_score)
        return NextStep(
            NextStepKind.RECTIFY_DEDUCTIONS,
            tier=reached,
            points=None if reached else first - after,
            deductions=tuple(entered[n].reason for n in sorted(cheapest)),
            score_after=after,
        )
    if result.next_tier is not None:
        return NextStep(NextStepKind.NEXT_TIER, result.next_tier, result.points_to_next_tier)
    if verdict.tier is None:  # the top score, but a prerequisite is unmet: no tier at all
        return NextStep(NextStepKind.MEET_PREREQUISITES, unmet=verdict.eligibility.unmet)
    return NextStep(NextStepKind.TOP_TIER)

"""What a round's result shows in a list (the portfolio, the API): the exact score, the verdict,
points to the next tier and the open items, from a live score of a draft or from a closed
round's frozen snapshot. Values stay exact; scoring.display shows them."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from scoring import display
from scoring.engine import ScoreResult
from scoring.history import tier_title
from scoring.next_step import NextStepKind, next_step
from texts import t


@dataclass(frozen=True)
class RoundFigures:
    """What the row shows of a round's result, from a live score or a frozen snapshot."""

    score: Fraction
    tier: str
    tier_group: str
    eligibility: str
    points_to_next: Fraction | None
    next_tier: str
    open_items: int


def live_figures(result: ScoreResult, lang: str) -> RoundFigures:
    verdict = result.verdict
    awarded = verdict.tier is not None and not verdict.failed and not verdict.not_eligible
    return RoundFigures(
        score=result.score,
        tier=display.verdict_label(result, lang),
        tier_group=verdict.tier.title.get(lang)
        if awarded and verdict.tier
        else t("verdict.no_tier", lang),
        eligibility=t(f"eligibility.{result.eligibility.status.value}", lang),
        **_next(result, lang),
        open_items=len(result.open_items),
    )


def _next(result: ScoreResult, lang: str) -> dict[str, Any]:
    """Points to the next tier and its name; when deductions must be rectified first, or no
    tier can be had before a prerequisite is met, the step in words and no points (a 0.00
    "to 达标级" would read as nothing left to do)."""
    kind = next_step(result).kind
    if kind is NextStepKind.RECTIFY_DEDUCTIONS:
        value, caption = display.next_step_tile(result, lang)
        return {"points_to_next": None, "next_tier": f"{value} · {caption}"}
    if kind is NextStepKind.MEET_PREREQUISITES:
        return {"points_to_next": None, "next_tier": display.next_step_tile(result, lang)[1]}
    return {
        "points_to_next": result.points_to_next_tier,
        "next_tier": result.next_tier.title.get(lang) if result.next_tier else "",
    }


def snapshot_figures(result: dict[str, Any], lang: str) -> RoundFigures:
    key = "en" if lang == "en" else "zh"
    to_next = result.get("points_to_next_tier_exact")
    next_tier = result.get("next_tier")
    step = result.get("next_step") or {}  # snapshots from before it have none
    if step.get("kind") == NextStepKind.RECTIFY_DEDUCTIONS:
        value = t("next.tile_rectify", lang, count=len(step["deductions"]))
        reached = step.get("tier")
        if reached:
            caption = t("next.tile_reaches", lang, tier=reached[key])
        else:  # failing on deductions, the snapshot's next tier is the first one
            first = next_tier[key] if next_tier else ""
            caption = t("next.tile_short", lang, tier=first, need=step["points_display"])
        to_next, next_tier = None, {key: f"{value} · {caption}"}
    elif step.get("kind") == NextStepKind.MEET_PREREQUISITES:
        to_next, next_tier = None, {key: t("next.tile_no_tier", lang)}
    return RoundFigures(
        score=Fraction(result["score_exact"]),
        tier=tier_title(result, lang),
        tier_group=_tier_group(result, lang),
        eligibility=t(f"eligibility.{result['eligibility']['status']}", lang),
        points_to_next=Fraction(to_next) if to_next is not None else None,
        next_tier=next_tier[key] if next_tier else "",
        open_items=len(result["open_items"]),
    )


def _tier_group(result: dict[str, Any], lang: str) -> str:
    """The tier awarded, or "no tier" (failed or not eligible): a short name to filter by."""
    key = "en" if lang == "en" else "zh"
    verdict = result.get("verdict")
    if verdict is None:  # a snapshot from before verdicts existed
        return str(result["tier"][key]) if result["tier"] else t("verdict.no_tier", lang)
    if verdict["tier"] and not verdict["failed"] and not verdict["not_eligible"]:
        return str(verdict["tier"][key])
    return t("verdict.no_tier", lang)

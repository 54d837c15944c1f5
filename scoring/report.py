"""A score result as plain JSON-ready data (the CLI's ``--json`` and the store's snapshots)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from criteria import Tier
from scoring.engine import Rollup, ScoreResult
from scoring.planner import Plan
from scoring.tiers import display_score


def number(value: Fraction | None) -> float | None:
    """Exact values become the nearest float; ``display_score`` is for people."""
    return None if value is None else float(value)


def _tier(tier: Tier | None) -> dict[str, Any] | None:
    if tier is None:
        return None
    return {
        "id": tier.id,
        "zh": tier.title.zh,
        "en": tier.title.en,
        "min_score": float(tier.min_score),
    }


def _rollup(rollup: Rollup) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": rollup.indicator_id,
        "title": {"zh": rollup.title_zh, "en": rollup.title_en},
        "earned": number(rollup.earned),
        "applicable": number(rollup.applicable),
        "percent": number(rollup.percent),
        "items": rollup.items,
        "excluded": rollup.excluded,
        "open": rollup.open,
    }
    if rollup.children:
        data["children"] = [_rollup(child) for child in rollup.children]
    return data


def tier_title(result: dict[str, Any], lang: str) -> str:
    """The tier of a result in its JSON form, or the scheme's name for below every tier."""
    tier = result["tier"] or result["fail_title"]
    return tier["en" if lang == "en" else "zh"]


def result_to_dict(result: ScoreResult, plan: Plan | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "catalogue": {"id": result.catalogue_id, "hash": result.catalogue_hash},
        "scheme": result.scheme.id,
        "score": number(result.score),
        "score_display": display_score(result.score),
        "score_exact": str(result.score),
        "tier": _tier(result.tier),
        "fail_title": None
        if result.tier
        else {"zh": result.scheme.fail_title.zh, "en": result.scheme.fail_title.en},
        "eligible": result.eligibility.eligible,
        "eligibility": {
            "status": result.eligibility.status.value,
            "unmet": list(result.eligibility.unmet),
            "unconfirmed": list(result.eligibility.unconfirmed),
        },
        "applicable_points": number(result.applicable_points),
        "earned_points": number(result.earned_points),
        "base_score": number(result.base_score),
        "special_deductions": number(result.deduction_total),
        "special_bonus": number(result.bonus_total),
        "next_tier": _tier(result.next_tier),
        "points_to_next_tier": number(result.points_to_next_tier),
        "open_items": list(result.open_items),
        "excluded_items": list(result.excluded_items),
        "sections": [_rollup(section) for section in result.sections],
        "gaps": [
            {
                "item": gap.item_id,
                "title": {"zh": gap.title_zh, "en": gap.title_en},
                "status": gap.status.value,
                "points": number(gap.points),
                "earned": number(gap.earned),
                "lost": number(gap.lost),
                "score_gain": number(gap.score_gain),
            }
            for gap in result.gaps
        ],
        "warnings": [str(w) for w in result.warnings],
        "items": [
            {
                "id": r.item_id,
                "title": {"zh": r.item.title.zh, "en": r.item.title.en},
                "status": r.assessment.status.value,
                "points": number(r.points),
                "applicable": r.applicable,
                "earned": number(r.earned),
                "open": r.is_open,
            }
            for r in result.items
        ],
    }
    if plan is not None:
        data["plan"] = {
            "target": _tier(plan.target),
            "shortfall": number(plan.shortfall),
            "reachable": plan.reachable,
            "total_effort": number(plan.total_effort),
            "fixes": [
                {
                    "kind": fix.kind.value,
                    "ref": fix.ref,
                    "label": fix.label,
                    "gain": number(fix.gain),
                    "effort": number(fix.effort),
                }
                for fix in plan.fixes
            ],
        }
    return data

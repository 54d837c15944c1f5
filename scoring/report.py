"""A score result as plain JSON-ready data (the CLI's ``--json`` and the store's snapshots).

Every number is a float for convenience AND its exact value as text in ``<name>_exact`` beside
it (a float cannot hold 1/3, and 94.99999 must not be mistaken for 95). ``display`` holds the
strings a person sees (scoring/display.py)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from criteria import Tier
from scoring import display
from scoring.engine import Rollup, ScoreResult
from scoring.history import RULES_VERSION
from scoring.next_step import NextStep, next_step
from scoring.planner import Plan


def number(value: Fraction | None) -> float | None:
    """Exact values become the nearest float; scoring.display is for people."""
    return None if value is None else float(value)


def numbers(**values: Fraction | None) -> dict[str, Any]:
    """Each value as ``name: float`` and ``name_exact: "p/q"``."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        out[name] = number(value)
        out[f"{name}_exact"] = display.exact(value)
    return out


def _tier(tier: Tier | None) -> dict[str, Any] | None:
    if tier is None:
        return None
    return {
        "id": tier.id,
        "zh": tier.title.zh,
        "en": tier.title.en,
        **numbers(min_score=Fraction(tier.min_score)),
    }


def _rollup(rollup: Rollup) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": rollup.indicator_id,
        "title": {"zh": rollup.title_zh, "en": rollup.title_en},
        **numbers(earned=rollup.earned, applicable=rollup.applicable, percent=rollup.percent),
        "items": rollup.items,
        "excluded": rollup.excluded,
        "open": rollup.open,
    }
    if rollup.children:
        data["children"] = [_rollup(child) for child in rollup.children]
    return data


def _next_step(step: NextStep) -> dict[str, Any]:
    """What to do next (scoring/next_step.py); its sentence is display.next_step_text."""
    return {
        "kind": step.kind.value,
        "tier": _tier(step.tier),
        **numbers(points=step.points),
        "points_display": None if step.points is None else display.shortfall(step.points),
        "deductions": list(step.deductions),
        **numbers(score_after=step.score_after),
        "unmet_prerequisites": list(step.unmet),
    }


def result_to_dict(result: ScoreResult, plan: Plan | None = None) -> dict[str, Any]:
    verdict = result.verdict
    data: dict[str, Any] = {
        "catalogue": {"id": result.catalogue_id, "hash": result.catalogue_hash},
        "scheme": result.scheme.id,
        "rules_version": RULES_VERSION,  # the scoring rules the verdict was given under
        **numbers(score=result.score),
        "score_display": display.score(result.score),
        "tier": _tier(result.tier),
        "fail_title": None
        if result.tier
        else {"zh": result.scheme.fail_title.zh, "en": result.scheme.fail_title.en},
        "verdict": {
            "tier": _tier(verdict.tier),
            "score_tier": _tier(result.score_tier),
            "failed": verdict.failed,
            "fail_reasons": [r.value for r in verdict.fail_reasons],
            "fail_reason_texts": {
                lang: display.fail_reasons(result, lang) for lang in ("zh", "en")
            },
            "not_eligible": verdict.not_eligible,
            "tier_once_eligible": _tier(verdict.tier_once_eligible),
            "unconfirmed_prerequisites": list(verdict.unconfirmed),
            "special_deductions": verdict.deductions,
            "fail_at_deductions": verdict.fail_at_deductions,
            "deductions_to_rectify": verdict.deductions_to_rectify,
            "label": {lang: display.verdict_label(result, lang) for lang in ("zh", "en")},
        },
        "eligible": result.eligibility.eligible,
        "eligibility": {
            "status": result.eligibility.status.value,
            "unmet": list(result.eligibility.unmet),
            "unconfirmed": list(result.eligibility.unconfirmed),
        },
        **numbers(
            applicable_points=result.applicable_points,
            earned_points=result.earned_points,
            base_score=result.base_score,
            special_deductions=result.deduction_total,
            special_bonus=result.bonus_total,
        ),
        "next_tier": _tier(result.next_tier),
        **numbers(points_to_next_tier=result.points_to_next_tier),
        "points_to_next_tier_display": None
        if result.points_to_next_tier is None
        else display.shortfall(result.points_to_next_tier),
        "next_step": _next_step(next_step(result)),
        "open_items": list(result.open_items),
        **numbers(open_points=result.open_points),
        "excluded_items": list(result.excluded_items),
        "sections": [_rollup(section) for section in result.sections],
        "gaps": [
            {
                "item": gap.item_id,
                "title": {"zh": gap.title_zh, "en": gap.title_en},
                "status": gap.status.value,
                **numbers(
                    points=gap.points,
                    earned=gap.earned,
                    lost=gap.lost,
                    score_gain=gap.score_gain,
                ),
            }
            for gap in result.gaps
        ],
        "warnings": [str(w) for w in result.warnings],
        "items": [
            {
                "id": r.item_id,
                "title": {"zh": r.item.title.zh, "en": r.item.title.en},
                "status": r.assessment.status.value,
                "confidence": r.item.source.confidence,
                **numbers(points=r.points),
                "applicable": r.applicable,
                **numbers(earned=r.earned),
                "open": r.is_open,
            }
            for r in result.items
        ],
    }
    if plan is not None:
        data["plan"] = {
            "target": _tier(plan.target),
            **numbers(shortfall=plan.shortfall),
            "reachable": plan.reachable,
            "deductions_required": plan.deductions_required,
            **numbers(total_effort=plan.total_effort),
            "fixes": [
                {
                    "kind": fix.kind.value,
                    "ref": fix.ref,
                    "label": fix.label,
                    **numbers(gain=fix.gain, effort=fix.effort),
                }
                for fix in plan.fixes
            ],
        }
    return data

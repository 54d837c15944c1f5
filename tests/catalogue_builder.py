"""Small catalogues for tests, built in code so each test shows the numbers it relies on."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

from criteria import Catalogue, parse_catalogue


@dataclass(frozen=True)
class ItemDef:
    id: str
    points: float | int | str
    scoring: str = "binary"
    excludable: bool = False


def _text(label: str) -> dict[str, str]:
    return {"zh": f"{label}（中）", "en": label}


def catalogue_dict(
    items: Sequence[ItemDef],
    *,
    total: float | int | str | None = None,
    schemes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A catalogue dict whose items are grouped under their id prefixes."""
    firsts: dict[str, dict[str, Any]] = {}
    for item in items:
        first_id, second_n, _ = item.id.split(".")
        second_id = f"{first_id}.{second_n}"
        first = firsts.setdefault(
            first_id, {"id": first_id, "title": _text(f"L1 {first_id}"), "children": []}
        )
        second = next((c for c in first["children"] if c["id"] == second_id), None)
        if second is None:
            second = {"id": second_id, "title": _text(f"L2 {second_id}"), "items": []}
            first["children"].append(second)
        second["items"].append(
            {
                "id": item.id,
                "title": _text(f"item {item.id}"),
                "points": item.points,
                "guidance": _text("check it"),
                "evidence": [_text("a record")],
                "scoring": item.scoring,
                "excludable": item.excludable,
                "source": {"refs": [], "confidence": "provisional", "note": "test"},
            }
        )
    declared = total if total is not None else sum(Decimal(str(i.points)) for i in items)
    return {
        "format_version": 2,
        "id": "test-catalogue",
        "standard": "TEST",
        "title": _text("Test catalogue"),
        "version": "1",
        "total_points": str(declared),
        "sources": [{"id": "T1", "title": "made up for the tests"}],
        "tier_schemes": copy.deepcopy(schemes or [DEFAULT_SCHEME, STARS_SCHEME]),
        "default_tier_scheme": "default",
        "prerequisites": [
            {"id": "legal_entity", "title": _text("legal entity")},
            {"id": "no_major_incident", "title": _text("no incident")},
        ],
        "special_items": {
            "deduction_points": 1,
            "deduction_categories": [
                {"id": "law", "title": _text("law")},
                {"id": "own_rules", "title": _text("own rules")},
            ],
            "fail_at_deductions": 5,
            "bonus_points": 1,
            "max_bonuses": 1,
        },
        "indicators": list(firsts.values()),
    }


def _tier(tier_id: str, score: int) -> dict[str, Any]:
    return {"id": tier_id, "min_score": score, "title": _text(tier_id)}


DEFAULT_SCHEME = {
    "id": "default",
    "title": _text("default"),
    "fail_title": _text("not passed"),
    "tiers": [
        _tier("compliant", 70),
        _tier("three_star", 80),
        _tier("four_star", 90),
        _tier("five_star", 95),
    ],
    "source": {"refs": ["T1"]},
}
STARS_SCHEME = {
    "id": "body-stars",
    "title": _text("stars"),
    "fail_title": _text("not passed"),
    "tiers": [
        _tier("three_star", 70),
        _tier("four_star", 80),
        _tier("five_star", 90),
        _tier("five_star_excellence", 95),
    ],
    "source": {"refs": ["T1"], "note": "a body's own scheme, as a body's catalogue may declare"},
}


def build_catalogue(items: Sequence[ItemDef], **kwargs: Any) -> Catalogue:
    return parse_catalogue(yaml.safe_dump(catalogue_dict(items, **kwargs), allow_unicode=True))


def hundred_items(n: int = 100, **kwargs: Any) -> Catalogue:
    """``n`` binary items of 100/n points each under one indicator (handy for exact scores)."""
    points = Decimal(100) / n
    return build_catalogue([ItemDef(f"1.1.{i + 1}", str(points)) for i in range(n)], **kwargs)

"""Two rounds of an audit side by side: score, tier, indicators and items that moved.

Works on the JSON form of results (``result_to_dict``), so a frozen round's snapshot — the
scores as computed then — compares with a live round in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EPSILON = 1e-9


@dataclass(frozen=True)
class IndicatorDelta:
    id: str
    title_zh: str
    title_en: str
    level: int
    before: float | None  # percent of applicable points earned
    after: float | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class ItemChange:
    id: str
    title_zh: str
    title_en: str
    status_before: str | None  # None: the item is not in that round's catalogue
    status_after: str | None
    earned_before: float
    earned_after: float

    @property
    def delta(self) -> float:
        return self.earned_after - self.earned_before


@dataclass(frozen=True)
class RoundComparison:
    score_before: float
    score_after: float
    tier_before: dict[str, Any] | None
    tier_after: dict[str, Any] | None
    indicators: tuple[IndicatorDelta, ...]
    items: tuple[ItemChange, ...]  # every item whose status or points changed
    same_catalogue: bool

    @property
    def score_delta(self) -> float:
        return self.score_after - self.score_before

    @property
    def improved(self) -> tuple[ItemChange, ...]:
        return tuple(c for c in self.items if c.delta > EPSILON)

    @property
    def regressed(self) -> tuple[ItemChange, ...]:
        return tuple(c for c in self.items if c.delta < -EPSILON)

    @property
    def tier_changed(self) -> bool:
        before = self.tier_before["id"] if self.tier_before else None
        after = self.tier_after["id"] if self.tier_after else None
        return before != after


def compare_rounds(before: dict[str, Any], after: dict[str, Any]) -> RoundComparison:
    return RoundComparison(
        score_before=before["score"],
        score_after=after["score"],
        tier_before=before["tier"],
        tier_after=after["tier"],
        indicators=tuple(_indicators(before, after)),
        items=tuple(_items(before, after)),
        same_catalogue=before["catalogue"]["hash"] == after["catalogue"]["hash"],
    )


def _flatten(result: dict[str, Any]) -> dict[str, tuple[int, dict[str, Any]]]:
    flat = {}
    for section in result["sections"]:
        flat[section["id"]] = (1, section)
        for child in section.get("children", []):
            flat[child["id"]] = (2, child)
    return flat


def _indicators(before: dict[str, Any], after: dict[str, Any]) -> list[IndicatorDelta]:
    old, new = _flatten(before), _flatten(after)
    deltas = []
    for node_id in dict.fromkeys([*new, *old]):  # the newer round's order first
        level, node = new.get(node_id) or old[node_id]
        deltas.append(
            IndicatorDelta(
                id=node_id,
                title_zh=node["title"]["zh"],
                title_en=node["title"]["en"],
                level=level,
                before=old[node_id][1]["percent"] if node_id in old else None,
                after=new[node_id][1]["percent"] if node_id in new else None,
            )
        )
    return deltas


def _items(before: dict[str, Any], after: dict[str, Any]) -> list[ItemChange]:
    old = {item["id"]: item for item in before["items"]}
    new = {item["id"]: item for item in after["items"]}
    changes = []
    for item_id in dict.fromkeys([*new, *old]):
        a, b = old.get(item_id), new.get(item_id)
        title = (new[item_id] if b else old[item_id])["title"]  # the id is in one of the two
        change = ItemChange(
            id=item_id,
            title_zh=title["zh"],
            title_en=title["en"],
            status_before=a["status"] if a else None,
            status_after=b["status"] if b else None,
            earned_before=a["earned"] if a else 0.0,
            earned_after=b["earned"] if b else 0.0,
        )
        if change.status_before != change.status_after or abs(change.delta) > EPSILON:
            changes.append(change)
    return changes

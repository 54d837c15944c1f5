"""Two rounds of an audit side by side: score, tier, indicators and items that moved.

Works on the JSON form of results (``result_to_dict``), so a frozen round's snapshot — the
scores as computed then — compares with a live round in the same way. Every value and every
delta is exact (a Fraction from the ``<name>_exact`` text beside each float): a float
subtraction then truncation showed +0.29 for an exact +0.30.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

ZERO = Fraction(0)


def exact_value(node: dict[str, Any], name: str) -> Fraction | None:
    """``node[name]`` exactly: its ``<name>_exact`` text, else (a snapshot written without it)
    the float's shortest decimal form, which is what was written."""
    text = node.get(f"{name}_exact")
    if text is not None:
        return Fraction(text)
    value = node.get(name)
    return None if value is None else Fraction(repr(value))


@dataclass(frozen=True)
class IndicatorDelta:
    id: str
    title_zh: str
    title_en: str
    level: int
    before: Fraction | None  # percent of applicable points earned
    after: Fraction | None

    @property
    def delta(self) -> Fraction | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class ItemChange:
    id: str
    title_zh: str
    title_en: str
    status_before: str | None  # None: the item is not in that round's catalogue
    status_after: str | None
    earned_before: Fraction
    earned_after: Fraction

    @property
    def delta(self) -> Fraction:
        return self.earned_after - self.earned_before


@dataclass(frozen=True)
class RoundComparison:
    score_before: Fraction
    score_after: Fraction
    tier_before: dict[str, Any] | None
    tier_after: dict[str, Any] | None
    indicators: tuple[IndicatorDelta, ...]
    items: tuple[ItemChange, ...]  # every item whose status or points changed
    same_catalogue: bool

    @property
    def score_delta(self) -> Fraction:
        return self.score_after - self.score_before

    @property
    def improved(self) -> tuple[ItemChange, ...]:
        return tuple(c for c in self.items if c.delta > 0)

    @property
    def regressed(self) -> tuple[ItemChange, ...]:
        return tuple(c for c in self.items if c.delta < 0)

    @property
    def tier_changed(self) -> bool:
        before = self.tier_before["id"] if self.tier_before else None
        after = self.tier_after["id"] if self.tier_after else None
        return before != after


def compare_rounds(before: dict[str, Any], after: dict[str, Any]) -> RoundComparison:
    return RoundComparison(
        score_before=exact_value(before, "score") or ZERO,
        score_after=exact_value(after, "score") or ZERO,
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
                before=exact_value(old[node_id][1], "percent") if node_id in old else None,
                after=exact_value(new[node_id][1], "percent") if node_id in new else None,
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
            earned_before=(exact_value(a, "earned") or ZERO) if a else ZERO,
            earned_after=(exact_value(b, "earned") or ZERO) if b else ZERO,
        )
        if change.status_before != change.status_after or change.delta:
            changes.append(change)
    return changes

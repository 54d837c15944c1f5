"""A loaded, validated catalogue: the spec plus lookups and the content hash that identifies it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from criteria.schema import CatalogueSpec, FirstLevel, Item, SecondLevel, TierScheme


@dataclass(frozen=True)
class Catalogue:
    spec: CatalogueSpec
    origin: str = "<memory>"
    content_hash: str = field(init=False)
    items: tuple[Item, ...] = field(init=False)
    _items_by_id: Mapping[str, Item] = field(init=False, repr=False)
    _second_by_id: Mapping[str, SecondLevel] = field(init=False, repr=False)
    _first_by_id: Mapping[str, FirstLevel] = field(init=False, repr=False)
    _parent_of: Mapping[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        items: list[Item] = []
        parent_of: dict[str, str] = {}
        seconds: dict[str, SecondLevel] = {}
        for first in self.spec.indicators:
            for second in first.children:
                seconds[second.id] = second
                parent_of[second.id] = first.id
                for item in second.items:
                    items.append(item)
                    parent_of[item.id] = second.id
        put = object.__setattr__  # frozen dataclass: derived fields are set once, here
        put(self, "content_hash", content_hash(self.spec))
        put(self, "items", tuple(items))
        put(self, "_items_by_id", MappingProxyType({i.id: i for i in items}))
        put(self, "_second_by_id", MappingProxyType(seconds))
        put(self, "_first_by_id", MappingProxyType({f.id: f for f in self.spec.indicators}))
        put(self, "_parent_of", MappingProxyType(parent_of))

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]

    @property
    def first_levels(self) -> tuple[FirstLevel, ...]:
        return self.spec.indicators

    @property
    def second_levels(self) -> tuple[SecondLevel, ...]:
        return tuple(self._second_by_id.values())

    def has_item(self, item_id: str) -> bool:
        return item_id in self._items_by_id

    def item(self, item_id: str) -> Item:
        try:
            return self._items_by_id[item_id]
        except KeyError:
            raise KeyError(f"catalogue {self.id} has no item {item_id!r}") from None

    def second_level(self, indicator_id: str) -> SecondLevel:
        return self._second_by_id[indicator_id]

    def first_level(self, indicator_id: str) -> FirstLevel:
        return self._first_by_id[indicator_id]

    def parent_id(self, node_id: str) -> str:
        return self._parent_of[node_id]

    def first_level_of(self, item_id: str) -> str:
        return self._parent_of[self._parent_of[item_id]]

    def scheme(self, scheme_id: str | None = None) -> TierScheme:
        wanted = scheme_id or self.spec.default_tier_scheme
        for scheme in self.spec.tier_schemes:
            if scheme.id == wanted:
                return scheme
        known = ", ".join(s.id for s in self.spec.tier_schemes)
        raise KeyError(f"unknown tier scheme {wanted!r}; catalogue {self.id} defines: {known}")


def content_hash(spec: CatalogueSpec) -> str:
    """SHA-256 of the catalogue's canonical JSON: the same content gives the same hash whatever
    the YAML's layout, comments or key order."""
    dumped = spec.model_dump(mode="python")
    if spec.format_version == 1:
        dumped = _as_format_1(dumped)
    canonical = json.dumps(
        _canonical(dumped),
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _as_format_1(dumped: dict[str, Any]) -> dict[str, Any]:
    """A format-1 spec as format 1 wrote it, so catalogues stored before format 2 keep their
    hash (audits refer to it): without the fields format 2 added or derives."""
    dumped["special_items"].pop("fail_at_deductions")
    for scheme in dumped["tier_schemes"]:
        scheme.pop("source")
    for first in dumped["indicators"]:
        for second in first["children"]:
            for item in second["items"]:
                item["source"].pop("confidence")
    return dumped


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        normal = value.normalize()
        return str(normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value

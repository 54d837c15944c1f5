"""What changes between two catalogues: items added, removed, renamed, re-pointed, scored
another way (binary/sampled), made excludable or not, and every indicator's total. Items are
matched by their number, as an audit moved between them is."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from criteria.catalogue import Catalogue
from criteria.schema import Item, Text


@dataclass(frozen=True)
class ItemChange:
    id: str
    before: Item | None
    after: Item | None


@dataclass(frozen=True)
class IndicatorTotal:
    """An indicator's points in each catalogue (None where the catalogue lacks it)."""

    id: str
    title: Text
    before: Decimal | None
    after: Decimal | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class CatalogueDiff:
    added: tuple[ItemChange, ...]
    removed: tuple[ItemChange, ...]
    renamed: tuple[ItemChange, ...]  # same number, other Chinese title (the text bodies give)
    repointed: tuple[ItemChange, ...]  # same number, other points
    totals: tuple[IndicatorTotal, ...]  # first- and second-level, in tree order
    rescored: tuple[ItemChange, ...] = ()  # same number, other scoring mode
    reexcluded: tuple[ItemChange, ...] = ()  # same number, excludable in one only

    @property
    def same_items(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.renamed
            or self.repointed
            or self.rescored
            or self.reexcluded
        )

    def kinds(self) -> tuple[tuple[str, tuple[ItemChange, ...]], ...]:
        """Every kind of item change with its changes, in the order they are reported."""
        return (
            ("added", self.added),
            ("removed", self.removed),
            ("renamed", self.renamed),
            ("repointed", self.repointed),
            ("rescored", self.rescored),
            ("reexcluded", self.reexcluded),
        )


def diff_catalogues(before: Catalogue, after: Catalogue) -> CatalogueDiff:
    old = {i.id: i for i in before.items}
    new = {i.id: i for i in after.items}
    both = [i for i in old if i in new]
    return CatalogueDiff(
        added=tuple(ItemChange(i, None, new[i]) for i in new if i not in old),
        removed=tuple(ItemChange(i, old[i], None) for i in old if i not in new),
        renamed=tuple(
            ItemChange(i, old[i], new[i]) for i in both if old[i].title.zh != new[i].title.zh
        ),
        repointed=tuple(
            ItemChange(i, old[i], new[i]) for i in both if old[i].points != new[i].points
        ),
        totals=_totals(before, after),
        rescored=tuple(
            ItemChange(i, old[i], new[i]) for i in both if old[i].scoring != new[i].scoring
        ),
        reexcluded=tuple(
            ItemChange(i, old[i], new[i]) for i in both if old[i].excludable != new[i].excludable
        ),
    )


def _totals(before: Catalogue, after: Catalogue) -> tuple[IndicatorTotal, ...]:
    sums_before, titles = _indicator_sums(before)
    sums_after, titles_after = _indicator_sums(after)
    order = list(titles_after)
    order += [i for i in titles if i not in titles_after]
    titles = {**titles, **titles_after}
    order.sort(key=lambda node_id: tuple(int(p) for p in node_id.split(".")))
    return tuple(IndicatorTotal(i, titles[i], sums_before.get(i), sums_after.get(i)) for i in order)


def _indicator_sums(catalogue: Catalogue) -> tuple[dict[str, Decimal], dict[str, Text]]:
    sums: dict[str, Decimal] = {}
    titles: dict[str, Text] = {}
    for first in catalogue.first_levels:
        titles[first.id] = first.title
        for second in first.children:
            titles[second.id] = second.title
            points = sum((i.points for i in second.items), Decimal(0))
            sums[second.id] = points
            sums[first.id] = sums.get(first.id, Decimal(0)) + points
    return sums, titles

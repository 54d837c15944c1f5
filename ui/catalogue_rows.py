"""Rows the Catalogues page shows: the list, the tree, the diff, the column mapping. No widgets,
so the page stays a thin layer and these can be tested as they are."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from criteria import Catalogue, default_catalogue
from criteria.diff import CatalogueDiff
from criteria.workbook import WORKBOOK_SOURCE
from scoring import display
from scoring.display import catalogue_name, catalogue_version
from texts import t


def provisional_share(catalogue: Catalogue) -> Fraction:
    """The share of the catalogue's points that no source gives (confidence provisional)."""
    total = sum((i.points for i in catalogue.items), Decimal(0))
    provisional = sum(
        (i.points for i in catalogue.items if i.source.confidence == "provisional"), Decimal(0)
    )
    return Fraction(provisional) / Fraction(total)


def source_label(catalogue: Catalogue, lang: str) -> str:
    """Where a catalogue comes from: the bundled file, a body's workbook, or a catalogue file."""
    if catalogue.content_hash == default_catalogue().content_hash:
        return t("catalogues.source_bundled", lang)
    for source in catalogue.spec.sources:
        if source.id == WORKBOOK_SOURCE:
            return t("catalogues.source_workbook", lang, name=source.title)
    return t("catalogues.source_file", lang)


def catalogue_names(catalogues: list[Catalogue], lang: str) -> dict[str, str]:
    """content hash → name, for a picker. Two catalogues of the same title and version are
    told apart by their ids, and only if those are the same too by the start of their hash."""
    named = {c.content_hash: catalogue_name(c, lang) for c in catalogues}
    by_id = {c.content_hash: f"{named[c.content_hash]} · {c.id}" for c in catalogues}
    names: dict[str, str] = {}
    for c in catalogues:
        same_name = [d for d in catalogues if named[d.content_hash] == named[c.content_hash]]
        if len(same_name) == 1:
            names[c.content_hash] = named[c.content_hash]
        elif len({d.id for d in same_name}) == len(same_name):
            names[c.content_hash] = by_id[c.content_hash]
        else:
            names[c.content_hash] = f"{by_id[c.content_hash]} · {c.short_hash}"
    return names


def catalogue_line(catalogue: Catalogue, lang: str) -> str:
    """One line naming the catalogue a page scores against (dashboard, dossier)."""
    return t(
        "catalogues.in_use",
        lang,
        name=catalogue_name(catalogue, lang),
        provisional=display.percent(provisional_share(catalogue) * 100),
    )


def list_rows(catalogues: list[Catalogue], lang: str) -> list[dict[str, Any]]:
    return [
        {
            t("catalogues.col_id", lang): c.id,
            t("catalogues.col_title", lang): c.spec.title.get(lang),
            t("catalogues.col_version", lang): catalogue_version(c, lang),
            t("catalogues.col_items", lang): len(c.items),
            t("catalogues.col_hash", lang): c.short_hash,
            t("catalogues.col_source", lang): source_label(c, lang),
            t("catalogues.col_provisional", lang): display.percent(provisional_share(c) * 100),
        }
        for c in catalogues
    ]


def tree_rows(catalogue: Catalogue, lang: str) -> list[dict[str, Any]]:
    """Every node in tree order: indicators with their totals, items with their fields."""
    rows: list[dict[str, Any]] = []

    def row(node_id: str, title: str, total: Decimal, **more: str) -> None:
        rows.append(
            {
                t("catalogues.col_number", lang): node_id,
                t("catalogues.col_title", lang): title,
                t("catalogues.col_points", lang): display.points(Fraction(total)),
                t("catalogues.col_scoring", lang): more.get("scoring", ""),
                t("catalogues.col_excludable", lang): more.get("excludable", ""),
                t("catalogues.col_confidence", lang): more.get("confidence", ""),
            }
        )

    for first in catalogue.first_levels:
        first_total = sum((i.points for s in first.children for i in s.items), Decimal(0))
        row(first.id, first.title.get(lang), first_total)
        for second in first.children:
            row(
                second.id,
                t("catalogues.indent", lang) + second.title.get(lang),
                sum((i.points for i in second.items), Decimal(0)),
            )
            for item in second.items:
                row(
                    item.id,
                    t("catalogues.indent", lang) * 2 + item.title.get(lang),
                    item.points,
                    scoring=t(f"workbook.scoring_{item.scoring}", lang),
                    excludable=t("workbook.yes" if item.excludable else "workbook.no", lang),
                    confidence=display.confidence_label(item.source.confidence, lang),
                )
    return rows


def diff_rows(diff: CatalogueDiff, lang: str) -> list[dict[str, Any]]:
    """One row per changed item: what changed, before and after."""
    rows = []
    for kind, changes in diff.kinds():
        text = _mode_text if kind in ("rescored", "reexcluded") else _item_text
        for change in changes:
            rows.append(
                {
                    t("catalogues.col_change", lang): t(f"catalogues.change_{kind}", lang),
                    t("catalogues.col_number", lang): change.id,
                    t("catalogues.col_before", lang): text(change.before, lang),
                    t("catalogues.col_after", lang): text(change.after, lang),
                }
            )
    return rows


def totals_rows(diff: CatalogueDiff, lang: str) -> list[dict[str, Any]]:
    return [
        {
            t("catalogues.col_number", lang): total.id,
            t("catalogues.col_title", lang): total.title.get(lang),
            t("catalogues.col_before", lang): _total(total.before),
            t("catalogues.col_after", lang): _total(total.after),
        }
        for total in diff.totals
        if total.changed
    ]


def _total(value: Decimal | None) -> str:
    return "—" if value is None else display.points(Fraction(value))


def _mode_text(item: Any, lang: str) -> str:
    """How an item is scored and whether it may be excluded."""
    if item is None:
        return "—"
    excludable = "catalogues.excludable" if item.excludable else "catalogues.not_excludable"
    return f"{t(f'workbook.scoring_{item.scoring}', lang)} · {t(excludable, lang)}"


def _item_text(item: Any, lang: str) -> str:
    if item is None:
        return "—"
    return f"{item.title.get(lang)}（{display.points(Fraction(item.points))}）"

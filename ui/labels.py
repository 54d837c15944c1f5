"""Labels for domain values in the chosen language."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from criteria import Catalogue
from domain.records import ActionState
from scoring import ScoreResult, Status, display
from texts import t


def status_label(status: Status | str, lang: str) -> str:
    return t(f"status.{Status(status).value}", lang)


def status_labels(lang: str) -> dict[str, str]:
    """Status value → label; widgets format options after the run, so labels are bound now."""
    return {s.value: t(f"status.{s.value}", lang) for s in Status}


def action_labels(lang: str | None = None) -> dict[str, str]:
    from ui.state import lang as current_lang

    chosen = lang or current_lang()
    return {s.value: t(f"action.{s.value}", chosen) for s in ActionState}


def tier_label(result: ScoreResult, lang: str) -> str:
    """The verdict: the tier awarded, or why there is none (scoring/display.py)."""
    return display.verdict_label(result, lang)


def verdict_metric(column: Any, result: ScoreResult, lang: str, label: str) -> None:
    """The verdict as a metric tile: the short headline, its qualifier beneath it."""
    headline, detail = display.verdict_headline(result, lang)
    column.metric(label, headline, detail, delta_color="off", delta_arrow="off")


def points(value: Fraction | Decimal | int | None) -> str:
    """Points reached, as every surface shows them (scoring/display.py): truncated."""
    return "—" if value is None else display.points(value)


def needed(value: Fraction | None) -> str:
    """Points still missing (to a tier, lost by an item): rounded up."""
    return "—" if value is None else display.shortfall(value)


def item_choices(catalogue: Catalogue, lang: str) -> dict[str, str]:
    """Every item of the catalogue, id → "id title", in catalogue order: what a picker offers
    (a selectbox searches its labels, so an item is found by its number or by a word of it)."""
    return {i.id: f"{i.id} {i.title.get(lang)}" for i in catalogue.items}


def deduction_categories(catalogue: Catalogue, lang: str) -> dict[str, str]:
    """The catalogue's special-deduction categories, id → label; none is preselected."""
    rules = catalogue.spec.special_items
    return {c.id: c.title.get(lang) for c in rules.deduction_categories}

"""Labels for domain values in the chosen language."""

from __future__ import annotations

from fractions import Fraction

from scoring import ScoreResult, Status
from store.records import ActionState
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
    tier = result.tier.title if result.tier else result.scheme.fail_title
    return tier.get(lang)


def points(value: Fraction | float | None) -> str:
    """Points as people write them: 3, 1.5, 0.225 — no float noise."""
    if value is None:
        return "—"
    number = float(value)
    return f"{number:.3f}".rstrip("0").rstrip(".") if number != int(number) else f"{int(number)}"

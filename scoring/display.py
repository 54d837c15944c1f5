"""How every number and verdict a person sees is written: the app, the command line, the
dossier and the spreadsheet all call these, and nothing else formats a score or a point.

The rule, and why:
- Scores and points always show two decimals. A catalogue's points have at most two, so every
  item's points show exactly, and one value reads the same on every surface.
- What was reached (a score, earned points, an item's points, a fix's gain, a percentage) is
  truncated toward zero: 94.997 reads 94.99, never 95.00 — a number must never read as reaching
  a threshold the exact value missed.
- What is missing (points to the next tier, a plan's shortfall, an item's lost points) is
  rounded up: 0.003 short reads 0.01, never 0.00 — nothing reads as done that is not. So an
  item's earned + lost, as shown, add up to its points.
- Percentages (an indicator's share of its points) follow the same rule: two decimals, truncated.
Everything stays exact internally (fractions); certification bodies that report to 0.5 round
their own way, which is why we neither round to 0.5 nor round to nearest.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from texts import t

if TYPE_CHECKING:
    from scoring.engine import ScoreResult, Verdict

DECIMALS = 2
_Number = (
    Fraction | Decimal | int
)  # Fraction(...) takes each exactly (a catalogue's points are Decimal)


def truncated(value: _Number, decimals: int = DECIMALS) -> Fraction:
    """``value`` cut (toward zero) to ``decimals`` places: the number a reached amount shows."""
    scale = 10**decimals
    return Fraction(math.trunc(Fraction(value) * scale), scale)


def rounded_up(value: _Number, decimals: int = DECIMALS) -> Fraction:
    """``value`` rounded up to ``decimals`` places: the number a shortfall shows."""
    scale = 10**decimals
    return Fraction(math.ceil(Fraction(value) * scale), scale)


def _fixed(value: Fraction, decimals: int) -> str:
    scale = 10**decimals
    units = value * scale  # an integer by construction
    sign = "-" if units < 0 else ""
    whole, part = divmod(abs(int(units)), scale)
    return f"{sign}{whole}.{part:0{decimals}d}" if decimals else f"{sign}{whole}"


def score(value: _Number) -> str:
    """A score, truncated: 69.999 reads 69.99."""
    return _fixed(truncated(value), DECIMALS)


def points(value: _Number) -> str:
    """Points reached (an item's points, earned points, a gain), truncated."""
    return _fixed(truncated(value), DECIMALS)


def shortfall(value: _Number) -> str:
    """Points still missing (to a tier, lost by an item), rounded up: 0.003 reads 0.01."""
    return _fixed(rounded_up(value), DECIMALS)


def signed(value: _Number) -> str:
    """A change between two values, truncated toward zero, with its sign: +0.50, −0.25."""
    cut = truncated(value)
    text = _fixed(abs(cut), DECIMALS)
    return f"+{text}" if cut > 0 else (f"−{text}" if cut < 0 else text)


def percent(value: _Number | None) -> str:
    """A share in percent, truncated: 99.999 % reads 99.99%."""
    if value is None:
        return "—"
    return f"{_fixed(truncated(value), DECIMALS)}%"


def score_of(result: Mapping[str, Any]) -> str:
    """The score of a result in its JSON form (a stored snapshot), shown by the rule above:
    from its exact value, so a snapshot written under an older display rule reads the same."""
    return score(Fraction(result["score_exact"]))


def exact(value: _Number | None) -> str | None:
    """The exact value as text, for machine-readable output beside a float."""
    return None if value is None else str(Fraction(value))


def verdict_label(result: ScoreResult, lang: str = "zh") -> str:
    """The verdict in one line: the tier awarded (flagged when prerequisites are unconfirmed),
    or why none is: the evaluation fails (score, deductions) or the company is not eligible."""
    return verdict_text(result.verdict, result, lang)


def verdict_headline(result: ScoreResult, lang: str = "zh") -> tuple[str, str | None]:
    """The verdict for a small tile: a short headline (the tier awarded, the fail title, or "no
    tier") and the qualifier that goes beneath it, so neither is cut off."""
    verdict = result.verdict
    if verdict.failed:
        return result.scheme.fail_title.get(lang), "；".join(fail_reasons(result, lang))
    if verdict.not_eligible:
        return t("verdict.no_tier", lang), verdict_text(verdict, result, lang)
    assert verdict.tier is not None  # neither failed nor ineligible: a tier is awarded
    if verdict.unconfirmed:
        return verdict.tier.title.get(lang), t(
            "verdict.unconfirmed_count", lang, count=len(verdict.unconfirmed)
        )
    return verdict.tier.title.get(lang), None


def verdict_text(verdict: Verdict, result: ScoreResult, lang: str = "zh") -> str:
    if verdict.failed:
        reasons = "；".join(fail_reasons(result, lang))
        head = t("verdict.failed", lang, fail=result.scheme.fail_title.get(lang), reasons=reasons)
        if verdict.not_eligible:
            return t("verdict.also_not_eligible", lang, verdict=head)
        return head
    if verdict.not_eligible:
        once = verdict.tier_once_eligible
        return t(
            "verdict.not_eligible",
            lang,
            tier=once.title.get(lang) if once else result.scheme.fail_title.get(lang),
        )
    assert verdict.tier is not None  # neither failed nor ineligible: a tier is awarded
    tier = verdict.tier.title.get(lang)
    if verdict.unconfirmed:  # which ones: the eligibility line beside it lists them
        return t("verdict.tier_unconfirmed", lang, tier=tier, count=len(verdict.unconfirmed))
    return tier


def fail_reasons(result: ScoreResult, lang: str = "zh") -> list[str]:
    """Why the evaluation fails, one sentence per reason (empty when it does not)."""
    verdict = result.verdict
    first = result.scheme.tiers[0]
    texts = []
    for reason in verdict.fail_reasons:
        texts.append(
            t(
                f"verdict.reason.{reason.value}",
                lang,
                score=score(result.score),
                min=score(Fraction(first.min_score)),
                count=verdict.deductions,
                limit=verdict.fail_at_deductions,
            )
        )
    return texts


def confidence_label(level: str, lang: str = "zh") -> str:
    """An item's confidence (sourced / low / provisional) in words."""
    return t(f"confidence.{level}", lang)

"""How the dossier shows numbers; the PDF and the spreadsheet both use these, so they agree.

Points are exact fractions (a sampled item can earn 20 × 1/3); they are shown rounded to two
decimals. Scores and percentages are truncated to one decimal by ``scoring.display_score`` and
never rounded up, so a shown score never reaches a threshold the exact score missed.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction

from scoring import display_score

_CENT = Decimal("0.01")


def points(value: Fraction) -> Decimal:
    """Points rounded half up to two decimals: 20/3 → 6.67."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(_CENT, rounding=ROUND_HALF_UP)


def points_text(value: Fraction) -> str:
    """Points without trailing zeros: 3, 2.5, 6.67."""
    text = f"{points(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def needed_text(value: Fraction) -> str:
    """Points still needed, rounded up: a reader who makes up what is shown gets there."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    text = f"{exact.quantize(_CENT, rounding=ROUND_CEILING):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def score(value: Fraction) -> Decimal:
    """A score or percentage as shown: truncated to one decimal."""
    return Decimal(display_score(value))


def score_text(value: Fraction | None) -> str:
    return "—" if value is None else display_score(value)


def file_size_text(size: int) -> str:
    """Sizes as people read them, in binary units: 523 B, 12.5 KB, 3.2 MB."""
    if size < 1024:
        return f"{size} B"
    amount = size / 1024
    for unit in ("KB", "MB"):
        if amount < 1024:
            return f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GB"

"""The dossier's number filters: thin names over scoring.display, the one module that decides
how every number is shown, so the PDF, the spreadsheet, the app and the CLI agree.

Scores, points and percentages are truncated to two decimals (never reaching a threshold the
exact value missed); shortfalls (points still needed, points lost) are rounded up.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from scoring import display


def points(value: Fraction) -> Decimal:
    """Points as shown, as a number (truncated to two decimals): 20/3 → 6.66."""
    return Decimal(display.points(value))


def points_text(value: Fraction) -> str:
    """Points as shown: 3.00, 2.50, 6.66."""
    return display.points(value)


def needed_text(value: Fraction) -> str:
    """Points still needed or lost, rounded up: a reader who makes up what is shown gets there."""
    return display.shortfall(max(Fraction(0), value))


def score(value: Fraction) -> Decimal:
    """A score or percentage as shown, as a number: truncated to two decimals."""
    return Decimal(display.score(value))


def score_text(value: Fraction | None) -> str:
    return display.score_or_empty(value)


def file_size_text(size: int) -> str:
    """Sizes as the app shows them (binary units, IEC names): 523 B, 12.5 KiB, 3.2 MiB."""
    return display.file_size(size)

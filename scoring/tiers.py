"""Tiers under a scheme. Decisions use the exact score; only display rounds."""

from __future__ import annotations

import math
from fractions import Fraction

from criteria import Tier, TierScheme


def tier_for(scheme: TierScheme, score: Fraction) -> Tier | None:
    """The highest tier whose threshold the score reaches (≥), or None below every tier."""
    reached = [tier for tier in scheme.tiers if score >= Fraction(tier.min_score)]
    return reached[-1] if reached else None


def next_tier(scheme: TierScheme, score: Fraction) -> Tier | None:
    """The lowest tier whose threshold the score has not reached."""
    for tier in scheme.tiers:
        if score < Fraction(tier.min_score):
            return tier
    return None


def display_score(score: Fraction, decimals: int = 1) -> str:
    """Shown scores are truncated, never rounded up, so a displayed score never reaches a
    threshold the exact score missed: 69.99 shows as 69.9, not 70.0."""
    scale = 10**decimals
    truncated = Fraction(math.floor(score * scale), scale)
    return f"{float(truncated):.{decimals}f}"

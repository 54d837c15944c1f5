"""Tiers under a scheme. Decisions use the exact score; display is scoring/display.py."""

from __future__ import annotations

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

"""The schema of a criteria catalogue: the indicator tree, tier schemes, prerequisites.

Every model is frozen and uses tuples, so a loaded catalogue cannot change under an audit that
was scored against it. Structural rules live here (pydantic); rules that span the whole tree
(unique ids, ids nested under their parents, points summing to the total) are in ``rules.py`` so
that each refusal can name the node and the line.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
NodeId = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]*(\.[1-9][0-9]*)*$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
Points = Annotated[Decimal, Field(gt=0, max_digits=6, decimal_places=2)]

ScoringMode = Literal["binary", "sampled"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(Frozen):
    """A text in Chinese first, English second."""

    zh: NonEmpty
    en: NonEmpty

    def __str__(self) -> str:
        return self.zh

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Source(Frozen):
    id: NonEmpty
    title: NonEmpty
    url: str | None = None
    note: str | None = None


class SourceNote(Frozen):
    """Where an item and its points come from; ``provisional`` marks values no source gives."""

    refs: tuple[NonEmpty, ...] = ()
    provisional: bool
    note: str | None = None


class Item(Frozen):
    """A third-level item: what is checked and how many points it carries."""

    id: NodeId
    title: Text
    points: Points
    guidance: Text
    evidence: tuple[Text, ...] = Field(min_length=1)
    scoring: ScoringMode
    excludable: bool
    source: SourceNote


class SecondLevel(Frozen):
    id: NodeId
    title: Text
    items: tuple[Item, ...] = Field(min_length=1)


class FirstLevel(Frozen):
    id: NodeId
    title: Text
    children: tuple[SecondLevel, ...] = Field(min_length=1)


class Tier(Frozen):
    id: Slug
    title: Text
    min_score: Annotated[Decimal, Field(gt=0, le=100)]


class TierScheme(Frozen):
    """Tiers in ascending ``min_score``; a score below the first tier gets ``fail_title``."""

    id: Slug
    title: Text
    fail_title: Text
    tiers: tuple[Tier, ...] = Field(min_length=1)

    @field_validator("tiers")
    @classmethod
    def _ascending(cls, tiers: tuple[Tier, ...]) -> tuple[Tier, ...]:
        for lower, upper in pairwise(tiers):
            if upper.min_score <= lower.min_score:
                raise ValueError(
                    f"tier {upper.id!r} ({upper.min_score}) must have a higher min_score "
                    f"than tier {lower.id!r} ({lower.min_score})"
                )
        ids = [t.id for t in tiers]
        if len(set(ids)) != len(ids):
            raise ValueError(f"tier ids repeat: {ids}")
        return tiers


class Prerequisite(Frozen):
    """A condition a company must meet before it may apply, whatever its score."""

    id: Slug
    title: Text
    guidance: Text | None = None


class DeductionCategory(Frozen):
    id: Slug
    title: Text


class SpecialRules(Frozen):
    """特别扣分项 / 特别加分项: points outside the item scores."""

    deduction_points: Annotated[Decimal, Field(gt=0)]
    deduction_categories: tuple[DeductionCategory, ...] = Field(min_length=1)
    bonus_points: Annotated[Decimal, Field(gt=0)]
    max_bonuses: Annotated[int, Field(ge=0)]


class CatalogueSpec(Frozen):
    """The whole file as written."""

    format_version: Literal[1]
    id: Slug
    standard: NonEmpty
    title: Text
    version: NonEmpty
    total_points: Points
    sources: tuple[Source, ...] = ()
    tier_schemes: tuple[TierScheme, ...] = Field(min_length=1)
    default_tier_scheme: Slug
    prerequisites: tuple[Prerequisite, ...] = ()
    special_items: SpecialRules
    indicators: tuple[FirstLevel, ...] = Field(min_length=1)

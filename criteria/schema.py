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

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
NodeId = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]*(\.[1-9][0-9]*)*$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
Points = Annotated[Decimal, Field(gt=0, max_digits=6, decimal_places=2)]

ScoringMode = Literal["binary", "sampled"]

# How far an item (its wording and its points) can be trusted:
#   sourced     - the item and its points come from a source that gives them (the standard, a
#                 body's 评分细则);
#   low         - the wording is sourced, but the points rest on one unverified source;
#   provisional - a reasoned reconstruction: no source gives the item's points (or wording).
Confidence = Literal["sourced", "low", "provisional"]
CONFIDENCES: tuple[Confidence, ...] = ("sourced", "low", "provisional")


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
    """Where an item and its points come from, and how far they can be trusted.

    ``provisional`` is the format-1 spelling (a bool); a file may still give it, and it must agree
    with ``confidence`` (true = provisional, false = sourced). Code reads ``confidence`` only.
    """

    refs: tuple[NonEmpty, ...] = ()
    confidence: Confidence
    provisional: bool | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _confidence_from_legacy_flag(cls, data: object) -> object:
        if isinstance(data, dict) and "confidence" not in data:
            flag = data.get("provisional")
            if isinstance(flag, bool):
                return {**data, "confidence": "provisional" if flag else "sourced"}
        return data

    @model_validator(mode="after")
    def _flag_agrees(self) -> SourceNote:
        if self.provisional is not None and self.provisional != (self.confidence == "provisional"):
            raise ValueError(
                f"provisional: {str(self.provisional).lower()} contradicts "
                f"confidence: {self.confidence} (give confidence only)"
            )
        return self


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


class SchemeSource(Frozen):
    """Where a tier scheme comes from: ids of the catalogue's ``sources``, and a note."""

    refs: tuple[NonEmpty, ...] = Field(min_length=1)
    note: str | None = None


class TierScheme(Frozen):
    """Tiers in ascending ``min_score``; a score below the first tier gets ``fail_title``.

    ``source`` is required from format 2 on (a scheme nobody published must not look official).
    """

    id: Slug
    title: Text
    fail_title: Text
    tiers: tuple[Tier, ...] = Field(min_length=1)
    source: SchemeSource | None = None

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
    """特别扣分项 / 特别加分项: points outside the item scores.

    ``fail_at_deductions``: with this many special deductions or more the evaluation fails
    whatever the score (GB/T 27922-2011: 5). Format 1 files predate the field and get the
    standard's 5 (see ``CatalogueSpec``).
    """

    deduction_points: Annotated[Decimal, Field(gt=0)]
    fail_at_deductions: Annotated[int, Field(ge=1, strict=True)]
    deduction_categories: tuple[DeductionCategory, ...] = Field(min_length=1)
    bonus_points: Annotated[Decimal, Field(gt=0)]
    max_bonuses: Annotated[int, Field(ge=0)]


FORMAT_1_DEDUCTION_LIMIT = 5  # GB/T 27922-2011's own rule; format 1 could not state it


class CatalogueSpec(Frozen):
    """The whole file as written.

    Format 2 added ``special_items.fail_at_deductions``, ``source`` on each tier scheme and
    ``confidence`` on each item's source. Format 1 files (catalogues stored before) still load,
    with the same content hash: the deduction limit is the standard's 5 and ``provisional``
    gives the confidence; they may not use the format-2 fields.
    """

    format_version: Literal[1, 2]
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

    @model_validator(mode="before")
    @classmethod
    def _format_1_defaults(cls, data: object) -> object:
        if not (isinstance(data, dict) and data.get("format_version") == 1):
            return data
        special = data.get("special_items")
        if isinstance(special, dict):
            if "fail_at_deductions" in special:
                raise ValueError("fail_at_deductions needs format_version: 2")
            data = {
                **data,
                "special_items": {**special, "fail_at_deductions": FORMAT_1_DEDUCTION_LIMIT},
            }
        return data

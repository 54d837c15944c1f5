"""What a company records about each item: the input to scoring."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType


class Status(StrEnum):
    CONFORMING = "conforming"  # 符合: full points
    NOT_CONFORMING = "not_conforming"  # 不符合: no points
    SAMPLED = "sampled"  # 抽样: points × conforming samples / samples checked
    NOT_APPLICABLE = "not_applicable"  # 不适用 (删减): excluded from the applicable total
    NOT_ASSESSED = "not_assessed"  # 未评: counts 0 and is reported as open


@dataclass(frozen=True)
class ItemAssessment:
    item_id: str
    status: Status = Status.NOT_ASSESSED
    samples_checked: int | None = None
    samples_conforming: int | None = None
    justification: str | None = None  # why the item does not apply (删减理由)
    finding: str | None = None
    effort: Fraction | None = None  # estimated cost of fixing, for the next-tier planner


@dataclass(frozen=True)
class SpecialDeduction:
    """特别扣分项: a finding that breaks law, the company's own rules, an industry requirement,
    or the running of the service system."""

    reason: str
    category: str
    item_id: str | None = None
    effort: Fraction | None = None


@dataclass(frozen=True)
class SpecialBonus:
    """特别加分项: a particular strength beyond legal requirements."""

    reason: str


@dataclass(frozen=True)
class AuditInput:
    assessments: Mapping[str, ItemAssessment] = field(default_factory=dict)
    deductions: tuple[SpecialDeduction, ...] = ()
    bonuses: tuple[SpecialBonus, ...] = ()
    # prerequisite id -> met (True), unmet (False) or not yet confirmed (None / absent)
    prerequisites: Mapping[str, bool | None] = field(default_factory=dict)
    scheme_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "assessments", MappingProxyType(dict(self.assessments)))
        object.__setattr__(self, "prerequisites", MappingProxyType(dict(self.prerequisites)))

    def assessment(self, item_id: str) -> ItemAssessment:
        return self.assessments.get(item_id) or ItemAssessment(item_id)

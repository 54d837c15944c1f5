"""Checks an audit's entries against its catalogue before scoring.

Errors make an audit impossible to score (an unknown item, impossible sample counts, a second
bonus...). Incomplete entries (an exclusion without its justification) are scored conservatively
by the engine and reported; ``strict`` validation, as the command line uses, refuses them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from criteria import Catalogue
from scoring.model import AuditInput, Status
from texts import t

# A plausibility bound, not a rule of the standard: 5 special deductions already fail the
# evaluation, and an evaluation has about fifty items, so a hundred findings is far beyond any
# real audit. Above it the entry is a mistake (or an attack); refusing it keeps every page and
# the planner fast.
MAX_SPECIAL_DEDUCTIONS = 100


class Severity(StrEnum):
    ERROR = "error"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class AuditProblem:
    # where the entry is, as a path into an audit file: ("items", "1.2.3"),
    # ("special_deductions", 0), ("special_bonus",), ("prerequisites", "legal_entity")...
    path: tuple[str | int, ...]
    message: str
    severity: Severity = Severity.ERROR
    # the texts/ key and values of the message, where a person in the app may meet it
    code: str | None = None
    values: tuple[tuple[str, object], ...] = ()

    def text(self, lang: str = "zh") -> str:
        """The problem in one language: where, then what (the English ``message`` otherwise)."""
        if self.code is None:
            return str(self)
        if self.path[:1] == ("items",) and len(self.path) > 1:
            where = t("audit.where.item", lang, id=self.path[1])
        elif self.path[:1] == ("special_deductions",):
            where = t("audit.where.deduction", lang)
        else:
            where = self.where
        return t("audit.problem", lang, where=where, what=t(self.code, lang, **dict(self.values)))

    @property
    def where(self) -> str:
        if self.path[:1] == ("items",) and len(self.path) > 1:
            return f"item {self.path[1]}"
        head, *rest = self.path
        return str(head) + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class AuditError(ValueError):
    def __init__(self, problems: list[AuditProblem], source: str | None = None) -> None:
        self.problems = tuple(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(f"{prefix}{p}" for p in problems))


def _count(value: object) -> bool:
    """A sample count is a whole number: not a bool (True is an int to Python), not a string."""
    return value is None or type(value) is int


def validate_audit(catalogue: Catalogue, audit: AuditInput) -> list[AuditProblem]:
    problems: list[AuditProblem] = []
    has_item, item_of = catalogue.has_item, catalogue.item
    for key, assessment in audit.assessments.items():
        where: tuple[str | int, ...] = ("items", key)
        if key != assessment.item_id:
            problems.append(AuditProblem(where, f"recorded under id {assessment.item_id!r}"))
            continue
        if not has_item(key):
            problems.append(
                AuditProblem(where, f"unknown item id (not in catalogue {catalogue.id})")
            )
            continue
        status = assessment.status
        checked, conforming = assessment.samples_checked, assessment.samples_conforming
        if (
            status is Status.CONFORMING
            and checked is None
            and conforming is None
            and assessment.effort is None
        ):
            continue  # the common case, checked quickly
        item = item_of(key)
        if not (_count(checked) and _count(conforming)):
            problems.append(
                AuditProblem(
                    where,
                    "sample counts must be whole numbers, got "
                    f"checked={checked!r}, conforming={conforming!r}",
                    code="audit.samples_not_whole",
                    values=(("checked", checked), ("conforming", conforming)),
                )
            )
            continue
        if status is Status.SAMPLED:
            if item.scoring != "sampled":
                problems.append(
                    AuditProblem(
                        where,
                        "is scored conforming / not conforming, not on samples",
                        code="audit.not_sampled_item",
                    )
                )
            elif checked is None or conforming is None:
                problems.append(
                    AuditProblem(
                        where,
                        "sampled needs samples checked and conforming",
                        code="audit.sampled_needs_counts",
                    )
                )
            elif checked <= 0:
                problems.append(
                    AuditProblem(
                        where,
                        f"samples checked must be ≥ 1, got {checked}",
                        code="audit.checked_below_one",
                        values=(("checked", checked),),
                    )
                )
            elif conforming < 0:
                problems.append(
                    AuditProblem(
                        where,
                        f"conforming samples cannot be negative, got {conforming}",
                        code="audit.conforming_negative",
                        values=(("conforming", conforming),),
                    )
                )
            elif conforming > checked:
                problems.append(
                    AuditProblem(
                        where,
                        f"conforming samples ({conforming}) exceed samples checked ({checked})",
                        code="audit.conforming_exceeds_checked",
                        values=(("checked", checked), ("conforming", conforming)),
                    )
                )
        elif checked is not None or conforming is not None:
            problems.append(AuditProblem(where, f"sample counts given but status is {status}"))
        if status is Status.NOT_APPLICABLE:
            if not item.excludable:
                problems.append(
                    AuditProblem(
                        where,
                        "may not be excluded (删减) in this catalogue",
                        code="audit.may_not_exclude",
                    )
                )
            elif not (assessment.justification or "").strip():
                problems.append(
                    AuditProblem(
                        where,
                        "excluded as not applicable without a justification (删减理由)",
                        Severity.INCOMPLETE,
                    )
                )
        if assessment.effort is not None and assessment.effort <= 0:
            problems.append(
                AuditProblem(
                    where,
                    f"effort must be positive, got {assessment.effort}",
                    code="audit.effort_not_positive",
                    values=(("effort", assessment.effort),),
                )
            )

    if len(audit.deductions) > MAX_SPECIAL_DEDUCTIONS:
        problems.append(
            AuditProblem(
                ("special_deductions",),
                f"{len(audit.deductions)} special deductions recorded; at most "
                f"{MAX_SPECIAL_DEDUCTIONS} can be (5 already fail the evaluation)",
            )
        )
        return problems  # checking each of thousands of entries would only repeat this
    categories = {c.id for c in catalogue.spec.special_items.deduction_categories}
    for n, deduction in enumerate(audit.deductions):
        where = ("special_deductions", n)
        if not deduction.reason.strip():
            problems.append(
                AuditProblem(
                    where, "a special deduction needs its reason", code="audit.deduction_no_reason"
                )
            )
        if not deduction.category:  # chosen by the person, never a default
            problems.append(
                AuditProblem(
                    where,
                    "a special deduction needs its category",
                    code="audit.deduction_no_category",
                )
            )
        elif deduction.category not in categories:
            problems.append(
                AuditProblem(
                    where,
                    f"unknown category {deduction.category!r}; "
                    f"one of: {', '.join(sorted(categories))}",
                    code="audit.deduction_unknown_category",
                    values=(("category", deduction.category),),
                )
            )
        if deduction.item_id is not None and not catalogue.has_item(deduction.item_id):
            problems.append(
                AuditProblem(
                    where,
                    f"unknown item id {deduction.item_id!r}",
                    code="audit.deduction_unknown_item",
                    values=(("id", deduction.item_id),),
                )
            )
        if deduction.effort is not None and deduction.effort <= 0:
            problems.append(AuditProblem(where, f"effort must be positive, got {deduction.effort}"))

    max_bonuses = catalogue.spec.special_items.max_bonuses
    if len(audit.bonuses) > max_bonuses:
        problems.append(
            AuditProblem(
                ("special_bonus",),
                f"at most {max_bonuses} special bonus may be given; got {len(audit.bonuses)}",
            )
        )
    for n, bonus in enumerate(audit.bonuses):
        if not bonus.reason.strip():
            problems.append(AuditProblem(("special_bonus", n), "a special bonus needs its reason"))

    known = {p.id for p in catalogue.spec.prerequisites}
    for key in audit.prerequisites:
        if key not in known:
            problems.append(
                AuditProblem(
                    ("prerequisites", key),
                    f"unknown prerequisite; one of: {', '.join(sorted(known))}",
                )
            )

    assessments = audit.assessments
    if all(  # stops at the first item that is not excluded
        item.id in assessments and assessments[item.id].status is Status.NOT_APPLICABLE
        for item in catalogue.items
    ):
        problems.append(
            AuditProblem(("items",), "every item is excluded; at least one must be applicable")
        )
    return problems


def errors_only(problems: list[AuditProblem]) -> list[AuditProblem]:
    return [p for p in problems if p.severity is Severity.ERROR]

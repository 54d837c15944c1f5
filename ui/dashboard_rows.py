"""What the dashboard's tables say, as plain rows (no Streamlit): the next-tier plan joined to
the rectification actions (who fixes what by when), the readiness checks grouped by kind, and
the words for an action's owner, due date and state, where a missing one is said plainly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from criteria import Catalogue
from domain.action_register import is_overdue
from domain.readiness import Check, ReadinessWarning
from domain.records import DeductionRecord, ItemRecord, Rectification
from scoring import FixKind, Plan, display
from texts import t

DEDUCTION_REF = "special_deductions["


@dataclass(frozen=True)
class FixRow:
    """One fix of the plan and the action that carries it out."""

    ref: str  # the item id; empty for a special deduction
    item_id: str | None  # the item the row opens (a deduction may name one)
    label: str
    gain: Fraction
    action: Rectification
    overdue: bool


def deduction_index(ref: str) -> int | None:
    """``special_deductions[2]`` → 2: the planner and the readiness checks name deductions so."""
    if not ref.startswith(DEDUCTION_REF) or not ref.endswith("]"):
        return None
    number = ref.removeprefix(DEDUCTION_REF).removesuffix("]")
    return int(number) if number.isdigit() else None


def _deduction(deductions: Sequence[DeductionRecord], ref: str) -> DeductionRecord | None:
    index = deduction_index(ref)
    return deductions[index] if index is not None and index < len(deductions) else None


def plan_rows(
    plan: Plan,
    catalogue: Catalogue,
    records: Mapping[str, ItemRecord],
    deductions: Sequence[DeductionRecord],
    today: date,
    lang: str = "zh",
) -> list[FixRow]:
    rows = []
    for fix in plan.fixes:
        if fix.kind is FixKind.ITEM:
            record = records.get(fix.ref)
            action = record.rectification if record else Rectification()
            rows.append(
                FixRow(
                    fix.ref,
                    fix.ref,
                    catalogue.item(fix.ref).title.get(lang),
                    fix.gain,
                    action,
                    is_overdue(action, today),
                )
            )
            continue
        deduction = _deduction(deductions, fix.ref)
        action = deduction.rectification if deduction else Rectification()
        rows.append(
            FixRow(
                "",
                item_target(fix.ref, catalogue, deductions),
                fix.label,
                fix.gain,
                action,
                is_overdue(action, today),
            )
        )
    return rows


def item_target(
    ref: str, catalogue: Catalogue, deductions: Sequence[DeductionRecord]
) -> str | None:
    """The item a readiness line or a fix opens: the item itself, or the item a special
    deduction names; None for a prerequisite or a deduction about no item."""
    if catalogue.has_item(ref):
        return ref
    deduction = _deduction(deductions, ref)
    if deduction and deduction.item_id and catalogue.has_item(deduction.item_id):
        return deduction.item_id
    return None


# what stops an application first, then what an evaluator would fault, then housekeeping
CHECK_ORDER = (
    Check.PREREQUISITE_NOT_MET,
    Check.OVERDUE_ACTION,
    Check.DEDUCTION_WITHOUT_RECTIFICATION,
    Check.FINDING_WITHOUT_RECTIFICATION,
    Check.EXPIRED_EVIDENCE,
    Check.CONFORMING_WITHOUT_EVIDENCE,
    Check.EXCLUSION_WITHOUT_JUSTIFICATION,
)


def grouped(warnings: Sequence[ReadinessWarning]) -> list[tuple[Check, list[ReadinessWarning]]]:
    """The warnings by kind in ``CHECK_ORDER``, empty kinds left out: 40 lines saying the same
    thing read as one line with a count."""
    groups: dict[Check, list[ReadinessWarning]] = {check: [] for check in CHECK_ORDER}
    for warning in warnings:
        groups[warning.check].append(warning)
    return [(check, found) for check, found in groups.items() if found]


# -- the words in the owner, due and state columns ---------------------------------------------


def has_action(action: Rectification) -> bool:
    """Anything written down: an action, an owner or a due date."""
    return action.is_set or bool(action.owner.strip()) or action.due is not None


def owner_text(action: Rectification, lang: str = "zh") -> str:
    return action.owner.strip() or t("dash.no_owner", lang)


def due_text(action: Rectification, overdue: bool, lang: str = "zh") -> str:
    if action.due is None:
        return t("dash.no_due", lang)
    due = display.day(action.due)
    return t("dash.overdue", lang, due=due) if overdue else due


def state_text(action: Rectification, lang: str = "zh") -> str:
    if not has_action(action):
        return t("dash.no_action", lang)
    return t(f"action.{action.state.value}", lang)

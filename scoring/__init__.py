"""Scoring of GB/T 27922 self-audits: pure functions over a catalogue and an audit's entries."""

from scoring import display
from scoring.audit_file import AuditFile, AuditFileError, read_audit_file
from scoring.engine import (
    Eligibility,
    EligibilityStatus,
    FailReason,
    Gap,
    ItemResult,
    Rollup,
    ScoreResult,
    Verdict,
    score_audit,
    score_item,
)
from scoring.model import AuditInput, ItemAssessment, SpecialBonus, SpecialDeduction, Status
from scoring.planner import Fix, FixKind, Plan, cheapest_cover, plan_next_tier
from scoring.report import result_to_dict
from scoring.tiers import next_tier, tier_for
from scoring.validation import AuditError, AuditProblem, Severity, validate_audit

__all__ = [
    "AuditError",
    "AuditFile",
    "AuditFileError",
    "AuditInput",
    "AuditProblem",
    "Eligibility",
    "EligibilityStatus",
    "FailReason",
    "Fix",
    "FixKind",
    "Gap",
    "ItemAssessment",
    "ItemResult",
    "Plan",
    "Rollup",
    "ScoreResult",
    "Severity",
    "SpecialBonus",
    "SpecialDeduction",
    "Status",
    "Verdict",
    "cheapest_cover",
    "display",
    "next_tier",
    "plan_next_tier",
    "read_audit_file",
    "result_to_dict",
    "score_audit",
    "score_item",
    "tier_for",
    "validate_audit",
]

"""The portfolio's rows: each organisation's latest audit, with what a consultant sorts by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scoring.report import tier_title
from store import AuditStore
from store.records import ActionState
from texts import t


@dataclass(frozen=True)
class PortfolioRow:
    audit_id: int
    organisation: str
    round_no: int
    audit_date: date
    score: float  # truncated to one decimal, as displayed everywhere
    tier: str
    eligibility: str
    open_items: int
    actions_open: int
    actions_overdue: int
    next_due: date | None


def portfolio_rows(store: AuditStore, today: date, lang: str) -> list[PortfolioRow]:
    rows = []
    for organisation in store.organisations():
        audits = store.audits(organisation.id)
        if not audits:
            continue
        latest = max(audits, key=lambda a: a.round_no)
        result = store.round_result(latest.id)
        actions = [r.rectification for r in store.items(latest.id).values()]
        actions += [d.rectification for d in store.deductions(latest.id)]
        pending = [a for a in actions if a.is_set and a.state is not ActionState.DONE]
        dues = [a.due for a in pending if a.due]
        rows.append(
            PortfolioRow(
                audit_id=latest.id,
                organisation=organisation.profile.name,
                round_no=latest.round_no,
                audit_date=latest.audit_date,
                score=float(result["score_display"]),
                tier=tier_title(result, lang),
                eligibility=t(f"eligibility.{result['eligibility']['status']}", lang),
                open_items=len(result["open_items"]),
                actions_open=len(pending),
                actions_overdue=sum(1 for d in dues if d < today),
                next_due=min(dues) if dues else None,
            )
        )
    return sorted(rows, key=lambda r: (-r.score, r.organisation))

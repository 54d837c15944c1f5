"""The portfolio's rows: each organisation's latest audit, with what a consultant sorts by.

One organisation whose records cannot be read (damaged, or imported by an older version without
checks) must not hide every other one: its row carries the reason instead of the figures.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from criteria.yaml_source import bounded
from scoring import display
from scoring.report import tier_title
from store import AuditStore
from store.records import ActionState, Organisation
from texts import t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PortfolioRow:
    audit_id: int
    organisation: str
    round_no: int
    audit_date: date | None
    # truncated to two decimals, as displayed everywhere (scoring.display); None when broken
    score: float | None
    tier: str
    eligibility: str
    open_items: int
    actions_open: int
    actions_overdue: int
    next_due: date | None
    problem: str | None = None  # why this row's figures could not be computed

    @property
    def broken(self) -> bool:
        return self.problem is not None


def portfolio_rows(store: AuditStore, today: date, lang: str) -> list[PortfolioRow]:
    rows = []
    for organisation in store.organisations():
        try:
            row = _row(store, organisation, today, lang)
        # Any failure is this organisation's alone: show it on its row, log the details for
        # the server's operator, and go on with the others.
        except Exception as exc:
            log.exception("portfolio row of organisation %s cannot be computed", organisation.id)
            row = _broken(organisation, exc, lang)
        if row is not None:
            rows.append(row)
    return sorted(rows, key=lambda r: (r.broken, -(r.score or 0), r.organisation))


def _row(
    store: AuditStore, organisation: Organisation, today: date, lang: str
) -> PortfolioRow | None:
    audits = store.audits(organisation.id)
    if not audits:
        return None
    latest = max(audits, key=lambda a: a.round_no)
    result = store.round_result(latest.id)
    actions = [r.rectification for r in store.items(latest.id).values()]
    actions += [d.rectification for d in store.deductions(latest.id)]
    pending = [a for a in actions if a.is_set and a.state is not ActionState.DONE]
    dues = [a.due for a in pending if a.due]
    return PortfolioRow(
        audit_id=latest.id,
        organisation=organisation.profile.name,
        round_no=latest.round_no,
        audit_date=latest.audit_date,
        score=float(display.score_of(result)),
        tier=tier_title(result, lang),
        eligibility=t(f"eligibility.{result['eligibility']['status']}", lang),
        open_items=len(result["open_items"]),
        actions_open=len(pending),
        actions_overdue=sum(1 for d in dues if d < today),
        next_due=min(dues) if dues else None,
    )


def _broken(organisation: Organisation, exc: Exception, lang: str) -> PortfolioRow:
    reason = bounded(f"{type(exc).__name__}: {exc}", 200)
    return PortfolioRow(
        audit_id=0,  # nothing to open: its pages would fail the same way
        organisation=organisation.profile.name,
        round_no=0,
        audit_date=None,
        score=None,
        tier=t("ui.row_broken", lang),
        eligibility="",
        open_items=0,
        actions_open=0,
        actions_overdue=0,
        next_due=None,
        problem=reason,
    )

"""The portfolio's rows: each organisation's current round, with what a consultant sorts by.

One organisation whose records cannot be read (damaged, or imported by an older version without
checks) must not hide every other one: its row carries the reason instead of the figures.

A row's figures can be remembered with the organisation's newest change-log line (every write
to an organisation or its rounds logs one, in the same transaction): a later run re-reads one
line per organisation instead of re-scoring every audit. The organisation's creation time is part
of the key, so one memo can serve several databases (tests, a server restarted on another one)
without mixing them up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from criteria.yaml_source import bounded
from domain.records import ActionState, AuditRecord, AuditState, Organisation
from scoring.cycle import CertificateState, CycleEvent, EventStatus
from scoring.figures import RoundFigures, live_figures, snapshot_figures
from settings import logs
from store import AuditStore
from store.access import GuardedStore, bare
from store.certification import CertificateRecord
from store.uow import UnitOfWork
from texts import t

log = logging.getLogger(logs.PORTFOLIO)


@dataclass(frozen=True)
class PortfolioRow:
    audit_id: int
    organisation_id: int
    organisation: str
    credit_code: str
    round_no: int
    state: AuditState | None
    audit_date: date | None
    score: Fraction | None  # exact; shown only through scoring.display. None when broken
    tier: str  # the verdict: the tier, or why there is none
    tier_group: str  # the tier awarded, or "no tier": what the tier filter offers
    eligibility: str
    points_to_next: Fraction | None  # exact; None at the top tier (or broken)
    next_tier: str
    open_items: int
    actions_open: int
    actions_overdue: int
    next_due: date | None  # the earliest due date of an action not done
    next_event: CycleEvent | EventStatus | None  # the next surveillance or renewal not held
    last_activity: datetime | None
    problem: str | None = None  # why this row's figures could not be computed
    certificate: CertificateState | None = None  # the certificate's state today, if one

    @property
    def at_risk(self) -> bool:
        """A surveillance is overdue: the certificate is at risk of suspension."""
        return self.certificate is CertificateState.AT_RISK

    @property
    def broken(self) -> bool:
        return self.problem is not None

    @property
    def overdue(self) -> bool:
        return self.actions_overdue > 0

    @property
    def next_date(self) -> date | None:
        """The nearest date this row must act by: an action's due date or the next
        surveillance/renewal, whichever comes first."""
        dates = [d for d in (self.next_due, self.next_event and self.next_event.due) if d]
        return min(dates) if dates else None


def attention_order(row: PortfolioRow) -> tuple[Any, ...]:
    """The portfolio's default order: what needs attention first.

    1. Rows with an overdue action or an overdue surveillance (the certificate at risk) come
       first, then by the earliest date.
    2. Then the nearest date ahead: an open action's due date or the next surveillance or
       renewal, whichever comes first; rows without any such date after those with one.
    3. Then the fewest points to the next tier (exact values, not the shown ones); a row at the
       top tier, with no next tier, after the others.
    4. Then the organisation's name, so the order never depends on the database's.
    Rows whose records cannot be read come last: nothing can be opened from them.
    """
    nearest = row.next_date
    return (
        row.broken,
        not (row.overdue or row.at_risk),
        nearest is None,
        nearest or date.max,
        row.points_to_next is None,
        row.points_to_next or 0,
        row.organisation.casefold(),
    )


@dataclass(frozen=True)
class PortfolioFilter:
    """What the consultant typed and picked; empty means everything."""

    text: str = ""  # part of the organisation's name or of its credit code
    tiers: frozenset[str] = frozenset()  # PortfolioRow.tier_group values
    states: frozenset[AuditState] = frozenset()

    def accepts(self, row: PortfolioRow) -> bool:
        wanted = "".join(self.text.split()).casefold()
        if wanted and not (
            wanted in "".join(row.organisation.split()).casefold()
            or wanted in row.credit_code.casefold()
        ):
            return False
        if self.tiers and row.tier_group not in self.tiers:
            return False
        return not self.states or row.state in self.states


def filter_rows(rows: Iterable[PortfolioRow], wanted: PortfolioFilter) -> list[PortfolioRow]:
    return [row for row in rows if wanted.accepts(row)]


# organisation id → what the row was made from (the organisation's creation time, its newest
# change-log line, today, the language) and the row
Stamp = tuple[datetime, int, date, str]
Memo = MutableMapping[int, tuple[Stamp, PortfolioRow]]


def portfolio_rows(
    store: AuditStore | GuardedStore, today: date, lang: str, memo: Memo | None = None
) -> list[PortfolioRow]:
    """Every organisation the store shows (a guarded store: those the person may read), in
    attention order. ``memo``, kept by the caller, saves re-scoring organisations nothing was
    written to since; an organisation's row is looked up only after the store has let this
    person read its change log. Read in one transaction."""
    rows: list[PortfolioRow] = []
    with UnitOfWork(bare(store), write=False):
        for organisation in store.organisations():
            _add_row(store, organisation, today, lang, memo, rows)
    return sorted(rows, key=attention_order)


def _add_row(
    store: AuditStore | GuardedStore,
    organisation: Organisation,
    today: date,
    lang: str,
    memo: Memo | None,
    rows: list[PortfolioRow],
) -> None:
    try:
        last = next(iter(store.changes(organisation_id=organisation.id, limit=1)), None)
        stamp = (organisation.created_at, last.id if last else 0, today, lang)
        remembered = memo.get(organisation.id) if memo is not None else None
        if remembered is not None and remembered[0] == stamp:
            row: PortfolioRow | None = remembered[1]
        else:
            row = _row(store, organisation, today, lang, last.at if last else None)
            if memo is not None and row is not None:
                memo[organisation.id] = (stamp, row)
    # Any failure is this organisation's alone: show it on its row, log the details for
    # the server's operator, and go on with the others.
    except Exception as exc:
        log.exception("portfolio row of organisation %s cannot be computed", organisation.id)
        row = _broken(organisation, exc, lang)
    if row is not None:
        rows.append(row)


def _figures(store: AuditStore | GuardedStore, audit: AuditRecord, lang: str) -> RoundFigures:
    if audit.state is AuditState.DRAFT:
        # scored without the next-tier plan the dashboard needs: it costs as much again
        return live_figures(store.result(audit.id), lang)
    return snapshot_figures(store.round_result(audit.id), lang)  # frozen when the round closed


def _row(
    store: AuditStore | GuardedStore,
    organisation: Organisation,
    today: date,
    lang: str,
    last_activity: datetime | None,
) -> PortfolioRow | None:
    audits = store.audits(organisation.id)
    if not audits:
        return None
    latest = max(audits, key=lambda a: a.round_no)
    figures = _figures(store, latest, lang)
    actions = [r.rectification for r in store.items(latest.id).values()]
    actions += [d.rectification for d in store.deductions(latest.id)]
    pending = [a for a in actions if a.is_set and a.state is not ActionState.DONE]
    dues = [a.due for a in pending if a.due]
    certificate = _current_certificate(store, organisation.id)
    cycle = certificate.status(today) if certificate else None
    return PortfolioRow(
        audit_id=latest.id,
        organisation_id=organisation.id,
        organisation=organisation.profile.name,
        credit_code=organisation.profile.credit_code,
        round_no=latest.round_no,
        state=latest.state,
        audit_date=latest.audit_date,
        score=figures.score,
        tier=figures.tier,
        tier_group=figures.tier_group,
        eligibility=figures.eligibility,
        points_to_next=figures.points_to_next,
        next_tier=figures.next_tier,
        open_items=figures.open_items,
        actions_open=len(pending),
        actions_overdue=sum(1 for d in dues if d < today),
        next_due=min(dues) if dues else None,
        next_event=cycle.next_ahead if cycle else None,
        last_activity=last_activity,
        certificate=cycle.state if cycle else None,
    )


def _current_certificate(
    store: AuditStore | GuardedStore, organisation_id: int
) -> CertificateRecord | None:
    """Read after the store let this person read the organisation's change log."""
    with UnitOfWork(bare(store), write=False) as uow:
        return next(iter(uow.certificates.of_organisation(organisation_id)), None)


def _broken(organisation: Organisation, exc: Exception, lang: str) -> PortfolioRow:
    reason = bounded(f"{type(exc).__name__}: {exc}", 200)
    return PortfolioRow(
        audit_id=0,  # nothing to open: its pages would fail the same way
        organisation_id=organisation.id,
        organisation=organisation.profile.name,
        credit_code=organisation.profile.credit_code,
        round_no=0,
        state=None,
        audit_date=None,
        score=None,
        tier=t("ui.row_broken", lang),
        tier_group="",
        eligibility="",
        points_to_next=None,
        next_tier="",
        open_items=0,
        actions_open=0,
        actions_overdue=0,
        next_due=None,
        next_event=None,
        last_activity=None,
        problem=reason,
    )

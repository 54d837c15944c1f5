"""The certification cycle as certification bodies run it (GB/T 27922 practice).

A certificate is valid three years: through the day before its third anniversary (issued
2024-03-01 → valid through 2027-02-28; issued 29 February → valid through 28 February three
years on). Each certificate year needs a surveillance evaluation by its anniversary (the first
within 12 months of issue); a late one is still the surveillance of its year, and is numbered so.
Renewal (re-certification) is due by the last valid day.

Each event is upcoming, due (its date within the window ahead), overdue (its date passed with
none held) or held (with its date and result: tier kept, changed, or certificate suspended).
An overdue surveillance puts the certificate at risk of suspension (暂停认证证书).

Pure dates, no store: the store keeps the certificate and its held surveillances.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

VALIDITY_YEARS = 3
DUE_WINDOW_DAYS = 90  # an event is "due" this many days ahead of its date (a body's planning)
MAX_DUE_WINDOW_DAYS = 366


class CycleEventKind(StrEnum):
    SURVEILLANCE = "surveillance"  # 监督审核
    RENEWAL = "renewal"  # 再认证（换证）


class EventState(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"  # its date is within the window ahead (or today)
    OVERDUE = "overdue"  # its date passed and none was held
    HELD = "held"


class SurveillanceResult(StrEnum):
    KEPT = "kept"  # 保持等级
    CHANGED = "changed"  # 等级变更
    SUSPENDED = "suspended"  # 暂停证书


class CertificateState(StrEnum):
    VALID = "valid"
    AT_RISK = "at_risk"  # a surveillance is overdue: at risk of suspension
    SUSPENDED = "suspended"  # the last surveillance suspended it
    EXPIRED = "expired"  # past its last valid day


@dataclass(frozen=True)
class CycleEvent:
    kind: CycleEventKind
    due: date
    number: int  # the certificate year of a surveillance; 1 for the renewal


@dataclass(frozen=True)
class HeldSurveillance:
    """A surveillance evaluation held: on which day, and what it decided."""

    held_on: date
    result: SurveillanceResult = SurveillanceResult.KEPT
    tier: str | None = None  # the tier after it, when it changed


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def valid_until(issued_on: date, years: int = VALIDITY_YEARS) -> date:
    """The last valid day: the day before the anniversary ``years`` on. An anniversary of
    29 February in a common year falls on 1 March, so the last valid day is 28 February."""
    try:
        anniversary = issued_on.replace(year=issued_on.year + years)
    except ValueError:
        anniversary = date(issued_on.year + years, 3, 1)
    return anniversary - timedelta(days=1)


@dataclass(frozen=True)
class CertificationCycle:
    issued_on: date
    surveillances: tuple[date, ...]  # due by each certificate year's anniversary
    valid_until: date  # the last valid day; the renewal is due by then

    @property
    def renewal(self) -> date:
        """The date the renewal is due by: the certificate's last valid day."""
        return self.valid_until

    @property
    def events(self) -> tuple[CycleEvent, ...]:
        return (
            *(
                CycleEvent(CycleEventKind.SURVEILLANCE, due, n)
                for n, due in enumerate(self.surveillances, start=1)
            ),
            CycleEvent(CycleEventKind.RENEWAL, self.valid_until, 1),
        )

    def next_event(self, today: date) -> CycleEvent | None:
        """The first event due today or later; None once the certificate has run out."""
        return next((e for e in self.events if e.due >= today), None)

    def year_starts(self, number: int) -> date:
        """The first day of certificate year ``number`` (1: the issue day)."""
        return add_years(self.issued_on, number - 1)

    def assign(self, held: Iterable[date]) -> dict[int, date]:
        """Which certificate year each held surveillance belongs to: in date order, each goes to
        the earliest year without one that has begun, however late it is held. One held within
        the validity but with every begun year covered belongs to no further year (an extra
        surveillance) and is left out."""
        assigned: dict[int, date] = {}
        for day in sorted(held):
            if not self.issued_on <= day <= self.valid_until:
                continue
            for number in range(1, len(self.surveillances) + 1):
                if number not in assigned and self.year_starts(number) <= day:
                    assigned[number] = day
                    break
        return assigned

    def surveillance_number(self, on: date, held: Iterable[date] = ()) -> int:
        """The number of a surveillance held ``on``, given those already held: the certificate
        year it belongs to (the earliest begun year without one), however late. Every begun
        year covered: the year ``on`` falls in."""
        covered = self.assign(day for day in held if day < on)
        begun = [n for n in range(1, len(self.surveillances) + 1) if self.year_starts(n) <= on]
        open_years = [n for n in begun if n not in covered]
        if open_years:
            return open_years[0]
        return begun[-1] if begun else 1

    def valid_on(self, day: date) -> bool:
        return self.issued_on <= day <= self.valid_until


def certification_cycle(
    issued_on: date, validity_years: int = VALIDITY_YEARS
) -> CertificationCycle:
    return CertificationCycle(
        issued_on=issued_on,
        surveillances=tuple(add_years(issued_on, n) for n in range(1, validity_years)),
        valid_until=valid_until(issued_on, validity_years),
    )


@dataclass(frozen=True)
class EventStatus:
    kind: CycleEventKind
    number: int
    due: date
    state: EventState
    held: HeldSurveillance | None = None

    @property
    def held_on(self) -> date | None:
        return self.held.held_on if self.held else None


@dataclass(frozen=True)
class CycleStatus:
    """A certificate's standing on one day: its events and what they make of it."""

    on: date
    issued_on: date
    valid_until: date
    state: CertificateState
    tier: str  # as the certificate states it, or as the last surveillance changed it
    events: tuple[EventStatus, ...]

    @property
    def overdue(self) -> tuple[EventStatus, ...]:
        return tuple(e for e in self.events if e.state is EventState.OVERDUE)

    @property
    def at_risk(self) -> bool:
        return self.state is CertificateState.AT_RISK

    @property
    def next_ahead(self) -> EventStatus | None:
        """The first event not held whose date is ``on`` or later (due or upcoming)."""
        ahead = (EventState.DUE, EventState.UPCOMING)
        return next((e for e in self.events if e.state in ahead), None)


def _state_of(due: date, on: date, window_days: int) -> EventState:
    if on > due:
        return EventState.OVERDUE
    if (due - on).days <= window_days:
        return EventState.DUE
    return EventState.UPCOMING


def cycle_status(
    issued_on: date,
    tier: str,
    held: Iterable[HeldSurveillance],
    on: date,
    *,
    window_days: int = DUE_WINDOW_DAYS,
    renewed_on: date | None = None,
) -> CycleStatus:
    """The certificate's events and state on day ``on``. Only surveillances held by ``on``
    count. ``renewed_on``: the day a renewal certificate was issued, if one was."""
    if not 0 <= window_days <= MAX_DUE_WINDOW_DAYS:
        raise ValueError(f"window_days must be 0–{MAX_DUE_WINDOW_DAYS}, got {window_days}")
    cycle = certification_cycle(issued_on)
    so_far = sorted((h for h in held if h.held_on <= on), key=lambda h: h.held_on)
    by_day = {h.held_on: h for h in so_far}
    assigned = cycle.assign(by_day)
    events: list[EventStatus] = []
    for number, due in enumerate(cycle.surveillances, start=1):
        if number in assigned:
            made = by_day[assigned[number]]
            events.append(
                EventStatus(CycleEventKind.SURVEILLANCE, number, due, EventState.HELD, made)
            )
        else:
            state = _state_of(due, on, window_days)
            events.append(EventStatus(CycleEventKind.SURVEILLANCE, number, due, state))
    if renewed_on is not None and renewed_on <= on:
        renewal = EventStatus(
            CycleEventKind.RENEWAL,
            1,
            cycle.valid_until,
            EventState.HELD,
            HeldSurveillance(renewed_on),
        )
    else:
        renewal = EventStatus(
            CycleEventKind.RENEWAL,
            1,
            cycle.valid_until,
            _state_of(cycle.valid_until, on, window_days),
        )
    events.append(renewal)
    current_tier = tier
    for made in so_far:
        if made.result is SurveillanceResult.CHANGED and made.tier:
            current_tier = made.tier
    if on > cycle.valid_until:
        standing = CertificateState.EXPIRED
    elif so_far and so_far[-1].result is SurveillanceResult.SUSPENDED:
        standing = CertificateState.SUSPENDED
    elif any(e.state is EventState.OVERDUE for e in events):
        standing = CertificateState.AT_RISK
    else:
        standing = CertificateState.VALID
    return CycleStatus(
        on=on,
        issued_on=issued_on,
        valid_until=cycle.valid_until,
        state=standing,
        tier=current_tier,
        events=tuple(events),
    )


def status_to_dict(status: CycleStatus) -> dict[str, object]:
    """The status as JSON-ready data (``gbt-audit certificate status --json``)."""
    return {
        "on": status.on.isoformat(),
        "issued_on": status.issued_on.isoformat(),
        "valid_until": status.valid_until.isoformat(),
        "state": status.state.value,
        "tier": status.tier,
        "events": [
            {
                "kind": e.kind.value,
                "number": e.number,
                "due": e.due.isoformat(),
                "state": e.state.value,
                "held_on": e.held_on.isoformat() if e.held_on else None,
                "result": e.held.result.value
                if e.held and e.kind is CycleEventKind.SURVEILLANCE
                else None,
            }
            for e in status.events
        ],
    }

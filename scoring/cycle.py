"""The certification cycle (GB/T 27922 practice): a certificate is valid three years, with a
surveillance evaluation at least once a year and re-certification (renewal) when it runs out.

Pure dates, no store: the surveillance dates are the certificate's first and second
anniversaries, the renewal date its third; the surveillance or renewal should be done by then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

VALIDITY_YEARS = 3


class CycleEventKind(StrEnum):
    SURVEILLANCE = "surveillance"  # 监督审核
    RENEWAL = "renewal"  # 再认证（换证）


@dataclass(frozen=True)
class CycleEvent:
    kind: CycleEventKind
    due: date
    number: int  # the n-th surveillance; 1 for the renewal


@dataclass(frozen=True)
class CertificationCycle:
    issued_on: date
    surveillances: tuple[date, ...]
    renewal: date  # the day the certificate runs out

    @property
    def events(self) -> tuple[CycleEvent, ...]:
        return (
            *(
                CycleEvent(CycleEventKind.SURVEILLANCE, due, n)
                for n, due in enumerate(self.surveillances, start=1)
            ),
            CycleEvent(CycleEventKind.RENEWAL, self.renewal, 1),
        )

    def next_event(self, today: date) -> CycleEvent | None:
        """The first event due today or later; None once the certificate has run out."""
        return next((e for e in self.events if e.due >= today), None)

    def surveillance_number(self, on: date) -> int:
        """Which surveillance a round held ``on`` is: the one whose anniversary is nearest."""
        nearest = min(
            range(len(self.surveillances)), key=lambda n: abs((self.surveillances[n] - on).days)
        )
        return nearest + 1

    def valid_on(self, day: date) -> bool:
        return self.issued_on <= day < self.renewal


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def certification_cycle(
    issued_on: date, validity_years: int = VALIDITY_YEARS
) -> CertificationCycle:
    return CertificationCycle(
        issued_on=issued_on,
        surveillances=tuple(add_years(issued_on, n) for n in range(1, validity_years)),
        renewal=add_years(issued_on, validity_years),
    )

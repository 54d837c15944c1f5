"""How long the service system has demonstrably run: the unbroken stretch of time that the
operating records (kind "record") linked to the system's items cover, up to the latest one.
GB/T 27922 asks that the system has run for at least 3 months before certification; this only
suggests that prerequisite, a person still confirms it. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from criteria import Catalogue
from domain.records import EvidenceRecord

RUNNING_PREREQUISITE = "system_running_3_months"
MONTHS_REQUIRED = 3
OPERATING_RECORD = "record"


@dataclass(frozen=True)
class RunningPeriod:
    start: date
    end: date
    records: int  # operating records that make up the stretch

    @property
    def months(self) -> int:
        """Whole months from start to end, both days included (1 Jan – 31 Mar is 3)."""
        after = self.end + timedelta(days=1)
        months = (after.year - self.start.year) * 12 + after.month - self.start.month
        return months - 1 if after.day < self.start.day else months

    @property
    def suggests_running(self) -> bool:
        return self.months >= MONTHS_REQUIRED


def system_item_ids(catalogue: Catalogue) -> set[str]:
    """The items of the service system (售后服务体系): GB/T 27922's first first-level indicator."""
    if not catalogue.first_levels:
        return set()
    system = catalogue.first_levels[0].id
    return {i.id for i in catalogue.items if catalogue.first_level_of(i.id) == system}


def running_period(
    catalogue: Catalogue,
    links: Mapping[str, Iterable[int]],
    evidence: Mapping[int, EvidenceRecord],
) -> RunningPeriod | None:
    """The unbroken coverage ending at the latest covered day, or None without dated records."""
    system = system_item_ids(catalogue)
    linked = {e for item_id, ids in links.items() if item_id in system for e in ids}
    periods: list[tuple[date, date]] = []
    for d in (evidence[i] for i in linked if i in evidence):
        start, end = d.covered_from or d.covered_to, d.covered_to or d.covered_from
        if d.kind == OPERATING_RECORD and start is not None and end is not None:
            periods.append((start, end))
    return _latest_stretch(periods)


def _latest_stretch(periods: Iterable[tuple[date, date]]) -> RunningPeriod | None:
    stretch: RunningPeriod | None = None
    for start, end in sorted(periods):
        if stretch is not None and start <= stretch.end + timedelta(days=1):
            stretch = RunningPeriod(stretch.start, max(stretch.end, end), stretch.records + 1)
        else:  # a gap: the system's running is shown again from here
            stretch = RunningPeriod(start, end, 1)
    return stretch

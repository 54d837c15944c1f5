"""What the evidence library refuses, each with a code in texts/evidence.yaml."""

from __future__ import annotations

from datetime import date

from domain.errors import InvalidEntry
from texts import t


class EvidenceRule(InvalidEntry):
    """A refused evidence operation (tampered file, file in use...); nothing was changed.
    ``code`` is the texts/ key a page shows, filled from ``values``."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.values = values
        super().__init__(" / ".join(self.message(lang) for lang in ("zh", "en")))

    def message(self, lang: str = "zh") -> str:
        return t(self.code, lang, **self.values)


def check_period(start: date | None, end: date | None) -> None:
    """A covered period may be open at either end, but not end before it starts."""
    if start is not None and end is not None and start > end:
        raise EvidenceRule("evidence.bad_period", start=start.isoformat(), end=end.isoformat())

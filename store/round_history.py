"""A frozen round's verdict then and now: the use case the app's audit list and the dossier call
(scoring.history holds the rules; this reads the round through the store handed in, the
guarded one in the app)."""

from __future__ import annotations

from datetime import UTC, datetime
from datetime import date as Date
from typing import Any, Protocol

from domain.records import AuditRecord
from scoring import ScoreResult, result_to_dict
from scoring.history import VerdictThenAndNow, then_and_now


class _Reads(Protocol):
    def audit(self, audit_id: int) -> AuditRecord: ...
    def round_result(self, audit_id: int) -> dict[str, Any]: ...
    def result(self, audit_id: int) -> ScoreResult: ...


def round_verdicts(
    store: _Reads, audit_id: int, *, lang: str, today: Date | None = None
) -> VerdictThenAndNow | None:
    """For a frozen round, its recorded verdict (dated the day it froze, with the scoring-rules
    version it was given under) and the verdict today's rules give its entries; None for a
    round still open (its only verdict is today's)."""
    audit = store.audit(audit_id)
    if audit.frozen_at is None:
        return None
    return then_and_now(
        store.round_result(audit_id),
        result_to_dict(store.result(audit_id)),  # the verdicts, not the next-tier plan
        frozen_on=audit.frozen_at.date(),
        today=today or datetime.now(UTC).date(),
        lang=lang,
    )

"""A frozen round whose recorded verdict today's scoring rules would not give: the note the
audit list and the dashboard show, dated, with both verdicts (scoring.history)."""

from __future__ import annotations

from typing import Any

from store.round_history import round_verdicts
from ui.markup import plain
from ui.state import lang, tr


def verdicts_note(store: Any, audit_id: int) -> str | None:
    """Both verdicts of a frozen round, dated; None when they agree or the round is open."""
    verdicts = round_verdicts(store, audit_id, lang=lang())
    if verdicts is None or not verdicts.differs:
        return None
    return tr(
        "ui.verdict_then_and_now",
        frozen_on=f"{verdicts.frozen_on:%Y-%m-%d}",
        version=verdicts.rules_version,
        then=plain(verdicts.then_label),
        today=f"{verdicts.today:%Y-%m-%d}",
        now=plain(verdicts.now_label),
    )

"""A frozen round's snapshot is a historical record: the verdict it records was given under the
scoring rules of its day, and it keeps it.

The scoring rules have versions (what decides the tier, not how a result is presented):

1. the tier is what the score alone reaches (the first release; no deduction fail rule, no
   eligibility in the verdict);
2. the verdict: a tier only when the score reaches it, fewer special deductions than the fail
   count (GB/T 27922: 5 or more fails the evaluation) and no prerequisite unmet.

A snapshot written since the version was recorded names it (``rules_version``); an older one is
version 2 when it carries a ``verdict`` (written by the release that brought the rules in) and
version 1 otherwise.

What decides whether a snapshot follows from its round's entries is the exact score and the tier
under the snapshot's own rules, nothing of its presentation (display strings, titles, sections,
gaps and plans change from release to release). The archive's SHA-256 manifest and the change-log
chain guard the record against tampering.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from scoring.engine import ScoreResult

RULES_VERSION = 2
KNOWN_RULES_VERSIONS = (1, 2)


class SnapshotUnreadable(ValueError):
    """A snapshot lacks what a verdict is read from (exact score, tier, a known rules version)."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(what)


def rules_version(snapshot: Mapping[str, Any]) -> int:
    """The scoring-rules version a snapshot was made under (see the module's text)."""
    recorded = snapshot.get("rules_version")
    if recorded is None:
        return 2 if isinstance(snapshot.get("verdict"), Mapping) else 1
    if isinstance(recorded, bool) or recorded not in KNOWN_RULES_VERSIONS:
        raise SnapshotUnreadable("rules_version")
    return int(recorded)


def recorded_score(snapshot: Mapping[str, Any]) -> Fraction:
    exact = snapshot.get("score_exact")
    if not isinstance(exact, str) or len(exact) > 60:
        raise SnapshotUnreadable("score_exact")
    try:
        return Fraction(exact)
    except (ValueError, ZeroDivisionError):
        raise SnapshotUnreadable("score_exact") from None


def recorded_tier(snapshot: Mapping[str, Any]) -> str | None:
    """The tier id the snapshot awards (None: no tier)."""
    if "tier" not in snapshot:
        raise SnapshotUnreadable("tier")
    tier = snapshot["tier"]
    if tier is None:
        return None
    if not isinstance(tier, Mapping) or not isinstance(tier.get("id"), str):
        raise SnapshotUnreadable("tier")
    return str(tier["id"])


def tier_under(result: ScoreResult, version: int) -> str | None:
    """The tier ``result``'s entries get under the scoring rules of ``version``."""
    tier = result.score_tier if version == 1 else result.tier
    return None if tier is None else tier.id


def snapshot_differences(snapshot: Mapping[str, Any], result: ScoreResult) -> list[str]:
    """What of a snapshot does not follow from the entries scored as ``result``: "score" (the
    exact score) and "tier" (the verdict under the snapshot's own rules). Empty: it follows.
    Raises SnapshotUnreadable when the snapshot lacks what these are read from."""
    version = rules_version(snapshot)
    differs = []
    if recorded_score(snapshot) != result.score:
        differs.append("score")
    if recorded_tier(snapshot) != tier_under(result, version):
        differs.append("tier")
    return differs


@dataclass(frozen=True)
class VerdictThenAndNow:
    """A frozen round's verdict as recorded (on the day it froze, under its rules) and as
    today's rules give it from the same entries. ``now_label`` is None when both agree."""

    frozen_on: date
    rules_version: int
    then_label: str
    now_label: str | None
    today: date

    @property
    def differs(self) -> bool:
        return self.now_label is not None


def tier_title(result: dict[str, Any], lang: str) -> str:
    """The verdict of a result in its JSON form (snapshots from before verdicts existed: the
    tier, or the scheme's name for below every tier)."""
    key = "en" if lang == "en" else "zh"
    if "verdict" in result:
        return str(result["verdict"]["label"][key])
    tier = result["tier"] or result["fail_title"]
    return str(tier[key])


def then_and_now(
    snapshot: Mapping[str, Any],
    current: Mapping[str, Any],
    *,
    frozen_on: date,
    today: date,
    lang: str,
) -> VerdictThenAndNow:
    """Both verdicts of a frozen round in ``lang``: ``snapshot`` as recorded, ``current`` its
    entries scored today (both in the JSON form of scoring.report)."""
    then, now = tier_title(dict(snapshot), lang), tier_title(dict(current), lang)
    same = recorded_tier(snapshot) == recorded_tier(current)  # wording may change, not the tier
    return VerdictThenAndNow(
        frozen_on=frozen_on,
        rules_version=rules_version(snapshot),
        then_label=then,
        now_label=None if same else now,
        today=today,
    )

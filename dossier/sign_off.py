"""What the cover says about the round's review: who submitted it, who signed it off and when,
with the score and catalogue hash recorded at that moment; or, plainly, that it is not signed
off (never submitted, awaiting review, returned, or withdrawn by a later change)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from criteria import Text
from domain.account_records import ReviewKind, ReviewState, ReviewStatus
from texts import t


@dataclass(frozen=True)
class CoverSignOff:
    submitted_by: str | None  # who submitted the version that was signed off
    submitted_at: datetime | None
    signed_by: str
    signed_at: datetime
    score: Fraction
    catalogue_hash: str
    single_person: bool = False  # the submitter signed it off (a company of one, by setting)


def cover_sign_off(review: ReviewStatus | None) -> CoverSignOff | None:
    """The sign-off in force, or None (not signed off, or nothing known about the review)."""
    if review is None or review.sign_off is None:
        return None
    signed = review.sign_off
    before = [e for e in review.events if e.id < signed.id and e.kind is ReviewKind.SUBMITTED]
    submitted = before[-1] if before else None
    assert signed.score is not None and signed.catalogue_hash is not None  # stored together
    return CoverSignOff(
        submitted_by=submitted.user_name if submitted else None,
        submitted_at=submitted.at if submitted else None,
        signed_by=signed.user_name,
        signed_at=signed.at,
        score=signed.score,
        catalogue_hash=signed.catalogue_hash,
        single_person=submitted is not None and submitted.user_id == signed.user_id,
    )


def review_state(review: ReviewStatus | None) -> Text:
    """The round's review state in both languages, for a round without a sign-off."""
    state = review.state if review is not None else ReviewState.NOT_SUBMITTED
    return Text(zh=t(f"auth.review.{state.value}", "zh"), en=t(f"auth.review.{state.value}", "en"))

"""What the account and review parts of the store hand out: plain frozen records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fractions import Fraction

from domain.errors import Refused
from domain.permissions import Role


@dataclass(frozen=True)
class UserRecord:
    id: int
    login: str
    display_name: str
    email: str | None
    administrator: bool
    active: bool
    has_password: bool
    created_at: datetime
    last_login_at: datetime | None
    grants: tuple[tuple[int, Role], ...] = ()  # (organisation id, role), by organisation


class ReviewKind(StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    SIGNED_OFF = "signed_off"
    WITHDRAWN = "withdrawn"  # the round changed after it was signed off


class ReviewState(StrEnum):
    NOT_SUBMITTED = "not_submitted"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    SIGNED_OFF = "signed_off"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class ReviewEvent:
    id: int
    audit_id: int
    kind: ReviewKind
    at: datetime
    user_id: int | None
    user_name: str
    comment: str = ""
    score: Fraction | None = None  # exact, at a sign-off; shown through scoring.display
    catalogue_hash: str | None = None


@dataclass(frozen=True)
class ReviewStatus:
    state: ReviewState
    events: tuple[ReviewEvent, ...]  # oldest first
    sign_off: ReviewEvent | None  # the sign-off in force, if any
    changed_after_sign_off: bool = False  # the last sign-off no longer holds


class ReviewError(Refused):
    """A review step that does not fit the round's state, or a close without a holding
    sign-off (nothing was recorded)."""

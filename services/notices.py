"""Who is told about a workflow event: the seam between the use cases that cause an event
(an assignment, an @mention) and the way it reaches people. Called inside the service's unit
of work, so an event is recorded only when the change that caused it is committed."""

from __future__ import annotations

from domain.work import Assignment, Comment
from services.context import Context


def assigned(ctx: Context, assignment: Assignment) -> None:
    """``assignment.user_id`` was given an item or an indicator."""


def mentioned(ctx: Context, comment: Comment, user_ids: tuple[int, ...]) -> None:
    """``user_ids`` were @mentioned in ``comment`` (new mentions only)."""

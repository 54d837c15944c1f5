"""The action register: every rectification action (整改措施) of an audit's items and special
deductions as plain rows, to filter, sort, change in bulk and export.

Rows are data (this module is pure: rows, filters, sorts and the shape of a bulk change); reading
them and applying a bulk change is store/action_register.py, through the store's versioned writes
one row at a time, so a row someone else changed since it was read is refused and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from domain.owners import Person, is_owner
from domain.records import ActionState, Rectification


class Source(StrEnum):
    ITEM = "item"
    DEDUCTION = "deduction"
    REQUEST = "request"  # a request for evidence an item lacks (store/evidence_requests.py)


@dataclass(frozen=True)
class ActionRow:
    audit_id: int
    source: Source
    ref: str  # the item id, or the deduction's id
    item_id: str | None  # the item the action belongs to (a deduction may name one)
    indicator_id: str | None  # the item's second-level indicator
    subject: str  # the item's title, or the deduction's reason
    finding: str
    rectification: Rectification
    version: int  # the version the row was read at, for the write that changes it
    overdue: bool

    @property
    def key(self) -> str:
        """Stable across reads and exports: the audit, the kind and the entry."""
        return f"{self.audit_id}-{self.source.value}-{self.ref}"

    @property
    def action(self) -> str:
        return self.rectification.action

    @property
    def owner(self) -> str:
        return self.rectification.owner

    @property
    def due(self) -> date | None:
        return self.rectification.due

    @property
    def state(self) -> ActionState:
        return self.rectification.state


def is_overdue(action: Rectification, today: date) -> bool:
    """Past its due date and not done; an action without a due date is never overdue."""
    return action.due is not None and action.due < today and action.state is not ActionState.DONE


# -- filter and sort --------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionFilter:
    """Empty fields do not filter. ``owners`` match by ``domain.owners.is_owner``; the empty
    string stands for "no owner"."""

    owners: frozenset[str] = frozenset()
    states: frozenset[ActionState] = frozenset()
    indicators: frozenset[str] = frozenset()  # second-level ids, or first-level ids
    due_from: date | None = None
    due_to: date | None = None
    overdue_only: bool = False
    people: tuple[Person, ...] = field(default=(), compare=False)

    def accepts(self, row: ActionRow) -> bool:
        if self.owners and not any(_owned_by(row.owner, o, self.people) for o in self.owners):
            return False
        if self.states and row.state not in self.states:
            return False
        if self.indicators and not (
            row.indicator_id
            and any(
                row.indicator_id == i or row.indicator_id.startswith(f"{i}.")
                for i in self.indicators
            )
        ):
            return False
        if (self.due_from or self.due_to) and row.due is None:
            return False
        if self.due_from and row.due and row.due < self.due_from:
            return False
        if self.due_to and row.due and row.due > self.due_to:
            return False
        return not (self.overdue_only and not row.overdue)


def _owned_by(owner: str, wanted: str, people: Sequence[Person]) -> bool:
    if not wanted:
        return not owner.strip()
    person = next((p for p in people if is_owner(wanted, p)), Person(wanted))
    return is_owner(owner, person)


def filter_actions(rows: Iterable[ActionRow], wanted: ActionFilter) -> list[ActionRow]:
    return [row for row in rows if wanted.accepts(row)]


class SortKey(StrEnum):
    ATTENTION = "attention"  # overdue first, then by due date; undated last
    DUE = "due"
    OWNER = "owner"
    STATE = "state"
    ITEM = "item"


_STATE_ORDER = {ActionState.OPEN: 0, ActionState.IN_PROGRESS: 1, ActionState.DONE: 2}


def _item_order(row: ActionRow) -> tuple[int, ...]:
    return tuple(int(p) for p in (row.item_id or "999").split("."))


_SORTS: dict[SortKey, Callable[[ActionRow], tuple[object, ...]]] = {
    SortKey.ATTENTION: lambda r: (
        not r.overdue,
        r.state is ActionState.DONE,
        r.due is None,
        r.due or date.max,
        _item_order(r),
    ),
    SortKey.DUE: lambda r: (r.due is None, r.due or date.max, _item_order(r)),
    SortKey.OWNER: lambda r: (not r.owner, r.owner.casefold(), r.due or date.max),
    SortKey.STATE: lambda r: (_STATE_ORDER[r.state], r.due or date.max),
    SortKey.ITEM: lambda r: (r.audit_id, r.source is not Source.ITEM, _item_order(r), r.ref),
}


def sort_actions(
    rows: Iterable[ActionRow], by: SortKey = SortKey.ATTENTION, descending: bool = False
) -> list[ActionRow]:
    return sorted(rows, key=_SORTS[by], reverse=descending)


# -- bulk change ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkChange:
    """What to set on every selected row; None leaves the field as it is."""

    state: ActionState | None = None
    owner: str | None = None
    due: date | None = None
    clear_due: bool = False

    @property
    def is_empty(self) -> bool:
        return self.state is None and self.owner is None and self.due is None and not self.clear_due

    def applied(self, action: Rectification) -> Rectification:
        return replace(
            action,
            state=self.state if self.state is not None else action.state,
            owner=self.owner if self.owner is not None else action.owner,
            due=None if self.clear_due else (self.due if self.due is not None else action.due),
        )


@dataclass(frozen=True)
class BulkOutcome:
    saved: tuple[str, ...]  # row keys
    refused: tuple[tuple[str, str], ...]  # row key, why (a conflict names who changed it)

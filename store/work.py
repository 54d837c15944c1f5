"""Assignments, comment threads and owner links, over the session of a unit of work
(store/uow.py). Queries and conversions only: the services (services/assignments.py,
services/comments.py, services/my_work.py) decide and check."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from domain.errors import NotFound
from domain.owners import owner_key
from domain.work import Assignment, Comment, Level, Member
from store.account_tables import GrantRow, UserRow
from store.base import utcnow
from store.work_tables import AssignmentRow, CommentRow, MentionRow, OwnerLinkRow


def _assignment(row: AssignmentRow, user_name: str) -> Assignment:
    return Assignment(
        id=row.id,
        organisation_id=row.organisation_id,
        audit_id=row.audit_id,
        target=row.target,
        level=Level(row.level),
        user_id=row.user_id,
        user_name=user_name,
        due=row.due,
        assigned_by=row.assigned_by,
        assigned_at=row.assigned_at,
        version=row.version,
    )


def _comment(row: CommentRow, mentions: Iterable[int]) -> Comment:
    return Comment(
        id=row.id,
        organisation_id=row.organisation_id,
        audit_id=row.audit_id,
        item_id=row.item_id,
        author_id=row.author_id,
        author_name=row.author_name,
        author_login=row.author_login,
        body=row.body,
        created_at=row.created_at,
        edited_at=row.edited_at,
        version=row.version,
        mentions=tuple(mentions),
    )


class Work:
    """Who works on what: one repository for assignments, comments and owner links."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- people ----------------------------------------------------------------------------

    def members(self, organisation_id: int) -> list[Member]:
        """The active accounts holding a role in the organisation, by display name."""
        rows = self.session.execute(
            select(UserRow.id, UserRow.login, UserRow.display_name)
            .join(GrantRow, GrantRow.user_id == UserRow.id)
            .where(GrantRow.organisation_id == organisation_id, UserRow.active.is_(True))
            .order_by(UserRow.display_key)
        ).all()
        return [Member(row.id, row.login, row.display_name) for row in rows]

    def names(self, user_ids: Collection[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        rows = self.session.execute(
            select(UserRow.id, UserRow.display_name).where(UserRow.id.in_(user_ids))
        )
        return {row.id: row.display_name for row in rows}

    # -- assignments -----------------------------------------------------------------------

    def _assignments(self, *where: ColumnElement[bool]) -> list[Assignment]:
        rows = self.session.execute(
            select(AssignmentRow, UserRow.display_name)
            .join(UserRow, UserRow.id == AssignmentRow.user_id)
            .where(*where)
            .order_by(AssignmentRow.audit_id, AssignmentRow.target)
        ).all()
        return [_assignment(row, name) for row, name in rows]

    def assignments(self, audit_id: int) -> list[Assignment]:
        return self._assignments(AssignmentRow.audit_id == audit_id)

    def assignments_of(self, user_id: int) -> list[Assignment]:
        return self._assignments(AssignmentRow.user_id == user_id)

    def assignment_row(self, audit_id: int, target: str) -> AssignmentRow | None:
        return self.session.scalar(
            select(AssignmentRow).where(
                AssignmentRow.audit_id == audit_id, AssignmentRow.target == target
            )
        )

    def assign(
        self,
        organisation_id: int,
        audit_id: int,
        target: str,
        level: Level,
        user_id: int,
        due: date | None,
        by: str,
    ) -> AssignmentRow:
        row = self.assignment_row(audit_id, target)
        if row is None:
            row = AssignmentRow(
                organisation_id=organisation_id, audit_id=audit_id, target=target, level=level
            )
            self.session.add(row)
        row.user_id, row.due, row.assigned_by, row.assigned_at = user_id, due, by, utcnow()
        self.session.flush()
        return row

    def unassign(self, row: AssignmentRow) -> None:
        self.session.delete(row)
        self.session.flush()

    # -- comments --------------------------------------------------------------------------

    def _mentions(self, comment_ids: Collection[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {i: [] for i in comment_ids}
        if comment_ids:
            for row in self.session.scalars(
                select(MentionRow).where(MentionRow.comment_id.in_(comment_ids))
            ):
                found[row.comment_id].append(row.user_id)
        return found

    def _comments(self, *where: ColumnElement[bool]) -> list[Comment]:
        rows = list(
            self.session.scalars(
                select(CommentRow).where(*where).order_by(CommentRow.created_at, CommentRow.id)
            )
        )
        mentions = self._mentions([row.id for row in rows])
        return [_comment(row, sorted(mentions[row.id])) for row in rows]

    def thread(self, audit_id: int, item_id: str) -> list[Comment]:
        """An item's comments, oldest first."""
        return self._comments(CommentRow.audit_id == audit_id, CommentRow.item_id == item_id)

    def comments_of_rounds(self, audit_ids: Collection[int]) -> list[Comment]:
        return self._comments(CommentRow.audit_id.in_(audit_ids)) if audit_ids else []

    def mentioning(self, user_id: int) -> list[Comment]:
        ids = select(MentionRow.comment_id).where(MentionRow.user_id == user_id)
        return self._comments(CommentRow.id.in_(ids))

    def comment_row(self, comment_id: int) -> CommentRow:
        row = self.session.get(CommentRow, comment_id)
        if row is None:
            raise NotFound(f"comment #{comment_id} does not exist")
        return row

    def comment(self, comment_id: int) -> Comment:
        row = self.comment_row(comment_id)
        return _comment(row, sorted(self._mentions([row.id])[row.id]))

    def add_comment(
        self,
        organisation_id: int,
        audit_id: int,
        item_id: str,
        *,
        author_id: int | None,
        author_name: str,
        author_login: str,
        body: str,
        mentions: Iterable[int],
        at: datetime | None = None,
        edited_at: datetime | None = None,
    ) -> Comment:
        row = CommentRow(
            organisation_id=organisation_id,
            audit_id=audit_id,
            item_id=item_id,
            author_id=author_id,
            author_name=author_name,
            author_login=author_login,
            body=body,
            created_at=at or utcnow(),
            edited_at=edited_at,
        )
        self.session.add(row)
        self.session.flush()
        self.set_mentions(row.id, mentions)
        return self.comment(row.id)

    def set_mentions(self, comment_id: int, mentions: Iterable[int]) -> None:
        self.session.execute(delete(MentionRow).where(MentionRow.comment_id == comment_id))
        for user_id in dict.fromkeys(mentions):
            self.session.add(MentionRow(comment_id=comment_id, user_id=user_id))
        self.session.flush()

    # -- owner links -----------------------------------------------------------------------

    def owner_links(self, organisation_id: int) -> dict[str, int]:
        """Owner text as compared → account id."""
        rows = self.session.execute(
            select(OwnerLinkRow.owner_key, OwnerLinkRow.user_id).where(
                OwnerLinkRow.organisation_id == organisation_id
            )
        )
        return {row.owner_key: row.user_id for row in rows}

    def owner_texts_of(self, user_id: int) -> dict[int, set[str]]:
        """Organisation id → the owner texts (as compared) linked to the account there."""
        found: dict[int, set[str]] = {}
        for row in self.session.execute(
            select(OwnerLinkRow.organisation_id, OwnerLinkRow.owner_key).where(
                OwnerLinkRow.user_id == user_id
            )
        ):
            found.setdefault(row.organisation_id, set()).add(row.owner_key)
        return found

    def link_owner(
        self, organisation_id: int, owner_text: str, user_id: int | None, by: str
    ) -> int | None:
        """Link (or with None unlink) an owner text; the account it was linked to before."""
        key = owner_key(owner_text)
        row = self.session.scalar(
            select(OwnerLinkRow).where(
                OwnerLinkRow.organisation_id == organisation_id, OwnerLinkRow.owner_key == key
            )
        )
        before = row.user_id if row is not None else None
        if user_id is None:
            if row is not None:
                self.session.delete(row)
        elif row is None:
            self.session.add(
                OwnerLinkRow(
                    organisation_id=organisation_id,
                    owner_key=key,
                    owner_text=owner_text.strip(),
                    user_id=user_id,
                    linked_by=by,
                    linked_at=utcnow(),
                )
            )
        else:
            row.user_id, row.linked_by, row.linked_at = user_id, by, utcnow()
        self.session.flush()
        return before

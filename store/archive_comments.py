"""Item comments in an audit archive (store/archive.py): written with their author and
mentions by login, read back linked to this machine's accounts of the same login. An archive
written before comments existed has none, and imports as it always did."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.account_tables import UserRow
from store.archive_records import CommentIn
from store.work_tables import CommentRow, MentionRow


def exported_comments(session: Session, audit_ids: Collection[int]) -> list[dict[str, Any]]:
    rows = list(
        session.scalars(
            select(CommentRow).where(CommentRow.audit_id.in_(audit_ids)).order_by(CommentRow.id)
        )
    )
    logins: dict[int, list[str]] = {row.id: [] for row in rows}
    if rows:
        for comment_id, login in session.execute(
            select(MentionRow.comment_id, UserRow.login)
            .join(UserRow, UserRow.id == MentionRow.user_id)
            .where(MentionRow.comment_id.in_(logins))
            .order_by(UserRow.login)
        ):
            logins[comment_id].append(login)
    return [
        {
            "id": row.id,
            "audit_id": row.audit_id,
            "item_id": row.item_id,
            "author_name": row.author_name,
            "author_login": row.author_login,
            "body": row.body,
            "created_at": row.created_at.isoformat(),
            "edited_at": row.edited_at.isoformat() if row.edited_at else None,
            "mentions": logins[row.id],
        }
        for row in rows
    ]


def insert_comments(
    session: Session,
    comments: list[CommentIn],
    organisation_id: int,
    audit_ids: Mapping[int, int],
) -> None:
    """The archive's comments under the imported rounds; authors and mentions by login."""
    logins = {c.author_login for c in comments} | {m for c in comments for m in c.mentions}
    accounts = {
        row.login: row.id
        for row in session.execute(
            select(UserRow.login, UserRow.id).where(UserRow.login.in_(logins))
        )
    }
    for comment in sorted(comments, key=lambda c: (c.created_at, c.id)):
        row = CommentRow(
            organisation_id=organisation_id,
            audit_id=audit_ids[comment.audit_id],
            item_id=comment.item_id,
            author_id=accounts.get(comment.author_login),
            author_name=comment.author_name.strip(),
            author_login=comment.author_login,
            body=comment.body.strip(),
            created_at=comment.created_at,
            edited_at=comment.edited_at,
        )
        session.add(row)
        session.flush()
        for user_id in dict.fromkeys(accounts[m] for m in comment.mentions if m in accounts):
            session.add(MentionRow(comment_id=row.id, user_id=user_id))

"""Who works on what (store/work.py) in an audit archive (store/archive.py): item comments,
assignments and owner links, written with their accounts by login and read back linked to this
machine's accounts of the same login (accounts are per machine). A comment whose author has no
account here keeps the author's name; an assignment or an owner link needs an account, so one
whose login has none here (or a disabled one) is left out, and the import names that login.
The accounts see the work once they hold a role in the imported organisation. An archive written
before these existed has none, and imports as it always did."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.owners import owner_key
from store.account_tables import UserRow
from store.archive_records import AssignmentIn, CommentIn, OwnerLinkIn
from store.work_tables import AssignmentRow, CommentRow, MentionRow, OwnerLinkRow

R = TypeVar("R")


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
    accounts = _accounts(session, logins)
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


def exported_assignments(session: Session, audit_ids: Collection[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(AssignmentRow, UserRow.login, UserRow.display_name)
        .join(UserRow, UserRow.id == AssignmentRow.user_id)
        .where(AssignmentRow.audit_id.in_(audit_ids))
        .order_by(AssignmentRow.id)
    )
    return [
        {
            "audit_id": row.audit_id,
            "target": row.target,
            "level": row.level,
            "assignee_login": login,
            "assignee_name": name,
            "due": row.due.isoformat() if row.due else None,
            "assigned_by": row.assigned_by,
            "assigned_at": row.assigned_at.isoformat(),
        }
        for row, login, name in rows
    ]


def exported_owner_links(session: Session, organisation_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(OwnerLinkRow, UserRow.login)
        .join(UserRow, UserRow.id == OwnerLinkRow.user_id)
        .where(OwnerLinkRow.organisation_id == organisation_id)
        .order_by(OwnerLinkRow.id)
    )
    return [
        {
            "owner_text": row.owner_text,
            "login": login,
            "linked_by": row.linked_by,
            "linked_at": row.linked_at.isoformat(),
        }
        for row, login in rows
    ]


def insert_assignments(
    session: Session,
    assignments: list[AssignmentIn],
    organisation_id: int,
    audit_ids: Mapping[int, int],
) -> set[str]:
    """The archive's assignments under the imported rounds, each to the account of its
    assignee's login; the logins with no account here (their assignments left out)."""
    return _by_login(
        session,
        assignments,
        lambda a: a.assignee_login,
        lambda a, user_id: AssignmentRow(
            organisation_id=organisation_id,
            audit_id=audit_ids[a.audit_id],
            target=a.target,
            level=a.level,
            user_id=user_id,
            due=a.due,
            assigned_by=a.assigned_by.strip(),
            assigned_at=a.assigned_at,
        ),
    )


def insert_owner_links(
    session: Session, links: list[OwnerLinkIn], organisation_id: int
) -> set[str]:
    """The archive's owner links, each to the account of its login; the logins with no
    account here (their links left out)."""
    return _by_login(
        session,
        links,
        lambda link: link.login,
        lambda link, user_id: OwnerLinkRow(
            organisation_id=organisation_id,
            owner_key=owner_key(link.owner_text),
            owner_text=link.owner_text.strip(),
            user_id=user_id,
            linked_by=link.linked_by.strip(),
            linked_at=link.linked_at,
        ),
    )


def _by_login(
    session: Session,
    records: Sequence[R],
    login: Callable[[R], str],
    row: Callable[[R, int], object],
) -> set[str]:
    """``row(record, account id)`` added for each record whose login has an active account
    here; the logins that have none."""
    logins = {login(record) for record in records}
    accounts = _accounts(session, logins, active=True)
    for record in records:
        user_id = accounts.get(login(record))
        if user_id is not None:
            session.add(row(record, user_id))
    return logins - set(accounts)


def _accounts(session: Session, logins: Collection[str], active: bool = False) -> dict[str, int]:
    """Login → account id, for the logins that have an account here (``active``: one that
    may sign in: work given to a disabled account would reach nobody)."""
    if not logins:
        return {}
    query = select(UserRow.login, UserRow.id).where(UserRow.login.in_(logins))
    if active:
        query = query.where(UserRow.active)
    return {row.login: row.id for row in session.execute(query)}

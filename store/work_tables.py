"""Tables for who works on what: assignments of items and indicators, comment threads per item
with their @mentions, and free-text action owners linked to accounts. Kept apart from
store/tables.py (the audit data); all share one metadata (migration 0011)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.tables import Base, UTCDateTime, _versioned_by

OWNER_KEY_LIMIT = 400  # an owner text as compared (domain.owners.owner_key), in characters


class AssignmentRow(Base):
    """An item (third-level indicator) or a whole second-level indicator of a round, given to
    an account with a due date. One assignment per target in a round: reassigning changes it."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("audit_id", "target"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    target: Mapped[str] = mapped_column(String(20))  # an item id or a second-level id
    level: Mapped[str] = mapped_column(String(10))  # 'item' or 'indicator'
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due: Mapped[date | None] = mapped_column(Date)
    assigned_by: Mapped[str] = mapped_column(Text, default="")
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = _versioned_by(version)


class CommentRow(Base):
    """One comment in the thread of an item of a round: plain text, by an account (or, imported
    from another machine, by a name whose login matched no account here)."""

    __tablename__ = "item_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    item_id: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(Text)
    author_login: Mapped[str] = mapped_column(String(100), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = _versioned_by(version)


class MentionRow(Base):
    """An account @mentioned in a comment."""

    __tablename__ = "comment_mentions"
    comment_id: Mapped[int] = mapped_column(ForeignKey("item_comments.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class OwnerLinkRow(Base):
    """A free-text action owner of an organisation ("王工") linked to an account: every action
    whose owner text is that name belongs to the account. ``owner_key`` is the text as compared
    (domain.owners.owner_key)."""

    __tablename__ = "owner_links"
    __table_args__ = (UniqueConstraint("organisation_id", "owner_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    owner_key: Mapped[str] = mapped_column(String(OWNER_KEY_LIMIT))
    owner_text: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    linked_by: Mapped[str] = mapped_column(Text, default="")
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)

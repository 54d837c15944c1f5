"""The outbox: notifications recorded with the change that caused them, sent later by the worker
or the reminder run (notify/). Shares store/tables.py's metadata."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.tables import Base, UTCDateTime


class NotificationRow(Base):
    """One workflow event to tell people about. ``recipients`` are account ids (mail goes to
    those with an address); every configured webhook gets it too. ``delivered`` lists the
    targets that took it, so a retry sends only to the others. ``key`` (optional, unique) makes
    an event recorded twice — the same overdue action on the next reminder run — one row."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_state_next_attempt_at", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    audit_id: Mapped[int | None] = mapped_column(Integer)
    recipients: Mapped[list[int]] = mapped_column(JSON)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered: Mapped[list[str]] = mapped_column(JSON)

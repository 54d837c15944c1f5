"""Who works on what: assignments of items and indicators, comments with @mentions, and the
rules about them (who may be mentioned, how long a comment stays editable). Pure Python."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from criteria import Catalogue
from domain.errors import Refused

# a comment's author may correct it for this long after writing it; then it stands as written
EDIT_WINDOW = timedelta(minutes=15)
COMMENT_LIMIT = 4000  # characters in one comment


class WorkRefused(Refused):
    """An assignment, comment or owner link refused; its text in texts/work.yaml."""


class Level(StrEnum):
    ITEM = "item"  # a third-level indicator
    INDICATOR = "indicator"  # a whole second-level indicator


def target_level(catalogue: Catalogue, target: str) -> Level | None:
    """What ``target`` names in the catalogue: an item, a whole second-level indicator, or
    nothing assignable (None)."""
    if catalogue.has_item(target):
        return Level.ITEM
    if target in {s.id for s in catalogue.second_levels}:
        return Level.INDICATOR
    return None


@dataclass(frozen=True)
class Assignment:
    id: int
    organisation_id: int
    audit_id: int
    target: str  # the item id or the second-level id
    level: Level
    user_id: int
    user_name: str  # the account's display name
    due: date | None
    assigned_by: str
    assigned_at: datetime
    version: int


@dataclass(frozen=True)
class Comment:
    id: int
    organisation_id: int
    audit_id: int
    item_id: str
    author_id: int | None
    author_name: str
    author_login: str
    body: str
    created_at: datetime
    edited_at: datetime | None
    version: int
    mentions: tuple[int, ...] = ()  # account ids


@dataclass(frozen=True)
class Member:
    """An account that holds a role in the organisation: who can be assigned or mentioned."""

    id: int
    login: str
    display_name: str


def may_edit(comment: Comment, user_id: int | None, now: datetime) -> bool:
    """Its author, within EDIT_WINDOW of writing it."""
    return (
        user_id is not None
        and comment.author_id == user_id
        and now - comment.created_at <= EDIT_WINDOW
    )


def check_edit(comment: Comment, user_id: int | None, now: datetime) -> None:
    if user_id is None or comment.author_id != user_id:
        raise WorkRefused("work.error.not_author")
    if now - comment.created_at > EDIT_WINDOW:
        raise WorkRefused("work.error.edit_window_over", minutes=_minutes(EDIT_WINDOW))


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def checked_body(body: str) -> str:
    """A comment's text as stored: trimmed, not empty, not too long."""
    text = body.strip()
    if not text:
        raise WorkRefused("work.error.empty_comment")
    if len(text) > COMMENT_LIMIT:
        raise WorkRefused("work.error.comment_too_long", limit=COMMENT_LIMIT, length=len(text))
    return text


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


_ENDS = frozenset(" \t\r\n,.;:!?，。；：！？、)）]】」』\"'")


def mentioned(body: str, members: Iterable[Member]) -> tuple[int, ...]:
    """The accounts ``body`` @mentions, by login or display name (the longest name that follows
    the @ and ends there: "@王工，请看" names 王工), in order of first mention. An @ inside a
    word (an e-mail address) mentions no one."""
    found: list[int] = []
    for member_id, _word in _mentions(body, members):
        if member_id is not None and member_id not in found:
            found.append(member_id)
    return tuple(found)


def unknown_mentions(body: str, members: Iterable[Member]) -> tuple[str, ...]:
    """The words after an @ that name no member ("@不存在的人"): nobody is told of them, and the
    writer should know it. Each once, in order."""
    words: list[str] = []
    for member_id, word in _mentions(body, members):
        if member_id is None and word and word not in words:
            words.append(word)
    return tuple(words)


def _mentions(body: str, members: Iterable[Member]) -> list[tuple[int | None, str]]:
    """Each @ of ``body`` (not one inside an e-mail address): the member it names and the name,
    or None and the word that follows it up to the next space or punctuation."""
    names = sorted(
        (
            (_key(name), member.id)
            for member in members
            for name in (member.login, member.display_name)
            if name.strip()
        ),
        key=lambda pair: -len(pair[0]),
    )
    text = _key(body)
    found: list[tuple[int | None, str]] = []
    start = text.find("@")
    while start != -1:
        if start and text[start - 1].isascii() and text[start - 1].isalnum():  # an e-mail address
            start = text.find("@", start + 1)
            continue
        rest = text[start + 1 :]
        for name, member_id in names:
            if rest.startswith(name) and (len(rest) == len(name) or rest[len(name)] in _ENDS):
                found.append((member_id, name))
                break
        else:
            end = next((i for i, c in enumerate(rest) if c in _ENDS or c == "@"), len(rest))
            found.append((None, rest[:end]))
        start = text.find("@", start + 1)
    return found


def covers(assignment: Assignment, item_id: str, parent_id: str | None) -> bool:
    """Whether the assignment covers the item: itself, or its second-level indicator."""
    if assignment.level is Level.ITEM:
        return assignment.target == item_id
    return assignment.target == parent_id


def is_late(due: date | None, today: date) -> bool:
    return due is not None and due < today

"""What a notification says, in Chinese then English: a title and labelled values, plain text.
Each channel shapes it (notify/webhooks.py for robots, notify/send.py for mail)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.notifications import Notification, Value
from reminders.dates import DueDate
from reminders.digest import Digest, subject_in
from scoring import display
from texts import LANGS, keys, t

# values a notification may carry that have a label of their own (texts: notify.value.*);
# any other is listed under its own name
LABELLED = (
    "organisation",
    "round",
    "item",
    "level",
    "title",
    "owner",
    "due_on",
    "by",
    "comment",
)


@dataclass(frozen=True)
class Section:
    lang: str
    title: str
    lines: tuple[tuple[str, str], ...]  # (label, value), both plain text


@dataclass(frozen=True)
class Message:
    kind: str  # an event kind, or "digest"
    sections: tuple[Section, ...]  # zh, en
    data: dict[str, Any]  # what a plain-JSON receiver gets besides the text

    @property
    def subject(self) -> str:
        return " / ".join(s.title for s in self.sections)

    def text(self) -> str:
        """The plain-text body: each language, its lines as 'label: value'."""
        return "\n\n———\n\n".join(
            "\n".join([s.title, "", *(_line(label, value, s.lang) for label, value in s.lines)])
            for s in self.sections
        )


def _line(label: str, value: str, lang: str) -> str:
    if not label:
        return value
    return f"{label}：{value}" if lang == "zh" else f"{label}: {value}"


def shown_value(name: str, value: Value, lang: str = "zh") -> str:
    """A value as the message shows it: a date through the display module, a word of ours
    (``level``: item, indicator) in the reader's language, anything else as given."""
    if name == "due_on" and isinstance(value, str):
        try:
            return display.day(date.fromisoformat(value))
        except ValueError:
            return value
    if name == "level" and f"notify.level.{value}" in keys():
        return t(f"notify.level.{value}", lang)
    return str(value)


def _label(name: str, lang: str) -> str:
    key = f"notify.value.{name}"
    return t(key, lang) if key in keys() else name


def of_notification(notification: Notification) -> Message:
    values = notification.values
    ordered = [n for n in LABELLED if n in values] + sorted(set(values) - set(LABELLED))
    shown = [n for n in ordered if values[n] not in (None, "")]
    sections = tuple(
        Section(
            lang,
            t(f"notify.{notification.kind.value}", lang),
            tuple((_label(n, lang), shown_value(n, values[n], lang)) for n in shown),
        )
        for lang in LANGS
    )
    data = {
        "event": notification.kind.value,
        "id": notification.id,
        "organisation_id": notification.organisation_id,
        "audit_id": notification.audit_id,
        "values": dict(values),
        "created_at": notification.created_at.isoformat(),
    }
    return Message(notification.kind.value, sections, data)


def of_digest(digest: Digest) -> Message:
    """The reminder digest of one organisation, for the robots."""
    sections = []
    for lang in LANGS:
        lines: list[tuple[str, str]] = []
        for heading, items in (
            (t("reminders.overdue_heading", lang, n=len(digest.overdue)), digest.overdue),
            (
                t("reminders.upcoming_heading", lang, n=len(digest.upcoming), days=digest.days),
                digest.upcoming,
            ),
        ):
            if items:
                lines.append(("", heading))
                lines += [(display.day(i.due), _summary(i, lang)) for i in items]
        title = subject_in(digest, lang)
        sections.append(Section(lang, title, tuple(lines)))
    data = {
        "event": "digest",
        "organisation": digest.organisation,
        "today": digest.today.isoformat(),
        "days": digest.days,
        "overdue": [_item(i) for i in digest.overdue],
        "upcoming": [_item(i) for i in digest.upcoming],
    }
    return Message("digest", tuple(sections), data)


def _summary(item: DueDate, lang: str) -> str:
    suffix = t("reminders.owner_suffix", lang, owner=item.owner) if item.owner else ""
    return item.summary + suffix


def _item(item: DueDate) -> dict[str, Any]:
    return {
        "kind": item.kind.value,
        "due": item.due.isoformat(),
        "summary": item.summary,
        "owner": item.owner,
        "at_risk": item.at_risk,
    }

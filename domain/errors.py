"""What the store refuses, each with a message a person can act on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from texts import keys, t


class StoreError(Exception):
    """Base of every refusal; nothing was saved when one is raised."""


class NotFound(StoreError):
    pass


class InvalidEntry(StoreError):
    """The entry breaks a rule (unknown item, impossible sample counts, bad credit code...)."""

    def __init__(self, messages: list[str] | str, problems: Sequence[Worded] = ()) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.problems = tuple(problems)  # the same, each able to say itself in a language
        super().__init__("; ".join(self.messages))

    def text(self, lang: str) -> str:
        """In the reader's language where the problems can say so, else as the store words it."""
        if self.problems and len(self.problems) == len(self.messages):
            return (
                "；".join(p.text(lang) for p in self.problems)
                if lang == "zh"
                else "; ".join(p.text(lang) for p in self.problems)
            )
        return str(self)


class Worded(Protocol):
    def text(self, lang: str = "zh") -> str: ...


class ConflictError(StoreError):
    """Someone else saved the same record since it was read: the change was not saved.
    ``what`` names the record in the reader's language (texts/ key ``conflict.what.*``); ``at``
    is when the other save was made, as the store shows it (in the organisation's zone)."""

    def __init__(
        self,
        what: str,
        *,
        reason: str = "conflict.changed",
        expected: int = 0,
        current: int = 0,
        by: str = "",
        at: str = "",
    ) -> None:
        self.what, self.code = what, reason
        self.expected, self.current, self.by, self.at = expected, current, by, at
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        who = t("conflict.by", lang, by=self.by) if self.by else ""
        when = t("conflict.at", lang, at=self.at) if self.at else ""
        values = {"expected": self.expected, "current": self.current, "who": who, "when": when}
        return t(self.code, lang, what=record_label(self.what, lang), **values)


def record_label(what: str, lang: str) -> str:
    """A record as the store names it ("audit", "item 1.2.3", "evidence request 7") in the
    reader's language; a name without a label is shown as it is."""
    match = _RECORD.match(what)
    kind, ident = (match[1], match[2]) if match else (what, "")
    key = f"conflict.what.{kind.replace(' ', '_').replace('-', '_')}"
    if key not in keys():
        return what
    label = t(key, lang)
    return f"{label} {ident}" if ident else label


_RECORD = re.compile(r"^(item|evidence request) #?(\S+)$")


class ReadOnly(StoreError):
    """A frozen round or an archived record cannot be changed."""


class StoreUnavailable(StoreError):
    """The database or the disk cannot be used (unreachable, busy past the wait, full): nothing
    was saved. ``code`` is the texts/ key a page or the CLI shows, filled from ``values``."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.values = values
        super().__init__(" / ".join(self.message(lang) for lang in ("zh", "en")))

    def message(self, lang: str = "zh") -> str:
        return t(self.code, lang, **self.values)


class AccountError(StoreError):
    """A refusal about accounts; ``code`` and ``values`` pick its text in texts/auth.yaml."""

    def __init__(self, code: str, **values: object) -> None:
        self.code, self.values = code, values
        super().__init__(f"{t(code, 'zh', **values)} — {t(code, 'en', **values)}")

    def text(self, lang: str) -> str:
        values = dict(self.values)
        role_key = f"auth.role.{values.get('role')}"
        if role_key in keys():  # a role by its label ("已有角色 editor" read as code)
            values["role"] = t(role_key, lang)
        return t(self.code, lang, **values)


class Refused(StoreError):
    """A refusal as data: ``code`` is the texts/ key, ``values`` fill it. The reader's text is
    chosen late, in the reader's language (``text(lang)``); ``str()`` is the English text, for
    logs. Tests assert ``code`` and ``values``, never prose."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.values = values
        super().__init__(code)

    def text(self, lang: str) -> str:
        return t(self.code, lang, **self.values)

    def __str__(self) -> str:
        return self.text("en")


def network_failure(exc: BaseException) -> str | None:
    """What went wrong reaching a server, as a word the texts have in every language:
    "connection_refused" (nothing listens there), "timed_out", "unknown_host"; None for
    anything else (its own text is then shown, which the operating system words in English).
    urllib wraps the socket's error in ``reason``."""
    import socket

    reason = getattr(exc, "reason", exc)
    if isinstance(reason, ConnectionRefusedError):
        return "connection_refused"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timed_out"
    if isinstance(reason, socket.gaierror):
        return "unknown_host"
    return None

"""What the store refuses, each with a message a person can act on."""

from __future__ import annotations

from texts import t


class StoreError(Exception):
    """Base of every refusal; nothing was saved when one is raised."""


class NotFound(StoreError):
    pass


class InvalidEntry(StoreError):
    """The entry breaks a rule (unknown item, impossible sample counts, bad credit code...)."""

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


class ConflictError(StoreError):
    """Someone else saved the same record since it was read: the change was not saved."""


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
        return t(self.code, lang, **self.values)

"""What the certification cycle refuses, each with a code in texts/messages.yaml (cycle.*)."""

from __future__ import annotations

from domain.errors import InvalidEntry
from texts import t


class CertificateRule(InvalidEntry):
    """A refused certificate record (a surveillance outside the validity, held twice on one
    day...); nothing was saved. ``code`` is the texts/ key, filled from ``values``."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.values = values
        super().__init__(" / ".join(self.message(lang) for lang in ("zh", "en")))

    def message(self, lang: str = "zh") -> str:
        return t(self.code, lang, **self.values)

    def text(self, lang: str = "zh") -> str:  # as the app shows a refusal (ui.state.refusal)
        return self.message(lang)

"""What an export reports back: the document's pages and sections, the evidence and warnings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from texts import t


@dataclass(frozen=True)
class DossierWarning:
    """Something the reader of the dossier should know; shown in the app and the command line."""

    key: str  # a text in texts/messages.yaml, "dossier.*"
    subject: str  # what it is about: an evidence ref, an item id, a URL
    values: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str = "zh") -> str:
        return t(self.key, lang, subject=self.subject, **dict(self.values))

    def __str__(self) -> str:
        return self.text()


def warning(key: str, subject: str, **values: object) -> DossierWarning:
    return DossierWarning(key, subject, tuple((k, str(v)) for k, v in values.items()))


class Inclusion(StrEnum):
    """How an evidence file ends up in the dossier."""

    PDF = "pdf"  # its pages merged into the appendix
    IMAGE = "image"  # placed on an appendix page
    LISTED = "listed"  # a kind we do not embed (Office, text...): listed only
    MISSING = "missing"  # the blob store does not have it
    UNREADABLE = "unreadable"  # damaged, encrypted, or not matching its SHA-256

    @property
    def embedded(self) -> bool:
        return self in (Inclusion.PDF, Inclusion.IMAGE)


@dataclass(frozen=True)
class SectionStart:
    key: str  # the section's anchor in the document: "summary", "items", ...
    title: str
    page: int  # 1-based


@dataclass(frozen=True)
class EvidenceOutcome:
    ref: str  # "E-03"
    evidence_id: int
    title: str
    inclusion: Inclusion
    first_page: int | None  # where its appendix pages start, 1-based
    pages: int  # appendix pages it takes


@dataclass(frozen=True)
class DossierReport:
    path: Path
    pages: int
    sections: tuple[SectionStart, ...]
    evidence: tuple[EvidenceOutcome, ...]
    warnings: tuple[DossierWarning, ...]

    @property
    def embedded(self) -> tuple[str, ...]:
        return tuple(e.ref for e in self.evidence if e.inclusion.embedded)

    @property
    def listed_only(self) -> tuple[str, ...]:
        """Evidence in the index but not in the appendix: other kinds, missing, unreadable."""
        return tuple(e.ref for e in self.evidence if not e.inclusion.embedded)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(e.ref for e in self.evidence if e.inclusion is Inclusion.MISSING)

    def section(self, key: str) -> SectionStart:
        return next(s for s in self.sections if s.key == key)

"""Evidence kinds and the upload of several files at once, each refused file with its reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from domain.evidence_rules import EvidenceRule
from domain.records import EvidenceRecord
from evidence import EvidenceRefused
from evidence.name_hints import hints_from_name
from store import AuditStore, StoreError
from store.access import GuardedStore
from store.evidence_batch import EVIDENCE_KINDS
from texts import t
from ui.state import lang as current_lang


def upload_limit_mb(store: AuditStore | GuardedStore) -> int:
    """The uploader's own limit in MiB (what Streamlit shows and enforces before our check),
    matching the app's evidence limit; .streamlit/config.toml sets the same default."""
    return max(1, -(-store.upload_policy.max_bytes // (1 << 20)))


def kind_labels(lang: str | None = None) -> dict[str, str]:
    """Kind → label, bound now (widgets format their options after the run)."""
    return {kind: kind_label(kind, lang) for kind in EVIDENCE_KINDS}


def kind_label(kind: str, lang: str | None = None) -> str:
    try:
        return t(f"kind.{kind}", lang or current_lang())
    except KeyError:
        return kind  # a kind written by an older version or an import: show it as it is


class NamedFile(Protocol):
    name: str

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class FileMeta:
    """What a person said about one file of a batch before it was stored."""

    title: str
    kind: str
    valid_until: date | None = None
    covered_from: date | None = None
    covered_to: date | None = None

    @classmethod
    def from_name(cls, name: str) -> FileMeta:
        """The defaults a file's name suggests (see evidence.name_hints)."""
        hints = hints_from_name(name)
        return cls(hints.title, hints.kind, None, hints.covered_from, hints.covered_to)


@dataclass(frozen=True)
class UploadOutcome:
    name: str
    record: EvidenceRecord | None
    new: bool
    refusal: str | None


def ingest_files(
    store: AuditStore,
    organisation_id: int,
    uploads: Sequence[tuple[NamedFile, FileMeta]],
    *,
    actor: str,
    lang: str,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[UploadOutcome]:
    """Store each file with its own description; one refused file does not stop the others."""
    outcomes = []
    for n, (upload, meta) in enumerate(uploads):
        if progress:
            progress(n, len(uploads), upload.name)
        try:
            record, new = store.add_evidence(
                organisation_id,
                upload.name,
                upload,  # type: ignore[arg-type]  # read like a binary file; only .read() is used
                title=meta.title,
                kind=meta.kind,
                valid_until=meta.valid_until,
                covered_from=meta.covered_from,
                covered_to=meta.covered_to,
                actor=actor,
            )
        except EvidenceRefused as exc:
            outcomes.append(UploadOutcome(upload.name, None, False, exc.message(lang)))
        except EvidenceRule as exc:
            outcomes.append(UploadOutcome(upload.name, None, False, exc.message(lang)))
        except StoreError as exc:
            worded = getattr(exc, "text", None)  # in the reader's language where it can be
            reason = worded(lang) if callable(worded) else str(exc)
            outcomes.append(UploadOutcome(upload.name, None, False, reason))
        else:
            outcomes.append(UploadOutcome(upload.name, record, new, None))
    if progress:
        progress(len(uploads), len(uploads), "")
    return outcomes

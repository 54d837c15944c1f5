"""Evidence kinds and the upload of several files at once, each refused file with its reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from evidence import EvidenceRefused
from store import AuditStore, StoreError
from store.records import EvidenceRecord
from texts import t
from ui.state import lang as current_lang

# the kinds of document an evaluator asks for (see criteria: each item's expected evidence)
EVIDENCE_KINDS = ("policy", "record", "licence", "contract", "training", "report", "photo", "other")


def upload_limit_mb(store: AuditStore) -> int:
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
class UploadOutcome:
    name: str
    record: EvidenceRecord | None
    new: bool
    refusal: str | None


def ingest_files(
    store: AuditStore,
    organisation_id: int,
    files: Sequence[NamedFile],
    *,
    kind: str,
    valid_until: date | None,
    actor: str,
    lang: str,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[UploadOutcome]:
    """Store each file; one refused file does not stop the others."""
    outcomes = []
    for n, upload in enumerate(files):
        if progress:
            progress(n, len(files), upload.name)
        title = upload.name.rsplit(".", 1)[0] if "." in upload.name else upload.name
        try:
            record, new = store.add_evidence(
                organisation_id,
                upload.name,
                upload,  # type: ignore[arg-type]
                title=title,
                kind=kind,
                valid_until=valid_until,
                actor=actor,
            )
        except EvidenceRefused as exc:
            outcomes.append(UploadOutcome(upload.name, None, False, exc.message(lang)))
        except StoreError as exc:
            outcomes.append(UploadOutcome(upload.name, None, False, str(exc)))
        else:
            outcomes.append(UploadOutcome(upload.name, record, new, None))
    if progress:
        progress(len(files), len(files), "")
    return outcomes

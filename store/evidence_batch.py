"""Adding a batch of files to an audit's evidence: the loop behind ``gbt-audit evidence add``
(and the same intake as the app's upload: ``AuditStore.add_evidence`` runs every check of
evidence.checks). One refused file does not stop the others. Each file goes in through
``file_one`` (the command passes services/evidence.file_evidence): the file, its links and the
sign-off they withdraw in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, Protocol

from domain.errors import InvalidEntry, ReadOnly, StoreError
from domain.evidence_rules import EvidenceRule
from domain.records import AuditState, EvidenceRecord
from evidence import EvidenceRefused
from evidence.blobs import BlobStoreUnavailable
from evidence.name_hints import hints_from_name
from store.repository import AuditStore
from texts import t

# the kinds of document an evaluator asks for (see criteria: each item's expected evidence)
EVIDENCE_KINDS = ("policy", "record", "licence", "contract", "training", "report", "photo", "other")
MAX_FILES = 1000  # one command's batch; more is a mistake in a glob, not a client's folder


class Outcome(StrEnum):
    STORED = "stored"  # a new record in the library
    ALREADY = "already"  # the same bytes were already in the organisation's library
    REFUSED = "refused"  # not stored: ``reason`` says why


@dataclass(frozen=True)
class FileOutcome:
    path: Path
    outcome: Outcome
    record: EvidenceRecord | None = None
    reason: dict[str, str] | None = None  # lang → why it was refused

    def line(self, lang: str) -> str:
        name = str(self.path)
        if self.record is None:
            why = (self.reason or {}).get(lang, "")
            return t("cli.evidence.refused", lang, name=name, reason=why)
        values = {"name": name, "id": self.record.id, "sha": self.record.sha256[:12]}
        return t(f"cli.evidence.{self.outcome.value}", lang, **values)


class BatchRefused(StoreError):
    """The batch as a whole cannot go in (unknown audit item, closed round, bad kind)."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.values = values
        super().__init__(" / ".join(t(code, lang, **values) for lang in ("zh", "en")))

    def message(self, lang: str) -> str:
        return t(self.code, lang, **self.values)


def check_batch(
    store: AuditStore, audit_id: int, files: Sequence[Path], items: Sequence[str], kind: str | None
) -> None:
    """Everything about the batch that is not about one file, before any file is stored."""
    if not files:
        raise BatchRefused("cli.evidence.no_files")
    if len(files) > MAX_FILES:
        raise BatchRefused("cli.evidence.too_many", n=len(files), limit=MAX_FILES)
    if kind is not None and kind not in EVIDENCE_KINDS:
        raise BatchRefused("cli.evidence.bad_kind", kind=kind, kinds=", ".join(EVIDENCE_KINDS))
    audit = store.audit(audit_id)  # NotFound names the audit
    if items and audit.state != AuditState.DRAFT:
        raise BatchRefused("cli.evidence.not_draft", audit=audit_id, state=audit.state.value)
    catalogue = store.catalogue(audit.catalogue_hash)
    unknown = [i for i in items if not catalogue.has_item(i)]
    if unknown:
        raise BatchRefused(
            "cli.evidence.unknown_items", items=", ".join(unknown[:10]), catalogue=catalogue.id
        )


class FileOne(Protocol):
    """Store one file and link it to the batch's items, all or nothing."""

    def __call__(
        self,
        original_name: str,
        stream: BinaryIO,
        *,
        title: str,
        kind: str,
        valid_until: date | None,
        covered_from: date | None,
        covered_to: date | None,
    ) -> tuple[EvidenceRecord, bool]: ...


def add_files(
    store: AuditStore,
    audit_id: int,
    files: Sequence[Path],
    *,
    file_one: FileOne,
    items: Sequence[str] = (),
    title: str | None = None,
    kind: str | None = None,
    valid_until: date | None = None,
) -> list[FileOutcome]:
    """Store each file in the audit's organisation's library, and link it to ``items`` of the
    audit. Title, kind and covered period default to what the file's name suggests, as in the
    app's upload form."""
    check_batch(store, audit_id, files, items, kind)
    outcomes = []
    for path in files:
        hints = hints_from_name(path.name)
        try:
            with path.open("rb") as stream:
                record, new = file_one(
                    path.name,
                    stream,
                    title=title or hints.title,
                    kind=kind or hints.kind,
                    valid_until=valid_until,
                    covered_from=hints.covered_from,
                    covered_to=hints.covered_to,
                )
        except EvidenceRefused as exc:
            reason = {"zh": exc.message_zh, "en": exc.message_en}
            outcomes.append(FileOutcome(path, Outcome.REFUSED, reason=reason))
        except EvidenceRule as exc:
            reason = {lang: exc.message(lang) for lang in ("zh", "en")}
            outcomes.append(FileOutcome(path, Outcome.REFUSED, reason=reason))
        except (InvalidEntry, ReadOnly) as exc:
            outcomes.append(FileOutcome(path, Outcome.REFUSED, reason=_same(str(exc))))
        except BlobStoreUnavailable as exc:
            reason = {
                lang: t("cli.evidence.store_unavailable", lang, reason=str(exc)[:200])
                for lang in ("zh", "en")
            }
            outcomes.append(FileOutcome(path, Outcome.REFUSED, reason=reason))
        except OSError as exc:  # not there, a folder, not readable
            reason = {
                lang: t("cli.evidence.unreadable", lang, reason=exc.strerror or type(exc).__name__)
                for lang in ("zh", "en")
            }
            outcomes.append(FileOutcome(path, Outcome.REFUSED, reason=reason))
        else:
            outcomes.append(
                FileOutcome(path, Outcome.STORED if new else Outcome.ALREADY, record=record)
            )
    return outcomes


def _same(text: str) -> dict[str, str]:
    return {"zh": text, "en": text}

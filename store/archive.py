"""One audit as a single .zip — its organisation, every round, the change log and the evidence
files — to send to a client and import on another machine.

Import trusts nothing in the archive: every member name, size, compression ratio and hash is
checked (store.archive_members), every record by the store's own rules (store.archive_records),
every evidence file by the upload checks into a staging folder; all of it before anything is
written. The database part is one transaction, and the staged files join the blob store as it
commits, so a refused or failed import leaves the data folder and the database as they were.

    manifest.json            format, version, and every other member's SHA-256 and size
    data.json                the records (see store.archive_records.ArchiveData)
    catalogues/<hash>.yaml   the catalogues the audits were scored against, verbatim
    evidence/<sha256>        the evidence files, by content
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from criteria import Catalogue, CatalogueError, parse_catalogue
from domain.errors import InvalidEntry, NotFound
from domain.records import OrganisationProfile
from evidence import EvidenceRefused, UploadPolicy, ingest
from evidence.blobs import Readable, StagingArea
from evidence.names import shown
from settings import logs
from store import changelog
from store.archive_members import (
    FORMAT,
    ArchiveRefused,
    CappedStream,
    check_members,
    open_zip,
    read_member,
    verify_member,
)
from store.archive_records import (
    ArchiveData,
    CheckedRecords,
    check_records,
    describe,
    parse_data,
)
from store.archive_work import (
    exported_assignments,
    exported_comments,
    exported_owner_links,
    insert_assignments,
    insert_comments,
    insert_owner_links,
)
from store.audits import AuditsMixin, _write_deduction
from store.base import utcnow
from store.repository import AuditStore
from store.tables import (
    AuditRow,
    BonusRow,
    CatalogueRow,
    ChangeRow,
    DeductionRow,
    EvidenceLinkRow,
    EvidenceRequestRow,
    EvidenceRow,
    ItemRow,
    OrganisationRow,
    SnapshotRow,
)

log = logging.getLogger(logs.IMPORTS)

FORMAT_VERSION = 1
CHUNK = 1 << 20
FREE_SPACE_MARGIN = 256 << 20  # an import never fills the disk the app still has to write to

__all__ = ["ArchiveRefused", "ImportResult", "export_audit", "import_archive"]


@dataclass(frozen=True)
class ImportResult:
    organisation_id: int
    audit_ids: dict[int, int]  # archive id → new id
    evidence_files: int
    # logins of the archive's assignees and linked owners that have no account here: their
    # assignments and owner links were left out (store/archive_work.py)
    unmatched_logins: tuple[str, ...] = ()


# -- export ------------------------------------------------------------------------------------


def _round_chain(store: AuditStore, audit_id: int) -> list[AuditRow]:
    """The audit with every round before and after it."""
    with store._read() as session:
        start = store._audit_row(session, audit_id)
        rows = session.scalars(
            select(AuditRow).where(AuditRow.organisation_id == start.organisation_id)
        ).all()
    by_id = {r.id: r for r in rows}
    neighbours: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row.previous_audit_id in by_id:
            neighbours[row.id].add(row.previous_audit_id)
            neighbours[row.previous_audit_id].add(row.id)
    chain, todo = {start.id}, [start.id]
    while todo:
        for linked in neighbours[todo.pop()] - chain:
            chain.add(linked)
            todo.append(linked)
    return sorted((by_id[i] for i in chain), key=lambda r: r.round_no)


def _columns(row: Any) -> dict[str, Any]:
    return {c.key: _jsonable(getattr(row, c.key)) for c in row.__table__.columns}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "as_integer_ratio") and not isinstance(value, int | float):
        return str(value)  # Decimal
    return value


def export_audit(store: AuditStore, audit_id: int, destination: Path) -> Path:
    """Write the archive atomically: a half-written file never takes the destination's name."""
    chain = _round_chain(store, audit_id)
    ids = [r.id for r in chain]
    organisation_id = chain[0].organisation_id
    with store._read() as session:

        def rows(table: Any, *where: Any) -> list[dict[str, Any]]:
            return [_columns(r) for r in session.scalars(select(table).where(*where))]

        data: dict[str, Any] = {
            "organisation": _columns(session.get(OrganisationRow, organisation_id)),
            "audits": [_columns(r) for r in chain],
            "items": rows(ItemRow, ItemRow.audit_id.in_(ids)),
            "deductions": rows(DeductionRow, DeductionRow.audit_id.in_(ids)),
            "bonuses": rows(BonusRow, BonusRow.audit_id.in_(ids)),
            "evidence": rows(EvidenceRow, EvidenceRow.organisation_id == organisation_id),
            "links": rows(EvidenceLinkRow, EvidenceLinkRow.audit_id.in_(ids)),
            "requests": rows(EvidenceRequestRow, EvidenceRequestRow.audit_id.in_(ids)),
            "snapshots": rows(SnapshotRow, SnapshotRow.audit_id.in_(ids)),
            "comments": exported_comments(session, ids),
            "changes": rows(
                ChangeRow,
                (ChangeRow.audit_id.in_(ids))
                | ((ChangeRow.organisation_id == organisation_id) & ChangeRow.audit_id.is_(None)),
            ),
        }
        # written only when there are some: an archive without them stays readable by the
        # releases before them (data.json's keys are checked: an unknown one is refused)
        work = {
            "assignments": exported_assignments(session, ids),
            "owner_links": exported_owner_links(session, organisation_id),
        }
        data |= {key: rows for key, rows in work.items() if rows}
        catalogues = {
            r.content_hash: r.content
            for r in session.scalars(
                select(CatalogueRow).where(
                    CatalogueRow.content_hash.in_({a.catalogue_hash for a in chain})
                )
            )
        }
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=destination.parent, suffix=".part")
    os.close(handle)
    try:
        files: list[dict[str, Any]] = []
        with zipfile.ZipFile(temp_name, "w", zipfile.ZIP_DEFLATED) as archive:
            payload = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
            files.append(_write_bytes(archive, "data.json", payload))
            for content_hash, text in catalogues.items():
                files.append(
                    _write_bytes(archive, f"catalogues/{content_hash}.yaml", text.encode("utf-8"))
                )
            for sha256 in sorted({e["sha256"] for e in data["evidence"]}):
                with store.blobs.open(sha256) as source:
                    files.append(_write_stream(archive, f"evidence/{sha256}", source))
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": utcnow().isoformat(),
                "organisation": data["organisation"]["name"],
                "audits": ids,
                "files": files,
            }
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(temp_name, destination)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return destination


def _write_bytes(archive: zipfile.ZipFile, name: str, payload: bytes) -> dict[str, Any]:
    archive.writestr(name, payload)
    return {"path": name, "sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)}


def _write_stream(archive: zipfile.ZipFile, name: str, source: Readable) -> dict[str, Any]:
    digest, size = hashlib.sha256(), 0
    info = zipfile.ZipInfo(name, date_time=datetime.now(UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED  # evidence (PDF, images) is compressed already
    with archive.open(info, "w", force_zip64=True) as target:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return {"path": name, "sha256": digest.hexdigest(), "size": size}


# -- import ------------------------------------------------------------------------------------
#
# The order is the point: every member's name, size and expansion; every member's bytes against
# the manifest's SHA-256; the catalogues (by hash first, then the bounded YAML reader); every
# record by the store's own rules; then the evidence files through the upload checks into a
# staging folder; and only then one database transaction, at whose end the staged files join the
# blob store. A refusal at any step leaves the data folder and the database as they were.


class _FileEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    path: str
    sha256: str
    size: int


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    format: str
    format_version: int
    files: list[_FileEntry]


def import_archive(store: AuditStore, source: Path, *, actor: str) -> ImportResult:
    try:
        result = _import_archive(store, source, actor=actor)
    except ArchiveRefused as refused:
        log.warning("archive %s refused (import by %s): %s", Path(source).name, actor, refused)
        raise
    if result.unmatched_logins:  # said once on the page; kept here for the operator
        log.info(
            "archive %s imported by %s as organisation #%s without the assignments and owner "
            "links of %s (no such account here)",
            Path(source).name,
            actor,
            result.organisation_id,
            ", ".join(result.unmatched_logins),
        )
    return result


def _import_archive(store: AuditStore, source: Path, *, actor: str) -> ImportResult:
    policy = store.upload_policy
    with open_zip(source) as archive:
        members = check_members(archive, policy.max_bytes)
        manifest = _manifest(read_member(archive, members["manifest.json"]))
        declared = {f.path: f for f in manifest.files}
        undeclared = sorted(set(members) - set(declared) - {"manifest.json"})
        missing = sorted(set(declared) - set(members))
        if undeclared or missing:
            raise ArchiveRefused(
                f"manifest and members disagree: undeclared {undeclared[:5]}, missing {missing[:5]}"
            )
        for name, entry in declared.items():  # every byte verified before anything is parsed
            verify_member(archive, members[name], entry.sha256, entry.size)
        data = parse_data(read_member(archive, members["data.json"]))
        catalogues = _catalogues(store, archive, members, data)
        records = check_records(data, {h: c for h, (c, _) in catalogues.items()})
        _check_evidence_members(members, data)
        _refuse_existing_organisation(store, data.organisation.uid, records.profile)
        _check_free_space(store, members)
        with open(source, "rb") as whole:  # imported log entries name their archive
            archive_sha256 = hashlib.file_digest(whole, "sha256").hexdigest()
        with store.blobs.staging() as staging:
            _stage_evidence(archive, members, data, staging, policy)
            return _insert(
                store, records, catalogues, staging, actor, Path(source).name, archive_sha256
            )


def _manifest(payload: bytes) -> _Manifest:
    try:
        manifest = _Manifest.model_validate_json(payload)
    except ValidationError as exc:
        raise ArchiveRefused(describe("manifest.json", exc)) from None
    if manifest.format != FORMAT:
        raise ArchiveRefused(f"not a {FORMAT} (manifest format {manifest.format[:40]!r})")
    if manifest.format_version != FORMAT_VERSION:
        raise ArchiveRefused(
            f"unknown archive format version {manifest.format_version}; this version of the "
            f"tool reads version {FORMAT_VERSION} — 存档格式版本未知，请升级本工具"
        )
    return manifest


def _catalogues(
    store: AuditStore,
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    data: ArchiveData,
) -> dict[str, tuple[Catalogue, str]]:
    """The catalogues the audits use, with their text. One this store already holds under the
    same content hash is taken from the store, not parsed again; another is parsed by the bounded
    YAML reader (no aliases, size-limited) after its bytes matched the manifest."""
    found: dict[str, tuple[Catalogue, str]] = {}
    for content_hash in sorted({a.catalogue_hash for a in data.audits}):
        name = f"catalogues/{content_hash}.yaml"
        if name not in members:
            raise ArchiveRefused(f"{name}: an audit uses this catalogue, the archive lacks it")
        try:
            known = store.catalogue(content_hash)
        except NotFound:
            known = None
        raw = read_member(archive, members[name])
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ArchiveRefused(f"{name}: not UTF-8 text ({exc.reason})") from None
        if known is None:
            try:
                known = parse_catalogue(text, name)
            except CatalogueError as exc:
                raise ArchiveRefused(f"catalogue in the archive does not load: {exc}") from None
        if known.content_hash != content_hash:
            raise ArchiveRefused(f"{name}: the catalogue does not match its hash")
        found[content_hash] = (known, text)
    unused = sorted(n for n in members if n.startswith("catalogues/") and n[11:75] not in found)
    if unused:
        raise ArchiveRefused(f"member {unused[0]!r}: no audit in the archive uses it")
    return found


def _check_evidence_members(members: dict[str, zipfile.ZipInfo], data: ArchiveData) -> None:
    """Every evidence record has its file, and every file belongs to a record: nothing the
    records do not account for is taken in."""
    recorded = {f"evidence/{e.sha256}" for e in data.evidence}
    for record in data.evidence:
        if f"evidence/{record.sha256}" not in members:
            raise ArchiveRefused(f"evidence {record.title[:80]!r} has no file in the archive")
    stray = sorted(n for n in members if n.startswith("evidence/") and n not in recorded)
    if stray:
        raise ArchiveRefused(
            f"member {stray[0]!r} is no evidence record's file ({len(stray)} such); refused"
        )


def _refuse_existing_organisation(
    store: AuditStore, uid: str, profile: OrganisationProfile
) -> None:
    with store._read() as session:
        same = session.scalars(select(OrganisationRow).where(OrganisationRow.uid == uid)).first()
    if same is not None:
        raise ArchiveRefused(
            f"this archive's organisation is already here as #{same.id}「{same.name}」 "
            f"(imported or created on this machine) — 该组织已存在，未导入"
        )
    try:  # the same check a new organisation passes, on the normalised code
        with store._read() as session:
            store._refuse_duplicate_code(session, profile.credit_code)
    except InvalidEntry as exc:
        raise ArchiveRefused(
            f"{exc}; archive or change that organisation before importing — 该组织已存在"
        ) from None


def _check_free_space(store: AuditStore, members: dict[str, zipfile.ZipInfo]) -> None:
    """The staged files go to the store's spool folder (beside the blobs for the local store,
    in the data folder for a bucket) before they are published."""
    root = store.blobs.spool
    needed = sum(i.file_size for n, i in members.items() if n.startswith("evidence/"))
    free = shutil.disk_usage(root).free
    if needed + FREE_SPACE_MARGIN > free:
        raise ArchiveRefused(
            f"the evidence files need {needed} bytes; the disk of {root} has {free} free "
            f"— 磁盘空间不足"
        )


def _stage_evidence(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    data: ArchiveData,
    staging: StagingArea,
    policy: UploadPolicy,
) -> None:
    """Each evidence file through the upload checks (name, extension, content, size) into the
    staging folder; its record must say what the checks found."""
    for record in data.evidence:
        where = f"evidence {record.id} {shown(record.original_name)!r}"
        with CappedStream(archive, members[f"evidence/{record.sha256}"]) as stream:
            try:
                ingested = ingest(staging, record.original_name, stream, policy)
            except EvidenceRefused as exc:
                raise ArchiveRefused(f"data.json: {where}: {exc.message_en}") from None
            except OSError as exc:
                raise ArchiveRefused(f"{where}: cannot be staged ({exc.strerror})") from None
        if ingested.sha256 != record.sha256 or ingested.size != record.size:
            raise ArchiveRefused(f"{where}: the file does not match its record's SHA-256/size")
        if ingested.original_name != record.original_name:
            raise ArchiveRefused(
                f"data.json: {where}: the name is not in the form an upload stores (Unicode NFC)"
            )
        if ingested.media_type != record.media_type:
            raise ArchiveRefused(
                f"data.json: {where}: recorded as {record.media_type[:60]!r}, but the file is "
                f"{ingested.media_type!r}"
            )


def _parse_row(table: Any, record: BaseModel, **override: Any) -> Any:
    """A row from a checked record's fields that are columns of ``table``."""
    values = {
        column.key: getattr(record, column.key)
        for column in table.__table__.columns
        if column.key in type(record).model_fields and column.key != "id"
    }
    values.pop("version", None)
    values.update(override)
    return table(**values)


def _insert(
    store: AuditStore,
    records: CheckedRecords,
    catalogues: dict[str, tuple[Catalogue, str]],
    staging: StagingArea,
    actor: str,
    source_name: str,
    archive_sha256: str,
) -> ImportResult:
    data = records.data
    try:
        with store._write("import") as session:
            for content_hash, (catalogue, text) in catalogues.items():
                if session.get(CatalogueRow, content_hash) is None:
                    session.add(
                        CatalogueRow(
                            content_hash=content_hash,
                            catalogue_id=catalogue.id,
                            title=catalogue.spec.title.zh,
                            content=text,
                            loaded_at=utcnow(),
                        )
                    )
            organisation = OrganisationRow(
                uid=data.organisation.uid,
                archived=data.organisation.archived,
                created_at=data.organisation.created_at,
                **asdict(records.profile),
            )
            session.add(organisation)
            session.flush()
            audit_ids: dict[int, int] = {}
            for old_id, audit in records.audits.items():  # in round order
                row = _parse_row(
                    AuditRow,
                    audit.record,
                    organisation_id=organisation.id,
                    previous_audit_id=audit_ids.get(audit.record.previous_audit_id or 0),
                    scheme_id=audit.scheme_id,
                    prerequisites=audit.prerequisites,
                    title=audit.record.title.strip(),
                )
                session.add(row)
                session.flush()
                audit_ids[old_id] = row.id
                for item, checked in audit.items:
                    item_row = ItemRow(audit_id=row.id, item_id=item.item_id)
                    AuditsMixin._write_item(item_row, checked, item.updated_by)
                    item_row.updated_at = item.updated_at
                    session.add(item_row)
                for _, deduction in sorted(audit.deductions, key=lambda pair: pair[0].id):
                    deduction_row = DeductionRow(audit_id=row.id)
                    _write_deduction(deduction_row, deduction)
                    session.add(deduction_row)
                for bonus in audit.bonuses:
                    session.add(BonusRow(audit_id=row.id, reason=bonus.reason.strip()))
                if audit.snapshot is not None:
                    session.add(
                        SnapshotRow(
                            audit_id=row.id,
                            frozen_at=audit.snapshot.frozen_at,
                            result=audit.snapshot.result,
                        )
                    )
            evidence_ids: dict[int, int] = {}
            # earlier revisions first, so a revision's predecessor has its new id already
            for record in sorted(data.evidence, key=lambda e: (e.revision, e.id)):
                evidence_row = _parse_row(
                    EvidenceRow,
                    record,
                    organisation_id=organisation.id,
                    previous_id=evidence_ids[record.previous_id] if record.previous_id else None,
                )
                session.add(evidence_row)
                session.flush()
                evidence_ids[record.id] = evidence_row.id
            for request in data.requests:
                session.add(
                    _parse_row(
                        EvidenceRequestRow,
                        request,
                        organisation_id=organisation.id,
                        audit_id=audit_ids[request.audit_id],
                        evidence_id=evidence_ids[request.evidence_id]
                        if request.evidence_id
                        else None,
                    )
                )
            for link in data.links:
                session.add(
                    EvidenceLinkRow(
                        audit_id=audit_ids[link.audit_id],
                        item_id=link.item_id,
                        evidence_id=evidence_ids[link.evidence_id],
                        linked_at=link.linked_at,
                    )
                )
            insert_comments(session, data.comments, organisation.id, audit_ids)
            unmatched = insert_assignments(session, data.assignments, organisation.id, audit_ids)
            unmatched |= insert_owner_links(session, data.owner_links, organisation.id)
            _insert_change_log(
                store,
                session,
                records,
                organisation.id,
                audit_ids,
                actor,
                source_name,
                archive_sha256,
            )
            session.flush()
            staging.publish()  # the last step before the commit: see StagingArea.publish
    except BaseException as exc:
        staging.retract()
        if isinstance(exc, OSError):  # a full disk, or the staging folder removed meanwhile
            raise ArchiveRefused(
                f"the evidence files could not be moved into the evidence folder "
                f"({type(exc).__name__}: {exc.strerror}); nothing was imported"
            ) from None
        if isinstance(exc, SQLAlchemyError):
            raise ArchiveRefused(
                f"the database refused the records ({type(exc).__name__}: "
                f"{str(getattr(exc, 'orig', exc))[:300]})"
            ) from None
        raise
    return ImportResult(organisation.id, audit_ids, len(evidence_ids), tuple(sorted(unmatched)))


def _insert_change_log(
    store: AuditStore,
    session: Session,
    records: CheckedRecords,
    organisation_id: int,
    audit_ids: dict[int, int],
    actor: str,
    source_name: str,
    archive_sha256: str,
) -> None:
    """The archive's change log, then this import's own line: the one place log entries from an
    archive are written. Each is marked with the archive's SHA-256 and chained anew here."""
    imported = []
    for change in sorted(records.data.changes, key=lambda c: c.id):
        if change.audit_id is not None and change.audit_id not in audit_ids:
            raise ArchiveRefused(
                f"data.json: change {change.id} belongs to audit {change.audit_id}, not in the "
                f"archive"
            )
        imported.append(
            {
                "at": change.at,
                "actor": change.actor,
                "organisation_id": organisation_id,
                "audit_id": audit_ids.get(change.audit_id or 0),
                "entity": change.entity,
                "field": change.field,
                "old": change.old,
                "new": change.new,
                "account_login": change.account_login,
            }
        )
    changelog.append_imported(session, imported, archive_sha256)
    session.flush()
    store._log(
        session,
        actor,
        "organisation",
        [("imported", None, source_name)],
        organisation_id=organisation_id,
    )

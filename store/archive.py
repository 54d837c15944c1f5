"""One audit as a single .zip — its organisation, every round, the change log and the evidence
files — to send to a client and import on another machine.

Import trusts nothing in the archive: every member name, size, compression ratio and hash is
checked, and all checks pass before anything is written. The database part is one transaction,
so a refused or failed import leaves the existing data as it was.

    manifest.json            format, version, and every other member's SHA-256 and size
    data.json                the records (see ArchiveData)
    catalogues/<hash>.yaml   the catalogues the audits were scored against, verbatim
    evidence/<sha256>        the evidence files, by content
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import select

from criteria import CatalogueError, parse_catalogue
from store.base import utcnow
from store.errors import InvalidEntry, StoreError
from store.repository import AuditStore
from store.tables import (
    AuditRow,
    BonusRow,
    CatalogueRow,
    ChangeRow,
    DeductionRow,
    EvidenceLinkRow,
    EvidenceRow,
    ItemRow,
    OrganisationRow,
    SnapshotRow,
)

FORMAT = "gbt-audit-archive"
FORMAT_VERSION = 1
CHUNK = 1 << 20
MAX_MEMBERS = 20_000
MAX_DATA_BYTES = 200 << 20  # data.json, manifest and catalogues together stay far below this
MAX_RATIO = 200  # uncompressed ÷ compressed beyond this is a zip bomb, not a document
MEMBER = re.compile(
    r"^(manifest\.json|data\.json|catalogues/[0-9a-f]{64}\.yaml|evidence/[0-9a-f]{64})$"
)


class ArchiveRefused(StoreError):
    """The archive cannot be imported; nothing was changed."""


@dataclass(frozen=True)
class ImportResult:
    organisation_id: int
    audit_ids: dict[int, int]  # archive id → new id
    evidence_files: int


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

        data = {
            "organisation": _columns(session.get(OrganisationRow, organisation_id)),
            "audits": [_columns(r) for r in chain],
            "items": rows(ItemRow, ItemRow.audit_id.in_(ids)),
            "deductions": rows(DeductionRow, DeductionRow.audit_id.in_(ids)),
            "bonuses": rows(BonusRow, BonusRow.audit_id.in_(ids)),
            "evidence": rows(EvidenceRow, EvidenceRow.organisation_id == organisation_id),
            "links": rows(EvidenceLinkRow, EvidenceLinkRow.audit_id.in_(ids)),
            "snapshots": rows(SnapshotRow, SnapshotRow.audit_id.in_(ids)),
            "changes": rows(
                ChangeRow,
                (ChangeRow.audit_id.in_(ids))
                | ((ChangeRow.organisation_id == organisation_id) & ChangeRow.audit_id.is_(None)),
            ),
        }
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


def _write_stream(archive: zipfile.ZipFile, name: str, source: IO[bytes]) -> dict[str, Any]:
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


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    format: str
    format_version: int
    files: list[dict[str, Any]]


class ArchiveData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation: dict[str, Any]
    audits: list[dict[str, Any]]
    items: list[dict[str, Any]]
    deductions: list[dict[str, Any]]
    bonuses: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    links: list[dict[str, Any]]
    snapshots: list[dict[str, Any]]
    changes: list[dict[str, Any]]


def _check_members(archive: zipfile.ZipFile, max_member_bytes: int) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ArchiveRefused(f"archive has {len(infos)} members; at most {MAX_MEMBERS} expected")
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
            raise ArchiveRefused(f"member {name!r} has an absolute path")
        if ".." in name.split("/") or "\\" in name or "\0" in name:
            raise ArchiveRefused(f"member {name!r} tries to leave the archive folder")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ArchiveRefused(f"member {name!r} is a symbolic link")
        if info.is_dir() or not MEMBER.match(name):
            raise ArchiveRefused(f"member {name!r} is not part of the archive format")
        if name in members:
            raise ArchiveRefused(f"member {name!r} appears twice")
        limit = max_member_bytes if name.startswith("evidence/") else MAX_DATA_BYTES
        if info.file_size > limit:
            raise ArchiveRefused(
                f"member {name!r} is {info.file_size} bytes; the limit is {limit} bytes"
            )
        if info.file_size > CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ArchiveRefused(
                f"member {name!r} expands {info.file_size // max(info.compress_size, 1)}× "
                f"(a zip bomb?); refused"
            )
        members[name] = info
    for required in ("manifest.json", "data.json"):
        if required not in members:
            raise ArchiveRefused(f"archive has no {required}; it is not a {FORMAT}")
    return members


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """Member bytes, refusing more than the header declared (headers can lie)."""
    seen = 0
    with archive.open(info) as source:
        while chunk := source.read(CHUNK):
            seen += len(chunk)
            if seen > min(limit, info.file_size):
                raise ArchiveRefused(f"member {info.filename!r} is larger than it declares")
            yield chunk


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    return b"".join(_read_capped(archive, info, MAX_DATA_BYTES))


def import_archive(store: AuditStore, source: Path, *, actor: str) -> ImportResult:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveRefused(f"{Path(source).name}: not a readable .zip archive ({exc})") from None
    with archive:
        max_member = store.upload_policy.max_bytes
        members = _check_members(archive, max_member)
        manifest = _manifest(_read_small(archive, members["manifest.json"]))
        declared = {f["path"]: f for f in manifest.files}
        undeclared = sorted(set(members) - set(declared) - {"manifest.json"})
        missing = sorted(set(declared) - set(members))
        if undeclared or missing:
            raise ArchiveRefused(
                f"manifest and members disagree: undeclared {undeclared}, missing {missing}"
            )
        for name, entry in declared.items():  # every byte verified before anything is written
            _verify(archive, members[name], entry, max_member)
        data = _data(_read_small(archive, members["data.json"]))
        catalogues = {
            name.removeprefix("catalogues/").removesuffix(".yaml"): _read_small(
                archive, members[name]
            ).decode("utf-8")
            for name in members
            if name.startswith("catalogues/")
        }
        _check_catalogues(catalogues, data)
        _check_evidence_present(members, data)
        _refuse_existing_organisation(store, data)
        for name in sorted(n for n in members if n.startswith("evidence/")):
            with archive.open(members[name]) as stream:
                stored = store.blobs.put(stream, max_bytes=max_member)
            if stored.sha256 != name.removeprefix("evidence/"):
                raise ArchiveRefused(f"member {name!r} changed while importing")
    return _insert(store, data, catalogues, actor, Path(source).name)


def _manifest(payload: bytes) -> _Manifest:
    try:
        raw = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveRefused(f"manifest.json is not valid JSON ({exc})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ArchiveRefused(f"not a {FORMAT} (manifest format {raw.get('format')!r})")
    if raw.get("format_version") != FORMAT_VERSION:
        raise ArchiveRefused(
            f"unknown archive format version {raw.get('format_version')!r}; this version of the "
            f"tool reads version {FORMAT_VERSION} — 存档格式版本未知，请升级本工具"
        )
    try:
        return _Manifest.model_validate(raw)
    except ValidationError as exc:
        raise ArchiveRefused(f"manifest.json is malformed: {exc}") from None


def _verify(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: dict[str, Any], limit: int
) -> None:
    digest, size = hashlib.sha256(), 0
    for chunk in _read_capped(archive, info, max(limit, MAX_DATA_BYTES)):
        digest.update(chunk)
        size += len(chunk)
    if size != entry.get("size") or digest.hexdigest() != entry.get("sha256"):
        raise ArchiveRefused(
            f"member {info.filename!r} does not match its recorded SHA-256/size "
            f"(the archive was altered or damaged) — 文件校验失败"
        )
    if info.filename.startswith("evidence/") and digest.hexdigest() != info.filename[9:]:
        raise ArchiveRefused(f"evidence file {info.filename!r} does not hash to its name")


def _data(payload: bytes) -> ArchiveData:
    try:
        return ArchiveData.model_validate(json.loads(payload))
    except (UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
        raise ArchiveRefused(f"data.json is malformed: {exc}") from None


def _check_catalogues(catalogues: dict[str, str], data: ArchiveData) -> None:
    for content_hash, text in catalogues.items():
        try:
            catalogue = parse_catalogue(text, f"catalogues/{content_hash}.yaml")
        except CatalogueError as exc:
            raise ArchiveRefused(f"catalogue in the archive does not load: {exc}") from None
        if catalogue.content_hash != content_hash:
            raise ArchiveRefused(f"catalogue {content_hash[:12]}… does not match its hash")
    for audit in data.audits:
        if audit["catalogue_hash"] not in catalogues:
            raise ArchiveRefused(f"audit {audit['id']} refers to a catalogue not in the archive")


def _check_evidence_present(members: dict[str, zipfile.ZipInfo], data: ArchiveData) -> None:
    for record in data.evidence:
        if f"evidence/{record['sha256']}" not in members:
            raise ArchiveRefused(f"evidence {record['title']!r} has no file in the archive")


def _refuse_existing_organisation(store: AuditStore, data: ArchiveData) -> None:
    uid = data.organisation.get("uid")
    with store._read() as session:
        same = session.scalars(select(OrganisationRow).where(OrganisationRow.uid == uid)).first()
    if same is not None:
        raise ArchiveRefused(
            f"this archive's organisation is already here as #{same.id}「{same.name}」 "
            f"(imported or created on this machine) — 该组织已存在，未导入"
        )
    code = data.organisation.get("credit_code") or ""
    if not code:
        return
    with store._read() as session:
        other = session.scalars(
            select(OrganisationRow).where(OrganisationRow.credit_code == code)
        ).first()
    if other is not None:
        raise ArchiveRefused(
            f"organisation #{other.id}「{other.name}」 with credit code {code} is already here; "
            f"archive it or change its code before importing — 该组织已存在"
        )


def _parse(table: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Archive JSON back to column values (dates and datetimes from ISO text)."""
    parsed = {}
    for column in table.__table__.columns:
        if column.key not in values:
            continue
        value = values[column.key]
        python_type = getattr(column.type, "impl", column.type).python_type
        if value is not None and python_type is datetime:
            value = datetime.fromisoformat(value)
        elif value is not None and python_type is date:
            value = date.fromisoformat(value)
        parsed[column.key] = value
    return parsed


def _insert(
    store: AuditStore, data: ArchiveData, catalogues: dict[str, str], actor: str, source_name: str
) -> ImportResult:
    try:
        with store._write("import") as session:
            for content_hash, text in catalogues.items():
                if session.get(CatalogueRow, content_hash) is None:
                    catalogue = parse_catalogue(text)
                    session.add(
                        CatalogueRow(
                            content_hash=content_hash,
                            catalogue_id=catalogue.id,
                            title=catalogue.spec.title.zh,
                            content=text,
                            loaded_at=utcnow(),
                        )
                    )
            org_values = _parse(OrganisationRow, data.organisation)
            org_values.pop("id")
            organisation = OrganisationRow(**org_values)
            session.add(organisation)
            session.flush()
            audit_ids: dict[int, int] = {}
            for audit in sorted(data.audits, key=lambda a: a["round_no"]):
                values = _parse(AuditRow, audit)
                old_id = values.pop("id")
                values["organisation_id"] = organisation.id
                values["previous_audit_id"] = audit_ids.get(values.get("previous_audit_id"))
                row = AuditRow(**values)
                session.add(row)
                session.flush()
                audit_ids[old_id] = row.id
            evidence_ids: dict[int, int] = {}
            for record in data.evidence:
                values = _parse(EvidenceRow, record)
                old_id = values.pop("id")
                values["organisation_id"] = organisation.id
                row = EvidenceRow(**values)
                session.add(row)
                session.flush()
                evidence_ids[old_id] = row.id
            for table, records in (
                (ItemRow, data.items),
                (DeductionRow, data.deductions),
                (BonusRow, data.bonuses),
                (SnapshotRow, data.snapshots),
            ):
                for record in records:
                    values = _parse(table, record)
                    if table is not ItemRow and table is not SnapshotRow:
                        values.pop("id", None)
                    values["audit_id"] = audit_ids[values["audit_id"]]
                    session.add(table(**values))
            for link in data.links:
                values = _parse(EvidenceLinkRow, link)
                values["audit_id"] = audit_ids[values["audit_id"]]
                values["evidence_id"] = evidence_ids[values["evidence_id"]]
                session.add(EvidenceLinkRow(**values))
            for change in sorted(data.changes, key=lambda c: c["id"]):
                values = _parse(ChangeRow, change)
                values.pop("id")
                values["organisation_id"] = organisation.id
                values["audit_id"] = audit_ids.get(values.get("audit_id"))
                session.add(ChangeRow(**values))
            session.flush()
            store._log(
                session,
                actor,
                "organisation",
                [("imported", None, source_name)],
                organisation_id=organisation.id,
            )
            return ImportResult(organisation.id, audit_ids, len(evidence_ids))
    except (KeyError, TypeError, ValueError) as exc:
        raise ArchiveRefused(f"data.json does not hold consistent records ({exc!r})") from None
    except InvalidEntry as exc:
        raise ArchiveRefused(str(exc)) from None

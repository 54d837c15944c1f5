"""An archive's records (data.json), checked by the rules a user's own entries pass.

Two layers: the shape (pydantic: every key present, the right types, 32-bit integers, aware
datetimes, bounded nesting) and then the meaning, through the store's and the scorer's own
checks — ``_checked_profile``, ``_checked_item``, ``_checked_deduction``, ``_scheme``,
``_prerequisites``, ``score_audit`` — not a copy of them. A frozen round's snapshot must follow
from its own entries (exact score, and tier under its own scoring rules: scoring.history); a
tampered one is refused.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from criteria import Catalogue
from domain.errors import InvalidEntry
from domain.owners import owner_key
from domain.records import (
    AuditState,
    DeductionRecord,
    ItemRecord,
    OrganisationProfile,
    Rectification,
)
from domain.work import target_level
from evidence import BadBlobHash, check_sha256
from scoring import (
    AuditError,
    AuditInput,
    SpecialBonus,
    SpecialDeduction,
    display,
    score_audit,
)
from scoring.history import (
    SnapshotUnreadable,
    recorded_tier,
    rules_version,
    snapshot_differences,
    tier_under,
)
from store.accounts import AccountError, normalise_login
from store.archive_members import ArchiveRefused
from store.audits import AuditsMixin, _assessment
from store.organisations import OrganisationsMixin
from store.work_tables import OWNER_KEY_LIMIT

INT32 = 2**31 - 1  # PostgreSQL's integer; SQLite would take more, the other database not
Id = Annotated[int, Field(ge=1, le=INT32)]
Count = Annotated[int, Field(ge=-INT32, le=INT32)]  # the sign is the store's rule to check
ShortText = Annotated[str, Field(max_length=200)]
Text = Annotated[str, Field(max_length=100_000)]
MAX_PROBLEMS_SHOWN = 10


class _Record(BaseModel):
    # Unknown keys are ignored: rows are built from the known fields only, and a newer export
    # may carry columns this version does not have.
    model_config = ConfigDict(extra="ignore", frozen=True)


class OrganisationIn(_Record):
    id: Id
    uid: Annotated[str, Field(min_length=1, max_length=36)]
    name: Text
    credit_code: Annotated[str, Field(max_length=40)]  # normalised and checked below
    address: Text
    legal_representative: Text
    contact_name: Text
    contact_phone: Text
    contact_email: Text
    headcount: Count | None
    service_headcount: Count | None
    products_in_scope: Text
    service_outlets: Count | None
    sales_outlets: Count | None
    business_scope: Text
    profile: Text
    honours: Text
    archived: bool
    created_at: AwareDatetime


class AuditIn(_Record):
    id: Id
    title: Text
    catalogue_id: ShortText
    catalogue_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    scheme_id: ShortText
    round_no: Id
    audit_date: date
    assessor: Text
    state: ShortText
    previous_audit_id: Id | None
    prerequisites: dict[ShortText, bool | None]
    created_at: AwareDatetime
    frozen_at: AwareDatetime | None
    planned_certification_on: date | None = None  # since migration 0005


class _ActionIn(_Record):
    action: Text
    action_owner: Text
    action_due: date | None
    action_state: ShortText

    def rectification(self) -> Rectification:
        # the state stays text here: the store's own check turns it into an ActionState
        state: Any = self.action_state
        return Rectification(self.action, self.action_owner, self.action_due, state)


class ItemIn(_ActionIn):
    audit_id: Id
    item_id: Annotated[str, Field(max_length=20)]
    status: ShortText
    samples_checked: Count | None
    samples_conforming: Count | None
    justification: Text
    notes: Text
    finding: Text
    effort: Annotated[Decimal, Field(max_digits=8, decimal_places=2)] | None
    updated_at: AwareDatetime
    updated_by: Text


class DeductionIn(_ActionIn):
    id: Id
    audit_id: Id
    reason: Text
    category: Annotated[str, Field(max_length=50)]
    item_id: Annotated[str, Field(max_length=20)] | None


class BonusIn(_Record):
    id: Id
    audit_id: Id
    reason: Text


class EvidenceIn(_Record):
    id: Id
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    title: Text
    kind: Text
    original_name: Text  # checked by the upload rules when the file is staged
    size: Annotated[int, Field(ge=0, le=2**53)]
    media_type: ShortText
    uploaded_by: Text
    uploaded_at: AwareDatetime
    valid_until: date | None
    # since migration 0005; an older archive has none of them
    covered_from: date | None = None
    covered_to: date | None = None
    revision: Annotated[int, Field(ge=1, le=INT32)] = 1
    previous_id: Id | None = None
    replaced_at: AwareDatetime | None = None
    replaced_by: Text | None = None


class RequestIn(_Record):
    id: Id
    audit_id: Id
    item_id: Annotated[str, Field(max_length=20)]
    needed: Text
    owner: Text
    due: date | None
    requested_by: Text
    requested_at: AwareDatetime
    closed_at: AwareDatetime | None
    closed_by: Text | None
    evidence_id: Id | None


class CommentIn(_Record):
    """A comment in an item's thread; its author and mentions by login (accounts are per
    machine: an import links them to the accounts of the same login here, if any)."""

    id: Id
    audit_id: Id
    item_id: Annotated[str, Field(max_length=20)]
    author_name: Text
    author_login: ShortText = ""
    body: Text
    created_at: AwareDatetime
    edited_at: AwareDatetime | None = None
    mentions: Annotated[list[ShortText], Field(max_length=1000)] = []


class AssignmentIn(_Record):
    """An item or a second-level indicator of a round given to an account, by login."""

    audit_id: Id
    target: Annotated[str, Field(max_length=20)]
    level: Literal["item", "indicator"]
    assignee_login: ShortText
    assignee_name: Text
    due: date | None
    assigned_by: Text
    assigned_at: AwareDatetime


class OwnerLinkIn(_Record):
    """A free-text action owner of the organisation linked to an account, by login."""

    owner_text: Text
    login: ShortText
    linked_by: Text
    linked_at: AwareDatetime


class LinkIn(_Record):
    audit_id: Id
    item_id: Annotated[str, Field(max_length=20)]
    evidence_id: Id
    linked_at: AwareDatetime


class SnapshotIn(_Record):
    audit_id: Id
    frozen_at: AwareDatetime
    result: dict[str, Any]


class ChangeIn(_Record):
    id: Id
    at: AwareDatetime
    actor: Text
    audit_id: Id | None
    entity: Text
    field: Text
    old: Text | None
    new: Text | None
    account_login: Text | None = None  # the account that acted there (archives from 0010 on)


class ArchiveData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    organisation: OrganisationIn
    audits: list[AuditIn]
    items: list[ItemIn]
    deductions: list[DeductionIn]
    bonuses: list[BonusIn]
    evidence: list[EvidenceIn]
    links: list[LinkIn]
    snapshots: list[SnapshotIn]
    changes: list[ChangeIn]
    requests: list[RequestIn] = []  # since migration 0005
    comments: list[CommentIn] = []  # since migration 0011
    assignments: list[AssignmentIn] = []  # written since archives carry them (0011's tables)
    owner_links: list[OwnerLinkIn] = []  # the same


def parse_data(payload: bytes) -> ArchiveData:
    """data.json's shape: the JSON parser bounds nesting, pydantic the types and ranges."""
    try:
        return ArchiveData.model_validate_json(payload)
    except ValidationError as exc:
        raise ArchiveRefused(describe("data.json", exc)) from None


def describe(source: str, exc: ValidationError) -> str:
    """The first problems of a validation error as "source: where: what" lines."""
    errors = exc.errors(include_url=False, include_input=False)
    lines = [
        f"{source}: {'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
        for err in errors[:MAX_PROBLEMS_SHOWN]
    ]
    if len(errors) > MAX_PROBLEMS_SHOWN:
        lines.append(f"… and {len(errors) - MAX_PROBLEMS_SHOWN} more problems")
    return "\n".join(lines)


@dataclass
class CheckedAudit:
    record: AuditIn
    catalogue: Catalogue
    scheme_id: str
    prerequisites: dict[str, bool | None]
    items: list[tuple[ItemIn, ItemRecord]] = field(default_factory=list)
    deductions: list[tuple[DeductionIn, DeductionRecord]] = field(default_factory=list)
    bonuses: list[BonusIn] = field(default_factory=list)
    snapshot: SnapshotIn | None = None

    @property
    def where(self) -> str:
        return f"audit {self.record.id} (round {self.record.round_no})"


@dataclass
class CheckedRecords:
    """Everything data.json holds, each record passed by the store's rules."""

    data: ArchiveData
    profile: OrganisationProfile  # normalised: trimmed, credit code compacted to upper case
    audits: dict[int, CheckedAudit]  # by archive id, in round order


def check_records(data: ArchiveData, catalogues: dict[str, Catalogue]) -> CheckedRecords:
    profile = _checked(
        "organisation",
        OrganisationsMixin._checked_profile,
        OrganisationProfile(
            **{
                name: getattr(data.organisation, name)
                for name in OrganisationProfile.__dataclass_fields__
            }
        ),
    )
    audits = _checked_audits(data, catalogues)
    _check_entries(data, audits)
    _check_evidence(data, audits)
    _check_comments(data, audits)
    _check_assignments(data, audits)
    _check_owner_links(data)
    for audit in audits.values():
        _check_score(audit)
    return CheckedRecords(data, profile, audits)


def _checked(where: str, check: Any, *args: Any) -> Any:
    """Run one of the store's checks, turning its refusal into the archive's, with the place."""
    try:
        return check(*args)
    except (InvalidEntry, ValueError, KeyError) as exc:
        raise ArchiveRefused(f"data.json: {where}: {exc}") from None


def _checked_audits(data: ArchiveData, catalogues: dict[str, Catalogue]) -> dict[int, CheckedAudit]:
    _unique("audit id", [a.id for a in data.audits])
    _unique("audit round", [a.round_no for a in data.audits])
    if not data.audits:
        raise ArchiveRefused("data.json: the archive holds no audit")
    rounds = {a.id: a.round_no for a in data.audits}
    audits: dict[int, CheckedAudit] = {}
    for record in sorted(data.audits, key=lambda a: a.round_no):
        where = f"audit {record.id} (round {record.round_no})"
        catalogue = catalogues.get(record.catalogue_hash)
        if catalogue is None or catalogue.id != record.catalogue_id:
            raise ArchiveRefused(f"data.json: {where}: its catalogue is not in the archive")
        if not record.title.strip():
            raise ArchiveRefused(f"data.json: {where}: 审核名称必填 — the audit needs a title")
        state = _checked(f"{where}: state", AuditState, record.state)
        frozen = record.frozen_at is not None
        if (state is AuditState.DRAFT and frozen) or (state is AuditState.FROZEN and not frozen):
            raise ArchiveRefused(
                f"data.json: {where}: state {record.state!r} does not fit frozen_at "
                f"{record.frozen_at}"
            )
        previous = record.previous_audit_id
        if previous is not None and rounds.get(previous, record.round_no) >= record.round_no:
            raise ArchiveRefused(
                f"data.json: {where}: previous round {previous} is not an earlier round here"
            )
        audits[record.id] = CheckedAudit(
            record,
            catalogue,
            _checked(f"{where}: scheme", AuditsMixin._scheme, catalogue, record.scheme_id),
            _checked(
                f"{where}: prerequisites",
                AuditsMixin._prerequisites,
                catalogue,
                record.prerequisites,
            ),
        )
    return audits


def _audit_of(audits: dict[int, CheckedAudit], audit_id: int, what: str) -> CheckedAudit:
    if audit_id not in audits:
        raise ArchiveRefused(f"data.json: {what} belongs to audit {audit_id}, not in the archive")
    return audits[audit_id]


def _check_entries(data: ArchiveData, audits: dict[int, CheckedAudit]) -> None:
    _unique("item assessment", [(i.audit_id, i.item_id) for i in data.items])
    for item in data.items:
        audit = _audit_of(audits, item.audit_id, f"item {item.item_id}")
        where = f"{audit.where}: item {item.item_id}"
        if not audit.catalogue.has_item(item.item_id):
            raise ArchiveRefused(
                f"data.json: {where}: unknown item id (not in {audit.catalogue.id})"
            )
        record = ItemRecord(
            audit_id=item.audit_id,
            item_id=item.item_id,
            status=item.status,  # type: ignore[arg-type]  # text: the check makes it a Status
            samples_checked=item.samples_checked,
            samples_conforming=item.samples_conforming,
            justification=item.justification,
            notes=item.notes,
            finding=item.finding,
            effort=float(item.effort) if item.effort is not None else None,
            rectification=item.rectification(),
        )
        checked = _checked(where, AuditsMixin._checked_item, audit.catalogue, record)
        audit.items.append((item, checked))
    _unique("special deduction id", [d.id for d in data.deductions])
    for deduction in data.deductions:
        audit = _audit_of(audits, deduction.audit_id, f"special deduction {deduction.id}")
        deduction_record = DeductionRecord(
            0,
            deduction.audit_id,
            deduction.reason,
            deduction.category,
            deduction.item_id or None,
            deduction.rectification(),
        )
        checked = _checked(
            f"{audit.where}: special deduction {deduction.id}",
            AuditsMixin._checked_deduction,
            audit.catalogue,
            deduction_record,
        )
        audit.deductions.append((deduction, checked))
    _unique("special bonus id", [b.id for b in data.bonuses])
    for bonus in data.bonuses:
        audit = _audit_of(audits, bonus.audit_id, f"special bonus {bonus.id}")
        if not bonus.reason.strip():
            raise ArchiveRefused(
                f"data.json: {audit.where}: 特别加分项需写明理由 — a special bonus needs its reason"
            )
        audit.bonuses.append(bonus)
    _unique("round snapshot", [s.audit_id for s in data.snapshots])
    for snapshot in data.snapshots:
        _audit_of(audits, snapshot.audit_id, "a round snapshot").snapshot = snapshot
    for audit in audits.values():
        frozen = audit.record.frozen_at is not None
        if frozen != (audit.snapshot is not None):
            raise ArchiveRefused(
                f"data.json: {audit.where}: a frozen round needs exactly its snapshot, a draft "
                f"none ({'frozen' if frozen else 'draft'}, "
                f"{'with' if audit.snapshot else 'without'} snapshot)"
            )


def _check_comments(data: ArchiveData, audits: dict[int, CheckedAudit]) -> None:
    _unique("comment", [c.id for c in data.comments])
    for comment in data.comments:
        audit = _audit_of(audits, comment.audit_id, f"comment {comment.id}")
        if not audit.catalogue.has_item(comment.item_id):
            raise ArchiveRefused(
                f"data.json: {audit.where}: comment {comment.id} on unknown item "
                f"{comment.item_id!r}"
            )
        if not comment.body.strip() or not comment.author_name.strip():
            raise ArchiveRefused(f"data.json: comment {comment.id}: it is empty or has no author")


def _check_assignments(data: ArchiveData, audits: dict[int, CheckedAudit]) -> None:
    _unique("assignment", [(a.audit_id, a.target) for a in data.assignments])
    for assignment in data.assignments:
        where = f"assignment of {assignment.target!r}"
        audit = _audit_of(audits, assignment.audit_id, where)
        if target_level(audit.catalogue, assignment.target) != assignment.level:
            raise ArchiveRefused(
                f"data.json: {audit.where}: {where}: not an {assignment.level} of its catalogue"
            )
        _check_login(assignment.assignee_login, f"{audit.where}: {where}")


def _check_owner_links(data: ArchiveData) -> None:
    keys = []
    for n, link in enumerate(data.owner_links):
        key = owner_key(link.owner_text)
        if not key or len(key) > OWNER_KEY_LIMIT:
            raise ArchiveRefused(
                f"data.json: owner link {n + 1}: the owner text is empty or longer than "
                f"{OWNER_KEY_LIMIT} characters"
            )
        _check_login(link.login, f"owner link {n + 1}")
        keys.append(key)
    _unique("owner link", keys)


def _check_login(login: str, where: str) -> None:
    """A login as this machine's accounts write it: an archive's login matches one here or
    none, and is shown to the person importing (so no control characters, no line breaks)."""
    try:
        valid = normalise_login(login) == login
    except AccountError:
        valid = False
    if not valid:
        raise ArchiveRefused(f"data.json: {where}: {login[:40]!r} is not a login")


def _check_evidence(data: ArchiveData, audits: dict[int, CheckedAudit]) -> None:
    _unique("evidence id", [e.id for e in data.evidence])
    _unique("evidence file", [e.sha256 for e in data.evidence])
    for record in data.evidence:
        try:
            check_sha256(record.sha256)
        except BadBlobHash as exc:
            raise ArchiveRefused(f"data.json: evidence {record.id}: {exc}") from None
        if not record.title.strip():
            raise ArchiveRefused(
                f"data.json: evidence {record.id}: 证据标题必填 — evidence needs a title"
            )
    evidence_ids = {e.id for e in data.evidence}
    by_id = {e.id: e for e in data.evidence}
    _unique("evidence revision", [e.previous_id for e in data.evidence if e.previous_id])
    for record in data.evidence:
        if record.previous_id is None:
            continue
        previous = by_id.get(record.previous_id)
        # an earlier revision, replaced: a chain that cannot loop back on itself
        if previous is None or previous.revision >= record.revision or previous.replaced_at is None:
            raise ArchiveRefused(
                f"data.json: evidence {record.id}: revision {record.revision} names "
                f"{record.previous_id} as the revision it replaced, which is no earlier, "
                "replaced revision in the archive"
            )
    _unique("evidence request", [r.id for r in data.requests])
    for request in data.requests:
        audit = _audit_of(audits, request.audit_id, f"evidence request {request.id}")
        if not audit.catalogue.has_item(request.item_id):
            raise ArchiveRefused(
                f"data.json: {audit.where}: evidence request {request.id} for unknown item "
                f"{request.item_id!r}"
            )
        if not request.owner.strip() or not request.needed.strip():
            raise ArchiveRefused(
                f"data.json: evidence request {request.id}: it names no one or nothing"
            )
        if request.evidence_id is not None and request.evidence_id not in evidence_ids:
            raise ArchiveRefused(
                f"data.json: evidence request {request.id} was answered by evidence "
                f"{request.evidence_id}, which is not in the archive"
            )
    _unique("evidence link", [(k.audit_id, k.item_id, k.evidence_id) for k in data.links])
    for link in data.links:
        audit = _audit_of(audits, link.audit_id, f"evidence link to item {link.item_id}")
        if not audit.catalogue.has_item(link.item_id):
            raise ArchiveRefused(
                f"data.json: {audit.where}: evidence linked to unknown item {link.item_id!r}"
            )
        if link.evidence_id not in evidence_ids:
            raise ArchiveRefused(
                f"data.json: {audit.where}: item {link.item_id} links evidence "
                f"{link.evidence_id}, which is not in the archive"
            )


def entries(audit: CheckedAudit) -> AuditInput:
    """The audit's entries as scoring input, as ``AuditsMixin._entries`` reads them."""
    return AuditInput(
        assessments={r.item_id: _assessment(r) for _, r in audit.items},
        deductions=tuple(
            SpecialDeduction(r.reason, r.category, r.item_id)
            for d, r in sorted(audit.deductions, key=lambda pair: pair[0].id)
        ),
        bonuses=tuple(SpecialBonus(b.reason.strip()) for b in audit.bonuses),
        prerequisites=audit.prerequisites,
        scheme_id=audit.scheme_id,
    )


def _check_score(audit: CheckedAudit) -> None:
    """The audit must score (the scorer's own validation), and a frozen round's snapshot must
    follow from its entries: the exact score, and the tier under the scoring rules the snapshot
    was made with (scoring.history). Its presentation (display strings, titles, sections, gaps,
    plans) is the record of its day and is kept as it is."""
    try:
        result = score_audit(audit.catalogue, entries(audit))
    except AuditError as exc:
        raise ArchiveRefused(f"data.json: {audit.where}: {exc}") from None
    if audit.snapshot is None:
        return
    stored = audit.snapshot.result
    try:
        differs = snapshot_differences(stored, result)
    except SnapshotUnreadable as exc:
        raise ArchiveRefused(
            code="store.archive.snapshot_unreadable", where=audit.where, field=exc.what
        ) from None
    if differs:
        version = rules_version(stored)
        raise ArchiveRefused(
            code="store.archive.snapshot_differs",
            where=audit.where,
            fields=", ".join(differs),
            stored_score=str(stored.get("score_exact"))[:40],
            stored_tier=str(recorded_tier(stored)),
            rules_version=version,
            score=display.exact(result.score),
            tier=str(tier_under(result, version)),
        )


def _unique(what: str, keys: list[Any]) -> None:
    repeated = [k for k, n in Counter(keys).items() if n > 1]
    if repeated:
        raise ArchiveRefused(f"data.json: {what} {repeated[0]!r} appears more than once")

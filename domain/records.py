"""What the store hands out: plain frozen records, free of SQLAlchemy, for the app and dossier."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from scoring import Status


class AuditState(StrEnum):
    DRAFT = "draft"  # being filled in
    FROZEN = "frozen"  # a round closed: entries and scores kept as they were
    ARCHIVED = "archived"  # hidden from the default lists, still readable


class ActionState(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True)
class OrganisationProfile:
    """The company data an application form (认证申请表) asks for."""

    name: str  # 企业名称
    credit_code: str = ""  # 统一社会信用代码 (18 characters, checked)
    address: str = ""  # 注册/经营地址
    legal_representative: str = ""  # 法定代表人
    contact_name: str = ""  # 联系人
    contact_phone: str = ""  # 联系电话
    contact_email: str = ""  # 电子邮箱
    headcount: int | None = None  # 员工总数
    service_headcount: int | None = None  # 售后服务人员数
    products_in_scope: str = ""  # 认证范围（产品/服务）
    service_outlets: int | None = None  # 售后服务网点数
    sales_outlets: int | None = None  # 销售网点数
    business_scope: str = ""  # 经营范围
    profile: str = ""  # 企业简介
    honours: str = ""  # 已获认证与荣誉


@dataclass(frozen=True)
class Organisation:
    id: int
    profile: OrganisationProfile
    created_at: datetime
    archived: bool = False
    version: int = 1


@dataclass(frozen=True)
class Rectification:
    """整改措施 for a finding: what, who, by when, and how far it has got."""

    action: str = ""
    owner: str = ""
    due: date | None = None
    state: ActionState = ActionState.OPEN

    @property
    def is_set(self) -> bool:
        return bool(self.action.strip())


@dataclass(frozen=True)
class ItemRecord:
    audit_id: int
    item_id: str
    status: Status = Status.NOT_ASSESSED
    samples_checked: int | None = None
    samples_conforming: int | None = None
    justification: str = ""  # 删减理由
    notes: str = ""
    finding: str = ""  # 不符合事实 / 评价发现
    effort: float | None = None  # estimated cost of fixing, for the planner
    rectification: Rectification = field(default_factory=Rectification)
    evidence_ids: tuple[int, ...] = ()
    version: int = 0  # 0: never saved; optimistic concurrency token afterwards
    updated_at: datetime | None = None
    updated_by: str = ""


@dataclass(frozen=True)
class DeductionRecord:
    id: int
    audit_id: int
    reason: str
    category: str
    item_id: str | None = None
    rectification: Rectification = field(default_factory=Rectification)
    version: int = 1


@dataclass(frozen=True)
class BonusRecord:
    id: int
    audit_id: int
    reason: str
    version: int = 1


@dataclass(frozen=True)
class EvidenceRecord:
    """A document in an organisation's evidence library. The file is stored once by SHA-256."""

    id: int
    organisation_id: int
    sha256: str
    title: str
    kind: str  # 文件类别: 制度文件, 记录, 证照, 照片...
    original_name: str
    size: int
    media_type: str  # sniffed from the content, not the extension
    uploaded_by: str
    uploaded_at: datetime
    valid_until: date | None = None
    covered_from: date | None = None  # the period the record covers
    covered_to: date | None = None
    revision: int = 1
    previous_id: int | None = None  # the revision this one replaced
    replaced_at: datetime | None = None  # set once a newer revision replaced this one
    replaced_by: str | None = None

    def expired_on(self, day: date) -> bool:
        return self.valid_until is not None and self.valid_until < day

    @property
    def current(self) -> bool:
        return self.replaced_at is None


@dataclass(frozen=True)
class EvidenceRequest:
    """A request to a named colleague for evidence an item lacks."""

    id: int
    organisation_id: int
    audit_id: int
    item_id: str
    needed: str
    owner: str
    due: date | None
    requested_by: str
    requested_at: datetime
    closed_at: datetime | None = None
    closed_by: str | None = None
    evidence_id: int | None = None  # the file whose link closed it
    version: int = 1

    @property
    def open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class AuditRecord:
    id: int
    organisation_id: int
    title: str
    catalogue_id: str
    catalogue_hash: str
    scheme_id: str
    round_no: int
    audit_date: date
    assessor: str
    state: AuditState
    previous_audit_id: int | None = None
    prerequisites: dict[str, bool | None] = field(default_factory=dict)
    version: int = 1
    created_at: datetime | None = None
    frozen_at: datetime | None = None
    planned_certification_on: date | None = None


@dataclass(frozen=True)
class ChangeEntry:
    """One line of the append-only change log."""

    id: int
    audit_id: int | None
    organisation_id: int | None
    at: datetime
    actor: str
    entity: str  # "item 1.2.3", "organisation", "evidence 12"...
    field: str
    old: str | None
    new: str | None
    imported_sha256: str | None = None  # entries from an archive: that archive's SHA-256
    account_id: int | None = None  # the account that acted (None: before it was recorded)
    account_login: str | None = None

"""A realistic dossier built in code: a catalogue of the standard's shape (3 first-level, 15
second-level indicators, 48 items worth 100 points, Chinese titles), an appliance retailer's
audit of it, and evidence files written to a folder, served by a dict-backed EvidenceSource."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml
from catalogue_builder import ItemDef, catalogue_dict
from PIL import Image, ImageDraw
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from criteria import Catalogue, parse_catalogue
from domain.records import (
    ActionState,
    AuditRecord,
    AuditState,
    BonusRecord,
    DeductionRecord,
    EvidenceRecord,
    ItemRecord,
    OrganisationProfile,
    Rectification,
)
from dossier import DossierData
from scoring import (
    AuditInput,
    ItemAssessment,
    SpecialBonus,
    SpecialDeduction,
    Status,
    plan_next_tier,
    score_audit,
)

# (id, zh, en) of the indicators; items: (id, points, zh, en, scoring, excludable)
FIRST_LEVELS = {
    "1": ("售后服务体系", "After-sales service system"),
    "2": ("商品服务", "Commodity service"),
    "3": ("顾客服务", "Customer service"),
}
SECOND_LEVELS = {
    "1.1": ("组织架构", "Organisation"),
    "1.2": ("人员配置", "Staffing"),
    "1.3": ("资源配置", "Resources"),
    "1.4": ("规范要求", "Service norms"),
    "1.5": ("监督", "Supervision"),
    "1.6": ("改进", "Improvement"),
    "1.7": ("服务文化", "Service culture"),
    "2.1": ("商品信息", "Product information"),
    "2.2": ("技术支持", "Technical support"),
    "2.3": ("配送", "Delivery"),
    "2.4": ("维修", "Repair"),
    "2.5": ("质量保证", "Quality assurance"),
    "2.6": ("废弃商品回收", "Recycling of discarded products"),
    "3.1": ("顾客关系", "Customer relations"),
    "3.2": ("投诉处理", "Complaint handling"),
}
B, S = "binary", "sampled"
ITEMS = [
    ("1.1.1", 2, "设立专门的售后服务管理部门", "A dedicated after-sales department", B, False),
    ("1.1.2", 2, "明确售后服务管理者及其职责", "After-sales managers and duties defined", B, False),
    ("1.1.3", 1, "售后服务组织架构图完整并公示", "Organisation chart complete and shown", B, False),
    ("1.2.1", 2, "售后服务人员数量满足业务需要", "Enough service staff for the business", B, False),
    ("1.2.2", 3, "服务人员具备相应资质和能力", "Service staff qualified and competent", S, False),
    ("1.2.3", 2, "定期开展服务人员培训与考核", "Regular staff training and assessment", B, False),
    ("1.3.1", 2, "售后服务网点布局合理", "Service outlets well placed", B, True),
    ("1.3.2", 2, "配备必要的服务设施与备件", "Service facilities and spare parts", S, False),
    ("1.3.3", 2, "设立售后服务专项资金", "A dedicated after-sales budget", B, False),
    ("1.4.1", 2, "制定售后服务管理制度", "After-sales management rules", B, False),
    ("1.4.2", 2, "制定服务规范与服务流程", "Service standards and processes", B, False),
    ("1.4.3", 2, "服务人员行为规范", "Code of conduct for service staff", S, False),
    ("1.5.1", 2, "建立服务质量监督机制", "Service quality supervision", B, False),
    ("1.5.2", 2, "开展顾客满意度测评", "Customer satisfaction measured", B, False),
    ("1.5.3", 2, "内部审核与管理评审", "Internal audit and management review", B, False),
    ("1.6.1", 2, "对监督发现的问题制定改进措施", "Improvements for supervision findings", B, False),
    ("1.6.2", 1, "改进措施有效性验证", "Effectiveness of improvements checked", B, False),
    ("1.7.1", 1, "确立售后服务理念并有效传达", "Service philosophy set and communicated", B, False),
    ("1.7.2", 1, "服务承诺公开并得到履行", "Service promises published and kept", B, False),
    ("2.1.1", 2, "商品信息标识完整、真实", "Product information complete and true", B, False),
    ("2.1.2", 2, "提供中文使用说明书与保修凭证", "Chinese manual and warranty card", B, False),
    ("2.1.3", 2, "明示售后服务政策（三包）", "After-sales policy (三包) displayed", B, False),
    ("2.2.1", 3, "提供安装调试服务", "Installation and commissioning", B, True),
    ("2.2.2", 2, "提供使用指导与技术咨询", "Usage guidance and technical advice", B, False),
    ("2.2.3", 2, "提供远程或热线技术支持", "Remote or hotline support", B, False),
    ("2.3.1", 3, "配送服务按约定时间完成", "Deliveries on the agreed date", S, True),
    ("2.3.2", 2, "配送过程商品防护与验收", "Goods protected and checked on delivery", B, True),
    ("2.3.3", 2, "配送人员服务规范", "Conduct of delivery staff", B, True),
    ("2.4.1", 3, "维修服务响应及时", "Repairs answered promptly", S, False),
    ("2.4.2", 3, "维修质量保证与返修率控制", "Repair quality and re-repair rate", B, False),
    ("2.4.3", 2, "维修收费明码标价", "Repair prices published", B, False),
    ("2.4.4", 2, "维修记录完整可追溯", "Repair records complete and traceable", S, False),
    ("2.5.1", 4, "履行三包责任", "三包 duties fulfilled", B, False),
    ("2.5.2", 3, "质量问题商品的退换货处理", "Returns and exchanges of faulty goods", S, False),
    ("2.5.3", 2, "延保或增值服务承诺", "Extended warranty or added services", B, False),
    ("2.6.1", 2, "建立废弃商品回收渠道", "Channels to take back discarded goods", B, True),
    ("2.6.2", 2, "回收处理符合环保要求", "Recycling meets environmental rules", B, True),
    ("3.1.1", 2, "建立顾客档案与信息管理", "Customer records kept and managed", B, False),
    ("3.1.2", 3, "定期回访顾客", "Customers followed up regularly", S, False),
    ("3.1.3", 2, "顾客信息保护", "Customer data protected", B, False),
    ("3.1.4", 2, "会员或顾客关怀活动", "Customer care programmes", B, False),
    ("3.1.5", 2, "顾客意见征集渠道", "Channels for customer feedback", B, False),
    ("3.1.6", 2, "顾客满意度调查结果的应用", "Satisfaction results acted upon", B, False),
    ("3.2.1", 2, "设立投诉受理渠道并公示", "Complaint channels set up and shown", B, False),
    ("3.2.2", 2, "投诉处理流程与时限", "Complaint process and time limits", B, False),
    ("3.2.3", 2, "投诉处理记录完整", "Complaint records complete", S, False),
    ("3.2.4", 2, "投诉解决率与顾客反馈", "Complaints resolved, customers answered", S, False),
    ("3.2.5", 1, "重大投诉应急处理机制", "Escalation of major complaints", B, False),
]
TIERS = {
    "compliant": ("达标级", "Compliant"),
    "three_star": ("三星级", "Three stars"),
    "four_star": ("四星级", "Four stars"),
    "five_star": ("五星级", "Five stars"),
    "five_star_excellence": ("五星级（卓越）", "Five stars (excellence)"),
}


def realistic_catalogue(**changes: Any) -> Catalogue:
    """``changes``: top-level fields of the catalogue file to set (e.g. an imported table's
    ``version="sha256-…"``)."""
    spec = catalogue_dict([ItemDef(i, p, scoring=s, excludable=x) for i, p, _, _, s, x in ITEMS])
    titles = {i: (zh, en) for i, _, zh, en, _, _ in ITEMS} | SECOND_LEVELS | FIRST_LEVELS
    for first in spec["indicators"]:
        first["title"] = _text(*titles[first["id"]])
        for second in first["children"]:
            second["title"] = _text(*titles[second["id"]])
            for item in second["items"]:
                item["title"] = _text(*titles[item["id"]])
    spec.update(
        id="gbt27922-sample",
        standard="GB/T 27922-2011",
        title=_text("商品售后服务评价体系（测试目录）", "After-sales service evaluation (test)"),
    )
    spec.update(changes)
    for scheme in spec["tier_schemes"]:
        scheme["title"] = _text("默认方案：达标/三星/四星/五星", "Default scheme")
        scheme["fail_title"] = _text("未达标", "Not passed")
        for tier in scheme["tiers"]:
            tier["title"] = _text(*TIERS[tier["id"]])
    spec["prerequisites"] = [
        {"id": "legal_entity", "title": _text("具有独立法人资格，依法经营", "Legal entity")},
        {"id": "no_major_incident", "title": _text("近期无重大质量或服务事故", "No incident")},
        {"id": "system_running_3_months", "title": _text("售后服务体系运行满三个月", "3 months")},
    ]
    spec["special_items"]["deduction_categories"] = [
        {"id": "law", "title": _text("违反国家法律法规", "Breaks the law")},
        {"id": "own_rules", "title": _text("违反企业服务制度", "Breaks own rules")},
    ]
    return parse_catalogue(yaml.safe_dump(spec, allow_unicode=True))


def _text(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


# ----------------------------------------------------------------------------- evidence


@dataclass
class FolderEvidence:
    """An EvidenceSource over files in a folder; ``gone`` lists hashes whose file is lost."""

    files: dict[str, Path] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)

    def local_path(self, sha256: str) -> Path | None:
        self.asked.append(sha256)
        return None if sha256 in self.gone else self.files.get(sha256)

    def add(self, path: Path) -> str:
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        self.files[sha256] = path
        return sha256


def text_pdf(path: Path, lines_per_page: list[list[str]], size: tuple[float, float] = (595, 842)):
    """A PDF whose pages show the given lines in Helvetica, so tests can find them again."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    for lines in lines_per_page:
        page = writer.add_blank_page(*size)
        width, height = size
        ops = [f"BT /F1 16 Tf 56 {height - 80} Td 22 TL"]
        ops += [f"({line}) Tj T*" for line in lines]
        ops.append(f"ET 0.2 0.3 0.5 RG 2 w 40 40 {width - 80} {height - 80} re S")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    with path.open("wb") as out:
        writer.write(out)
    return path


def png_image(path: Path, label: str, size: tuple[int, int] = (900, 640)) -> Path:
    image = Image.new("RGB", size, (236, 242, 248))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, size[0] - 20, size[1] - 20), outline=(31, 78, 121), width=6)
    draw.text((60, 60), label, fill=(20, 40, 70))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


@dataclass(frozen=True)
class EvidenceFile:
    title: str
    kind: str
    name: str
    media_type: str
    items: tuple[str, ...]
    pages: int = 0  # for PDFs
    valid_until: date | None = None
    missing: bool = False  # its blob is lost


EVIDENCE_FILES = [
    EvidenceFile("售后服务管理制度", "制度文件", "售后服务管理制度V3.pdf", "application/pdf",
                 ("1.4.1", "1.4.2", "1.1.2"), pages=5),
    EvidenceFile("售后服务组织架构图", "制度文件", "组织架构图.pdf", "application/pdf",
                 ("1.1.1", "1.1.3"), pages=1),
    EvidenceFile("营业执照", "证照", "营业执照.png", "image/png", ("1.1.1",),
                 valid_until=date(2031, 5, 1)),
    EvidenceFile("2024年度服务人员培训记录", "记录", "培训记录2024.pdf", "application/pdf",
                 ("1.2.2", "1.2.3"), pages=3),
    EvidenceFile("售后服务网点清单", "清单", "服务网点清单.xlsx",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("1.3.1",)),
    EvidenceFile("顾客满意度调查报告（2023）", "报告", "满意度调查2023.pdf", "application/pdf",
                 ("1.5.2", "3.1.6"), pages=2, valid_until=date(2024, 12, 31)),
    EvidenceFile("三包服务承诺书", "制度文件", "三包承诺书.pdf", "application/pdf",
                 ("2.1.3", "2.5.1"), pages=1, missing=True),
    EvidenceFile("维修价目表", "照片", "维修价目表.png", "image/png", ("2.4.3",)),
    EvidenceFile("顾客回访记录表", "记录", "回访记录.docx",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 ("3.1.2",)),
    EvidenceFile("投诉处理记录汇总", "记录", "投诉处理记录.pdf", "application/pdf",
                 ("3.2.2", "3.2.3", "3.2.4"), pages=4),
]  # fmt: skip


def write_evidence(folder: Path, files: list[EvidenceFile] = EVIDENCE_FILES):
    """Write the files and return (EvidenceSource, EvidenceRecords); record ids start at 101."""
    source = FolderEvidence()
    records = []
    for n, spec in enumerate(files):
        path = folder / f"blob-{n:03d}"
        if spec.media_type == "application/pdf":
            text_pdf(path, [[f"Evidence {n + 101}", f"page {p + 1}"] for p in range(spec.pages)])
        elif spec.media_type.startswith("image/"):
            png_image(path, f"Evidence {n + 101}")
        else:
            path.write_bytes(b"PK\x03\x04 an office document " + bytes([n]) * 200)
        sha256 = source.add(path)
        if spec.missing:
            source.gone.add(sha256)
        records.append(
            EvidenceRecord(
                id=101 + n,
                organisation_id=1,
                sha256=sha256,
                title=spec.title,
                kind=spec.kind,
                original_name=spec.name,
                size=path.stat().st_size,
                media_type=spec.media_type,
                uploaded_by="李敏",
                uploaded_at=datetime(2025, 2, 10, 9, 30),
                valid_until=spec.valid_until,
            )
        )
    return source, tuple(records)


# ----------------------------------------------------------------------------- the audit

ORGANISATION = OrganisationProfile(
    name="杭州华信家电销售有限公司",
    credit_code="91330100MA2B3C4D5E",
    address="浙江省杭州市西湖区文三路 388 号华信大厦 6 层",
    legal_representative="王建国",
    contact_name="李敏",
    contact_phone="0571-8888 6666",
    contact_email="limin@huaxin-appliance.example.cn",
    headcount=420,
    service_headcount=86,
    products_in_scope="家用电器（空调、冰箱、洗衣机、厨房电器）的销售及售后服务",
    service_outlets=23,
    sales_outlets=41,
    business_scope="家用电器、电子产品的批发与零售；家电安装、维修服务；废旧家电回收。",
    profile=(
        "公司成立于 2008 年，是浙江省内规模较大的家电连锁零售企业，"
        "在杭州、宁波、绍兴设有 41 家门店。\n"
        "公司设立客户服务中心，统一负责安装、维修、回访与投诉处理，开通 400 服务热线（7×24 小时）。"
    ),
    honours="2022 年杭州市诚信经营示范单位；ISO 9001:2015 质量管理体系认证。",
)

SAMPLED = {  # item id -> (checked, conforming)
    "1.2.2": (10, 9),
    "1.3.2": (8, 8),
    "1.4.3": (10, 7),
    "2.4.1": (20, 17),
    "2.4.4": (15, 15),
    "2.5.2": (12, 11),
    "3.1.2": (30, 24),
    "3.2.3": (20, 20),
    "3.2.4": (20, 18),
}
NOT_CONFORMING = {
    "1.5.3": "2024 年度未开展管理评审，内部审核报告未覆盖售后服务部门。",
    "1.6.2": "对上一轮监督发现的 5 个问题，未见整改有效性验证记录。",
    "2.5.3": "延保服务承诺仅在官网公布，门店未公示，部分顾客不知情。",
}
EXCLUDED = {
    "2.3.1": "本公司配送业务全部委托厂家物流，不自行配送。",
    "2.3.2": "同上，不自行配送。",
    "2.3.3": "同上，不自行配送。",
    "2.6.1": "",  # excluded, but the justification is still to be written
}
NOT_ASSESSED = {"3.2.5"}
ITEM_EVIDENCE: dict[str, tuple[int, ...]] = {}
for _n, _spec in enumerate(EVIDENCE_FILES):
    for _item in _spec.items:
        ITEM_EVIDENCE[_item] = (*ITEM_EVIDENCE.get(_item, ()), 101 + _n)


def item_records(audit_id: int = 7) -> dict[str, ItemRecord]:
    records = {}
    for item_id, *_ in ITEMS:
        if item_id in NOT_ASSESSED:
            continue
        fields: dict[str, Any] = {"status": Status.CONFORMING}
        if item_id in SAMPLED:
            checked, conforming = SAMPLED[item_id]
            fields = {
                "status": Status.SAMPLED,
                "samples_checked": checked,
                "samples_conforming": conforming,
            }
            if conforming < checked:
                fields["finding"] = f"抽查 {checked} 份记录，{checked - conforming} 份不符合要求。"
        if item_id in NOT_CONFORMING:
            fields = {"status": Status.NOT_CONFORMING, "finding": NOT_CONFORMING[item_id]}
            fields["rectification"] = Rectification(
                action="制定整改计划并于下次内审时验证", owner="张伟", due=date(2025, 4, 30),
                state=ActionState.IN_PROGRESS,
            )  # fmt: skip
        if item_id in EXCLUDED:
            fields = {"status": Status.NOT_APPLICABLE, "justification": EXCLUDED[item_id]}
        records[item_id] = ItemRecord(
            audit_id=audit_id,
            item_id=item_id,
            evidence_ids=ITEM_EVIDENCE.get(item_id, ()),
            **fields,
        )
    return records


def assessment(record: ItemRecord) -> ItemAssessment:
    """What the store would hand to the scoring engine for a record."""
    return ItemAssessment(
        record.item_id,
        record.status,
        samples_checked=record.samples_checked,
        samples_conforming=record.samples_conforming,
        justification=record.justification or None,
        finding=record.finding or None,
        effort=Fraction(record.effort) if record.effort is not None else None,
    )


def dossier_data(
    evidence: tuple[EvidenceRecord, ...] = (),
    *,
    organisation: OrganisationProfile = ORGANISATION,
    catalogue: Catalogue | None = None,
    items: dict[str, ItemRecord] | None = None,
    deductions: tuple[DeductionRecord, ...] | None = None,
    bonuses: tuple[BonusRecord, ...] | None = None,
    prerequisites: dict[str, bool | None] | None = None,
) -> DossierData:
    """Score the records the way the store does and put everything together."""
    catalogue = catalogue or realistic_catalogue()
    items = item_records() if items is None else items
    if deductions is None:
        deductions = (
            DeductionRecord(
                id=1, audit_id=7, category="law", item_id="2.5.1",
                reason="一台故障冰箱在三包期内第二次维修后仍未修好，未按规定为顾客更换。",
                rectification=Rectification(
                    action="为顾客更换新机并修订三包处理流程", owner="赵磊",
                    due=date(2025, 3, 31), state=ActionState.DONE,
                ),
            ),
        )  # fmt: skip
    if bonuses is None:
        bonuses = (BonusRecord(id=1, audit_id=7, reason="400 热线 7×24 小时服务，24 小时上门。"),)
    if prerequisites is None:
        prerequisites = {
            "legal_entity": True,
            "no_major_incident": True,
            "system_running_3_months": True,
        }
    audit_input = AuditInput(
        assessments={i: assessment(r) for i, r in items.items()},
        deductions=tuple(SpecialDeduction(d.reason, d.category, d.item_id) for d in deductions),
        bonuses=tuple(SpecialBonus(b.reason) for b in bonuses),
        prerequisites=prerequisites,
        scheme_id="default",
    )
    result = score_audit(catalogue, audit_input)
    audit = AuditRecord(
        id=7,
        organisation_id=1,
        title="2025 年度售后服务自评（认证前）",
        catalogue_id=catalogue.id,
        catalogue_hash=catalogue.content_hash,
        scheme_id="default",
        round_no=2,
        audit_date=date(2025, 3, 18),
        assessor="李敏、张伟",
        state=AuditState.FROZEN,
        prerequisites=dict(prerequisites),
    )
    return DossierData(
        organisation=organisation,
        audit=audit,
        catalogue=catalogue,
        result=result,
        plan=plan_next_tier(result, audit_input),
        items=items,
        deductions=deductions,
        bonuses=bonuses,
        evidence=evidence,
        generated_at=datetime(2025, 3, 20, 14, 5),
    )


def with_organisation(data: DossierData, **changes: Any) -> DossierData:
    return replace(data, organisation=replace(data.organisation, **changes))

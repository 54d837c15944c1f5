"""The dossier as one HTML document, ready for WeasyPrint: sections, charts and appendix frames."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from domain.records import ActionState, AuditState
from dossier.evidence import InspectedEvidence
from dossier.fetcher import EVIDENCE, GENERATED
from dossier.fonts import CJKFonts
from dossier.report import DossierWarning, Inclusion
from dossier.templating import environment
from dossier.view import DossierView

RUNNING_TITLE = "GB/T 27922 自评申请资料"


@dataclass(frozen=True)
class Section:
    key: str  # its anchor in the document
    zh: str
    en: str


SECTIONS = (
    Section("cover", "封面", "Cover"),
    Section("contents", "目录", "Contents"),
    Section("application", "一、申请表信息与企业概况", "Application form and company profile"),
    Section("summary", "二、自评结果摘要", "Summary of the self-assessment"),
    Section("items", "三、逐项自评表", "Item-by-item self-evaluation"),
    Section("exclusions", "四、删减说明", "Exclusions"),
    Section("special", "五、特别扣分项与特别加分项", "Special deductions and bonus"),
    Section("gaps", "六、失分项与整改计划", "Gaps and rectification plan"),
    Section("plan", "七、达级计划", "Plan to the next tier"),
    Section("evidence", "八、证据索引", "Evidence index"),
    Section("appendix", "附录　证据材料", "Appendix: the evidence"),
)

CHART_URLS = {
    "radar": f"{GENERATED}://radar.svg",
    "bars": f"{GENERATED}://bars.svg",
}

ACTION_STATES = {
    ActionState.OPEN: "未开始",
    ActionState.IN_PROGRESS: "进行中",
    ActionState.DONE: "已完成",
}
AUDIT_STATES = {
    AuditState.DRAFT: "草稿",
    AuditState.FROZEN: "已冻结",
    AuditState.ARCHIVED: "已归档",
}
INCLUSIONS = {
    Inclusion.PDF: "嵌入附录",
    Inclusion.IMAGE: "嵌入附录（图片）",
    Inclusion.LISTED: "未嵌入",
    Inclusion.MISSING: "文件缺失",
    Inclusion.UNREADABLE: "无法嵌入",
}


@dataclass(frozen=True)
class Frame:
    """One appendix page that shows one page of an evidence file."""

    evidence: InspectedEvidence
    page: int  # 1-based page of the evidence file

    @property
    def anchor(self) -> str:
        first = self.evidence.anchor
        return first if self.page == 1 else f"{first}-p{self.page}"

    @property
    def area(self) -> str:
        """The id of the box the evidence page is placed into."""
        return f"{self.evidence.anchor}-p{self.page}-area"

    @property
    def image_url(self) -> str | None:
        if self.evidence.inclusion is not Inclusion.IMAGE:
            return None
        return f"{EVIDENCE}://{self.evidence.entry.record.sha256.lower()}"


def frames(inspected: list[InspectedEvidence]) -> list[Frame]:
    return [
        Frame(evidence, page)
        for evidence in inspected
        if evidence.inclusion.embedded
        for page in range(1, evidence.pages + 1)
    ]


def render_html(
    view: DossierView,
    inspected: list[InspectedEvidence],
    fonts: CJKFonts,
    warnings: Sequence[DossierWarning],
) -> str:
    # the font stacks go into a <style> element, where HTML escaping would corrupt them; the
    # family names were checked against a strict pattern when they were found (fonts.py)
    stacks = {name: Markup(stack) for name, stack in fonts.css_stacks.items()}
    context: dict[str, Any] = {
        "view": view,
        "data": view.data,
        "org": view.data.organisation,
        "result": view.data.result,
        "sections": {s.key: s for s in SECTIONS},
        "section_list": SECTIONS,
        "charts": CHART_URLS,
        "fonts": stacks,
        "running_title": RUNNING_TITLE,
        "inspected": inspected,
        "warnings": warnings,
        "by_ref": {e.ref: e for e in inspected},
        "frames": frames(inspected),
        "action_states": ACTION_STATES,
        "audit_states": AUDIT_STATES,
        "inclusions": INCLUSIONS,
        "Inclusion": Inclusion,
    }
    return environment().get_template("dossier.html").render(context)

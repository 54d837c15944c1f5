"""render_pdf: the application dossier as one PDF.

1. check the data belongs together, find a CJK font, check every evidence file (an image with
   too many pixels is refused, a large one reduced to print size in a temporary folder);
2. WeasyPrint lays out the whole document from the templates, including one frame page (running
   header and footer, caption) per evidence page, so page numbers, "共 N 页" and the contents
   cover the appendix too; images are placed by WeasyPrint itself; characters no installed
   font has are reported;
3. while WeasyPrint writes the PDF, each evidence PDF page (read with pypdf) is placed, scaled
   to fit, onto its frame page (dossier/merge.py);
4. the result replaces ``destination`` atomically.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from weasyprint import HTML
from weasyprint.document import Document

from dossier.atomic import atomic_output
from dossier.charts import bars_svg, radar_svg
from dossier.checks import check_consistency
from dossier.data import DossierData, EvidenceSource
from dossier.document import SECTIONS, frames, render_html
from dossier.evidence import InspectedEvidence, inspect_evidence
from dossier.fetcher import DossierFetcher
from dossier.fonts import find_cjk_fonts
from dossier.glyphs import describe, missing_glyphs
from dossier.merge import Box, EvidencePlacer, MergeJob, Slot, pdf_version
from dossier.report import (
    DossierReport,
    DossierWarning,
    EvidenceOutcome,
    Inclusion,
    SectionStart,
    warning,
)
from dossier.templating import TEMPLATES
from dossier.view import build_view

Progress = Callable[[float, str], None]

BASE_URL = TEMPLATES.as_uri() + "/"  # the stylesheet's relative URL resolves in the templates
PT_PER_PX = 0.75  # WeasyPrint lays out in CSS pixels (1/96 in); PDF counts points (1/72 in)


def render_pdf(
    data: DossierData,
    evidence: EvidenceSource,
    destination: Path,
    progress: Progress | None = None,
) -> DossierReport:
    """Write the dossier to ``destination`` and report what it contains.

    Raises DossierDataError if the data contradicts itself and MissingCJKFont if no font can
    print Chinese; missing or unreadable evidence files are reported, not raised."""
    report = progress or (lambda fraction, message: None)
    with tempfile.TemporaryDirectory(prefix="dossier-") as work:
        page = prepare_page(data, evidence, Path(work), report)
        inspected, warnings, fetcher = page.inspected, list(page.warnings), page.fetcher
        report(0.2, "排版")
        # images are cached on disk while WeasyPrint works, not held in memory
        document = page.html().render(cache=str(Path(work, "images")))
        anchors = _anchors(document)
        page_count = len(document.pages)
        jobs = _merge_jobs(inspected, anchors)
        total = max(len(jobs), 1)

        def on_job(n: int, job: MergeJob) -> None:
            report(0.55 + 0.4 * n / total, f"嵌入证据 {job.ref}")

        # the evidence goes onto its frames as WeasyPrint writes: the document is written once
        placer = EvidencePlacer(jobs, on_job)
        version = pdf_version(job.path for job in jobs)
        report(0.55, "写出版面")
        with atomic_output(destination) as target:
            document.write_pdf(target, finisher=placer, pdf_version=version)
        del document
        failed = placer.failed

    warnings += [warning("dossier.url_refused", url) for url in fetcher.refused]
    by_ref = {e.ref: e for e in inspected}
    warnings += [
        warning(
            "dossier.evidence_unreadable",
            ref,
            title=by_ref[ref].entry.record.title,
            reason="合并时出错",
        )
        for ref in failed
    ]
    report(1.0, "完成")
    return DossierReport(
        path=destination,
        pages=page_count,
        sections=tuple(
            SectionStart(s.key, s.zh, anchors[s.key][0] + 1) for s in SECTIONS if s.key in anchors
        ),
        evidence=tuple(_outcome(e, anchors, failed) for e in inspected),
        warnings=tuple(_unique(warnings)),
    )


@dataclass(frozen=True)
class PreparedPage:
    """The dossier as HTML with everything WeasyPrint may fetch for it."""

    source: str
    fetcher: DossierFetcher
    inspected: list[InspectedEvidence]
    warnings: tuple[DossierWarning, ...]

    def html(self) -> HTML:
        return HTML(string=self.source, base_url=BASE_URL, url_fetcher=self.fetcher)


def prepare_page(
    data: DossierData,
    evidence: EvidenceSource,
    folder: Path,
    report: Progress = lambda f, m: None,
) -> PreparedPage:
    """``folder``: where print-size copies of images go, kept until the layout is done."""
    report(0.0, "核对自评数据")
    check_consistency(data)
    fonts = find_cjk_fonts()
    view = build_view(data)

    report(0.05, "核对证据文件")
    inspected, evidence_warnings = inspect_evidence(view.evidence, evidence, folder)
    warnings = (*view.warnings, *evidence_warnings)

    report(0.15, "绘制图表")
    seconds = tuple(child for first in data.result.sections for child in first.children)
    generated = {
        "radar.svg": (radar_svg(seconds, fonts.sans).encode(), "image/svg+xml"),
        "bars.svg": (bars_svg(data.result.sections, fonts.sans).encode(), "image/svg+xml"),
    }
    images = {
        e.entry.record.sha256.lower(): (e.printed.path, e.printed.media_type)
        for e in inspected
        if e.inclusion is Inclusion.IMAGE and e.printed is not None
    }
    source = render_html(view, inspected, fonts, warnings)
    # every character the document prints is in its HTML or a chart (markup adds only ASCII)
    missing = missing_glyphs([source, *(content.decode() for content, _ in generated.values())])
    if missing:
        found = warning("dossier.missing_glyphs", describe(missing), count=len(missing))
        warnings = (*warnings, found)
    return PreparedPage(
        source=source,
        fetcher=DossierFetcher(TEMPLATES, generated, images),
        inspected=inspected,
        warnings=warnings,
    )


Anchor = tuple[int, Box]  # 0-based page, and the element's box in PDF points


def _anchors(document: Document) -> dict[str, Anchor]:
    """Where every element with an id ended up: page, and its box in PDF coordinates."""
    found: dict[str, Anchor] = {}
    for index, page in enumerate(document.pages):
        height = page.height * PT_PER_PX
        for name, (x1, y1, x2, y2) in page.anchors.items():
            box = (x1 * PT_PER_PX, height - y2 * PT_PER_PX, x2 * PT_PER_PX, height - y1 * PT_PER_PX)
            found.setdefault(name, (index, box))
    return found


def _merge_jobs(inspected: list[InspectedEvidence], anchors: dict[str, Anchor]) -> list[MergeJob]:
    slots: dict[str, list[Slot]] = {}
    for frame in frames(inspected):
        if frame.evidence.inclusion is Inclusion.PDF:
            page, box = anchors[frame.area]
            slots.setdefault(frame.evidence.ref, []).append(Slot(page, box))
    return [
        MergeJob(e.ref, e.path, slots[e.ref])
        for e in inspected
        if e.inclusion is Inclusion.PDF and e.path is not None
    ]


def _outcome(
    evidence: InspectedEvidence, anchors: dict[str, Anchor], failed: list[str]
) -> EvidenceOutcome:
    record = evidence.entry.record
    inclusion = Inclusion.UNREADABLE if evidence.ref in failed else evidence.inclusion
    first = anchors.get(evidence.anchor) if inclusion.embedded else None
    return EvidenceOutcome(
        ref=evidence.ref,
        evidence_id=record.id,
        title=record.title,
        inclusion=inclusion,
        first_page=first[0] + 1 if first else None,
        pages=evidence.pages if inclusion.embedded else 0,
    )


def _unique(warnings: list[DossierWarning]) -> list[DossierWarning]:
    return list(dict.fromkeys(warnings))

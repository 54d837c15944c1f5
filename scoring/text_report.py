"""A score result as text for a terminal, in Chinese or English."""

from __future__ import annotations

from criteria import Catalogue
from scoring import display
from scoring.engine import ScoreResult
from scoring.planner import Plan
from texts import t


def render_text(result: ScoreResult, plan: Plan, catalogue: Catalogue, lang: str = "zh") -> str:
    titles = {p.id: p.title.get(lang) for p in catalogue.spec.prerequisites}
    scheme = result.scheme
    lines = [
        t(
            "report.catalogue",
            lang,
            id=result.catalogue_id,
            hash=result.catalogue_hash[:12],
            scheme=scheme.title.get(lang),
        ),
        t(
            "report.score",
            lang,
            score=display.score(result.score),
            tier=display.verdict_label(result, lang),
        ),
        t(
            "report.points",
            lang,
            applicable=display.points(result.applicable_points),
            earned=display.points(result.earned_points),
            deductions=display.points(result.deduction_total),
            bonus=display.points(result.bonus_total),
        ),
        t(
            "report.eligibility",
            lang,
            status=t(f"eligibility.{result.eligibility.status.value}", lang),
        ),
    ]
    if result.eligibility.unmet:
        lines.append(
            t("report.unmet", lang, ids="；".join(titles[p] for p in result.eligibility.unmet))
        )
    if result.eligibility.unconfirmed:
        lines.append(
            t(
                "report.unconfirmed",
                lang,
                ids="；".join(titles[p] for p in result.eligibility.unconfirmed),
            )
        )
    # the same figures as every other surface: the points missing from the clamped score
    lines.append(display.next_step_text(result, lang))
    if plan.target is not None:
        if not plan.reachable:
            lines.append(t("report.plan_unreachable", lang))
        else:
            lines.append(
                t(
                    "report.plan",
                    lang,
                    count=len(plan.fixes),
                    effort=display.points(plan.total_effort),
                )
            )
            lines += [
                t("report.plan_fix", lang, ref=f.ref, label=f.label, gain=display.points(f.gain))
                for f in plan.fixes
            ]
    lines.append(t("report.gaps", lang, count=len(result.gaps)))
    for gap in result.gaps:
        title = gap.title_en if lang == "en" else gap.title_zh
        lines.append(
            t(
                "report.gap",
                lang,
                item=gap.item_id,
                title=title,
                status=t(f"status.{gap.status.value}", lang),
                lost=display.shortfall(gap.lost),
            )
        )
    open_items = result.open_items
    lines.append(
        t(
            "verdict.open_items",
            lang,
            count=len(open_items),
            points=display.points(result.open_points),
        )
    )
    if open_items:
        lines.append("　" + " ".join(open_items))
    lines += [t("report.warning", lang, text=str(w)) for w in result.warnings]
    return "\n".join(lines)

"""A score result as text for a terminal, in Chinese or English."""

from __future__ import annotations

from fractions import Fraction

from criteria import Catalogue
from scoring.engine import ScoreResult
from scoring.planner import Plan
from scoring.tiers import display_score
from texts import t


def _num(value: Fraction) -> str:
    return f"{float(value):g}" if value == round(value, 2) else f"{float(value):.2f}"


def render_text(result: ScoreResult, plan: Plan, catalogue: Catalogue, lang: str = "zh") -> str:
    titles = {p.id: p.title.get(lang) for p in catalogue.spec.prerequisites}
    scheme = result.scheme
    tier = (result.tier.title if result.tier else scheme.fail_title).get(lang)
    lines = [
        t(
            "report.catalogue",
            lang,
            id=result.catalogue_id,
            hash=result.catalogue_hash[:12],
            scheme=scheme.title.get(lang),
        ),
        t("report.score", lang, score=display_score(result.score), tier=tier),
        t(
            "report.points",
            lang,
            applicable=_num(result.applicable_points),
            earned=_num(result.earned_points),
            deductions=_num(result.deduction_total),
            bonus=_num(result.bonus_total),
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
    if plan.target is None:
        lines.append(t("report.top_tier", lang))
    else:
        lines.append(
            t(
                "report.next_tier",
                lang,
                tier=plan.target.title.get(lang),
                min=_num(Fraction(plan.target.min_score)),
                need=_num(plan.shortfall),
            )
        )
        if not plan.reachable:
            lines.append(t("report.plan_unreachable", lang))
        else:
            lines.append(
                t("report.plan", lang, count=len(plan.fixes), effort=_num(plan.total_effort))
            )
            lines += [
                t("report.plan_fix", lang, ref=f.ref, label=f.label, gain=_num(f.gain))
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
                lost=_num(gap.lost),
            )
        )
    lines.append(t("report.open", lang, count=len(result.open_items)))
    lines += [t("report.warning", lang, text=str(w)) for w in result.warnings]
    return "\n".join(lines)

"""Dashboard: readiness at a glance — score, tier, eligibility, indicators, gaps and the plan."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pandas as pd
import streamlit as st

from scoring import EligibilityStatus, FixKind, display
from store.readiness import readiness
from ui.catalogue_rows import catalogue_line
from ui.charts import first_level_bars, radar
from ui.labels import needed, points, status_label, verdict_metric
from ui.markup import plain
from ui.state import get_store, lang, require_audit, scored, tr

store = get_store()
audit = require_audit()
catalogue = store.catalogue(audit.catalogue_hash)
organisation = store.organisation(audit.organisation_id)
result, plan = scored(audit.id)

st.title(tr("nav.dashboard"))
st.caption(
    f"{plain(organisation.profile.name)} · {plain(audit.title)} · "
    f"{tr('ui.round_n', n=audit.round_no)}"
    f" · {result.scheme.title.get(lang())}"
)
st.caption(catalogue_line(catalogue, lang()))

score_col, tier_col, next_col, eligible_col = st.columns(4)
score_col.metric(tr("ui.score"), display.score(result.score))
verdict_metric(tier_col, result, lang(), tr("ui.tier"))
if result.next_tier:
    next_col.metric(
        tr("ui.to_next_tier"),
        needed(result.points_to_next_tier),
        result.next_tier.title.get(lang()),
        delta_color="off",
        delta_arrow="off",
    )
else:
    next_col.metric(
        tr("ui.to_next_tier"), "—", tr("ui.top_tier"), delta_color="off", delta_arrow="off"
    )
eligibility = result.eligibility
eligible_col.metric(tr("ui.eligibility"), tr(f"ui.eligibility_{eligibility.status.value}"))
if eligibility.status is EligibilityStatus.NOT_ELIGIBLE:
    titles = {p.id: p.title.get(lang()) for p in catalogue.spec.prerequisites}
    st.error(tr("ui.not_eligible_because", reasons="；".join(titles[p] for p in eligibility.unmet)))
elif eligibility.status is EligibilityStatus.UNCONFIRMED:
    st.warning(tr("ui.prerequisites_to_confirm"))
for reason in display.fail_reasons(result, lang()):
    st.error(reason)
if result.verdict.deductions_to_rectify:
    st.warning(tr("verdict.deductions_to_rectify", count=result.verdict.deductions_to_rectify))
st.caption(
    tr(
        "ui.score_rule",
        applicable=points(result.applicable_points),
        earned=points(result.earned_points),
        deductions=points(result.deduction_total),
        bonus=points(result.bonus_total),
    )
)

left, right = st.columns([3, 2])
with left:
    st.markdown(f"#### {tr('ui.radar_title')}")
    st.plotly_chart(radar(result, lang()), width="stretch")
with right:
    st.markdown(f"#### {tr('ui.bars_title')}")
    st.plotly_chart(first_level_bars(result, lang()), width="stretch")
    st.markdown(f"#### {tr('ui.plan_title')}")
    if plan.target is None:
        st.success(tr("ui.top_tier"))
    elif plan.fixes:
        st.markdown(
            tr(
                "ui.plan_summary",
                tier=plan.target.title.get(lang()),
                need=needed(max(Fraction(0), plan.shortfall)),
                n=len(plan.fixes),
                effort=points(plan.total_effort),
            )
        )
        for fix in plan.fixes:
            ref = fix.ref if fix.kind is FixKind.ITEM else tr("ui.special_deduction")
            label = (
                catalogue.item(fix.ref).title.get(lang()) if fix.kind is FixKind.ITEM else fix.label
            )
            st.markdown(f"- **{ref}** {plain(label)} · +{points(fix.gain)}")
    else:
        st.warning(tr("ui.plan_unreachable"))

st.markdown(f"#### {tr('ui.readiness_title')}")
library = {e.id: e for e in store.evidence_library(organisation.id, include_replaced=True)}
warnings = readiness(
    catalogue, audit, store.items(audit.id), store.deductions(audit.id), library, date.today()
)
if warnings:
    for warning in warnings:
        st.warning(plain(warning.text(lang())), icon=":material/warning:")
else:
    st.success(tr("ui.ready"))

st.markdown(f"#### {tr('ui.gaps_title')} ({len(result.gaps)})")
if result.gaps:
    st.dataframe(
        pd.DataFrame(
            {
                tr("ui.col_item"): [g.item_id for g in result.gaps],
                tr("ui.col_title"): [
                    g.title_en if lang() == "en" else g.title_zh for g in result.gaps
                ],
                tr("ui.col_status"): [status_label(g.status, lang()) for g in result.gaps],
                # text, not floats: the table shows exactly what every other surface shows
                tr("ui.col_points"): [points(g.points) for g in result.gaps],
                tr("ui.col_lost"): [needed(g.lost) for g in result.gaps],
                tr("ui.col_gain"): [points(g.score_gain) for g in result.gaps],
                tr("ui.col_confidence"): [
                    display.confidence_label(catalogue.item(g.item_id).source.confidence, lang())
                    for g in result.gaps
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
if result.open_items:
    st.caption(
        tr(
            "verdict.open_items",
            count=len(result.open_items),
            points=points(result.open_points),
        )
        + " · "
        + " ".join(result.open_items)
    )

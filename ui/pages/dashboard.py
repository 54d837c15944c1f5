"""Dashboard: the executive's three questions on the first screen — which tier (or why none),
what blocks the next tier, who fixes it by when — then the gaps, the readiness checks grouped
by kind, and the charts."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from domain.action_register import is_overdue
from domain.readiness import readiness
from scoring import EligibilityStatus, display
from scoring.cycle import CertificateState
from scoring.next_step import next_step
from services import certification
from ui import dashboard_style
from ui.brief_download import brief_button
from ui.catalogue_rows import catalogue_line
from ui.charts import first_level_bars, radar
from ui.dashboard_rows import (
    due_text,
    grouped,
    item_target,
    owner_text,
    plan_rows,
    state_text,
)
from ui.item_link import open_item
from ui.labels import needed, points, status_label, verdict_metric
from ui.markup import plain
from ui.round_verdicts import verdicts_note
from ui.state import context, lang, organisation_of, page_store, planned, require_audit, tr
from ui.state import today as today_here

PLAN_ROWS = 8  # more would push the first screen's answer off it; the rest is counted

store = page_store()
audit = require_audit()
catalogue = store.catalogue(audit.catalogue_hash)
organisation = organisation_of(audit)  # read once in this run (the sidebar too)
result, plan = planned(audit.id)
records = store.items(audit.id)
deductions = store.deductions(audit.id)
today = today_here()
dashboard_style.apply()

OVERDUE_STYLE = "color: #c00000; font-weight: 600"  # as the register and the portfolio


def red_when_overdue(frame: pd.DataFrame, column: str, overdue: list[bool]) -> Styler:
    """The due dates of overdue actions in red, as in the action register and the brief."""

    def styles(values: pd.Series) -> list[str]:
        return [OVERDUE_STYLE if late else "" for late in overdue[: len(values)]]

    return frame.style.apply(styles, subset=[column])


# -- first screen: which tier, what blocks the next one, who fixes it by when ------------------
title_col, brief_col = st.columns([3, 1], vertical_alignment="bottom")
title_col.title(plain(organisation.profile.name))
with brief_col:
    brief_button(store, audit.id, today, lang())
st.caption(
    tr(
        "dash.subtitle",
        audit=plain(audit.title),
        round=tr("ui.round_n", n=audit.round_no),
        scheme=result.scheme.title.get(lang()),
    )
)

with st.container(key=dashboard_style.FIGURES_KEY):
    tier_col, score_col, next_col, eligible_col = st.columns(4)
    verdict_metric(tier_col, result, lang(), tr("ui.tier"))
    score_col.metric(tr("ui.score"), display.score(result.score))
    step_value, step_caption = display.next_step_tile(result, lang())
    next_col.metric(
        tr("ui.to_next_tier"), step_value, step_caption, delta_color="off", delta_arrow="off"
    )
    eligibility = result.eligibility
    eligible_col.metric(tr("ui.eligibility"), tr(f"ui.eligibility_{eligibility.status.value}"))

then_and_now = verdicts_note(store, audit.id) if audit.frozen_at is not None else None
if then_and_now:
    st.warning(then_and_now)

if eligibility.status is EligibilityStatus.NOT_ELIGIBLE:
    titles = {p.id: p.title.get(lang()) for p in catalogue.spec.prerequisites}
    st.error(tr("ui.not_eligible_because", reasons="；".join(titles[p] for p in eligibility.unmet)))
elif eligibility.status is EligibilityStatus.UNCONFIRMED:
    st.warning(tr("ui.prerequisites_to_confirm"))
for reason in display.fail_reasons(result, lang()):
    st.error(reason)
if result.verdict.deductions_to_rectify:
    st.warning(display.next_step_text(result, lang(), quote=plain))

if plan.target is None and result.verdict.tier is None:  # top score, prerequisite unmet
    st.warning(display.next_step_text(result, lang()))
elif plan.target is None:
    st.success(tr("ui.top_tier"))
else:
    # with deductions to rectify, the plan leads to the tier rectifying them reaches
    reached = next_step(result).tier if result.verdict.deductions_to_rectify else None
    heading_tier = (reached or plan.target).title.get(lang())
    st.markdown(f"#### {tr('dash.plan_heading', tier=heading_tier)}")
    if plan.fixes:
        st.markdown(
            tr(
                "ui.plan_summary",
                tier=plan.target.title.get(lang()),
                need=needed(max(Fraction(0), plan.shortfall)),
                n=len(plan.fixes),
                effort=points(plan.total_effort),
            )
        )
        every_fix = plan_rows(plan, catalogue, records, deductions, today, lang())
        fixes = every_fix[:PLAN_ROWS]
        with st.container(key=dashboard_style.PLAN_KEY):
            st.table(
                red_when_overdue(
                    pd.DataFrame(
                        {
                            tr("dash.col_fix"): [
                                f"{f.ref} {f.label}"
                                if f.ref
                                else tr("dash.fix_deduction", reason=f.label)
                                for f in fixes
                            ],
                            tr("dash.col_gain"): [f"+{points(f.gain)}" for f in fixes],
                            tr("actions.col_owner"): [owner_text(f.action, lang()) for f in fixes],
                            tr("actions.col_due"): [
                                due_text(f.action, f.overdue, lang()) for f in fixes
                            ],
                            tr("actions.col_state"): [state_text(f.action, lang()) for f in fixes],
                        }
                    ),
                    tr("actions.col_due"),
                    [f.overdue for f in fixes],
                ),
                hide_index=True,
            )
        if len(every_fix) > PLAN_ROWS:
            st.caption(tr("dash.plan_more", n=len(every_fix) - PLAN_ROWS))
    else:
        st.warning(tr("ui.plan_unreachable"))

certificate = certification.current_certificate(context(), organisation.id)
if certificate is not None:
    cycle_now = certificate.status(today)
    named = {
        "tier": plain(
            display.held_tier(
                cycle_now.tier, certification.known_tiers(context(), organisation.id), lang()
            )
        ),
        "body": plain(certificate.body),
        "number": plain(certificate.number),
    }
    event = cycle_now.next_ahead
    for late in cycle_now.overdue if cycle_now.at_risk else ():
        st.error(
            tr(
                "cycle.at_risk",
                event=tr(f"cycle.{late.kind.value}", n=late.number),
                due=display.day(late.due),
            ),
            icon=":material/warning:",
        )
    if cycle_now.state is CertificateState.EXPIRED:
        st.warning(
            tr("dash.certificate_expired", renewal=display.day(cycle_now.valid_until), **named)
        )
    elif cycle_now.state is CertificateState.SUSPENDED:
        st.warning(tr("cycle.state.suspended"))
    elif event is not None:
        st.caption(
            tr(
                "dash.certificate",
                event=tr(f"cycle.{event.kind.value}", n=event.number),
                due=display.day(event.due),
                days=(event.due - today).days,
                **named,
            )
        )


# -- below the first screen: gaps, readiness, how the score is made up ------------------------
st.markdown(f"#### {tr('ui.gaps_title')} ({len(result.gaps)})")
if result.gaps:
    gap_actions = [records[g.item_id].rectification for g in result.gaps]
    with st.container(key=dashboard_style.GAPS_KEY):
        st.table(
            red_when_overdue(
                pd.DataFrame(
                    {
                        tr("ui.col_item"): [g.item_id for g in result.gaps],
                        tr("ui.col_title"): [
                            g.title_en if lang() == "en" else g.title_zh for g in result.gaps
                        ],
                        # text, not floats: the table shows exactly what every other surface shows
                        tr("ui.col_lost"): [needed(g.lost) for g in result.gaps],
                        tr("actions.col_owner"): [owner_text(a, lang()) for a in gap_actions],
                        tr("actions.col_due"): [
                            due_text(a, is_overdue(a, today), lang()) for a in gap_actions
                        ],
                        tr("actions.col_state"): [state_text(a, lang()) for a in gap_actions],
                        tr("ui.col_status"): [status_label(g.status, lang()) for g in result.gaps],
                        tr("ui.col_gain"): [points(g.score_gain) for g in result.gaps],
                        tr("ui.col_points"): [points(g.points) for g in result.gaps],
                        tr("ui.col_confidence"): [
                            display.confidence_label(
                                catalogue.item(g.item_id).source.confidence, lang()
                            )
                            for g in result.gaps
                        ],
                    }
                ),
                tr("actions.col_due"),
                [is_overdue(a, today) for a in gap_actions],
            ),
            hide_index=True,
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

st.markdown(f"#### {tr('ui.readiness_title')}")
library = {e.id: e for e in store.evidence_library(organisation.id, include_replaced=True)}
warnings = readiness(catalogue, audit, records, deductions, library, today)
if warnings:
    st.caption(tr("dash.readiness_summary", count=len(warnings)))
    with st.container(key=dashboard_style.LINKS_KEY):
        for check, found in grouped(warnings):
            label = tr("dash.group", title=tr(f"dash.check.{check.value}"), count=len(found))
            with st.expander(label):
                for n, warning in enumerate(found):
                    text = plain(warning.text(lang()))
                    target = item_target(warning.ref, catalogue, deductions)
                    if target is None:
                        st.markdown(text)
                    elif st.button(
                        text,
                        key=f"dash.open.{check.value}.{n}",
                        type="tertiary",
                        icon=":material/open_in_new:",
                    ):
                        open_item(audit.id, catalogue, target)
else:
    st.success(tr("ui.ready"))

st.markdown(f"#### {tr('dash.details_title')}")
st.caption(
    tr(
        "ui.score_rule",
        applicable=points(result.applicable_points),
        earned=points(result.earned_points),
        deductions=points(result.deduction_total),
        bonus=points(result.bonus_total),
    )
)
st.caption(catalogue_line(catalogue, lang()))
left, right = st.columns([3, 2])  # on paper they stack: Plotly keeps its screen width
with left:
    st.markdown(f"##### {tr('ui.radar_title')}")
    st.plotly_chart(radar(result, lang()), width="stretch")
with right:
    st.markdown(f"##### {tr('ui.bars_title')}")
    st.plotly_chart(first_level_bars(result, lang()), width="stretch")

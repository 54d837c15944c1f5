"""Rounds: the open round's review, sign-off and closing; then two rounds of the same
organisation compared — score, tier, indicators, items."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from scoring import display
from scoring.history import tier_title
from ui.charts import FONT
from ui.labels import status_label
from ui.markup import plain
from ui.review_panel import render_review_panel
from ui.round_close import render_close_round
from ui.state import lang, organisation_of, page_store, require_audit, show_flashes, tr

store = page_store()
audit = require_audit()
organisation = organisation_of(audit)  # read once in this run (the sidebar too)
rounds = store.audits(organisation.id, include_archived=True)
st.title(tr("nav.rounds"))
st.caption(plain(organisation.profile.name))
show_flashes()

render_review_panel(store, audit.id)
if audit.state.value == "draft":
    render_close_round(store, audit)
st.divider()

if len(rounds) < 2:
    st.info(tr("ui.one_round_only"))
    st.stop()


def round_label(audit_id: int) -> str:
    record = next(r for r in rounds if r.id == audit_id)
    return (
        f"{tr('ui.round_n', n=record.round_no)} · {record.audit_date:%Y-%m-%d} · "
        f"{tr('state.' + record.state.value)}"
    )


ids = [r.id for r in rounds]
before_col, after_col = st.columns(2)
before_id = before_col.selectbox(
    tr("ui.round_before"), ids, index=len(ids) - 2, format_func=round_label
)
after_id = after_col.selectbox(
    tr("ui.round_after"), ids, index=len(ids) - 1, format_func=round_label
)
if before_id == after_id:
    st.warning(tr("ui.pick_two_rounds"))
    st.stop()

comparison = store.compare(before_id, after_id)
before, after = store.round_result(before_id), store.round_result(after_id)
score_col, tier_col, moved_col = st.columns(3)
score_col.metric(
    tr("ui.score"),
    display.score_of(after),
    display.signed(comparison.score_delta),
)
tier_col.metric(
    tr("ui.tier"),
    tier_title(after, lang()),
    f"{tier_title(before, lang())} → {tier_title(after, lang())}"
    if comparison.tier_changed
    else tr("ui.tier_unchanged"),
    delta_color="off",
    delta_arrow="off",
)
moved_col.metric(tr("ui.items_moved"), f"▲{len(comparison.improved)}  ▼{len(comparison.regressed)}")
if not comparison.same_catalogue:
    st.warning(tr("ui.different_catalogues"))

seconds = [d for d in comparison.indicators if d.level == 2 and d.delta is not None]
figure = go.Figure(
    go.Bar(
        x=[float(d.delta) for d in seconds if d.delta is not None],
        y=[f"{d.id} {d.title_en if lang() == 'en' else d.title_zh}" for d in seconds],
        orientation="h",
        marker_color=["#2da44e" if (d.delta or 0) >= 0 else "#cf222e" for d in seconds],
        # our text from the exact delta, not plotly's rounding of the bar's float
        customdata=[display.signed(d.delta or 0) for d in seconds],
        hovertemplate="%{y}: %{customdata}<extra></extra>",
    )
)
figure.update_layout(
    yaxis={"autorange": "reversed"},
    font={"family": FONT},
    height=480,
    margin={"l": 10, "r": 10, "t": 30, "b": 30},
    xaxis={"ticksuffix": tr("ui.points_suffix"), "zeroline": True},
)
st.markdown(f"#### {tr('ui.indicator_deltas')}")
st.plotly_chart(figure, width="stretch")

st.markdown(f"#### {tr('ui.item_changes')} ({len(comparison.items)})")
if comparison.items:
    st.dataframe(
        pd.DataFrame(
            {
                tr("ui.col_item"): [c.id for c in comparison.items],
                tr("ui.col_title"): [
                    c.title_en if lang() == "en" else c.title_zh for c in comparison.items
                ],
                tr("ui.round_before"): [
                    status_label(c.status_before, lang()) if c.status_before else "—"
                    for c in comparison.items
                ],
                tr("ui.round_after"): [
                    status_label(c.status_after, lang()) if c.status_after else "—"
                    for c in comparison.items
                ],
                tr("ui.col_delta"): [display.signed(c.delta) for c in comparison.items],
            }
        ),
        hide_index=True,
        width="stretch",
    )
else:
    st.caption(tr("ui.no_item_changes"))

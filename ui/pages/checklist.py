"""Checklist: every item of the catalogue by indicator, scored and evidenced as you go."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from scoring import display_score
from store.records import ItemRecord
from ui.item_editor import ItemContext, render_item
from ui.labels import points, tier_label
from ui.specials import render_prerequisites, render_specials
from ui.state import get_store, lang, require_audit, show_flashes, tr

FILTERS = ("all", "open", "no_evidence", "lost")
PAGE_SIZE = 6
LOG_LIMIT = 500

store = get_store()
audit = require_audit()
catalogue = store.catalogue(audit.catalogue_hash)
organisation = store.organisation(audit.organisation_id)
result, plan = store.score(audit.id)
records = store.items(audit.id)
editable = audit.state.value == "draft"
context = ItemContext(
    audit_id=audit.id,
    organisation_id=organisation.id,
    editable=editable,
    library={e.id: e for e in store.evidence_library(organisation.id)},
    today=date.today(),
)

st.title(f"{organisation.profile.name}")
st.caption(f"{audit.title} · {tr('ui.round_n', n=audit.round_no)} · {catalogue.spec.standard}")
if not editable:
    st.info(tr("ui.read_only_round", state=tr(f"state.{audit.state.value}")))
show_flashes()

assessed = sum(1 for r in result.items if not r.is_open)
score_col, tier_col, next_col, progress_col = st.columns(4)
score_col.metric(tr("ui.score"), display_score(result.score))
tier_col.metric(tr("ui.tier"), tier_label(result, lang()))
next_col.metric(
    tr("ui.to_next_tier"),
    points(result.points_to_next_tier) if result.next_tier else "—",
    result.next_tier.title.get(lang()) if result.next_tier else tr("ui.top_tier"),
    delta_color="off",
    delta_arrow="off",
)
progress_col.metric(tr("ui.assessed"), f"{assessed} / {len(result.items)}")
st.progress(assessed / len(result.items))


def record(item_id: str) -> ItemRecord:
    return records.get(item_id) or ItemRecord(audit.id, item_id)


def matches(item_id: str, wanted: str) -> bool:
    item_result = result.item(item_id)
    if wanted == "open":
        return item_result.is_open
    if wanted == "no_evidence":
        return item_result.applicable and not record(item_id).evidence_ids
    if wanted == "lost":
        return item_result.lost > 0 and not item_result.is_open
    return True


checklist_tab, specials_tab, prerequisites_tab, log_tab = st.tabs(
    [tr("ui.tab_items"), tr("ui.tab_specials"), tr("ui.tab_prerequisites"), tr("ui.tab_log")]
)
with checklist_tab:
    wanted = st.radio(
        tr("ui.filter"),
        FILTERS,
        key="checklist.filter",
        horizontal=True,
        format_func={f: tr(f"ui.filter_{f}") for f in FILTERS}.__getitem__,
    )
    if wanted == "all":
        nav, body = st.columns([1, 3])
        seconds = catalogue.second_levels

        def nav_label(indicator_id: str) -> str:
            second = catalogue.second_level(indicator_id)
            results = [result.item(i.id) for i in second.items]
            done = sum(1 for r in results if not r.is_open)
            lost = sum((r.lost for r in results if not r.is_open), 0)
            mark = "✓" if done == len(results) else f"{done}/{len(results)}"
            minus = f" · −{points(lost)}" if lost else ""
            return f"{second.id} {second.title.get(lang())} · {mark}{minus}"

        chosen = nav.radio(
            tr("ui.indicator"),
            [s.id for s in seconds],
            key="checklist.indicator",
            format_func=nav_label,
        )
        with body:
            second = catalogue.second_level(chosen)
            first = catalogue.first_level(catalogue.parent_id(second.id))
            st.subheader(f"{second.id} {second.title.get(lang())}")
            st.caption(f"{first.id} {first.title.get(lang())}")
            for item in second.items:
                render_item(item, record(item.id), result.item(item.id), context)
    else:
        shown = [item for item in catalogue.items if matches(item.id, wanted)]
        # a page of items at a time keeps every change's rerun short
        pages = max(1, -(-len(shown) // PAGE_SIZE))
        page = 1
        if pages > 1:
            page = st.number_input(
                tr("ui.page_of", pages=pages),
                min_value=1,
                max_value=pages,
                step=1,
                key=f"checklist.page.{wanted}",
            )
        first_shown = (page - 1) * PAGE_SIZE
        st.caption(tr("ui.filter_count", n=len(shown)))
        for item in shown[first_shown : first_shown + PAGE_SIZE]:
            render_item(item, record(item.id), result.item(item.id), context)

with specials_tab:
    render_specials(store, audit, catalogue, editable)

with prerequisites_tab:
    render_prerequisites(store, audit, catalogue, editable)

with log_tab:
    changes = store.changes(audit_id=audit.id, limit=LOG_LIMIT)
    st.caption(tr("ui.log_help", n=LOG_LIMIT))
    if changes:
        st.dataframe(
            pd.DataFrame(
                {
                    tr("ui.col_when"): [f"{c.at:%Y-%m-%d %H:%M:%S}" for c in changes],
                    tr("ui.col_who"): [c.actor for c in changes],
                    tr("ui.col_what"): [c.entity for c in changes],
                    tr("ui.col_field"): [c.field for c in changes],
                    tr("ui.col_old"): [c.old or "" for c in changes],
                    tr("ui.col_new"): [c.new or "" for c in changes],
                }
            ),
            hide_index=True,
            width="stretch",
        )

"""Checklist: every item of the catalogue by indicator, scored and evidenced as you go.

Each item card is a fragment (ui.item_editor.item_card): a change reruns that card and the
figures (ui.live_figures), not the page, so the whole catalogue can be on one page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from domain.permissions import Action
from scoring import display
from services import assignments as assignment_services
from texts import LANGS, t
from ui import live_figures
from ui.assignments_tab import covering, render_assignments
from ui.change_log import entity_label, field_label, value_label
from ui.item_editor import TOUCHED, ItemContext, entry, item_card
from ui.labels import points, verdict_metric
from ui.markup import plain
from ui.specials import TAB_KEY, render_prerequisites, render_specials
from ui.state import context as ui_context
from ui.state import (
    lang,
    may,
    organisation_of,
    page_store,
    read_only_notice,
    require_audit,
    scored,
    show_flashes,
    take_tier_change,
    tr,
    when,
)
from ui.state import today as today_here

FILTERS = ("all", "open", "no_evidence", "lost")
LOG_LIMIT = 500

store = page_store()
audit = require_audit()
catalogue = store.catalogue(audit.catalogue_hash)
organisation = organisation_of(audit)  # read once in this run (the sidebar too)
# a frozen round is read-only for everyone; a draft for whoever may not score here
draft = audit.state.value == "draft"
editable = draft and may(Action.SCORE, organisation.id)

st.title(plain(organisation.profile.name))
st.caption(
    f"{plain(audit.title)} · {tr('ui.round_n', n=audit.round_no)} · {catalogue.spec.standard}"
)
if not draft:
    st.info(tr("ui.read_only_round", state=tr(f"state.{audit.state.value}")))
elif not editable:
    read_only_notice(organisation.id)
show_flashes()


def draw_figures() -> None:
    """Score, tier, points to the next tier and progress; redrawn after each saved change."""
    result = scored(audit.id)
    assessed = sum(1 for r in result.items if not r.is_open)
    # one flex row, not st.columns: fewer elements for the browser to redraw after each save
    row = st.container(horizontal=True, gap="medium")
    score_col, tier_col, next_col, progress_col = row, row, row, row
    score_col.metric(tr("ui.score"), display.score(result.score))
    verdict_metric(tier_col, result, lang(), tr("ui.tier"))
    # the next step as every surface words it: points, deductions to rectify, or none
    step_value, step_caption = display.next_step_tile(result, lang())
    next_col.metric(
        tr("ui.to_next_tier"), step_value, step_caption, delta_color="off", delta_arrow="off"
    )
    progress_col.metric(tr("ui.assessed"), f"{assessed} / {len(result.items)}")
    st.progress(assessed / len(result.items))
    changed = take_tier_change(audit.id)
    if changed:  # a save just changed the tier: say so where the figures are
        st.info(changed, icon=":material/swap_vert:")


live_figures.host(draw_figures)
assignments = assignment_services.round_assignments(ui_context(), audit.id)  # one read a run
context = ItemContext(
    audit_id=audit.id,
    organisation_id=organisation.id,
    editable=editable,
    library={e.id: e for e in store.evidence_library(organisation.id, include_replaced=True)},
    today=today_here(),
    requests=tuple(store.evidence_requests(audit.id)),
    assignments=covering(assignments, catalogue),
    may_comment=may(Action.COMMENT, organisation.id),
)


def matches(item_id: str, wanted: str) -> bool:
    item_result = scored(audit.id).item(item_id)
    if wanted == "open":
        return item_result.is_open
    if wanted == "no_evidence":
        return item_result.applicable and not entry(audit.id, item_id).evidence_ids
    if wanted == "lost":
        return item_result.lost > 0 and not item_result.is_open
    return True


def moved_on() -> None:
    """The user changed the filter or the indicator: items changed under the old one may now
    leave the list. The whole page follows (the indicator list is drawn with the live
    figures, a fragment, whose own widgets would otherwise rerun only it)."""
    st.session_state.pop(TOUCHED, None)
    st.rerun()


def indicator_caption(indicator_id: str) -> str:
    """Live progress of one indicator: shown as a caption, never in the option's label (the
    radio keeps its choice by label, so a changing label would lose the user's place)."""
    result = scored(audit.id)
    results = [result.item(i.id) for i in catalogue.second_level(indicator_id).items]
    done = sum(1 for r in results if not r.is_open)
    lost = sum((r.lost for r in results if not r.is_open), 0)
    mark = "✓" if done == len(results) else f"{done}/{len(results)}"
    return f"{mark} · −{points(lost)}" if lost else mark


TABS = {
    "items": "ui.tab_items",
    "specials": "ui.tab_specials",
    "prerequisites": "ui.tab_prerequisites",
    "assignments": "assign.tab",
    "log": "ui.tab_log",
}
tab_names = {tab: tr(key) for tab, key in TABS.items()}
# the tab set keeps its tab by label: after a change of language, the same tab by its new label
held_tab = st.session_state.get(TAB_KEY)
for tab, key in TABS.items():
    if held_tab in {t(key, code) for code in LANGS}:
        st.session_state[TAB_KEY] = tab_names[tab]
# a keyed tab set is tracked by the server: a save in a tab reruns the page on the same tab,
# and only the open tab's content runs
items_tab, specials_tab, prerequisites_tab, assignments_tab, log_tab = st.tabs(
    list(tab_names.values()), key=TAB_KEY, on_change="rerun"
)
if items_tab.open:
    with items_tab:
        wanted = st.radio(
            tr("ui.filter"),
            FILTERS,
            key="checklist.filter",
            horizontal=True,
            format_func={f: tr(f"ui.filter_{f}") for f in FILTERS}.__getitem__,
            on_change=moved_on,
        )
        if wanted == "all":
            # on a phone the columns stack: the indicator list wraps instead of filling the screen
            st.html(
                "<style>@media (max-width: 640px) { .st-key-checklist-indicator "
                "[role=radiogroup] { flex-direction: row; flex-wrap: wrap; gap: 0.25rem 1rem } }"
                "</style>"
            )
            nav, body = st.columns([1, 3])
            labels = {s.id: f"{s.id} {s.title.get(lang())}" for s in catalogue.second_levels}
            seconds = list(labels)

            def draw_indicators() -> None:
                """The indicators with their progress, redrawn with the figures after a save."""
                st.radio(
                    tr("ui.indicator"),
                    seconds,
                    key="checklist.indicator",
                    format_func=labels.__getitem__,  # bound now: options are formatted later too
                    captions=[indicator_caption(i) for i in seconds],
                    on_change=moved_on,
                )

            with nav:
                live_figures.host(draw_indicators)
            chosen = st.session_state.get("checklist.indicator")
            chosen = chosen if chosen in labels else seconds[0]
            with body:
                second = catalogue.second_level(chosen)
                first = catalogue.first_level(catalogue.parent_id(second.id))
                st.subheader(f"{second.id} {second.title.get(lang())}")
                st.caption(f"{first.id} {first.title.get(lang())}")
                for item in second.items:
                    item_card(item, context)
        else:
            touched = st.session_state.get(TOUCHED, set())
            shown = [i for i in catalogue.items if i.id in touched or matches(i.id, wanted)]
            st.caption(tr("ui.filter_count", n=len(shown)))
            for item in shown:
                item_card(item, context)

if specials_tab.open:
    with specials_tab:
        render_specials(store, audit, catalogue, editable)

if prerequisites_tab.open:
    with prerequisites_tab:
        render_prerequisites(store, audit, catalogue, editable)

if assignments_tab.open:
    with assignments_tab:
        render_assignments(
            audit.id,
            organisation.id,
            catalogue,
            assignments,
            may_assign=draft and may(Action.ASSIGN, organisation.id),
            today=today_here(),
        )

if log_tab.open:
    with log_tab:
        changes = store.changes(audit_id=audit.id, limit=LOG_LIMIT)
        st.caption(tr("ui.log_help", n=LOG_LIMIT))
        if changes:
            st.dataframe(
                pd.DataFrame(
                    {
                        tr("ui.col_when"): [when(c.at, seconds=True) for c in changes],
                        tr("ui.col_who"): [c.actor for c in changes],
                        tr("ui.col_account"): [c.account_login or "" for c in changes],
                        tr("ui.col_what"): [entity_label(c.entity, lang()) for c in changes],
                        tr("ui.col_field"): [field_label(c.field, lang()) for c in changes],
                        tr("ui.col_old"): [
                            value_label(c.field, c.old, lang(), catalogue) for c in changes
                        ],
                        tr("ui.col_new"): [
                            value_label(c.field, c.new, lang(), catalogue) for c in changes
                        ],
                    }
                ),
                hide_index=True,
                width="stretch",
            )

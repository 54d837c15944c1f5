"""Action register: every rectification action, filtered and sorted, changed in bulk, exported."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from domain.action_register import (
    ActionFilter,
    ActionRow,
    BulkChange,
    SortKey,
    filter_actions,
    sort_actions,
)
from domain.owners import Person, owner_key
from domain.permissions import Action
from domain.records import ActionState, AuditState
from dossier.actions_xlsx import actions_xlsx, row_label
from reminders.dates import audit_due_dates, owner_due_dates
from reminders.ics import calendar_ics
from services import assignments as assignment_services
from store.action_register import action_rows, apply_bulk, organisation_action_rows
from ui.brief_download import brief_panel
from ui.evidence_media import download_button
from ui.item_link import open_item
from ui.labels import action_labels
from ui.markup import plain
from ui.state import (
    actor,
    attempt,
    context,
    flash,
    lang,
    may,
    organisation_of,
    page_store,
    read_only_notice,
    require_audit,
    show_flashes,
    tr,
)
from ui.state import today as today_here

OVERDUE_STYLE = "color: #c00000; font-weight: 600"

store = page_store()
audit = require_audit()
catalogue = store.catalogue(audit.catalogue_hash)
organisation = organisation_of(audit)  # read once in this run (the sidebar too)
today = today_here()

st.title(tr("actions.title"))
st.caption(f"{plain(organisation.profile.name)} · {tr('actions.caption')}")
show_flashes()

scope = st.radio(
    tr("actions.scope"),
    ("audit", "organisation"),
    key="actions.scope",
    horizontal=True,
    format_func={s: tr(f"actions.scope_{s}") for s in ("audit", "organisation")}.__getitem__,
)
rows = (
    action_rows(store, audit.id, today, lang())
    if scope == "audit"
    else organisation_action_rows(store, organisation.id, today, lang())
)
if not rows:
    st.info(tr("actions.none"))
    st.stop()
# a closed round's actions are read only; the organisation scope lists open rounds only;
# and only whoever may score in this organisation changes actions
may_score = may(Action.SCORE, organisation.id)
editable = may_score and (scope == "organisation" or audit.state is AuditState.DRAFT)

states = action_labels()
owners = sorted({row.owner for row in rows}, key=lambda o: (not o, o.casefold()))
# accounts with a role here, and the free-text owners linked to one (services/assignments.py)
members = {m.id: m.display_name for m in assignment_services.members(context(), organisation.id)}
links = assignment_services.owner_links(context(), organisation.id)


def owner_shown(owner: str) -> str:
    """The owner as typed, with the account it is linked to."""
    linked = links.get(owner_key(owner)) if owner else None
    if linked is None or linked not in members or members[linked] == owner:
        return owner
    return f"{owner} → {members[linked]}"


indicators = [s.id for s in catalogue.second_levels]
# two rows of three: five in one row cut the date range and the sort order off at 1440 px
# (a phone stacks them either way)
owner_col, state_col, indicator_col = st.columns(3)
due_col, sort_col, overdue_col = st.columns(3, vertical_alignment="bottom")
chosen_owners = owner_col.multiselect(
    tr("actions.col_owner"),
    owners,
    key="actions.owners",
    placeholder=tr("actions.any"),
    format_func=lambda o: o or tr("actions.no_owner"),
)
chosen_states = state_col.multiselect(
    tr("actions.col_state"),
    list(states),
    key="actions.states",
    placeholder=tr("actions.any"),
    format_func=states.__getitem__,
)
chosen_indicators = indicator_col.multiselect(
    tr("actions.indicator"),
    indicators,
    key="actions.indicators",
    placeholder=tr("actions.any"),
    format_func=lambda i: f"{i} {catalogue.second_level(i).title.get(lang())}",
)
window = due_col.date_input(tr("actions.due_window"), value=[], key="actions.window")
sort_by = sort_col.selectbox(
    tr("actions.sort"),
    list(SortKey),
    key="actions.sort",
    format_func=lambda k: tr(f"actions.sort_{k.value}"),
)
overdue_only = overdue_col.checkbox(tr("actions.overdue_only"), key="actions.overdue_only")

due_from, due_to = (*tuple(window or ()), None, None)[:2]
wanted = ActionFilter(
    owners=frozenset(chosen_owners),
    states=frozenset(ActionState(s) for s in chosen_states),
    indicators=frozenset(chosen_indicators),
    due_from=due_from,
    due_to=due_to or due_from,
    overdue_only=overdue_only,
)
shown = sort_actions(filter_actions(rows, wanted), SortKey(sort_by or SortKey.ATTENTION))
overdue_count = sum(1 for row in shown if row.overdue)
st.caption(tr("actions.count", n=len(shown), total=len(rows), overdue=overdue_count))


def table(rows: list[ActionRow]) -> pd.DataFrame:
    # who, by when and how far first: the columns a narrow screen still shows
    return pd.DataFrame(
        {
            tr("actions.col_item"): [row_label(r, lang()) for r in rows],
            tr("actions.col_owner"): [owner_shown(r.owner) for r in rows],
            tr("actions.col_due"): [r.due for r in rows],
            tr("actions.col_state"): [states[r.state.value] for r in rows],
            tr("actions.col_overdue"): [tr("actions.overdue") if r.overdue else "" for r in rows],
            tr("actions.col_action"): [r.action for r in rows],
            tr("actions.col_subject"): [r.subject for r in rows],
            tr("actions.col_finding"): [r.finding for r in rows],
        }
    )


def red_when_overdue(frame: pd.DataFrame) -> pd.DataFrame:
    styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for index, row in enumerate(shown):
        if row.overdue:
            styles.iloc[index] = OVERDUE_STYLE
    return styles


frame = table(shown)
event = st.dataframe(
    frame.style.apply(red_when_overdue, axis=None),
    key="actions.table",
    on_select="rerun",
    selection_mode="multi-row",
    hide_index=True,
    width="stretch",
    column_config={tr("actions.col_due"): st.column_config.DateColumn(format="YYYY-MM-DD")},
)
selected = [shown[i] for i in event.selection.rows if i < len(shown)]

xlsx_col, ics_col, brief_col = st.columns(3)
# Every download is made when its button is pressed (Streamlit runs the callable then, outside
# the page's run: it reads nothing of the session, so the language and the rows are bound now),
# and served only to people with a role in the organisation (ui/evidence_media.py).
language = lang()
download_button(
    xlsx_col,
    tr("actions.download"),
    functools.partial(actions_xlsx, shown, language),
    organisation_id=organisation.id,
    file_name=f"actions-{audit.id}-{today.isoformat()}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    key=f"actions.xlsx.{audit.id}",
    on_click="ignore",
)
calendar_name = f"{organisation.profile.name} · {audit.title}"


def audit_calendar(name: str, guarded: Any, audit_id: int, on: date, language: str) -> bytes:
    return calendar_ics(name, audit_due_dates(guarded, audit_id, on, language))


def owner_calendar(who: str, guarded: Any, on: date, language: str) -> bytes:
    return calendar_ics(who, owner_due_dates(guarded, Person(who), on, language))


download_button(
    ics_col,
    tr("actions.calendar"),
    functools.partial(audit_calendar, calendar_name, store, audit.id, today, language),
    organisation_id=organisation.id,
    file_name=f"audit-{audit.id}.ics",
    mime="text/calendar",
    icon=":material/calendar_month:",
    help=tr("actions.calendar_help"),
    key=f"actions.ics.{audit.id}",
    on_click="ignore",
)
if len(chosen_owners) == 1 and chosen_owners[0]:
    owner = chosen_owners[0]
    download_button(
        ics_col,
        tr("actions.owner_calendar", owner=owner),
        functools.partial(owner_calendar, owner, store, today, language),
        organisation_id=organisation.id,
        file_name="owner.ics",
        mime="text/calendar",
        icon=":material/person:",
        key="actions.owner_ics",
        on_click="ignore",
    )
with brief_col:
    brief_panel(
        store,
        audit.id,
        today,
        lang(),
        prefix="actions",
        make=tr("actions.make_brief"),
        working=tr("actions.making_brief"),
        ready=tr("actions.download_brief"),
    )

with st.container(border=True):
    st.markdown(f"**{tr('actions.selected', n=len(selected))}**")
    linkable = [(r, r.item_id) for r in selected if r.item_id]
    for row, item_id in linkable[:10]:
        if st.button(
            tr("actions.open_item", item=row.item_id),
            key=f"actions.open.{row.key}",
            icon=":material/open_in_new:",
        ):
            open_item(row.audit_id, catalogue, item_id)
    with st.form("actions.bulk", border=False):
        state_in, owner_in, due_in, clear_in = st.columns([2, 2, 2, 1])
        new_state = state_in.selectbox(
            tr("actions.col_state"),
            [None, *states],
            format_func=lambda s: tr("actions.keep") if s is None else states[s],
            key="actions.bulk_state",
        )
        new_owner = owner_in.text_input(tr("actions.col_owner"), placeholder=tr("actions.keep"))
        owner_account = owner_in.selectbox(
            tr("owners.account"),
            [None, *members],
            format_func=lambda i: tr("actions.keep") if i is None else members[i],
            key="actions.bulk_owner_account",
        )
        new_due = due_in.date_input(tr("actions.col_due"), value=None)
        clear_due = clear_in.checkbox(tr("actions.clear_due"))
        submitted = st.form_submit_button(
            tr("actions.apply"), disabled=not (selected and editable), key="actions.bulk_apply"
        )
    if not may_score:
        read_only_notice(organisation.id)
    elif not editable:
        st.caption(tr("ui.read_only_round", state=tr(f"state.{audit.state.value}")))
    if submitted:
        change = BulkChange(
            state=ActionState(new_state) if new_state else None,
            owner=members[owner_account] if owner_account else (new_owner.strip() or None),
            due=new_due,
            clear_due=clear_due,
        )
        if change.is_empty:
            st.warning(tr("actions.nothing_to_change"))
        else:
            outcome = apply_bulk(store, selected, change, actor=actor())
            if outcome.saved:
                flash("success", tr("actions.saved", n=len(outcome.saved)))
            for _, why in outcome.refused:
                flash("error", why)
            st.rerun()


with st.expander(tr("owners.link_title")):
    st.caption(tr("owners.link_help"))
    texts = [o for o in owners if o]
    may_link = may(Action.ASSIGN, organisation.id)
    with st.form("owners.link", border=False):
        text_col, account_col = st.columns(2)
        linked_owner = text_col.selectbox(
            tr("owners.owner"), texts, key="owners.owner", format_func=owner_shown
        )
        linked_account = account_col.selectbox(
            tr("owners.account"),
            [None, *members],
            key="owners.account",
            format_func=lambda i: tr("owners.no_account") if i is None else members[i],
        )
        if (
            st.form_submit_button(tr("owners.link"), disabled=not (texts and may_link))
            and linked_owner
        ):
            done = attempt(
                functools.partial(
                    assignment_services.link_owner,
                    context(),
                    organisation.id,
                    linked_owner,
                    linked_account,
                )
            )
            if done is not None:
                flash(
                    "success",
                    tr("owners.linked", owner=linked_owner, name=members[linked_account])
                    if linked_account
                    else tr("owners.unlinked", owner=linked_owner),
                )
                st.rerun()

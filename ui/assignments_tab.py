"""The checklist's assignments tab: who each item or indicator of the round is given to and by
when; assign, reassign, unassign (services/assignments.py)."""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from criteria import Catalogue
from domain.work import Assignment, is_late
from scoring import display
from services import assignments as assignment_services
from ui.state import attempt, context, flash, lang, tr

OVERDUE_STYLE = "color: #c00000; font-weight: 600"  # as the register, dashboard and portfolio


def covering(assignments: list[Assignment], catalogue: Catalogue) -> dict[str, Assignment]:
    """Item id → the assignment that covers it: its own, else its indicator's."""
    by_target = {a.target: a for a in assignments}
    found: dict[str, Assignment] = {}
    for item in catalogue.items:
        own = by_target.get(item.id) or by_target.get(catalogue.parent_id(item.id))
        if own is not None:
            found[item.id] = own
    return found


def _target_label(catalogue: Catalogue, target: str) -> str:
    if catalogue.has_item(target):
        return f"{target} {catalogue.item(target).title.get(lang())}"
    return f"{target} {catalogue.second_level(target).title.get(lang())} {tr('work.indicator')}"


def render_assignments(
    audit_id: int,
    organisation_id: int,
    catalogue: Catalogue,
    assignments: list[Assignment],
    *,
    may_assign: bool,
    today: date,
) -> None:
    st.caption(tr("assign.help"))
    _table(catalogue, assignments, today, may_assign, audit_id)
    if not may_assign:
        st.caption(tr("assign.read_only"))
        return
    members = assignment_services.members(context(), organisation_id)
    if not members:
        st.info(tr("assign.no_members"))
        return
    names = {m.id: m.display_name for m in members}
    targets = [s.id for s in catalogue.second_levels] + [i.id for i in catalogue.items]
    with st.form("assign.form", clear_on_submit=True):
        chosen = st.multiselect(
            tr("assign.targets"),
            targets,
            key="assign.targets",
            placeholder=tr("ui.choose"),  # nothing chosen assigns nothing (not "all")
            format_func=lambda t: _target_label(catalogue, t),
        )
        person_col, due_col = st.columns(2)
        person = person_col.selectbox(
            tr("assign.person"), list(names), key="assign.person", format_func=names.__getitem__
        )
        due = due_col.date_input(tr("assign.due"), value=None, key="assign.due")
        if not st.form_submit_button(tr("assign.submit"), type="primary"):
            return
        if not chosen:
            st.warning(tr("assign.choose_first"))
        elif person is not None:
            done = 0
            for target in chosen:
                made = attempt(
                    partial(assignment_services.assign, context(), audit_id, target, person, due)
                )
                done += made is not None
            if done:
                flash("success", tr("assign.done", n=done, name=names[person]))
                st.rerun()


def _table(
    catalogue: Catalogue,
    assignments: list[Assignment],
    today: date,
    may_assign: bool,
    audit_id: int,
) -> None:
    if not assignments:
        st.info(tr("assign.none"))
        return
    late = [is_late(a.due, today) for a in assignments]
    frame = pd.DataFrame(
        {
            tr("assign.col_target"): [_target_label(catalogue, a.target) for a in assignments],
            tr("assign.col_person"): [a.user_name for a in assignments],
            tr("assign.col_due"): [display.day(a.due) for a in assignments],
            tr("work.col_overdue"): [tr("work.overdue") if x else "" for x in late],
            tr("assign.col_by"): [a.assigned_by for a in assignments],
        }
    )

    def red(frame: pd.DataFrame) -> pd.DataFrame:
        styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for index, overdue in enumerate(late):
            if overdue:
                styles.iloc[index] = OVERDUE_STYLE
        return styles

    if not may_assign:
        st.dataframe(frame.style.apply(red, axis=None), hide_index=True, width="stretch")
        return
    event = st.dataframe(
        frame.style.apply(red, axis=None),
        key="assign.table",
        on_select="rerun",
        selection_mode="multi-row",
        hide_index=True,
        width="stretch",
    )
    selected = [assignments[i] for i in event.selection.rows if i < len(assignments)]
    if st.button(tr("assign.unassign"), key="assign.unassign", disabled=not selected):
        done = 0
        for assignment in selected:
            taken = attempt(
                partial(assignment_services.unassign, context(), audit_id, assignment.target)
            )
            done += taken is not None  # a refusal shows its reason
        if done:
            flash("success", tr("assign.unassigned", n=done))
            st.rerun()

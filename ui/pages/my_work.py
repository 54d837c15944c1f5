"""My work: what is assigned to the signed-in person, the actions and evidence requests they
own, and the comments that mention them, across every organisation they may see. A row opens
its item on the checklist."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dossier.actions_xlsx import row_label
from scoring import display
from services.my_work import AssignedLine, MentionLine, OwnedLine, Where, my_work
from ui.item_link import open_item
from ui.state import context, lang, page_store, tr, when
from ui.state import today as today_here

OVERDUE_STYLE = "color: #c00000; font-weight: 600"  # as the register, dashboard and portfolio

st.title(tr("work.title"))
st.caption(tr("work.caption"))
work = my_work(context(), today_here(), lang())
if work.empty:
    st.info(tr("work.nothing"))
    st.stop()


def _place(where: Where) -> dict[str, str]:
    return {
        tr("work.col_organisation"): where.organisation,
        tr("work.col_audit"): f"{where.audit} · {tr('ui.round_n', n=where.round_no)}",
    }


def _late(late: bool) -> str:
    return tr("work.overdue") if late else ""


def _assigned(line: AssignedLine) -> dict[str, str]:
    suffix = f" {tr('work.indicator')}" if line.level.value == "indicator" else ""
    return {
        tr("work.col_item"): f"{line.target} {line.title}{suffix}",
        **_place(line.where),
        tr("work.col_due"): display.day(line.due),
        tr("work.col_overdue"): _late(line.overdue),
    }


def _owned(line: OwnedLine, what: str) -> dict[str, str]:
    return {
        tr("work.col_item"): f"{row_label(line.row, lang())} {line.row.subject}",
        what: line.row.action,
        **_place(line.where),
        tr("work.col_due"): display.day(line.row.due),
        tr("work.col_overdue"): _late(line.row.overdue),
    }


def _mention(line: MentionLine) -> dict[str, str]:
    return {
        tr("work.col_item"): f"{line.item_id} {line.title}",
        tr("work.col_author"): line.author,
        tr("work.col_when"): when(line.at),
        tr("work.col_comment"): line.body,
        **_place(line.where),
    }


def section(
    key: str,
    heading: str,
    lines: Sequence[Any],
    row: Callable[[Any], dict[str, str]],
    late: Callable[[Any], bool],
    item_of: Callable[[Any], tuple[int, str | None]],
) -> None:
    """One list of my work: a plain-text table (overdue rows in red); selecting a row opens
    its item on the checklist."""
    st.subheader(heading)
    if not lines:
        st.caption(tr("work.none_here"))
        return
    frame = pd.DataFrame([row(line) for line in lines])

    def red(frame: pd.DataFrame) -> pd.DataFrame:
        styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for index, line in enumerate(lines):
            if late(line):
                styles.iloc[index] = OVERDUE_STYLE
        return styles

    event = st.dataframe(
        frame.style.apply(red, axis=None),
        key=f"work.{key}",
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        width="stretch",
    )
    chosen = [lines[i] for i in event.selection.rows if i < len(lines)]
    if chosen:
        audit_id, item_id = item_of(chosen[0])
        if item_id:
            audit = page_store().audit(audit_id)
            open_item(audit_id, page_store().catalogue(audit.catalogue_hash), item_id)
    st.caption(tr("work.open_help"))


def _assigned_item(line: AssignedLine) -> tuple[int, str | None]:
    if line.level.value == "item":
        return line.where.audit_id, line.target
    audit = page_store().audit(line.where.audit_id)
    first = page_store().catalogue(audit.catalogue_hash).second_level(line.target).items[0]
    return line.where.audit_id, first.id


section(
    "assigned",
    tr("work.assigned", n=len(work.assigned)),
    work.assigned,
    _assigned,
    lambda line: line.overdue,
    _assigned_item,
)
section(
    "actions",
    tr("work.actions", n=len(work.actions)),
    work.actions,
    lambda line: _owned(line, tr("work.col_action")),
    lambda line: line.row.overdue,
    lambda line: (line.row.audit_id, line.row.item_id),
)
section(
    "requests",
    tr("work.requests", n=len(work.requests)),
    work.requests,
    lambda line: _owned(line, tr("work.col_needed")),
    lambda line: line.row.overdue,
    lambda line: (line.row.audit_id, line.row.item_id),
)
section(
    "mentions",
    tr("work.mentions", n=len(work.mentions)),
    work.mentions,
    _mention,
    lambda line: False,
    lambda line: (line.where.audit_id, line.item_id),
)

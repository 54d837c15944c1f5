"""Consultant portfolio: every client organisation's current round on one page, what needs
attention first (ui.portfolio_rows.attention_order); a row opens its audit on the dashboard."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from domain.permissions import Action
from domain.records import AuditState
from scoring import display
from scoring.cycle import CertificateState, CycleEventKind
from ui.markup import plain
from ui.portfolio_rows import (
    Memo,
    PortfolioFilter,
    PortfolioRow,
    filter_rows,
    portfolio_rows,
)
from ui.state import LANDING, go_to, lang, may, page_store, tr, when
from ui.state import today as today_here

TABLE = "portfolio.table"
OVERDUE_STYLE = "color: #c00000; font-weight: 600"


@st.cache_resource(show_spinner=False)
def remembered_rows() -> Memo:
    """One memo for the server process: a row's figures are computed again only when its
    organisation has changed (see ui.portfolio_rows), whoever opens the portfolio next."""
    return {}


store = page_store()
today = today_here()
st.title(tr("nav.portfolio"))
rows = portfolio_rows(store, today, lang(), remembered_rows())
if not rows:
    st.info(tr("ui.welcome") if may(Action.CREATE_ORGANISATION, None) else tr("auth.no_grants"))
    st.stop()
st.caption(tr("portfolio.help"))

search = st.text_input(
    tr("portfolio.search"), key="portfolio.search", placeholder=tr("portfolio.search_placeholder")
)
tier_col, state_col = st.columns(2)
tiers = sorted({r.tier_group for r in rows if r.tier_group})
chosen_tiers = tier_col.multiselect(
    tr("portfolio.tiers"), tiers, key="portfolio.tiers", placeholder=tr("portfolio.any")
)
chosen_states = state_col.multiselect(
    tr("portfolio.states"),
    [s.value for s in AuditState],
    key="portfolio.states",
    placeholder=tr("portfolio.any"),
    format_func=lambda s: tr(f"state.{s}"),
)
wanted = PortfolioFilter(
    text=search,
    tiers=frozenset(chosen_tiers),
    states=frozenset(AuditState(s) for s in chosen_states),
)
shown = filter_rows(rows, wanted)
st.caption(
    tr("portfolio.count", n=len(shown), total=len(rows), overdue=sum(r.overdue for r in shown))
)
if any(r.broken for r in rows):
    st.warning(tr("ui.rows_broken", n=sum(r.broken for r in rows)))
if not shown:
    st.info(tr("portfolio.none_match"))
    st.stop()


def _cycle_event(row: PortfolioRow) -> str:
    event = row.next_event
    state = row.certificate
    flag = ""
    if state is not None and state is not CertificateState.VALID:
        flag = tr(f"cycle.state.{state.value}")
        flag = f"⚠ {flag}" if row.at_risk else flag
    if event is None:
        return flag
    if event.kind is CycleEventKind.SURVEILLANCE:
        label = tr("cycle.surveillance", n=event.number)
    else:
        label = tr("cycle.renewal")
    return f"{flag} · {label}" if flag else label


def table(rows: list[PortfolioRow]) -> pd.DataFrame:
    # numbers as scoring.display writes them (a reached score truncated, a shortfall rounded
    # up), then as floats so the columns sort by value; "%.2f" shows them unchanged
    def number(text: str | None) -> float | None:
        return float(text) if text is not None else None

    # dates as ISO text: they sort as dates, and a missing one stays blank (a styled table
    # would write "None")
    def dates(values: list[date | None]) -> list[str]:
        return [display.day(d) if d else "" for d in values]

    # why a row is where it is first (overdue, dates), then the figures: what a phone shows
    # beside the pinned name before scrolling sideways
    return pd.DataFrame(
        {
            tr("portfolio.col_organisation"): [r.organisation for r in rows],
            tr("portfolio.col_overdue"): [r.actions_overdue for r in rows],
            tr("portfolio.col_next_due"): dates([r.next_due for r in rows]),
            tr("portfolio.col_score"): [
                number(display.score(r.score) if r.score is not None else None) for r in rows
            ],
            tr("portfolio.col_to_next"): [
                number(
                    display.shortfall(r.points_to_next) if r.points_to_next is not None else None
                )
                for r in rows
            ],
            tr("portfolio.col_next_tier"): [r.next_tier for r in rows],
            tr("portfolio.col_tier"): [
                f"⚠ {r.tier}: {r.problem}" if r.broken else r.tier for r in rows
            ],
            tr("portfolio.col_cycle_date"): dates(
                [r.next_event.due if r.next_event else None for r in rows]
            ),
            tr("portfolio.col_cycle_event"): [_cycle_event(r) for r in rows],
            tr("portfolio.col_round"): [
                tr("ui.round_n", n=r.round_no) if r.round_no else "" for r in rows
            ],
            tr("portfolio.col_state"): [
                tr(f"state.{r.state.value}") if r.state else "" for r in rows
            ],
            tr("portfolio.col_last_activity"): [
                when(r.last_activity) if r.last_activity else "" for r in rows
            ],
            tr("portfolio.col_credit_code"): [r.credit_code for r in rows],
        }
    )


def red_when_overdue(frame: pd.DataFrame) -> pd.DataFrame:
    styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
    due = tr("portfolio.col_next_due")
    column = styles.columns.get_loc(due)
    cycle_column = styles.columns.get_loc(tr("portfolio.col_cycle_event"))
    assert isinstance(column, int) and isinstance(cycle_column, int)  # the names are unique
    for index, row in enumerate(shown):
        if row.overdue:
            styles.iloc[index, column] = OVERDUE_STYLE
        if row.at_risk:
            styles.iloc[index, cycle_column] = OVERDUE_STYLE
    return styles


frame = table(shown)
event = st.dataframe(
    frame.style.apply(red_when_overdue, axis=None),
    key=TABLE,
    on_select="rerun",
    selection_mode="single-row",
    hide_index=True,
    width="stretch",
    column_config={
        # kept in view while a phone scrolls the other columns sideways
        tr("portfolio.col_organisation"): st.column_config.TextColumn(pinned=True),
        tr("portfolio.col_score"): st.column_config.NumberColumn(format="%.2f"),
        tr("portfolio.col_to_next"): st.column_config.NumberColumn(
            format="%.2f", help=tr("portfolio.help_to_next")
        ),
    },
)
picked = [shown[i] for i in event.selection.rows if i < len(shown)]
if picked:
    chosen = picked[0]
    if chosen.broken:
        st.error(
            tr(
                "portfolio.cannot_open",
                name=plain(chosen.organisation),
                problem=plain(chosen.problem),
            )
        )
    else:
        del st.session_state[TABLE]  # coming back, the portfolio shows, not the same audit again
        go_to(LANDING, chosen.audit_id)

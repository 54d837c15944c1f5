"""Certification cycle: the organisation's certificate, its surveillance and renewal dates, and
a surveillance round started from the certified round."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from domain.permissions import Action
from scoring.cycle import CycleEvent
from ui.state import (
    actor,
    attempt,
    flash,
    lang,
    may,
    open_audit,
    page_store,
    require_audit,
    save_and_rerun,
    show_flashes,
    tr,
)

store = page_store()
audit = require_audit()
organisation = store.organisation(audit.organisation_id)
today = date.today()

st.title(tr("certification.title"))
st.caption(f"{organisation.profile.name} · {tr('certification.caption')}")
show_flashes()

certificate = store.current_certificate(organisation.id)
if certificate is None:
    st.info(tr("certification.none"))
else:
    cycle = certificate.cycle
    upcoming = cycle.next_event(today)
    # long body names and numbers are read whole, so plain text rather than metrics
    st.subheader(certificate.tier)
    st.markdown(
        tr(
            "certification.summary",
            body=certificate.body,
            number=certificate.number,
            issued=certificate.issued_on.isoformat(),
        )
    )

    def label(event: CycleEvent) -> str:
        return tr(f"cycle.{event.kind.value}", n=event.number)

    def when(event: CycleEvent) -> str:
        if event.due < today:
            return tr("certification.past")
        if event == upcoming:
            return tr("certification.next", days=(event.due - today).days)
        return ""

    st.dataframe(
        pd.DataFrame(
            {
                tr("certification.event"): [label(e) for e in cycle.events],
                tr("certification.due"): [e.due.isoformat() for e in cycle.events],
                tr("certification.status"): [when(e) for e in cycle.events],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if upcoming is None:
        st.warning(tr("certification.expired", day=cycle.renewal.isoformat()))
    if st.button(
        tr("certification.start_surveillance"),
        icon=":material/event_repeat:",
        disabled=not may(Action.CREATE_ROUND, organisation.id),
    ):
        started = attempt(
            lambda: store.start_surveillance_round(
                organisation.id, on=today, actor=actor(), lang=lang()
            )
        )
        if started is not None:
            open_audit(started.id)
            flash("success", tr("certification.started", title=started.title, n=started.round_no))
            st.switch_page("ui/pages/checklist.py")

rounds = store.audits(organisation.id)
with st.expander(tr("certification.record"), expanded=certificate is None):
    with st.form("certification.form", clear_on_submit=False):
        body_in, number_in = st.columns(2)
        body = body_in.text_input(tr("certification.body"), key="certification.body")
        number = number_in.text_input(tr("certification.number"), key="certification.number")
        tier_in, issued_in, round_in = st.columns(3)
        tier = tier_in.text_input(tr("certification.tier"), key="certification.tier")
        issued_on = issued_in.date_input(
            tr("certification.issued_on"), value=today, key="certification.issued_on"
        )
        round_id = round_in.selectbox(
            tr("certification.round"),
            [None, *(a.id for a in reversed(rounds))],
            key="certification.round",
            format_func=lambda i: (
                tr("certification.round_unknown")
                if i is None
                else next(
                    f"{tr('ui.round_n', n=a.round_no)} · {a.title}" for a in rounds if a.id == i
                )
            ),
        )
        submitted = st.form_submit_button(
            tr("certification.save"), disabled=not may(Action.EDIT_ORGANISATION, organisation.id)
        )
    if submitted:
        save_and_rerun(
            lambda: store.add_certificate(
                organisation.id,
                body=body,
                number=number,
                tier=tier,
                issued_on=issued_on,
                actor=actor(),
                audit_id=round_id,
            ),
            tr("certification.saved"),
        )

history = store.certificates(organisation.id)
if len(history) > 1:
    st.subheader(tr("certification.history"))
    st.dataframe(
        pd.DataFrame(
            {
                tr("certification.body"): [c.body for c in history],
                tr("certification.number"): [c.number for c in history],
                tr("certification.tier"): [c.tier for c in history],
                tr("certification.issued_on"): [c.issued_on.isoformat() for c in history],
                tr("certification.renewal"): [c.cycle.renewal.isoformat() for c in history],
            }
        ),
        hide_index=True,
        width="stretch",
    )

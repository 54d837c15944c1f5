"""Certification cycle: the organisation's certificate, its surveillance and renewal dates, and
a surveillance round started from the certified round."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from domain.permissions import Action
from scoring import display
from scoring.cycle import CertificateState, CycleEventKind, EventState, EventStatus
from services import certification
from ui.markup import plain
from ui.state import (
    attempt,
    context,
    flash,
    lang,
    may,
    open_audit,
    organisation_of,
    page_store,
    require_audit,
    save_and_rerun,
    show_flashes,
    tr,
)
from ui.state import today as today_here

store = page_store()
audit = require_audit()
organisation = organisation_of(audit)  # read once in this run (the sidebar too)
today = today_here()

st.title(tr("certification.title"))
st.caption(f"{plain(organisation.profile.name)} · {tr('certification.caption')}")
show_flashes()

ctx = context()
certificate = certification.current_certificate(ctx, organisation.id)
scheme_tiers = certification.known_tiers(ctx, organisation.id)


def tier_shown(recorded: str) -> str:
    return display.held_tier(recorded, scheme_tiers, lang())


if certificate is None:
    st.info(tr("certification.none"))
else:
    status = certificate.status(today)
    # long body names and numbers are read whole, so plain text rather than metrics
    st.subheader(plain(tier_shown(status.tier)))
    st.markdown(
        tr(
            "certification.summary",
            body=plain(certificate.body),
            number=plain(certificate.number),
            issued=display.day(certificate.issued_on),
        )
        + " · "
        + tr("certification.valid_until", day=display.day(status.valid_until))
    )
    state_text = tr(f"cycle.state.{status.state.value}")
    if status.state is CertificateState.VALID:
        st.success(state_text)
    else:
        st.error(state_text)

    def label(event: EventStatus) -> str:
        if event.kind is CycleEventKind.SURVEILLANCE:
            return tr("cycle.surveillance", n=event.number)
        return tr("cycle.renewal")

    def when(event: EventStatus) -> str:
        on = display.day(event.held_on)
        if event.held and event.kind is CycleEventKind.SURVEILLANCE:
            # a dataframe cell is text, not Markdown: the tier in the reader's words, or as typed
            held_tier = tier_shown(event.held.tier or "")
            result = tr(f"cycle.result.{event.held.result.value}", tier=held_tier)
            return tr("cycle.event.held_result", on=on, result=result)
        text = tr(f"cycle.event.{event.state.value}", on=on)
        if event.state in (EventState.DUE, EventState.UPCOMING):
            text += " · " + tr("certification.in_days", days=(event.due - today).days)
        return text

    st.dataframe(
        pd.DataFrame(
            {
                tr("certification.event"): [label(e) for e in status.events],
                tr("certification.due"): [display.day(e.due) for e in status.events],
                tr("certification.status"): [when(e) for e in status.events],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if status.state is CertificateState.EXPIRED:
        st.warning(tr("certification.expired", day=display.day(status.valid_until)))
    may_record = may(Action.EDIT_ORGANISATION, organisation.id)
    with st.expander(tr("certification.record_surveillance")):
        with st.form("certification.surveillance", clear_on_submit=False):
            held_in, tier_in, suspended_in = st.columns(3)
            held_on = held_in.date_input(
                tr("certification.held_on"), value=today, key="certification.held_on"
            )
            titles = {tier.id: tier.title.get(lang()) for tier in scheme_tiers}
            new_tier = tier_in.selectbox(
                tr("certification.new_tier"),
                [None, *titles],
                key="certification.new_tier",
                format_func=lambda i: tr("certification.tier_kept") if i is None else titles[i],
            )
            suspended = suspended_in.checkbox(
                tr("certification.suspended"), key="certification.suspended"
            )
            held = st.form_submit_button(
                tr("certification.save_surveillance"), disabled=not may_record
            )
        if held:
            save_and_rerun(
                lambda: certification.record_surveillance(
                    ctx, organisation.id, on=held_on, tier_id=new_tier, suspended=suspended
                ),
                tr("certification.surveillance_saved"),
            )
    if st.button(
        tr("certification.start_surveillance"),
        icon=":material/event_repeat:",
        disabled=not may(Action.CREATE_ROUND, organisation.id),
    ):
        started = attempt(
            lambda: certification.start_surveillance_round(
                ctx, organisation.id, on=today, lang=lang()
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
            lambda: certification.add_certificate(
                ctx,
                organisation.id,
                body=body,
                number=number,
                tier=tier,
                issued_on=issued_on,
                audit_id=round_id,
            ),
            tr("certification.saved"),
        )

history = certification.certificates(ctx, organisation.id)
if len(history) > 1:
    st.subheader(tr("certification.history"))
    st.dataframe(
        pd.DataFrame(
            {
                tr("certification.body"): [c.body for c in history],
                tr("certification.number"): [c.number for c in history],
                tr("certification.tier"): [tier_shown(c.tier) for c in history],
                tr("certification.issued_on"): [display.day(c.issued_on) for c in history],
                tr("certification.renewal"): [display.day(c.cycle.valid_until) for c in history],
            }
        ),
        hide_index=True,
        width="stretch",
    )

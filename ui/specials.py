"""Special deductions (特别扣分项), the special bonus (特别加分项) and the prerequisites."""

from __future__ import annotations

import streamlit as st

from criteria import Catalogue
from domain.records import ActionState, AuditRecord, DeductionRecord, Rectification
from domain.running_period import running_period
from scoring import display
from services import rounds
from store import AuditStore, StoreError
from store.access import GuardedStore
from ui.confirm import ask_button, confirmation
from ui.labels import action_labels, deduction_categories, item_choices
from ui.markup import plain
from ui.state import actor, context, flash, lang, noting_tier_change, refusal, save_and_rerun, tr

UNSET = "unset"
TAB_KEY = "checklist.tab"  # the checklist's tab set, tracked by the server


def render_specials(
    store: AuditStore | GuardedStore, audit: AuditRecord, catalogue: Catalogue, editable: bool
) -> None:
    rules = catalogue.spec.special_items
    categories = deduction_categories(catalogue, lang())
    st.markdown(f"#### {tr('ui.deductions')}")
    st.caption(tr("ui.deductions_help", points=rules.deduction_points))
    deductions = store.deductions(audit.id)
    if not deductions:
        st.caption(tr("ui.none_yet"))
    for deduction in deductions:
        _deduction(store, deduction, categories, catalogue, editable)
    if editable:
        form = f"add_deduction.{audit.id}"
        with st.form(form):  # not cleared on submit: a refused entry stays as typed
            st.markdown(tr("ui.add_deduction"))
            st.text_input(tr("ui.reason"), key=f"{form}.reason")
            st.selectbox(  # chosen, never defaulted: the person says which rule was broken
                tr("ui.category"),
                list(categories),
                index=None,
                placeholder=tr("ui.category_choose"),
                format_func=categories.__getitem__,
                key=f"{form}.category",
            )
            items = item_choices(catalogue, lang())
            st.selectbox(  # by number and title, searchable by either
                tr("ui.related_item"),
                list(items),
                index=None,
                placeholder=tr("ui.related_item_search"),
                format_func=items.__getitem__,
                key=f"{form}.item",
            )
            st.form_submit_button(
                tr("ui.add"), on_click=_add_deduction, args=(store, audit.id, form)
            )

    st.markdown(f"#### {tr('ui.bonus')}")
    st.caption(tr("ui.bonus_help", points=rules.bonus_points))
    bonus = store.bonus(audit.id)
    with st.form(f"bonus.{audit.id}"):
        reason = st.text_input(
            tr("ui.reason"), value=bonus.reason if bonus else "", disabled=not editable
        )
        give, withdraw = st.columns(2)
        version = bonus.version if bonus else 0
        if give.form_submit_button(tr("ui.save_bonus"), disabled=not editable):
            save_and_rerun(
                lambda: noting_tier_change(
                    audit.id,
                    lambda: rounds.set_bonus(context(), audit.id, reason, expected_version=version),
                ),
                tr("ui.saved"),
            )
        if withdraw.form_submit_button(tr("ui.withdraw_bonus"), disabled=not editable or not bonus):
            save_and_rerun(
                lambda: noting_tier_change(
                    audit.id,
                    lambda: rounds.set_bonus(context(), audit.id, None, expected_version=version),
                ),
                tr("ui.saved"),
            )


def _add_deduction(store: AuditStore, audit_id: int, form: str) -> None:
    """Form callback; the entry is cleared only once it is saved."""
    try:
        noting_tier_change(
            audit_id,
            lambda: rounds.add_deduction(
                context(),
                audit_id,
                reason=str(st.session_state.get(f"{form}.reason") or ""),
                category=str(st.session_state.get(f"{form}.category") or ""),
                item_id=st.session_state.get(f"{form}.item") or None,
            ),
        )
    except StoreError as exc:
        flash("error", plain(refusal(exc)))
        return
    # assigned, not removed: the browser keeps a form's typed value unless told a new one
    st.session_state[f"{form}.reason"] = ""
    st.session_state[f"{form}.category"] = None
    st.session_state[f"{form}.item"] = None
    # The button is only on this tab, so this is where the user is. A busy browser can send
    # the click with the tab set's previous value, and the page would follow that value back
    # to the first tab (seen once in CI); the callback says where the page is instead.
    st.session_state[TAB_KEY] = tr("ui.tab_specials")
    flash("success", tr("ui.deduction_added"))


def _deduction(
    store: AuditStore | GuardedStore,
    deduction: DeductionRecord,
    categories: dict[str, str],
    catalogue: Catalogue,
    editable: bool,
) -> None:
    with st.container(border=True):
        text, remove = st.columns([5, 1])
        items = item_choices(catalogue, lang())
        related = (
            f" · {plain(items.get(deduction.item_id, deduction.item_id))}"
            if deduction.item_id
            else ""
        )
        text.markdown(
            f"**−{catalogue.spec.special_items.deduction_points}** "
            f"{plain(deduction.reason)}  \n:gray[{categories.get(deduction.category, '?')}"
            f"{related}]"
        )
        if editable:
            question = f"rm_deduction.{deduction.id}"
            ask_button(tr("ui.remove"), question, container=remove)
            confirmation(
                question,
                tr("ui.remove_deduction_title"),
                tr("ui.remove_deduction_body", reason=plain(deduction.reason)),
                tr("ui.remove"),
                lambda: noting_tier_change(
                    deduction.audit_id,
                    lambda: rounds.remove_deduction(
                        context(), deduction.id, expected_version=deduction.version
                    ),
                ),
            )
        action = deduction.rectification
        if not action.is_set:
            st.warning(tr("ui.deduction_needs_action"))
        with st.form(f"deduction_action.{deduction.id}"):
            what = st.text_input(tr("ui.action"), value=action.action, disabled=not editable)
            owner, due, state = st.columns(3)
            who = owner.text_input(tr("ui.owner"), value=action.owner, disabled=not editable)
            when = due.date_input(tr("ui.due"), value=action.due, disabled=not editable)
            progress = state.selectbox(
                tr("ui.action_state"),
                [s.value for s in ActionState],
                index=[s.value for s in ActionState].index(action.state),
                format_func=action_labels().__getitem__,
                disabled=not editable,
            )
            if st.form_submit_button(tr("ui.save"), disabled=not editable):
                save_and_rerun(
                    lambda: rounds.update_deduction(
                        context(),
                        deduction.id,
                        expected_version=deduction.version,
                        rectification=Rectification(what, who, when, ActionState(progress)),
                    ),
                    tr("ui.saved"),
                )


def render_prerequisites(
    store: AuditStore | GuardedStore, audit: AuditRecord, catalogue: Catalogue, editable: bool
) -> None:
    st.caption(tr("ui.prerequisites_help"))
    show_running_period(store, audit, catalogue)
    choices = {True: tr("ui.met"), False: tr("ui.not_met"), None: tr("ui.unconfirmed")}
    with st.form(f"prerequisites.{audit.id}"):
        values = {}
        for prerequisite in catalogue.spec.prerequisites:
            current = audit.prerequisites.get(prerequisite.id)
            values[prerequisite.id] = st.radio(
                prerequisite.title.get(lang()),
                list(choices),
                index=list(choices).index(current),
                format_func=choices.__getitem__,
                horizontal=True,
                disabled=not editable,
                help=prerequisite.guidance.get(lang()) if prerequisite.guidance else None,
                key=f"prereq.{audit.id}.{prerequisite.id}",
            )
        planned = st.date_input(
            tr("running.planned_certification"),
            value=audit.planned_certification_on,
            help=tr("running.planned_help"),
            disabled=not editable,
            key=f"planned_certification.{audit.id}",
        )
        if st.form_submit_button(tr("ui.save"), disabled=not editable):
            save_and_rerun(
                lambda: noting_tier_change(
                    audit.id,
                    lambda: store.update_audit(
                        audit.id,
                        expected_version=audit.version,
                        actor=actor(),
                        prerequisites=values,
                        planned_certification_on=planned,
                    ),
                ),
                tr("ui.saved"),
            )


def show_running_period(
    store: AuditStore | GuardedStore, audit: AuditRecord, catalogue: Catalogue
) -> None:
    """What the operating records show, next to the prerequisite a person confirms."""
    library = {
        e.id: e for e in store.evidence_library(audit.organisation_id, include_replaced=True)
    }
    period = running_period(catalogue, store.evidence_links(audit.id), library)
    if period is None:
        st.info(tr("running.none"), icon=":material/event_busy:")
        return
    shown = tr(
        "running.shown",
        start=display.day(period.start),
        end=display.day(period.end),
        months=period.months,
        records=period.records,
    )
    advice = tr("running.suggest_met" if period.suggests_running else "running.suggest_not_met")
    st.info(f"{shown} {advice}", icon=":material/event_available:")

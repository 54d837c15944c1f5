"""The parts of an item's evidence area beyond linking: opening a linked file (verified),
requests for what the item still lacks, and a photo taken on site."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from domain.evidence_rules import EvidenceRule
from domain.records import EvidenceRecord, EvidenceRequest
from evidence import EvidenceRefused
from scoring import display
from scoring.display import local
from services import evidence as evidence_services
from ui import evidence_document
from ui.markup import plain
from ui.state import actor, attempt, context, flash, lang, tr, when, zone


def open_document(document: EvidenceRecord, where: str, container: Any = None) -> None:
    """The linked file's verified download, opened when asked (ui.evidence_document)."""
    evidence_document.open_document(_store(), document, where, container)


def item_requests(
    requests: Sequence[EvidenceRequest], audit_id: int, item_id: str, editable: bool
) -> None:
    for request in requests:
        due_text = display.day(request.due)
        if request.open:
            st.warning(
                tr(
                    "evidence.ui.request_open",
                    owner=plain(request.owner),
                    needed=plain(request.needed),
                    due=due_text,
                    by=plain(request.requested_by),
                ),
                icon=":material/pending_actions:",
            )
        else:
            st.caption(
                tr(
                    "evidence.ui.request_closed",
                    owner=plain(request.owner),
                    needed=plain(request.needed),
                    by=plain(request.closed_by or ""),
                )
            )
    if not editable:
        return
    with (
        st.expander(tr("evidence.ui.request")),
        st.form(f"request.{audit_id}.{item_id}", clear_on_submit=True),
    ):
        where = f"{audit_id}.{item_id}"
        owner = st.text_input(
            tr("evidence.ui.request_owner"),
            help=tr("evidence.ui.owner_help"),
            key=f"request_owner.{where}",
        )
        needed = st.text_input(tr("evidence.ui.request_needed"), key=f"request_needed.{where}")
        due = st.date_input(tr("evidence.ui.request_due"), value=None, key=f"request_due.{where}")
        if st.form_submit_button(tr("evidence.ui.request_button"), key=f"request_go.{where}"):
            try:
                _store().request_evidence(
                    audit_id, item_id, needed=needed, owner=owner, due=due, actor=actor()
                )
            except EvidenceRule as exc:
                st.error(exc.message(lang()))
            else:
                flash("success", tr("evidence.ui.requested", owner=plain(owner.strip())))
                st.rerun()


def camera_photo(organisation_id: int, audit_id: int, item_id: str) -> None:
    """A photo taken on site goes through the same checks as any upload, then supports the
    item. The camera starts only when asked (a phone asks for permission)."""
    if not st.toggle(tr("evidence.ui.camera"), key=f"camera_on.{audit_id}.{item_id}"):
        return
    shot = st.camera_input(tr("evidence.ui.camera_take"), key=f"camera.{audit_id}.{item_id}")
    done = st.session_state.setdefault("uploaded_files", set())
    if shot is None or (f"camera.{audit_id}.{item_id}", shot.file_id) in done:
        return
    done.add((f"camera.{audit_id}.{item_id}", shot.file_id))
    taken = datetime.now(UTC)
    name = f"{item_id}-{local(taken, zone()):%Y%m%d-%H%M%S}.jpg"  # a file name: no separators
    try:
        # stored and linked in one transaction (with the sign-off it withdraws)
        filed = attempt(
            lambda: evidence_services.file_evidence(
                context(),
                audit_id,
                name,
                shot,
                items=[item_id],
                title=tr("evidence.ui.photo_title", item=item_id, at=when(taken)),
                kind="photo",
                covered_from=local(taken, zone()).date(),
                covered_to=local(taken, zone()).date(),
            )
        )
    except EvidenceRefused as exc:
        st.error(exc.message(lang()))
        return
    if filed is None:
        return
    document, _ = filed
    flash("success", tr("ui.attached_new", title=plain(document.title)))
    st.rerun()


def _store() -> Any:
    from ui.state import page_store

    return page_store()

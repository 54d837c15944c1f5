"""One evidence document on the page: its verified download, its revisions, a new revision,
and its removal (asked first)."""

from __future__ import annotations

import functools
from typing import Any

import streamlit as st

from domain.evidence_rules import EvidenceRule
from domain.records import EvidenceRecord
from evidence import EvidenceRefused, preview_blob
from evidence.preview import Preview
from scoring import display
from store import AuditStore, StoreError
from store.access import GuardedStore
from ui.confirm import ask_button, confirmation
from ui.evidence_intake import upload_limit_mb
from ui.evidence_media import download_button as offer
from ui.markup import plain
from ui.state import actor, flash, lang, tr, when


def covered_text(document: EvidenceRecord) -> str:
    """The covered period as "from – to"; an open end stays blank."""
    if document.covered_from is None and document.covered_to is None:
        return ""
    start = display.day(document.covered_from) if document.covered_from else ""
    end = display.day(document.covered_to) if document.covered_to else ""
    return f"{start} – {end}"


OPENED = "evidence.opened"  # "<where>.<evidence id>" -> None (verified) or why it is not offered


def open_document(
    store: AuditStore | GuardedStore, document: EvidenceRecord, where: str, container: Any = None
) -> None:
    """Reading and re-hashing a file costs time: it is done when asked ("open"), once, so a
    changed or missing file is named then; after that the download is offered and the bytes
    are read (and re-hashed again) only when it is pressed, never on a run of the page."""
    opened = st.session_state.setdefault(OPENED, {})
    key = f"{where}.{document.id}"
    if key not in opened:
        if (container or st).button(tr("evidence.ui.open"), key=f"open.{key}"):
            try:
                store.evidence_content(document.id)
            except EvidenceRule as exc:
                opened[key] = exc
            else:
                opened[key] = None
            st.rerun()
        return
    with container or st.container():
        problem = opened[key]
        if problem is not None:
            st.error(problem.message(lang()))
            return
        download_button(store, document, key=f"download.{key}")


def download_button(
    store: AuditStore | GuardedStore, document: EvidenceRecord, *, key: str
) -> None:
    """The stored bytes, read and re-hashed when the button is pressed (Streamlit runs the
    callable then, outside the page's run), not on every run of the page: a changed or
    missing file is never served; the gate serves them only to people with a role in the
    document's organisation."""
    offer(
        st,
        tr("evidence.ui.download", name=plain(document.original_name)),
        functools.partial(store.evidence_content, document.id),  # re-hashed as it is read
        organisation_id=document.organisation_id,
        file_name=document.original_name,
        mime=document.media_type,
        key=key,
        on_click="ignore",
    )


class _NotKept(Exception):
    """A preview that says the file is gone or changed: shown, never kept (that can change)."""

    def __init__(self, shown: Preview) -> None:
        self.shown = shown


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def _kept_preview(sha256: str, media_type: str, _blobs: Any) -> Preview:
    shown = preview_blob(_blobs, sha256, media_type)
    if shown.reason in ("missing", "changed"):
        raise _NotKept(shown)
    return shown


def preview(store: AuditStore | GuardedStore, document: EvidenceRecord) -> Preview:
    """The document's preview, made from a copy verified against its SHA-256 once and kept
    by that hash (the same hash is the same bytes, whoever asks), so choosing a document again
    or any other click on the page neither re-reads nor re-renders it."""
    try:
        return _kept_preview(document.sha256, document.media_type, store.blobs)
    except _NotKept as refused:
        return refused.shown


def show_revisions(store: AuditStore | GuardedStore, document: EvidenceRecord) -> None:
    revisions = store.evidence_revisions(document.id)
    if len(revisions) < 2:
        return
    with st.expander(tr("evidence.ui.revisions", n=len(revisions))):
        for revision in reversed(revisions[:-1]):
            st.markdown(
                tr(
                    "evidence.ui.revision_line",
                    n=revision.revision,
                    name=plain(revision.original_name),
                    by=plain(revision.uploaded_by),
                    at=when(revision.uploaded_at),
                    replaced_by=plain(revision.replaced_by or ""),
                    replaced_at=when(revision.replaced_at) if revision.replaced_at else "",
                )
            )
            open_document(store, revision, "revision")


def replace_form(store: AuditStore | GuardedStore, document: EvidenceRecord) -> None:
    with st.expander(tr("evidence.ui.replace")), st.form(f"replace.{document.id}"):
        upload = st.file_uploader(
            tr("evidence.ui.new_revision_file"), max_upload_size=upload_limit_mb(store)
        )
        valid_until = st.date_input(tr("ui.valid_until"), value=None)
        from_col, to_col = st.columns(2)
        covered_from = from_col.date_input(tr("evidence.ui.covered_from"), value=None)
        covered_to = to_col.date_input(tr("evidence.ui.covered_to"), value=None)
        if st.form_submit_button(tr("evidence.ui.replace_button")) and upload is not None:
            try:
                record = store.replace_evidence(
                    document.id,
                    upload.name,
                    upload,
                    actor=actor(),
                    valid_until=valid_until,
                    covered_from=covered_from,
                    covered_to=covered_to,
                )
            except EvidenceRule as exc:
                st.error(exc.message(lang()))
            except StoreError as exc:
                st.error(str(exc))
            except EvidenceRefused as exc:
                st.error(f"{plain(upload.name)}: {exc.message(lang())}")
            else:
                flash("success", tr("evidence.ui.replaced", n=record.revision))
                st.rerun()


def remove_button(store: AuditStore | GuardedStore, document: EvidenceRecord) -> None:
    key = f"remove-evidence.{document.id}"
    ask_button(tr("evidence.ui.remove"), key)
    confirmation(
        key,
        tr("evidence.ui.remove_title"),
        tr("evidence.ui.remove_body", title=plain(document.title)),
        tr("evidence.ui.remove_confirm"),
        lambda: store.remove_evidence(document.id, actor=actor()),
    )

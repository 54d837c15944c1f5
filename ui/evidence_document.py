"""One evidence document on the page: its verified download, its revisions, a new revision,
and its removal (asked first)."""

from __future__ import annotations

import streamlit as st

from domain.evidence_rules import EvidenceRule
from domain.records import EvidenceRecord
from evidence import EvidenceRefused
from scoring import display
from store import StoreError
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


def download_button(store: object, document: EvidenceRecord, *, key: str) -> None:
    """The stored bytes, re-hashed before they are offered: a changed or missing file is named
    and not offered."""
    try:
        content = store.evidence_content(document.id)  # type: ignore[attr-defined]
    except EvidenceRule as exc:
        st.error(exc.message(lang()))
        return
    # the gate serves these bytes only to people with a role in the document's organisation
    offer(
        st,
        tr("evidence.ui.download", name=plain(document.original_name)),
        content,
        organisation_id=document.organisation_id,
        file_name=document.original_name,
        mime=document.media_type,
        key=key,
        on_click="ignore",
    )


def show_revisions(store: object, document: EvidenceRecord) -> None:
    revisions = store.evidence_revisions(document.id)  # type: ignore[attr-defined]
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
            download_button(store, revision, key=f"download.{revision.id}")


def replace_form(store: object, document: EvidenceRecord) -> None:
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
                record = store.replace_evidence(  # type: ignore[attr-defined]
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


def remove_button(store: object, document: EvidenceRecord) -> None:
    key = f"remove-evidence.{document.id}"
    ask_button(tr("evidence.ui.remove"), key)
    confirmation(
        key,
        tr("evidence.ui.remove_title"),
        tr("evidence.ui.remove_body", title=plain(document.title)),
        tr("evidence.ui.remove_confirm"),
        lambda: store.remove_evidence(document.id, actor=actor()),  # type: ignore[attr-defined]
    )

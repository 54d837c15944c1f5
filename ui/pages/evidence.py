"""Evidence library: upload several files at once, describe them, see what they support,
preview them, and verify that every stored file is still the file that was uploaded."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from domain.permissions import Action
from evidence.blobs import GC_GRACE
from scoring import display
from ui.evidence_batch import batch_upload
from ui.evidence_document import (
    covered_text,
    open_document,
    preview,
    remove_button,
    replace_form,
    show_revisions,
)
from ui.evidence_intake import EVIDENCE_KINDS, kind_label, kind_labels
from ui.evidence_media import inline_png
from ui.markup import plain
from ui.state import (
    actor,
    administrator,
    lang,
    may,
    organisation_of,
    page_store,
    read_only_notice,
    require_audit,
    save_and_rerun,
    show_flashes,
    tr,
    when,
)
from ui.state import today as today_here

store = page_store()
audit = require_audit()
organisation = organisation_of(audit)  # read once in this run (the sidebar too)
catalogue = store.catalogue(audit.catalogue_hash)
st.title(tr("nav.evidence"))
st.caption(plain(organisation.profile.name))
show_flashes()
may_change = may(Action.MANAGE_EVIDENCE, organisation.id)
if not may_change:
    read_only_notice(organisation.id)

with st.expander(tr("ui.upload_files"), expanded=not store.evidence_library(organisation.id)):
    batch_upload(store, audit, catalogue, organisation.id, disabled=not may_change)

library = store.evidence_library(organisation.id)
links = store.evidence_links(audit.id)
supports: dict[int, list[str]] = {}
for item_id, ids in links.items():
    for evidence_id in ids:
        supports.setdefault(evidence_id, []).append(item_id)
today = today_here()

st.markdown(f"#### {tr('ui.library')} ({len(library)})")
if not library:
    st.info(tr("ui.library_empty"))
    st.stop()

table = pd.DataFrame(
    {
        "ID": [e.id for e in library],
        tr("ui.col_title"): [e.title for e in library],
        tr("ui.kind"): [kind_label(e.kind) for e in library],
        tr("ui.col_file"): [e.original_name for e in library],
        tr("ui.col_size"): [display.file_size(e.size) for e in library],
        tr("ui.col_type"): [e.media_type for e in library],
        tr("ui.valid_until"): [
            display.day(e.valid_until) if e.valid_until else "" for e in library
        ],
        tr("evidence.ui.covered"): [covered_text(e) for e in library],
        tr("evidence.ui.col_revision"): [e.revision for e in library],
        tr("ui.col_expired"): [tr("ui.expired") if e.expired_on(today) else "" for e in library],
        tr("ui.col_items"): [", ".join(sorted(supports.get(e.id, []))) for e in library],
        "SHA-256": [e.sha256 for e in library],
    }
)
st.dataframe(table, hide_index=True, width="stretch")

left, right = st.columns([2, 3])
with left:
    chosen = st.selectbox(
        tr("ui.choose_document"),
        [e.id for e in library],
        format_func=lambda i: next(e.title for e in library if e.id == i),
    )
    document = next(e for e in library if e.id == chosen)
    with st.form(f"meta.{document.id}"):
        title = st.text_input(tr("ui.col_title"), value=document.title)
        kind = st.selectbox(
            tr("ui.kind"),
            EVIDENCE_KINDS,
            format_func=kind_labels().__getitem__,
            index=EVIDENCE_KINDS.index(document.kind) if document.kind in EVIDENCE_KINDS else 0,
        )
        valid_until = st.date_input(tr("ui.valid_until"), value=document.valid_until)
        from_col, to_col = st.columns(2)
        covered_from = from_col.date_input(
            tr("evidence.ui.covered_from"), value=document.covered_from
        )
        covered_to = to_col.date_input(tr("evidence.ui.covered_to"), value=document.covered_to)
        if st.form_submit_button(tr("ui.save"), disabled=not may_change):
            save_and_rerun(
                lambda: store.update_evidence(
                    document.id,
                    actor=actor(),
                    title=title,
                    kind=kind,
                    valid_until=valid_until,
                    covered_from=covered_from,
                    covered_to=covered_to,
                ),
                tr("ui.saved"),
            )
    st.caption(
        f"{tr('evidence.ui.revision', n=document.revision)} · "
        f"{plain(document.original_name)} · {display.file_size(document.size)} · "
        f"{plain(document.uploaded_by)} · {when(document.uploaded_at)}"
    )
    st.code(document.sha256, language=None)
    open_document(store, document, "library")
    show_revisions(store, document)
    replace_form(store, document)
    remove_button(store, document)
with right:
    shown = preview(store, document)
    if shown.png is not None:
        st.image(inline_png(shown.png), caption=tr("ui.preview"))  # not a /media file
    else:
        st.caption(tr("ui.no_preview", reason=shown.message(lang())))

st.markdown(f"#### {tr('ui.verify_title')}")
if st.button(tr("ui.verify")):
    with st.spinner(tr("ui.verifying")):
        checks = store.verify_evidence(organisation.id)
    bad = [c for c in checks if not c.ok]
    if bad:
        names = {e.sha256: e.title for e in library}
        for check in bad:
            st.error(
                tr(
                    f"ui.blob_{check.state.value}",
                    title=plain(names.get(check.sha256, "?")),
                    sha=check.sha256[:12],
                )
            )
    else:
        st.success(tr("ui.verified_all", n=len(checks)))

# Removes files of every organisation, so it belongs to administrators. Safe while others
# upload: see evidence.blobs (grace period and lock).
if not administrator():
    st.stop()
st.markdown(f"#### {tr('ui.gc_title')}")
st.caption(tr("ui.gc_help", minutes=int(GC_GRACE.total_seconds() // 60)))
if st.button(tr("ui.gc")):
    report = store.collect_garbage()
    st.success(
        tr(
            "ui.gc_done",
            n=len(report.removed),
            size=display.file_size(report.freed_bytes),
            recent=report.kept_recent,
        )
    )

"""Dossier: the application dossier (PDF) and the self-evaluation table (xlsx) to download."""

from __future__ import annotations

import streamlit as st

from scoring import display
from store.jobs import Job, JobState
from ui import job_view
from ui.catalogue_rows import catalogue_line
from ui.labels import verdict_metric
from ui.markup import plain
from ui.state import lang, organisation_of, page_store, require_audit, scored, tr

store = page_store()
audit = require_audit()
organisation = organisation_of(audit)  # read once in this run (the sidebar too)
result = scored(audit.id)
linked = {i for ids in store.evidence_links(audit.id).values() for i in ids}

st.title(tr("nav.dossier"))
st.caption(
    f"{plain(organisation.profile.name)} · {plain(audit.title)} · "
    f"{tr('ui.round_n', n=audit.round_no)}"
)
st.caption(catalogue_line(store.catalogue(audit.catalogue_hash), lang()))
st.markdown(tr("ui.dossier_intro"))
score_col, tier_col, evidence_col = st.columns(3)
score_col.metric(tr("ui.score"), display.score(result.score))
verdict_metric(tier_col, result, lang(), tr("ui.tier"))
evidence_col.metric(tr("ui.dossier_evidence"), len(linked))
if result.open_items:
    st.warning(tr("ui.dossier_open_items", n=len(result.open_items)))

key = f"dossier.job.{audit.id}"
if st.button(tr("ui.dossier_build"), type="primary"):
    job_view.start(store, "dossier", {"audit_id": audit.id}, key, tr("ui.dossier_building"))


def show_result(job: Job) -> None:
    if job.state is JobState.FAILED:
        st.error(tr("ui.dossier_refused", reason=plain(job_view.failure(job))))
        return
    result = job.result or {}
    st.success(
        tr(
            "ui.dossier_ready",
            pages=result.get("pages", 0),
            embedded=result.get("embedded", 0),
            listed=result.get("listed", 0),
            missing=result.get("missing", 0),
        )
    )
    for warning in result.get("warnings", []):
        st.warning(warning.get(lang(), ""))  # as the dossier report words it, as before
    columns = st.columns(2)
    labels = (tr("ui.download_pdf"), tr("ui.download_xlsx"))
    for index, (column, entry) in enumerate(zip(columns, job.files(), strict=False)):
        label = labels[index] if index < len(labels) else entry["name"]
        job_view.download(
            column, store, job, index, label, audit.organisation_id, primary=index == 0
        )


job = job_view.current(
    store, key, lambda job: job.kind == "dossier" and job.params.get("audit_id") == audit.id
)
if job is not None and job.finished:
    show_result(job)
elif job is not None:
    job_view.follow(store, job.id)

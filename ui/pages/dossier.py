"""Dossier: the application dossier (PDF) and the self-evaluation table (xlsx) to download."""

from __future__ import annotations

import streamlit as st

from scoring import display
from store import StoreError
from store.jobs import Job, Jobs, JobState
from ui.catalogue_rows import catalogue_line
from ui.evidence_media import download_button
from ui.labels import verdict_metric
from ui.markup import plain
from ui.state import actor, lang, page_store, require_audit, scored, tr
from worker.requests import bare_store, job_file, request_job

store = page_store()
audit = require_audit()
organisation = store.organisation(audit.organisation_id)
result, _ = scored(audit.id)
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
    bar = st.progress(0.0, text=tr("ui.dossier_building"))

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message or tr("ui.dossier_building"))

    job, here = request_job(
        store, "dossier", {"audit_id": audit.id}, actor=actor(), here_progress=progress
    )
    st.session_state[key] = job.id
    if here:
        bar.empty()
        st.caption(tr("jobs.ran_here"))


def show_result(job: Job) -> None:
    if job.state is JobState.FAILED:
        reason = tr("jobs.worker_lost") if job.error == "worker_lost" else job.error
        st.error(tr("ui.dossier_refused", reason=plain(reason)))
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
        download_button(  # served only to people with a role in the organisation
            column,
            labels[index] if index < len(labels) else entry["name"],
            lambda index=index: job_file(store, job, index),
            organisation_id=audit.organisation_id,
            file_name=entry["name"],
            mime=entry["media_type"],
            type="primary" if index == 0 else "secondary",
            key=f"dossier.file.{job.id}.{index}",
            on_click="ignore",  # the file is read from the store when clicked
        )


@st.fragment(run_every=1.0)
def follow(job_id: int) -> None:
    """A queued or running job, polled once a second; the page runs again when it ends."""
    job = Jobs(bare_store(store)).job(job_id)
    if job.finished:
        st.rerun()
    if job.state is JobState.QUEUED:
        text = tr("jobs.retrying") if job.message == "worker_lost_retry" else tr("jobs.queued")
        st.progress(0.0, text=text)
    else:
        st.progress(min(max(job.progress, 0.0), 1.0), text=job.message or tr("jobs.running"))


job_id = st.session_state.get(key)
if isinstance(job_id, int):
    try:
        job = Jobs(bare_store(store)).job(job_id)
    except StoreError:
        st.session_state.pop(key, None)
    else:
        if job.params.get("audit_id") != audit.id:
            st.session_state.pop(key, None)
        elif job.finished:
            show_result(job)
        else:
            follow(job_id)

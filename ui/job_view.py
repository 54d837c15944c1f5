"""A job on a page (store/jobs.py): ask for it, follow it while it is queued or running (a
fragment that polls once a second), then show its result or why it failed. Used by the dossier,
the readiness brief (dashboard, action register) and the archive import (audits page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from store import StoreError
from store.access import bare
from store.jobs import Job, Jobs, JobState
from ui.evidence_media import download_button
from ui.state import actor, lang, tr
from worker.requests import job_file, request_job
from worker.tasks import INTERRUPTED

POLL_SECONDS = 1.0


def start(store: Any, kind: str, params: dict[str, Any], key: str, working: str) -> Job:
    """Queue the job (or, with no worker running, run it here under a progress bar); its id is
    kept in the session under ``key``. Says so when it ran here."""
    bar = st.progress(0.0, text=working)

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message or working)

    job, here = request_job(store, kind, params, actor=actor(), here_progress=progress)
    st.session_state[key] = job.id
    bar.empty()
    if here:
        st.caption(tr(f"jobs.ran_here_{kind}" if kind != "dossier" else "jobs.ran_here"))
    return job


def current(store: Any, key: str, belongs: Callable[[Job], bool]) -> Job | None:
    """The job this session asked for under ``key``, if it still exists and is about what the
    page shows now (``belongs``: e.g. the same audit); else forgotten."""
    job_id = st.session_state.get(key)
    if not isinstance(job_id, int):
        return None
    try:
        job = Jobs(bare(store)).job(job_id)
    except StoreError:
        st.session_state.pop(key, None)
        return None
    if not belongs(job):
        st.session_state.pop(key, None)
        return None
    return job


def failure(job: Job) -> str:
    """Why a failed job failed, in the reader's language."""
    if job.error in ("worker_lost", INTERRUPTED):
        return tr(f"jobs.{job.error}")
    return job.failure(lang())


@st.fragment(run_every=POLL_SECONDS)
def follow(store: Any, job_id: int) -> None:
    """A queued or running job, polled once a second; the whole page runs again when it ends."""
    job = Jobs(bare(store)).job(job_id)
    if job.finished:
        st.rerun()
    if job.state is JobState.QUEUED:
        text = tr("jobs.retrying") if job.message == "worker_lost_retry" else tr("jobs.queued")
        st.progress(0.0, text=text)
    else:
        st.progress(min(max(job.progress, 0.0), 1.0), text=job.message or tr("jobs.running"))


def download(
    column: Any,
    store: Any,
    job: Job,
    index: int,
    label: str,
    organisation_id: int,
    *,
    primary: bool = True,
) -> None:
    """One of a finished job's files as a download, read (and re-hashed) from the blob store
    when clicked, not held in the session; served only to people with a role in
    ``organisation_id`` (ui/evidence_media.py)."""
    entry = job.files()[index]
    download_button(
        column,
        label,
        lambda: job_file(store, job, index),
        organisation_id=organisation_id,
        file_name=entry["name"],
        mime=entry["media_type"],
        type="primary" if primary else "secondary",
        key=f"job.file.{job.id}.{index}",
        on_click="ignore",
    )

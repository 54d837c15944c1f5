"""The readiness brief (dossier/brief.py) as a job (store/jobs.py): a click asks for it, the
worker makes it (or, with none running, this server, saying so), the page follows it and then
offers the PDF from the blob store. The same panel on the dashboard and the action register."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import streamlit as st

from dossier.fonts import MissingCJKFont, find_cjk_fonts
from store.jobs import Job, JobState
from ui import job_view
from ui.markup import plain
from ui.state import tr


@lru_cache(maxsize=1)
def missing_fonts() -> str | None:
    """Why no PDF can be made here (no Chinese font), asked once per server process."""
    try:
        find_cjk_fonts()
    except MissingCJKFont as exc:
        return str(exc)
    return None


def brief_panel(
    store: Any,
    audit_id: int,
    today: date,
    lang: str,
    *,
    prefix: str,
    make: str,
    working: str,
    ready: str,
    help: str | None = None,
) -> None:
    """The button that asks for the brief, its progress, then its download (or why not)."""
    problem = missing_fonts()
    if problem:
        st.caption(problem)
        return
    key = f"{prefix}.brief_job.{audit_id}"
    params = {"audit_id": audit_id, "today": today.isoformat(), "lang": lang}
    if st.button(make, key=f"{prefix}.brief.{audit_id}", help=help, icon=":material/summarize:"):
        job_view.start(store, "brief", params, key, working)

    def belongs(job: Job) -> bool:
        return job.kind == "brief" and job.asked == params

    job = job_view.current(store, key, belongs)
    if job is None:
        return
    if not job.finished:
        job_view.follow(store, job.id)
    elif job.state is JobState.FAILED:
        st.error(tr("ui.dossier_refused", reason=plain(job_view.failure(job))))
    else:
        organisation_id = store.audit(audit_id).organisation_id
        job_view.download(st, store, job, 0, ready, organisation_id)


def brief_button(store: Any, audit_id: int, today: date, lang: str) -> None:
    """The dashboard's brief, on its first screen."""
    brief_panel(
        store,
        audit_id,
        today,
        lang,
        prefix="dash",
        make=tr("dash.brief_make"),
        working=tr("dash.brief_making"),
        ready=tr("dash.brief_download"),
        help=tr("dash.brief_help"),
    )

"""The use case behind the dossier page's button: make the dossier in the worker when one is
running, else here (in a process of its own at the worker's lower priority, worker/here.py);
either way the result is a job whose files are blobs."""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from typing import Any

from store.access import bare
from store.jobs import Job, Jobs, JobState
from worker.here import run_here


def request_job(
    store: Any,
    kind: str,
    params: dict[str, Any],
    *,
    actor: str,
    here_progress: Callable[[float, str], None] | None = None,
) -> tuple[Job, bool]:
    """Queue the job for a worker, or, when none is running, run it in this process now.
    Returns the job as it stands and whether it ran here."""
    raw = bare(store)
    jobs = Jobs(raw)
    params = {**params, **requesting_account(store)}
    if jobs.worker_running():
        return jobs.enqueue(kind, params, actor=actor), False
    queued = jobs.enqueue(kind, params, actor=actor)
    name = f"app:{os.getpid()}"
    claimed = jobs.claim(name, job_id=queued.id)
    if claimed is None:  # a worker started this very moment and took it
        return jobs.job(queued.id), False
    run_here(raw, jobs, claimed, name, here_progress)
    return jobs.job(queued.id), True


def requesting_account(store: Any) -> dict[str, Any]:
    """The signed-in account asking (a guarded store's), kept with the job so that the change
    log lines its run writes, in a worker too, record the account as the app's own would."""
    account = getattr(getattr(store, "actor", None), "user_id", 0)
    if not account:
        return {}
    return {"account": {"id": int(account), "login": str(store.actor.login)}}


def workbook_key(params: dict[str, Any]) -> str:
    """What a workbook job is asked to do, as one hash: the upload's content hash and the
    options. The same key finds the same job, so nothing is read twice."""
    asked = {k: v for k, v in params.items() if k not in ("key", "actor", "account")}
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()


def request_workbook(
    store: Any,
    data: bytes,
    name: str,
    options: dict[str, Any],
    *,
    actor: str,
    here_progress: Callable[[float, str], None] | None = None,
) -> tuple[Job, bool]:
    """The workbook job for this upload (by its content hash) and these options: the one
    already done or under way when there is one (another rerun, page or session asked the
    same), else a new one, queued for a worker or run here. Returns it and whether it ran
    here now."""
    from criteria.workbook_bounds import LIMITS, check_workbook

    if len(data) > LIMITS.file_bytes:
        check_workbook(data, name)  # refused by its size, in no time: nothing is stored
    raw = bare(store)
    params = {"input_sha256": hashlib.sha256(data).hexdigest(), "name": name, **options}
    params["key"] = workbook_key(params)
    jobs = Jobs(raw)
    jobs.recover()  # a reading whose process died (the app's, with no worker) is queued again
    found = jobs.same("workbook", params["key"])
    if found is not None:
        return run_queued_here(raw, found, here_progress)
    raw.blobs.put(io.BytesIO(data), max_bytes=LIMITS.file_bytes)
    return request_job(
        store, "workbook", {**params, "actor": actor}, actor=actor, here_progress=here_progress
    )


def run_queued_here(
    store: Any, job: Job, here_progress: Callable[[float, str], None] | None = None
) -> tuple[Job, bool]:
    """A job found queued while no worker runs (its worker, or the app that ran it, died): run
    here now, as a new request would be. Returns the job as it stands and whether it ran here."""
    raw = bare(store)
    jobs = Jobs(raw)
    if job.state is not JobState.QUEUED or jobs.worker_running():
        return job, False
    name = f"app:{os.getpid()}"
    claimed = jobs.claim(name, job_id=job.id)
    if claimed is None:
        return jobs.job(job.id), False
    run_here(raw, jobs, claimed, name, here_progress)
    return jobs.job(job.id), True


def job_file(store: Any, job: Job, index: int) -> bytes:
    """One result file's bytes, re-hashed as they are read from the blob store."""
    entry = job.files()[index]
    with bare(store).blobs.open(entry["sha256"]) as stream:
        return stream.read()

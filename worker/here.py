"""A job the app runs itself (no worker is running): in a child process at the worker's lower
CPU priority (GBT_AUDIT_WORKER_NICE), so that a dossier's layout neither holds the server's
GIL nor takes a core at the same priority as everyone's clicks; the app's thread waits for it
and passes its progress on, as when it ran the job in-process.

The child opens the store from the same settings the app did (its environment) and runs the job
only when it finds it running under the app's name there; when it does not (the app's store was
not opened from the settings, as in some tests) it exits with ``ELSEWHERE`` and the job runs in
the app's own thread, as before. ``0`` as the setting runs every job in the app's own thread."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

from store.jobs import Job, Jobs, JobState
from texts import t
from worker.priority import job_niceness, lower_priority
from worker.tasks import INTERRUPTED, Progress, run_claimed

ELSEWHERE = 3  # the child's exit status: the job is not this store's running job of that name
POLL = 0.25  # seconds between the app's looks at the child's progress
CHILD_EXIT = 5  # seconds a stopped child has to end before it is killed


def run_here(store: Any, jobs: Jobs, job: Job, name: str, progress: Progress | None) -> bool:
    """Run the job the app claimed as ``name``; True when done. As ``run_claimed``: a stop from
    outside (the page left) ends the run, fails the job as interrupted and is raised on."""
    niceness = job_niceness()
    if niceness <= 0:
        return run_claimed(store, jobs, job, name, progress)
    child = subprocess.Popen(
        [sys.executable, "-m", "worker.here", str(job.id), name],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    lower_priority(niceness, child.pid)  # at once, before it starts any thread of its own
    try:
        shown = (-1.0, "")
        while child.poll() is None:
            time.sleep(POLL)
            now = jobs.job(job.id)
            if progress is not None and (now.progress, now.message) != shown:
                shown = (now.progress, now.message)
                progress(*shown)
    except BaseException:
        _stop(child)
        jobs.fail(job.id, name, INTERRUPTED)
        raise
    if child.returncode == ELSEWHERE:
        return run_claimed(store, jobs, job, name, progress)
    # it ended without finishing the job (killed, out of memory): failed, saying so
    code = child.returncode
    reason = {lang: t("jobs.process_ended", lang, status=code) for lang in ("zh", "en")}
    jobs.fail(job.id, name, f"process_ended {code}", reason=reason)
    return jobs.job(job.id).state is JobState.DONE  # fail() changed nothing when it was done


def _stop(child: subprocess.Popen[bytes]) -> None:
    child.terminate()
    try:
        child.wait(CHILD_EXIT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def main(argv: list[str]) -> int:
    """``python -m worker.here JOB_ID NAME``: run one job the app claimed as NAME."""
    from store import open_store

    job_id, name = int(argv[0]), argv[1]
    store = open_store()
    jobs = Jobs(store)
    if not jobs.report(job_id, name, 0.0, ""):  # not running as NAME in this store
        return ELSEWHERE
    run_claimed(store, jobs, jobs.job(job_id), name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

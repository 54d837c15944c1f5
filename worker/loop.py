"""The worker process: claim a job, run it with a heartbeat, repeat; stop cleanly on SIGTERM."""

from __future__ import annotations

import threading
from collections.abc import Callable

from store import AuditStore
from store.jobs import HEARTBEAT, Job, Jobs, worker_name
from worker.tasks import run_claimed


class _Heartbeat:
    """Beats for the worker (and its running job) on its own thread: a dossier's layout can
    run for seconds without a progress call, and must not look like a dead worker."""

    def __init__(self, jobs: Jobs, worker: str) -> None:
        self.jobs = jobs
        self.worker = worker
        self.job: Job | None = None
        self.fraction = 0.0
        self.message = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(HEARTBEAT.total_seconds()):
            try:
                self.jobs.beat(self.worker)
                if self.job is not None:
                    self.jobs.report(self.job.id, self.worker, self.fraction, self.message)
            except Exception:  # a database hiccup: the next beat tries again
                continue

    def __enter__(self) -> _Heartbeat:
        self.jobs.beat(self.worker)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


def run_worker(
    store: AuditStore,
    *,
    once: bool = False,
    poll: float = 1.0,
    stop: threading.Event | None = None,
    name: str | None = None,
    on_job: Callable[[Job, bool], None] | None = None,
) -> int:
    """Work until ``stop`` is set (or, with ``once``, until the queue is empty). Returns the
    number of jobs handled."""
    stop = stop or threading.Event()
    worker = name or worker_name()
    jobs = Jobs(store)
    handled = 0
    try:
        with _Heartbeat(jobs, worker) as heart:
            while not stop.is_set():
                jobs.recover()
                job = jobs.claim(worker)
                if job is None:
                    if once:
                        break
                    stop.wait(poll)
                    continue
                heart.job = job

                def track(fraction: float, message: str, heart: _Heartbeat = heart) -> None:
                    heart.fraction, heart.message = fraction, message

                done = run_claimed(store, jobs, job, worker, track)
                heart.job = None
                handled += 1
                if on_job is not None:
                    on_job(job, done)
    finally:
        jobs.leave(worker)
    return handled

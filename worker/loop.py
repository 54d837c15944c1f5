"""The worker process: claim a job, run it with a heartbeat, repeat; stop cleanly on SIGTERM."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from notify.send import Channels, deliver_due
from settings import logs
from store import AuditStore
from store.jobs import HEARTBEAT, Job, Jobs, worker_name
from worker.tasks import run_claimed

log = logging.getLogger(logs.WORKER)
NOTIFY_EVERY = 5.0  # seconds between two looks at the notification outbox


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
    channels: Channels | None = None,
) -> int:
    """Work until ``stop`` is set (or, with ``once``, until the queue is empty). Returns the
    number of jobs handled. With ``channels``, the notification outbox is sent between jobs
    (every NOTIFY_EVERY seconds, and once more before ``once`` returns)."""
    stop = stop or threading.Event()
    worker = name or worker_name()
    jobs = Jobs(store)
    handled = 0
    notified = -NOTIFY_EVERY
    try:
        with _Heartbeat(jobs, worker) as heart:
            while not stop.is_set():
                if channels is not None and time.monotonic() - notified >= NOTIFY_EVERY:
                    _notify(store, channels)
                    notified = time.monotonic()
                jobs.recover()
                job = jobs.claim(worker)
                if job is None:
                    if once:
                        if channels is not None:
                            _notify(store, channels)
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


def _notify(store: AuditStore, channels: Channels) -> None:
    """Send what the outbox holds; a failure to reach the database is tried at the next look."""
    try:
        done = deliver_due(store, channels)
    except Exception:  # the worker keeps running its jobs
        log.exception("sending notifications failed; tried again in %s s", NOTIFY_EVERY)
        return
    if done.ids:
        log.info(
            "notifications: %s sent, %s to retry, %s failed", done.sent, done.retrying, done.failed
        )

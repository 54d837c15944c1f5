"""The job table: heavy work queued by the app for a worker process (``gbt-audit worker``).

Why a table of our own and not a queue library: the app's database is SQLite or PostgreSQL and
nothing else runs beside it. The well-kept Python queues need another server (Celery, RQ,
Dramatiq, arq, SAQ, taskiq: Redis or RabbitMQ) or one database only (procrastinate, PgQueuer:
PostgreSQL; huey: SQLite or Redis; litequeue, persist-queue: SQLite). A job here is one row,
claimed in one write transaction (PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite: its single
writer), kept alive by a heartbeat; a job whose worker stopped beating is queued again once,
then failed with the reason, never left running.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, Result, delete, select, update

from domain.errors import NotFound
from store.base import utcnow
from store.repository import AuditStore
from store.tables import JobRow, WorkerRow

HEARTBEAT = timedelta(seconds=5)  # a worker beats this often, also while a job runs
WORKER_GONE = timedelta(seconds=30)  # no beat for this long: the worker is not running
JOB_STALE = timedelta(seconds=60)  # a running job without a beat for this long lost its worker
MAX_ATTEMPTS = 2  # a job whose worker died is tried once more, then failed
KEEP_FINISHED = timedelta(days=1)  # a finished job (and its result files) is kept this long
KINDS = ("dossier", "brief", "import", "workbook")


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    params: dict[str, Any]
    state: JobState
    progress: float
    message: str
    result: dict[str, Any] | None
    error: str
    created_by: str
    created_at: datetime
    finished_at: datetime | None
    attempts: int

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    def failure(self, lang: str) -> str:
        """Why the job failed, in the reader's language where the refusal could say so; a lost
        worker is the code ``worker_lost`` (the page words it)."""
        reason = (self.result or {}).get("reason") or {}
        return str(reason.get(lang) or self.error)

    @property
    def asked(self) -> dict[str, Any]:
        """What the job was asked to do: its parameters but the account that asked
        (``account``, kept so that its run acts as that person)."""
        return {k: v for k, v in self.params.items() if k != "account"}

    def files(self) -> list[dict[str, Any]]:
        """The result's files: name, sha256, size, media_type (blobs in the store)."""
        return list((self.result or {}).get("files", []))


def _job(row: JobRow) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        params=dict(row.params or {}),
        state=JobState(row.state),
        progress=float(row.progress or 0),
        message=row.message or "",
        result=dict(row.result) if row.result is not None else None,
        error=row.error or "",
        created_by=row.created_by,
        created_at=row.created_at,
        finished_at=row.finished_at,
        attempts=row.attempts or 0,
    )


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{utcnow():%H%M%S%f}"


class Jobs:
    """The job table of one store's database."""

    def __init__(self, store: AuditStore) -> None:
        self.store = store

    # -- the app's side ----------------------------------------------------------------------

    def enqueue(self, kind: str, params: dict[str, Any], *, actor: str) -> Job:
        if kind not in KINDS:
            raise ValueError(f"unknown job kind {kind!r}")
        with self.store._write("job") as session:
            row = JobRow(
                kind=kind,
                params=params,
                state=JobState.QUEUED.value,
                progress=0,
                message="",
                error="",
                created_by=actor,
                created_at=utcnow(),
                attempts=0,
                worker="",
            )
            session.add(row)
            session.flush()
            return _job(row)

    def job(self, job_id: int) -> Job:
        with self.store._read() as session:
            row = session.get(JobRow, job_id)
            if row is None:
                raise NotFound(f"job {job_id} not found — 任务不存在")
            return _job(row)

    def same(self, kind: str, key: str, *, within: timedelta = KEEP_FINISHED) -> Job | None:
        """The newest job of ``kind`` whose params carry this ``key`` (a hash of what it is
        asked to do), not failed: its result (or the work under way) is reused, whoever asked
        for it and in whichever session. Jobs older than ``within`` are not looked at."""
        since = utcnow() - within
        with self.store._read() as session:
            rows = session.scalars(
                select(JobRow)
                .where(
                    JobRow.kind == kind,
                    JobRow.created_at >= since,
                    JobRow.state != JobState.FAILED.value,
                )
                .order_by(JobRow.id.desc())
                .limit(500)
            )
            for row in rows:
                if (row.params or {}).get("key") == key:
                    return _job(row)
        return None

    def latest(self, kind: str, actor: str, *, within: timedelta = KEEP_FINISHED) -> Job | None:
        """The newest job of ``kind`` this person asked for: shown again when they come back."""
        since = utcnow() - within
        with self.store._read() as session:
            row = session.scalars(
                select(JobRow)
                .where(
                    JobRow.kind == kind,
                    JobRow.created_by == actor,
                    JobRow.created_at >= since,
                )
                .order_by(JobRow.id.desc())
                .limit(1)
            ).first()
            return _job(row) if row is not None else None

    def worker_running(self, now: datetime | None = None) -> bool:
        """Whether a worker beat recently enough to take a job now."""
        since = (now or utcnow()) - WORKER_GONE
        with self.store._read() as session:
            alive = session.scalars(select(WorkerRow.id).where(WorkerRow.seen_at >= since))
            return alive.first() is not None

    # -- the worker's side -------------------------------------------------------------------

    def beat(self, worker: str) -> None:
        now = utcnow()
        with self.store._write("worker") as session:
            row = session.get(WorkerRow, worker)
            if row is None:
                session.add(WorkerRow(id=worker, started_at=now, seen_at=now))
            else:
                row.seen_at = now
            session.execute(delete(WorkerRow).where(WorkerRow.seen_at < now - 10 * WORKER_GONE))

    def leave(self, worker: str) -> None:
        with self.store._write("worker") as session:
            session.execute(delete(WorkerRow).where(WorkerRow.id == worker))

    def claim(self, worker: str, *, job_id: int | None = None) -> Job | None:
        """The oldest queued job (or this one), now running for ``worker``; None when there is
        none."""
        now = utcnow()
        wanted = [JobRow.state == JobState.QUEUED.value]
        if job_id is not None:
            wanted.append(JobRow.id == job_id)
        with self.store._write("job") as session:
            row = session.scalars(
                select(JobRow)
                .where(*wanted)
                .order_by(JobRow.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return None
            row.state = JobState.RUNNING.value
            row.worker = worker
            row.started_at = now
            row.heartbeat_at = now
            row.attempts = (row.attempts or 0) + 1
            row.progress = 0
            session.flush()
            return _job(row)

    def report(self, job_id: int, worker: str, fraction: float, message: str) -> bool:
        """Progress and a heartbeat; False when the job is no longer this worker's (it was
        given up as stale and queued again): the worker then stops working on it."""
        fraction = min(max(float(fraction), 0.0), 1.0)
        with self.store._write("job") as session:
            done = session.execute(
                update(JobRow)
                .where(
                    JobRow.id == job_id,
                    JobRow.worker == worker,
                    JobRow.state == JobState.RUNNING.value,
                )
                .values(progress=round(fraction, 4), message=message[:500], heartbeat_at=utcnow())
            )
            return bool(_changed(done))

    def finish(self, job_id: int, worker: str, result: dict[str, Any]) -> bool:
        return self._end(job_id, worker, JobState.DONE, result=result, progress=1)

    def fail(
        self,
        job_id: int,
        worker: str | None,
        error: str,
        *,
        reason: dict[str, str] | None = None,
    ) -> bool:
        """The job failed: ``error`` as the log words it, ``reason`` the refusal in each
        language when it has one (kept in the result, which has no files then)."""
        extra: dict[str, Any] = {"result": {"reason": reason}} if reason else {}
        return self._end(job_id, worker, JobState.FAILED, error=error[:2000], **extra)

    def _end(self, job_id: int, worker: str | None, state: JobState, **values: Any) -> bool:
        where = [JobRow.id == job_id, JobRow.state == JobState.RUNNING.value]
        if worker is not None:
            where.append(JobRow.worker == worker)
        with self.store._write("job") as session:
            done = session.execute(
                update(JobRow)
                .where(*where)
                .values(state=state.value, finished_at=utcnow(), **values)
            )
            return bool(_changed(done))

    def recover(self, now: datetime | None = None) -> list[int]:
        """Running jobs whose worker stopped beating: queued again while they have attempts
        left, else failed saying so. Returns their ids."""
        now = now or utcnow()
        with self.store._write("job") as session:
            rows = session.scalars(
                select(JobRow)
                .where(
                    JobRow.state == JobState.RUNNING.value,
                    JobRow.heartbeat_at < now - JOB_STALE,
                )
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                if (row.attempts or 0) < MAX_ATTEMPTS:
                    row.state = JobState.QUEUED.value
                    row.message = "worker_lost_retry"
                    row.worker = ""
                else:
                    row.state = JobState.FAILED.value
                    row.error = "worker_lost"
                    row.finished_at = now
            return [row.id for row in rows]

    # -- housekeeping ------------------------------------------------------------------------

    def result_hashes(self) -> set[str]:
        """Blobs that job results hold: garbage collection keeps them."""
        with self.store._read() as session:
            results = session.scalars(select(JobRow.result).where(JobRow.result.is_not(None)))
            return {f["sha256"] for r in results for f in (r or {}).get("files", ())}

    def expire(self, older_than: timedelta = KEEP_FINISHED) -> int:
        """Forget finished jobs; their result files then go with the next garbage collection."""
        cutoff = utcnow() - older_than
        with self.store._write("job") as session:
            done = session.execute(
                delete(JobRow).where(
                    JobRow.state.in_([JobState.DONE.value, JobState.FAILED.value]),
                    JobRow.finished_at < cutoff,
                )
            )
            return _changed(done)


def _changed(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE changed (an executed statement's result is a cursor's)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)

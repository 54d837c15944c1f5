"""What each kind of job does. The same functions run in the worker and, when no worker is
running, in the app itself; their results are files in the blob store, so any app server
(sharing the database and the bucket) can offer them for download."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from settings import logs
from store import AuditStore
from store.acting import acting_as
from store.jobs import Job, Jobs

log = logging.getLogger(logs.WORKER)
Progress = Callable[[float, str], None]
NO_LIMIT = 1 << 40  # a result file is ours, not an upload
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


INTERRUPTED = "interrupted"  # the job's error when its run was stopped midway (texts: jobs.*)


class JobLost(Exception):
    """The job was taken from this worker (it stopped beating for too long); stop working."""


def store_file(store: AuditStore, path: Path, name: str, media_type: str) -> dict[str, Any]:
    with path.open("rb") as stream:
        stored = store.blobs.put(stream, max_bytes=NO_LIMIT)
    return {"name": name, "sha256": stored.sha256, "size": stored.size, "media_type": media_type}


def dossier(store: AuditStore, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    from dossier.assemble import export_dossier

    audit_id = int(params["audit_id"])
    work = store.blobs.work_folder("job-")
    try:
        exported = export_dossier(store, audit_id, work, progress)
        report = exported.report
        files = [
            store_file(store, exported.pdf, exported.pdf.name, PDF),
            store_file(store, exported.xlsx, exported.xlsx.name, XLSX),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "files": files,
        "pages": report.pages,
        "embedded": len(report.embedded),
        "listed": len(report.listed_only),
        "missing": len(report.missing),
        "warnings": [{lang: w.text(lang) for lang in ("zh", "en")} for w in report.warnings],
    }


def import_archive(store: AuditStore, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """An archive the app stored as a blob (``input_sha256``), imported with every check."""
    from store.archive import import_archive as run_import

    progress(0.05, "")
    work = store.blobs.work_folder("job-")
    try:
        with store.blobs.local_copy(params["input_sha256"]) as path:
            named = work / "archive.zip"  # refusals name the file as the upload did before
            named.symlink_to(path.resolve())
            outcome = run_import(store, named, actor=str(params.get("actor") or "worker"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "organisation_id": outcome.organisation_id,
        "audit_ids": {str(k): v for k, v in outcome.audit_ids.items()},
        "evidence_files": outcome.evidence_files,
        "unmatched_logins": list(outcome.unmatched_logins),
    }


def brief(store: AuditStore, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The one-page readiness brief (dossier/brief.py) of an audit, as of ``today``."""
    from datetime import date

    from dossier.brief import build_brief, render_brief

    audit_id = int(params["audit_id"])
    today = date.fromisoformat(str(params["today"]))
    lang = str(params.get("lang") or "zh")
    progress(0.1, "")
    work = store.blobs.work_folder("job-")
    try:
        target = work / f"brief-{audit_id}-{today.isoformat()}.pdf"
        render_brief(build_brief(store, audit_id, today, lang), target, lang)
        progress(0.9, "")
        files = [store_file(store, target, target.name, PDF)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"files": files}


def workbook(store: AuditStore, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """A body's scoring table the app stored as a blob, read once: its preview and the table as
    it would import (or its coded refusal); with ``register``, the catalogue is kept in the
    store and the column mapping remembered for the layout (the page asked the permission)."""
    from criteria.workbook import read_workbook
    from criteria.workbook_problems import WorkbookError

    progress(0.05, "")
    with store.blobs.open(params["input_sha256"]) as stream:
        data = stream.read()
    name = str(params["name"])
    try:
        read = read_workbook(data, name, workbook_options(params))
    except WorkbookError as exc:
        return {"name": name, "preview": None, "refusal": refusal_data(exc)}
    shown, imported = read.preview, read.imported
    result: dict[str, Any] = {
        "name": name,
        "preview": {
            "sheets": list(shown.sheets),
            "sheet": shown.sheet,
            "header_row": shown.header_row,
            "rows": [["" if v is None else str(v) for v in row] for row in shown.rows],
            "layout": shown.layout,
            "guessed": dict(shown.columns.columns),
            "sure": {role: shown.columns.sure(role) for role in shown.columns.columns},
        },
        "refusal": refusal_data(read.refusal) if read.refusal is not None else None,
    }
    if imported is None:
        return result
    result["columns"] = dict(imported.columns.columns)
    result["items"] = len(imported.catalogue.items)
    result["scoring_read"] = [
        [r.item_id, r.row, r.text, r.read, r.used] for r in imported.scoring_read
    ]
    if params.get("register"):
        progress(0.9, "")
        catalogue = store.register_catalogue(imported.text, name)
        if shown.layout:
            columns = {role: int(i) for role, i in imported.columns.columns.items()}
            store.remember_columns(shown.layout, columns, str(params.get("actor") or "worker"))
        result["registered"] = {"id": catalogue.id, "hash": catalogue.content_hash}
    return result


def workbook_options(params: dict[str, Any]) -> Any:
    from criteria.workbook import ImportOptions

    columns = params.get("columns")
    return ImportOptions(
        sheet=params.get("sheet"),
        columns={str(k): int(v) for k, v in (columns or {}).items()},
        exact_columns=columns is not None,
        catalogue_id=params.get("catalogue_id") or None,
        title=params.get("title") or None,
        version=params.get("version") or None,
        scoring_overrides=dict(params.get("overrides") or {}),
    )


def refusal_data(exc: Any) -> dict[str, Any]:
    """A WorkbookError as the page shows it, in both languages, with its codes."""
    return {
        "count": len(exc.problems),
        "codes": [p.code for p in exc.problems[:500]],
        "lines": {lang: exc.lines(lang) for lang in ("zh", "en")},
    }


TASKS: dict[str, Callable[[AuditStore, dict[str, Any], Progress], dict[str, Any]]] = {
    "dossier": dossier,
    "brief": brief,
    "import": import_archive,
    "workbook": workbook,
}


def failure_text(exc: BaseException) -> str:
    """Why a job failed, for the page: a refusal's own message; anything else by its type."""
    from dossier import DossierDataError, MissingCJKFont
    from store import StoreError

    if isinstance(exc, StoreError | DossierDataError | MissingCJKFont):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def failure_reason(exc: BaseException) -> dict[str, str] | None:
    """The refusal in each language, when it can word itself (an archive's coded refusal, a
    refused entry): the page shows the reader's; None for the others (``failure_text``)."""
    text = getattr(exc, "text", None)
    if not callable(text):
        return None
    try:
        return {lang: str(text(lang)) for lang in ("zh", "en")}
    except Exception:  # a refusal that cannot word itself still has its message
        return None


def acting_for(job: Job) -> AbstractContextManager[object]:
    """The account that asked for the job (worker/requests.requesting_account), acting while it
    runs: its change-log lines record it, in the worker as in the app."""
    account = job.params.get("account")
    if not isinstance(account, dict) or not account.get("id"):
        return nullcontext()
    return acting_as(int(account["id"]), str(account.get("login") or ""))


def run_claimed(
    store: AuditStore,
    jobs: Jobs,
    job: Job,
    worker: str,
    on_progress: Progress | None = None,
) -> bool:
    """Run a job this worker claimed; record its result or why it failed. True when done."""

    def progress(fraction: float, message: str) -> None:
        if not jobs.report(job.id, worker, fraction, message):
            raise JobLost(job.id)
        if on_progress is not None:
            on_progress(fraction, message)

    try:
        with acting_for(job):
            result = TASKS[job.kind](store, job.params, progress)
    except JobLost:
        log.warning("job %s was taken from this worker; dropped", job.id)
        return False
    except Exception as exc:
        if not isinstance(exc, OSError | ValueError | LookupError):
            log.exception("job %s (%s) failed", job.id, job.kind)
        jobs.fail(job.id, worker, failure_text(exc), reason=failure_reason(exc))
        return False
    except BaseException:
        # the run was stopped from outside: in the app, the page was left or clicked again
        # (Streamlit stops a script with an exception of its own), and nobody will beat for the
        # job; failed now rather than running forever (or made later for nobody)
        jobs.fail(job.id, worker, INTERRUPTED)
        raise
    return jobs.finish(job.id, worker, result)

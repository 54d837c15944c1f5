"""The job table and the worker: a dossier made in another process, its files downloadable from
the blob store; a failed job says why; a killed worker's job is retried, then failed, never left
running; on SQLite and PostgreSQL, with the evidence in a folder or in a bucket."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from evidence_samples import pdf
from s3_server import environment
from store_helpers import settings_for

from domain.records import OrganisationProfile
from store import open_store
from store.base import utcnow
from store.jobs import JOB_STALE, Jobs, JobState
from store.tables import JobRow
from worker.loop import run_worker


@pytest.fixture
def store(tmp_path, monkeypatch, database_url, evidence_backend):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GBT_AUDIT_DATABASE_URL", database_url)
    monkeypatch.delenv("GBT_AUDIT_EVIDENCE_URL", raising=False)
    if evidence_backend is not None:
        for name, value in environment(evidence_backend.endpoint_url, evidence_backend).items():
            monkeypatch.setenv(name, value)
    return open_store()


def audit_with_evidence(store):
    organisation = store.create_organisation(OrganisationProfile(name="华东家电"), actor="qm")
    catalogue = store.catalogues()[0]
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=catalogue.content_hash,
        title="2026 年度自评",
        audit_date=date(2026, 11, 10),
        assessor="王敏",
        actor="qm",
    )
    record, _ = store.add_evidence(
        organisation.id,
        "制度.pdf",
        io.BytesIO(pdf(pages=2)),
        title="制度",
        kind="policy",
        actor="qm",
    )
    store.link_evidence(audit.id, "1.4.1", record.id, actor="qm")
    return audit


def test_a_dossier_job_is_made_by_the_worker_and_its_files_are_in_the_blob_store(store):
    audit = audit_with_evidence(store)
    jobs = Jobs(store)
    queued = jobs.enqueue("dossier", {"audit_id": audit.id}, actor="qm")
    assert queued.state is JobState.QUEUED

    assert run_worker(store, once=True) == 1

    job = jobs.job(queued.id)
    assert job.state is JobState.DONE and job.progress == 1.0 and job.error == ""
    assert job.result["embedded"] == 1 and job.result["pages"] > 2
    pdf_file, xlsx_file = job.files()
    with store.blobs.open(pdf_file["sha256"]) as stream:
        assert stream.read(5) == b"%PDF-"
    assert pdf_file["name"].endswith(".pdf") and xlsx_file["name"].endswith(".xlsx")
    # garbage collection keeps a job's files until the job is forgotten
    later = timedelta(hours=-3)
    assert store.collect_garbage(later).removed == ()
    with store._write("test") as session:
        session.get(JobRow, job.id).finished_at = utcnow() - timedelta(days=2)
    assert jobs.expire() == 1
    assert set(store.collect_garbage(later).removed) == {pdf_file["sha256"], xlsx_file["sha256"]}


def test_a_job_that_fails_says_why(store):
    jobs = Jobs(store)
    queued = jobs.enqueue("dossier", {"audit_id": 999}, actor="qm")
    run_worker(store, once=True)
    job = jobs.job(queued.id)
    assert job.state is JobState.FAILED
    assert "999" in job.error and job.result is None


def test_a_job_is_claimed_by_one_worker_only(store):
    jobs = Jobs(store)
    jobs.enqueue("dossier", {"audit_id": 1}, actor="qm")
    assert jobs.claim("a") is not None
    assert jobs.claim("b") is None


def test_a_job_whose_worker_stopped_is_retried_once_then_failed(store):
    jobs = Jobs(store)
    queued = jobs.enqueue("dossier", {"audit_id": 1}, actor="qm")
    assert jobs.claim("dead-1").attempts == 1
    assert jobs.recover() == []  # still beating, as far as anyone knows
    later = utcnow() + JOB_STALE + timedelta(seconds=1)
    assert jobs.recover(later) == [queued.id]
    assert jobs.job(queued.id).state is JobState.QUEUED
    assert jobs.claim("dead-2").attempts == 2
    assert not jobs.report(queued.id, "dead-1", 0.5, "")  # the first worker lost it
    jobs.recover(utcnow() + JOB_STALE + timedelta(seconds=1))
    job = jobs.job(queued.id)
    assert job.state is JobState.FAILED and job.error == "worker_lost"


def test_whether_a_worker_is_running_follows_its_heartbeat(store):
    jobs = Jobs(store)
    assert not jobs.worker_running()
    jobs.beat("w1")
    assert jobs.worker_running()
    assert not jobs.worker_running(utcnow() + timedelta(minutes=5))
    jobs.leave("w1")
    assert not jobs.worker_running()


@pytest.mark.parametrize("evidence_backend", ["folder"], indirect=True)
def test_a_worker_killed_mid_job_leaves_it_to_be_retried_and_it_completes(store, tmp_path):
    audit = audit_with_evidence(store)
    jobs = Jobs(store)
    queued = jobs.enqueue("dossier", {"audit_id": audit.id}, actor="qm")
    worker = subprocess.Popen(
        [sys.executable, "-m", "cli", "worker", "--poll", "0.1"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while jobs.job(queued.id).state is JobState.QUEUED:
            assert time.monotonic() < deadline, "the worker never took the job"
            time.sleep(0.05)
        assert jobs.worker_running()
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        worker.kill()
    if jobs.job(queued.id).state is JobState.DONE:
        pytest.skip("the dossier was made before the worker could be killed")
    assert jobs.job(queued.id).state is JobState.RUNNING  # as the dead worker left it
    assert jobs.recover(utcnow() + JOB_STALE + timedelta(seconds=1)) == [queued.id]
    run_worker(store, once=True)
    assert jobs.job(queued.id).state is JobState.DONE


# -- the readiness brief and the archive import, as jobs -------------------------------------


def archive_blob(store, tmp_path):
    """An audit made on another installation, its archive kept as a blob of this store as the
    audits page keeps an upload. Returns the blob's hash and the exported audit."""
    from store.archive import export_audit

    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    elsewhere = open_store(settings_for(url, tmp_path / "elsewhere"))
    audit = audit_with_evidence(elsewhere)
    path = export_audit(elsewhere, audit.id, tmp_path / "archive.zip")
    with path.open("rb") as stream:
        return store.blobs.put(stream, max_bytes=1 << 30).sha256, audit


def test_a_brief_job_is_made_by_the_worker_as_a_one_page_pdf_in_the_blob_store(store):
    import pypdf

    audit = audit_with_evidence(store)
    jobs = Jobs(store)
    params = {"audit_id": audit.id, "today": "2026-12-07", "lang": "en"}
    queued = jobs.enqueue("brief", params, actor="qm")

    assert run_worker(store, once=True) == 1

    job = jobs.job(queued.id)
    assert job.state is JobState.DONE and job.progress == 1.0
    [brief] = job.files()
    assert brief["name"] == f"brief-{audit.id}-2026-12-07.pdf"
    with store.blobs.open(brief["sha256"]) as stream:
        pages = pypdf.PdfReader(io.BytesIO(stream.read())).pages
    assert len(pages) == 1 and "Readiness brief" in pages[0].extract_text()


def test_an_import_job_brings_the_archive_in_through_the_worker(store, tmp_path):
    before = {o.id for o in store.organisations()}
    sha256, audit = archive_blob(store, tmp_path)
    queued = Jobs(store).enqueue("import", {"input_sha256": sha256, "actor": "顾问"}, actor="x")

    assert run_worker(store, once=True) == 1

    job = Jobs(store).job(queued.id)
    assert job.state is JobState.DONE, job.error
    organisation_id = job.result["organisation_id"]
    assert organisation_id not in before
    [imported] = store.audits(organisation_id)
    assert imported.title == audit.title
    assert job.result["evidence_files"] == 1
    assert [e.title for e in store.evidence_library(organisation_id)] == ["制度"]


def test_an_import_asked_for_in_the_app_and_run_by_the_worker_records_who_asked(store, tmp_path):
    # the change log's lines of an import carry the account of the consultant who uploaded it,
    # as they would had the app run the job itself, not an anonymous "worker"
    from store.access import GuardedStore
    from store.accounts import Accounts
    from worker.requests import request_job

    accounts = Accounts(store)
    client = store.create_organisation(OrganisationProfile(name="华东家电"), actor="setup")
    user = accounts.add_user(
        "consultant", "顾问周", password="correct horse battery", actor="setup"
    )
    accounts.grant("consultant", client.id, "consultant", actor="setup")
    consultant = accounts.actor(user.id)
    assert consultant is not None
    Jobs(store).beat("standing-worker")  # a worker runs: the app queues, never runs it here
    sha256, _ = archive_blob(store, tmp_path)
    app = GuardedStore(store, consultant)
    queued, here = request_job(
        app, "import", {"input_sha256": sha256, "actor": consultant.display_name}, actor="顾问周"
    )
    assert not here

    assert run_worker(store, once=True) == 1

    job = Jobs(store).job(queued.id)
    assert job.state is JobState.DONE, job.error
    # the archive's own lines keep whoever wrote them on the other installation
    lines = [
        line
        for line in store.changes(organisation_id=job.result["organisation_id"])
        if line.imported_sha256 is None
    ]
    assert lines
    assert {(line.account_id, line.account_login) for line in lines} == {
        (consultant.user_id, "consultant")
    }


def test_a_refused_archive_fails_its_job_with_the_refusal_in_both_languages(store, tmp_path):
    import zipfile

    sha256, _ = archive_blob(store, tmp_path)
    with store.blobs.open(sha256) as stream:
        source = zipfile.ZipFile(io.BytesIO(stream.read()))
    altered = io.BytesIO()
    with zipfile.ZipFile(altered, "w") as target:  # one recorded member changed by a byte
        for n, info in enumerate(source.infolist()):
            target.writestr(info, source.read(info) + (b" " if n == 1 else b""))
    altered.seek(0)
    garbage = store.blobs.put(altered, max_bytes=1 << 30).sha256
    before = len(store.organisations())
    queued = Jobs(store).enqueue("import", {"input_sha256": garbage, "actor": "顾问"}, actor="x")

    run_worker(store, once=True)

    job = Jobs(store).job(queued.id)
    assert job.state is JobState.FAILED and job.files() == []
    assert job.failure("zh").startswith("存档成员")
    assert "does not match its recorded SHA-256" in job.failure("en")
    assert len(store.organisations()) == before


@pytest.mark.parametrize("kind", ["brief", "import"])
def test_a_lost_brief_or_import_job_is_retried_by_the_worker_then_failed_with_why(
    store, tmp_path, kind
):
    audit = audit_with_evidence(store)
    params = (
        {"audit_id": audit.id, "today": "2026-12-07", "lang": "zh"}
        if kind == "brief"
        else {"input_sha256": archive_blob(store, tmp_path)[0], "actor": "顾问"}
    )
    jobs = Jobs(store)
    retried = jobs.enqueue(kind, params, actor="qm")
    jobs.claim("died-mid-job")  # a worker took it and was killed
    with store._write("test") as session:
        session.get(JobRow, retried.id).heartbeat_at = utcnow() - JOB_STALE - timedelta(seconds=1)

    assert run_worker(store, once=True) == 1  # the loop queues it again and runs it

    job = jobs.job(retried.id)
    assert job.state is JobState.DONE and job.attempts == 2

    lost = jobs.enqueue(kind, params, actor="qm")
    stale = utcnow() - JOB_STALE - timedelta(seconds=1)
    assert jobs.claim("died-once").id == lost.id
    with store._write("test") as session:
        session.get(JobRow, lost.id).heartbeat_at = stale
    assert jobs.recover() == [lost.id]  # queued again once
    assert jobs.claim("died-twice").id == lost.id
    with store._write("test") as session:
        session.get(JobRow, lost.id).heartbeat_at = stale

    assert run_worker(store, once=True) == 0  # the loop fails it: nothing left to run

    job = jobs.job(lost.id)
    assert job.state is JobState.FAILED and job.error == "worker_lost" and job.attempts == 2


def test_a_job_run_in_the_app_and_stopped_midway_is_failed_not_left_running(store):
    """Streamlit stops a script run (the page left, another click) with an exception that is
    no Exception: the job the app was running itself is failed as interrupted, and the stop
    goes on its way."""
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    from worker.requests import request_job

    audit = audit_with_evidence(store)

    def page_left(fraction: float, message: str) -> None:
        raise StopException()

    with pytest.raises(StopException):
        request_job(store, "dossier", {"audit_id": audit.id}, actor="qm", here_progress=page_left)
    job = Jobs(store).job(1)
    assert job.state is JobState.FAILED and job.error == "interrupted"


# -- heavy work at a lower CPU priority (GBT_AUDIT_WORKER_NICE) -------------------------------


def niceness_of(pid: int) -> int:
    """A process's nice value, from /proc (the field after its state, 17 on)."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    return int(stat.rsplit(")", 1)[1].split()[16])


def job_children() -> dict[int, int]:
    """This process's children running a job the app handed over: pid → nice value."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text(encoding="ascii")
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid() and b"worker.here" in command:
            found[int(entry)] = niceness_of(int(entry))
    return found


linux_only = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")


@linux_only
@pytest.mark.parametrize("evidence_backend", ["folder"], indirect=True)
def test_a_dossier_the_app_makes_itself_is_made_in_a_process_at_lower_priority(store, monkeypatch):
    """No worker running: the app makes the dossier in a child process niced by the setting,
    not in the server's own process (where it took the GIL and a core from every click)."""
    from worker.requests import request_job

    monkeypatch.setenv("GBT_AUDIT_WORKER_NICE", "7")
    audit = audit_with_evidence(store)
    seen: list[dict[int, int]] = []
    job, here = request_job(
        store,
        "dossier",
        {"audit_id": audit.id},
        actor="qm",
        here_progress=lambda fraction, message: seen.append(job_children()),
    )
    assert here and job.state is JobState.DONE and job.result["pages"] > 2
    priorities = {nice for children in seen for nice in children.values()}
    assert priorities == {min(19, niceness_of(os.getpid()) + 7)}
    assert job_children() == {}  # nothing left behind


@linux_only
@pytest.mark.parametrize("evidence_backend", ["folder"], indirect=True)
def test_with_the_setting_at_0_the_app_makes_the_dossier_in_its_own_process(store, monkeypatch):
    from worker.requests import request_job

    monkeypatch.setenv("GBT_AUDIT_WORKER_NICE", "0")
    audit = audit_with_evidence(store)
    seen: list[dict[int, int]] = []
    job, here = request_job(
        store,
        "dossier",
        {"audit_id": audit.id},
        actor="qm",
        here_progress=lambda fraction, message: seen.append(job_children()),
    )
    assert here and job.state is JobState.DONE
    assert seen and all(children == {} for children in seen)


@pytest.mark.parametrize("evidence_backend", ["folder"], indirect=True)
def test_a_job_for_a_store_the_settings_do_not_name_is_made_in_the_app(
    store, monkeypatch, tmp_path
):
    """The child finds the job under the app's name only in the store the settings name: for
    any other store (opened by hand) the app makes it itself, as before."""
    from worker.requests import request_job

    audit = audit_with_evidence(store)
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("GBT_AUDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    job, here = request_job(store, "dossier", {"audit_id": audit.id}, actor="qm")
    assert here and job.state is JobState.DONE and job.result["pages"] > 2


@linux_only
@pytest.mark.parametrize("evidence_backend", ["folder"], indirect=True)
def test_the_worker_lowers_its_own_priority_by_the_setting(store):
    jobs = Jobs(store)
    worker = subprocess.Popen(
        [sys.executable, "-m", "cli", "worker", "--poll", "0.1"],
        env={**os.environ, "GBT_AUDIT_WORKER_NICE": "5"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not jobs.worker_running():
            assert time.monotonic() < deadline and worker.poll() is None, "no worker"
            time.sleep(0.05)
        assert niceness_of(worker.pid) == min(19, niceness_of(os.getpid()) + 5)
        threads = os.listdir(f"/proc/{worker.pid}/task")  # the heartbeat's thread too
        assert len(threads) > 1
        assert {niceness_of(int(t)) for t in threads} == {niceness_of(worker.pid)}
    finally:
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=60)
    assert b"niceness" in out


@pytest.mark.parametrize("value", ["20", "-1", "ten", "1.5"])
def test_a_niceness_that_cannot_be_used_is_refused_naming_the_setting(value):
    from settings import WORKER_NICE, SettingsError

    with pytest.raises(SettingsError) as refused:
        WORKER_NICE.read({"GBT_AUDIT_WORKER_NICE": value})
    assert refused.value.code == "settings.not_a_niceness"
    assert WORKER_NICE.read({}) == 10 and WORKER_NICE.read({"GBT_AUDIT_WORKER_NICE": "19"}) == 19


@linux_only
@pytest.mark.parametrize("evidence_backend", ["folder"], indirect=True)
def test_a_job_whose_process_is_killed_fails_saying_so_in_both_languages(store):
    from worker.requests import request_job

    audit = audit_with_evidence(store)

    def kill_it(fraction: float, message: str) -> None:
        for pid in job_children():
            os.kill(pid, signal.SIGKILL)

    job, here = request_job(
        store, "dossier", {"audit_id": audit.id}, actor="qm", here_progress=kill_it
    )
    assert here and job.state is JobState.FAILED
    assert "exit status -9" in job.failure("en") and "退出状态 -9" in job.failure("zh")
    assert job_children() == {}

"""A body's scoring table read as a job by the real worker loop, on SQLite and PostgreSQL: the
page's request is queued when a worker runs, its result (preview, the table as it would import,
or the coded refusal) is kept by the upload's content hash and the options, so asking again reuses
it; an import job keeps the catalogue and the layout's mapping without the page."""

from __future__ import annotations

import pytest
from workbook_builder import ROWS, example_layout, table

from store import open_store
from store.jobs import Jobs, JobState
from worker.loop import run_worker
from worker.requests import request_workbook


@pytest.fixture
def store(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GBT_AUDIT_DATABASE_URL", database_url)
    monkeypatch.delenv("GBT_AUDIT_EVIDENCE_URL", raising=False)
    return open_store()


def test_a_workbook_is_read_by_the_worker_once_and_the_result_is_found_again(store, tmp_path):
    data = example_layout(tmp_path, "merged").read_bytes()
    Jobs(store).beat("another-process")  # a worker is running: the page only queues
    job, here = request_workbook(store, data, "机构.xlsx", {}, actor="qm")
    assert not here and job.state is JobState.QUEUED

    assert run_worker(store, once=True) == 1

    done = Jobs(store).job(job.id)
    assert done.state is JobState.DONE
    result = done.result
    assert result["refusal"] is None and result["items"] > 20
    assert result["preview"]["sheet"] and result["preview"]["rows"]
    assert result["scoring_read"]  # modes read from words, for the person to confirm
    # the same upload and options, from another rerun or session: the same job, no new work
    again, here = request_workbook(store, data, "机构.xlsx", {}, actor="viewer-2")
    assert again.id == job.id and not here
    assert run_worker(store, once=True) == 0
    # other options are other work
    other, _ = request_workbook(store, data, "机构.xlsx", {"title": "另一个"}, actor="qm")
    assert other.id != job.id


def test_an_import_job_keeps_the_catalogue_and_the_mapping_without_the_page(store):
    Jobs(store).beat("another-process")
    options = {"catalogue_id": "body-2026", "register": True}
    job, _ = request_workbook(store, table(), "机构.xlsx", options, actor="qm")
    run_worker(store, once=True)
    result = Jobs(store).job(job.id).result
    assert result["registered"]["id"] == "body-2026"
    assert any(c.content_hash == result["registered"]["hash"] for c in store.catalogues())
    assert store.remembered_columns(result["preview"]["layout"]) == result["columns"]


def test_a_refused_table_is_a_done_job_with_the_coded_refusal(store):
    Jobs(store).beat("another-process")
    rows = [*ROWS[:2], ("1.1.1", "设立售后服务部门", "六十")]
    job, _ = request_workbook(store, table(rows), "机构.xlsx", {}, actor="qm")
    run_worker(store, once=True)
    refusal = Jobs(store).job(job.id).result["refusal"]
    assert refusal["codes"][0] == "points_text" and refusal["count"] >= 1
    assert set(refusal["lines"]) == {"zh", "en"}


def test_without_a_worker_the_app_reads_the_workbook_itself(store):
    job, here = request_workbook(store, table(), "机构.xlsx", {}, actor="qm")
    assert here and job.state is JobState.DONE and job.result["items"] == 3


def test_a_zip_bomb_job_ends_with_its_coded_refusal(store):
    from hostile_workbooks import HOSTILE

    job, _ = request_workbook(store, HOSTILE["zip bomb"](), "bomb.xlsx", {}, actor="qm")
    assert job.result["preview"] is None
    assert job.result["refusal"]["codes"] == ["bounds_zip_member_size"]


def test_a_reading_left_running_by_a_process_that_died_is_run_again_by_the_next_request(store):
    from datetime import timedelta

    from store.base import utcnow
    from store.jobs import JOB_STALE
    from store.tables import JobRow

    Jobs(store).beat("another-process")
    job, _ = request_workbook(store, table(), "机构.xlsx", {}, actor="qm")
    assert Jobs(store).claim("app:dead", job_id=job.id) is not None  # then the process died
    with store._write("test") as session:
        row = session.get(JobRow, job.id)
        row.heartbeat_at = utcnow() - JOB_STALE - timedelta(seconds=1)
    Jobs(store).leave("another-process")  # and no worker runs now

    again, here = request_workbook(store, table(), "机构.xlsx", {}, actor="qm")
    assert again.id == job.id and here and again.state is JobState.DONE
    assert again.result["items"] == 3 and again.attempts == 2

"""The dossier page with a worker: the job is queued, the page follows it, and when it is done
both files download from the blob store; with no worker the page makes it itself and says so."""

from __future__ import annotations

from app_helpers import app, fresh_app, new_audit

from store.jobs import Jobs, JobState
from worker.loop import run_worker

BUILD = "生成申请资料"


def test_with_a_worker_running_the_page_queues_the_dossier_and_offers_its_files(
    monkeypatch, tmp_path
):
    store = fresh_app(monkeypatch, tmp_path / "data")
    audit = new_audit(store)
    jobs = Jobs(store)
    jobs.beat("worker-in-the-test")  # a worker is running (it will be run below)
    at = app("dossier", audit.id)
    next(b for b in at.button if b.label == BUILD).click().run(timeout=60)
    assert not at.exception
    assert list(at.get("download_button")) == []
    job_id = at.session_state[f"dossier.job.{audit.id}"]
    assert jobs.job(job_id).state is JobState.QUEUED

    assert run_worker(store, once=True) == 1
    at.run(timeout=60)

    assert not at.exception
    assert any("已生成：共" in s.value for s in at.success)
    assert len(list(at.get("download_button"))) == 2


def test_with_no_worker_the_page_makes_the_dossier_itself_and_says_so(monkeypatch, tmp_path):
    store = fresh_app(monkeypatch, tmp_path / "data")
    audit = new_audit(store)
    at = app("dossier", audit.id)
    next(b for b in at.button if b.label == BUILD).click().run(timeout=120)
    assert not at.exception
    assert any("没有运行中的后台处理程序" in c.value for c in at.caption)
    assert len(list(at.get("download_button"))) == 2

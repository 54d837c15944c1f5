"""The Catalogues page reads an uploaded table once: reruns, a changed scoring mode and another
session reuse the reading kept by the upload's content hash; with a worker running the import
goes on after the tab is closed, and the person sees its result when they come back."""

from __future__ import annotations

import pytest
from app_helpers import app, fresh_app, texts
from workbook_builder import example_layout

import criteria.workbook as workbook
from scoring.display import catalogue_name
from store.jobs import Jobs
from worker.loop import run_worker

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def store(monkeypatch, tmp_path):
    # readings are counted in this process: an app-run job stays here (priority 0), not in a
    # child process at the worker's lower priority (worker/here.py)
    monkeypatch.setenv("GBT_AUDIT_WORKER_NICE", "0")
    return fresh_app(monkeypatch, tmp_path)


@pytest.fixture
def readings(monkeypatch):
    """Every time a table is read (worker/tasks.py calls criteria.workbook.read_workbook)."""
    calls = []
    real = workbook.read_workbook

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(workbook, "read_workbook", counting)
    return calls


def queued(store) -> int:
    from store.tables import JobRow

    with store._read() as session:
        return sum(1 for row in session.query(JobRow) if row.state == "queued")


def modes(at):
    return [s for s in at.selectbox if s.label.count(".") == 2]


def test_reruns_a_changed_mode_and_another_session_do_not_read_the_table_again(
    store, tmp_path, readings
):
    path = example_layout(tmp_path, "merged")
    at = app("catalogues")
    at.file_uploader[0].upload(path.name, path.read_bytes(), XLSX).run()
    assert not at.exception and readings == [path.name]
    assert "本服务器上读取" in texts(at)  # no worker: read here, and said so
    at.run()
    first = modes(at)[0]
    first.set_value("sampled" if first.value == "binary" else "binary").run()
    assert not at.exception and modes(at)
    other = app("catalogues")  # a reload, or someone else with the same file
    other.file_uploader[0].upload("again.xlsx", path.read_bytes(), XLSX).run()
    assert readings == [path.name, "again.xlsx"]  # another name is another catalogue source
    other.file_uploader[0].upload(path.name, path.read_bytes(), XLSX).run()
    assert not other.exception and modes(other)
    assert readings == [path.name, "again.xlsx"]


def test_an_import_queued_for_the_worker_is_seen_done_after_the_tab_was_closed(store, tmp_path):
    path = example_layout(tmp_path, "merged")
    jobs = Jobs(store)
    jobs.beat("worker-elsewhere")  # a worker is running: the page only queues
    at = app("catalogues")
    at.file_uploader[0].upload(path.name, path.read_bytes(), XLSX).run()
    assert not at.exception and not modes(at)  # nothing to confirm until it is read
    assert queued(store) == 1
    assert run_worker(store, once=True) == 1
    at.run()
    assert modes(at)
    next(t for t in at.text_input if t.label.startswith("目录标识")).input("queued-body").run()
    next(b for b in at.button if b.label == "导入").click().run()
    assert not at.exception
    assert "queued-body" not in [c.id for c in store.catalogues()] and queued(store) == 1
    del at  # the tab is closed, the session ends

    assert run_worker(store, once=True) == 1
    assert "queued-body" in [c.id for c in store.catalogues()]
    (saved,) = [c for c in store.catalogues() if c.id == "queued-body"]
    said = f"已保存目录：{catalogue_name(saved, 'zh')}"
    back = app("catalogues")
    assert said in texts(back)
    back.run()
    assert said not in texts(back)  # said once


def test_a_filled_table_is_read_once_for_reruns_and_a_reload(store, tmp_path, monkeypatch):
    from app_helpers import new_audit

    import ui.selfeval_panel as panel
    from dossier import write_xlsx
    from dossier.assemble import dossier_data

    calls = []
    real = panel.read_filled_table
    monkeypatch.setattr(panel, "READINGS", panel._Readings())
    monkeypatch.setattr(panel, "read_filled_table", lambda *a: calls.append(a[1]) or real(*a))
    audit = new_audit(store)
    path = tmp_path / "自评表.xlsx"
    write_xlsx(dossier_data(store, audit.id), path)

    def upload(at):
        uploader = next(u for u in at.get("file_uploader") if u.proto.label.startswith("自评表"))
        uploader.upload(path.name, path.read_bytes(), XLSX).run()
        assert not at.exception and "已读取" in texts(at)

    at = app("audits")
    upload(at)
    at.run()
    upload(app("audits"))  # a reload
    assert calls == [path.name]  # the bundled catalogue is the table's: one reading serves both

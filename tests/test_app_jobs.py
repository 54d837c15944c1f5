"""The readiness brief (action register, dashboard) and the archive import (audits page) are
jobs like the dossier: with a worker running they are queued and followed by the page, and the
result comes from the blob store; with no worker the app does the work itself and says so."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from account_helpers import PASSWORD
from app_helpers import app, fresh_app, new_audit, texts
from store_helpers import settings_for

from domain.records import Rectification
from scoring import Status
from services import assignments
from services.context import Context
from store import open_store
from store.accounts import Accounts
from store.archive import export_audit
from store.jobs import Jobs, JobState
from worker.loop import run_worker

ZIP = "application/zip"


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path / "data")


def audit_with_an_action(store):
    """The action register shows its buttons once there is an action to list."""
    audit = new_audit(store)
    first = store.catalogue(audit.catalogue_hash).items[0]
    store.save_item(
        audit.id,
        first.id,
        expected_version=0,
        actor="测试员",
        status=Status.NOT_CONFORMING,
        finding="现场未见记录",
        rectification=Rectification("修订服务制度", "王敏", date.today() + timedelta(days=30)),
    )
    return audit


def labels(at, kind: str = "download_button") -> list[str]:
    return [d.proto.label for d in at.get(kind)]


def progress(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def click(at, label: str):
    next(b for b in at.button if b.label == label).click().run(timeout=60)
    assert not at.exception
    return at


@pytest.mark.parametrize(
    ("page", "make", "ready"),
    [
        ("actions", "生成认证准备简报（PDF）", "下载简报"),
        ("dashboard", "生成就绪简报（PDF）", "下载就绪简报（PDF）"),
    ],
)
def test_with_a_worker_running_the_brief_is_queued_followed_and_then_offered(
    store, page, make, ready
):
    audit = audit_with_an_action(store)
    jobs = Jobs(store)
    jobs.beat("worker-in-the-test")  # a worker is running (it is run below)
    at = click(app(page, audit.id), make)
    assert ready not in labels(at)
    assert progress(at) == ["已排队，等待后台处理程序…"]
    job_id = at.session_state[f"{'dash' if page == 'dashboard' else page}.brief_job.{audit.id}"]
    assert jobs.job(job_id).state is JobState.QUEUED

    assert run_worker(store, once=True) == 1
    at.run(timeout=60)

    assert not at.exception
    assert ready in labels(at)
    assert progress(at) == []
    assert "没有运行中的后台处理程序" not in texts(at)


def test_with_no_worker_the_brief_is_made_here_and_the_page_says_so(store):
    audit = audit_with_an_action(store)
    at = click(app("actions", audit.id), "生成认证准备简报（PDF）")
    assert "没有运行中的后台处理程序（gbt-audit worker），简报已在本服务器上生成。" in texts(at)
    assert labels(at)[-1] == "下载简报"
    job = Jobs(store).job(at.session_state[f"actions.brief_job.{audit.id}"])
    assert job.state is JobState.DONE
    with store.blobs.open(job.files()[0]["sha256"]) as stream:
        assert stream.read(5) == b"%PDF-"


def archive_bytes(store, tmp_path) -> bytes:
    """An audit's archive from another installation (this one refuses its own organisation)."""
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    elsewhere = open_store(settings_for(url, tmp_path / "elsewhere"))
    audit = new_audit(elsewhere, "华南电器有限公司")
    return export_audit(elsewhere, audit.id, tmp_path / "archive.zip").read_bytes()


def upload(at, name: str, data: bytes, lang: str = "zh"):
    label, button = (
        ("存档文件（.zip）", "导入") if lang == "zh" else ("Archive file (.zip)", "Import")
    )
    uploader = next(u for u in at.get("file_uploader") if u.proto.label == label)
    uploader.upload(name, data, ZIP).run()
    return click(at, button)


def test_with_a_worker_running_an_archive_import_is_queued_and_its_outcome_shown(store, tmp_path):
    data = archive_bytes(store, tmp_path)
    before = len(store.organisations())
    jobs = Jobs(store)
    jobs.beat("worker-in-the-test")
    at = upload(app("audits"), "archive.zip", data)
    assert "存档已上传，正在后台导入…" in texts(at)
    assert progress(at) == ["已排队，等待后台处理程序…"]
    assert len(store.organisations()) == before  # not imported by the app's server

    assert run_worker(store, once=True) == 1
    at.run(timeout=60)

    assert not at.exception
    assert len(store.organisations()) == before + 1
    assert [s.value for s in at.success] == ["已导入 1 轮审核和 0 份证据。"]
    assert "存档已上传" not in texts(at)
    assert at.session_state["org_id"] == max(o.id for o in store.organisations())


def test_with_no_worker_an_archive_is_imported_here_and_the_page_says_so(store, tmp_path):
    data = archive_bytes(store, tmp_path)
    before = len(store.organisations())
    at = upload(app("audits"), "archive.zip", data)
    assert len(store.organisations()) == before + 1
    assert [s.value for s in at.success] == ["已导入 1 轮审核和 0 份证据。"]
    assert any("存档已在本服务器上导入" in c.value for c in at.caption)


def test_an_import_names_the_logins_whose_assignments_stay_behind(store, tmp_path):
    """Assignments and owner links travel by login: one whose login has no account here is
    not imported, and the page says whose, so they can be given again."""
    elsewhere = open_store(settings_for(f"sqlite:///{tmp_path / 'elsewhere.db'}", tmp_path / "e"))
    audit = new_audit(elsewhere, "华南电器有限公司")
    accounts = Accounts(elsewhere)
    boss = accounts.add_user("boss", "顾问", password=PASSWORD, actor="t", administrator=True)
    zhao = accounts.add_user("zhao_*gong*", "赵工", password=PASSWORD, actor="t")
    accounts.grant(zhao.login, audit.organisation_id, "editor", actor="t")
    assignments.assign(Context(accounts.actor(boss.id), elsewhere), audit.id, "1.1", zhao.id)
    data = export_audit(elsewhere, audit.id, tmp_path / "archive.zip").read_bytes()

    at = upload(app("audits"), "archive.zip", data)
    assert not at.exception
    assert [s.value for s in at.success] == ["已导入 1 轮审核和 0 份证据。"]
    assert [w.value for w in at.warning] == [
        "本机没有登录名为 zhao\\_\\*gong\\* 的账户，其分配和负责人关联未导入；"
        "为其建立账户后可重新分配和关联。"
    ]


def all_jobs(store):
    from sqlalchemy import select

    from store.tables import JobRow

    with store._read() as session:
        ids = list(session.scalars(select(JobRow.id).order_by(JobRow.id)))
    return [Jobs(store).job(i) for i in ids]


def altered(data: bytes) -> bytes:
    """The archive with one recorded member changed (a space added: still valid JSON)."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        changed = False
        for info in source.infolist():
            content = source.read(info)
            if not changed and info.filename != "manifest.json":
                content, changed = content + b" ", True
            out.writestr(info, content)
    return target.getvalue()


def test_a_refused_archive_says_why_in_the_readers_language_whoever_imported_it(store, tmp_path):
    data = altered(archive_bytes(store, tmp_path))
    Jobs(store).beat("worker-in-the-test")
    at = upload(app("audits", lang="en"), "archive.zip", data, "en")
    run_worker(store, once=True)
    at.run(timeout=60)
    [error] = at.error
    [job] = all_jobs(store)
    assert job.state is JobState.FAILED
    assert error.value.startswith("Archive refused, nothing was changed: ")
    assert "does not match its recorded" in error.value
    assert job.failure("zh").startswith("存档成员") and "存档成员" not in error.value


def test_an_unreadable_archive_is_refused_by_the_name_it_was_uploaded_under(store):
    at = upload(app("audits"), "archive.zip", b"PK\x03\x04" + bytes(200))
    [error] = at.error
    shown = error.value.replace("\\", "")  # as shown: Markdown escapes removed
    assert "archive.zip: not a readable" in shown and "738f" not in shown


def test_an_uploaded_archive_is_kept_as_a_blob_the_worker_reads(store, tmp_path):
    """A worker on another machine shares the database and the bucket, not this server's disk."""
    data = archive_bytes(store, tmp_path)
    Jobs(store).beat("worker-in-the-test")
    upload(app("audits"), "archive.zip", data)
    [job] = all_jobs(store)
    with store.blobs.open(job.params["input_sha256"]) as stream:
        assert stream.read() == data

"""Evidence library, dashboard, rounds and portfolio pages: main paths and their errors."""

import io
from datetime import date

import pytest
from app_helpers import app, fresh_app, new_audit, texts
from store_helpers import sign_off

from domain.records import Rectification
from scoring import Status
from ui.evidence_intake import FileMeta, ingest_files

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


def named(name: str, content: bytes) -> io.BytesIO:
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def conform_all(store, audit, but=()):
    catalogue = store.catalogue(audit.catalogue_hash)
    for item in catalogue.items:
        status = Status.NOT_CONFORMING if item.id in but else Status.CONFORMING
        store.save_item(audit.id, item.id, expected_version=0, actor="测试员", status=status)


def test_several_files_are_stored_and_a_refused_one_says_why(store):
    audit = new_audit(store)
    outcomes = ingest_files(
        store,
        audit.organisation_id,
        [
            (named("制度.pdf", PDF), FileMeta("制度", "policy", date(2027, 1, 1))),
            (named("照片.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 40), FileMeta.from_name("照片.pdf")),
            (
                named("记录2026-10.txt", "回访记录 2026-10\n".encode()),
                FileMeta.from_name("记录2026-10.txt"),
            ),
        ],
        actor="测试员",
        lang="zh",
    )
    assert [o.record is not None for o in outcomes] == [True, False, True]
    assert "文件内容不是" in outcomes[1].refusal
    library = store.evidence_library(audit.organisation_id)
    assert [(e.title, e.kind, e.valid_until) for e in library] == [
        ("制度", "policy", date(2027, 1, 1)),
        ("记录2026-10", "record", None),
    ]
    assert (library[1].covered_from, library[1].covered_to) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
    )


def test_the_evidence_page_lists_previews_and_verifies(store):
    audit = new_audit(store)
    record, _ = store.add_evidence(
        audit.organisation_id,
        "制度.pdf",
        io.BytesIO(PDF),
        title="售后服务管理制度",
        kind="policy",
        actor="测试员",
    )
    store.link_evidence(audit.id, "1.4.1", record.id, actor="测试员")
    at = app("evidence", audit.id)
    assert not at.exception
    assert "证据库 (1)" in texts(at)
    table = at.dataframe[0].value
    assert table["SHA-256"].tolist() == [record.sha256]
    assert table["支持的项目"].tolist() == ["1.4.1"]
    next(b for b in at.button if b.label.startswith("重新计算")).click().run()
    assert "全部 1 个文件与上传时一致" in texts(at)


def test_verification_names_a_tampered_file(store):
    audit = new_audit(store)
    record, _ = store.add_evidence(
        audit.organisation_id,
        "制度.pdf",
        io.BytesIO(PDF),
        title="售后服务管理制度",
        kind="policy",
        actor="测试员",
    )
    path = store.blobs.local_path(record.sha256)
    path.chmod(0o644)
    path.write_bytes(PDF + b"% tampered")
    at = app("evidence", audit.id)
    next(b for b in at.button if b.label.startswith("重新计算")).click().run()
    assert "「售后服务管理制度」" in texts(at) and "内容已被改动" in texts(at)


def test_the_dashboard_shows_score_tier_eligibility_and_plan(store):
    audit = new_audit(store)
    conform_all(store, audit, but={"3.2.3", "3.2.5", "3.1.4"})  # 100 − 9 = 91: 四星级
    store.update_audit(
        audit.id,
        expected_version=audit.version,
        actor="测试员",
        prerequisites={
            "legal_entity": True,
            "no_major_incident": True,
            "system_running_3_months": False,
        },
    )
    at = app("dashboard", audit.id)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["得分"] == "91.00"
    # not eligible: no tier is awarded; the tier once eligible is shown apart, labelled
    tier = next(m for m in at.metric if m.label == "等级")
    assert tier.value == "无等级"
    assert tier.delta.startswith("不具备申请资格，无等级") and "四星级" in tier.delta
    assert "不具备申请资格" in texts(at)
    assert "达到 **五星级** 还差 4.00 分" in texts(at)
    assert any(e.label.startswith("判为符合，但没有关联证据") for e in at.expander)  # readiness
    assert at.table[-1].value["编号"].tolist() == ["3.1.4", "3.2.3", "3.2.5"]  # the gaps


def test_the_dashboard_in_english(store):
    audit = new_audit(store)
    at = app("dashboard", audit.id, lang="en")
    assert {m.label for m in at.metric} >= {"Score", "Tier", "To next tier", "Eligibility"}


def test_rounds_need_two_rounds_to_compare(store):
    audit = new_audit(store)
    at = app("rounds", audit.id)
    assert "只有一轮审核" in texts(at)


def test_rounds_compare_score_and_items(store):
    audit = new_audit(store)
    conform_all(store, audit, but={"1.1.1"})
    sign_off(store, audit.id)
    second = store.close_round(
        audit.id, expected_version=store.audit(audit.id).version, actor="测试员"
    )
    store.save_item(
        second.id, "1.1.1", expected_version=1, actor="测试员", status=Status.CONFORMING
    )
    at = app("rounds", second.id)
    assert not at.exception
    score = next(m for m in at.metric if m.label == "得分")
    assert (score.value, score.delta) == ("100.00", "+2.00")
    assert at.dataframe[0].value["编号"].tolist() == ["1.1.1"]


def test_the_portfolio_lists_every_organisations_latest_audit(store):
    first = new_audit(store, "甲公司")
    conform_all(store, first)
    second = new_audit(store, "乙公司")
    store.save_item(
        second.id,
        "1.1.1",
        expected_version=0,
        actor="测试员",
        status=Status.NOT_CONFORMING,
        rectification=Rectification("成立售后部", "张总", date(2020, 1, 1)),
    )
    at = app("portfolio")
    assert not at.exception
    table = at.dataframe[0].value
    assert table["组织"].tolist() == ["乙公司", "甲公司"]  # an overdue action comes first
    assert table["逾期整改"].tolist() == [1, 0]
    assert table["得分"].tolist() == [0.0, 100.0]


def test_the_dossier_page_builds_both_files_for_download(store):
    audit = new_audit(store)
    conform_all(store, audit)
    at = app("dossier", audit.id)
    assert not at.exception
    next(b for b in at.button if b.label == "生成申请资料").click().run(timeout=120)
    assert not at.exception
    assert "已生成：共" in texts(at)
    downloads = [e for e in at.get("download_button")]
    assert len(downloads) == 2


def test_a_page_run_scores_the_open_audit_once_for_sidebar_and_page(store, monkeypatch):
    from store import AuditStore

    audit = new_audit(store)
    calls = []
    original = AuditStore.score

    def counted(self, audit_id):
        calls.append(audit_id)
        return original(self, audit_id)

    monkeypatch.setattr(AuditStore, "score", counted)
    at = app("dashboard", audit.id)  # two runs: the start page, then the dashboard
    assert not at.exception
    calls.clear()
    at.run()
    assert calls == [audit.id]


def test_the_batch_editor_leaves_a_missing_date_empty():
    """A file without a date in its name showed "None" in the batch editor's date cells."""
    from ui.evidence_batch import batch_table
    from ui.evidence_intake import kind_labels

    table = batch_table(["制度.pdf", "记录2026-10.txt"], kind_labels("zh"))
    for column in ("valid_until", "covered_from", "covered_to"):
        assert str(table[column].dtype).startswith("datetime64"), column
    assert table["covered_from"].isna().tolist() == [True, False]
    assert table["covered_from"][1].date() == date(2026, 10, 1)
    assert "None" not in table.astype(str).to_string().replace("NaT", "")

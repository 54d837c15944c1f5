"""The app's side of issue 13: the portfolio marks an organisation whose records cannot be read
and shows the others; the evidence page removes unreferenced files."""

import io
import os
import time

import pytest
from app_helpers import app, fresh_app, new_audit, texts
from sqlalchemy import text

from scoring import Status

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


def test_the_portfolio_marks_a_broken_organisation_and_shows_the_others(store):
    sound = new_audit(store, "甲公司")
    store.save_item(sound.id, "1.1.1", expected_version=0, actor="测试员", status=Status.CONFORMING)
    damaged = new_audit(store, "乙公司")
    store.save_item(
        damaged.id, "1.1.1", expected_version=0, actor="测试员", status=Status.CONFORMING
    )
    with store.engine.begin() as connection:  # as an unchecked import once left it
        connection.execute(
            text("UPDATE item_assessments SET status = 'banana' WHERE audit_id = :a"),
            {"a": damaged.id},
        )

    at = app("portfolio")

    assert not at.exception
    table = at.dataframe[0].value
    assert table["组织"].tolist() == ["甲公司", "乙公司"]
    assert table["等级"].tolist()[1].startswith("⚠ 数据无法读取: ValueError: 'banana'")
    assert "1 个组织的数据无法读取" in texts(at)
    at.session_state["portfolio.table"] = {"selection": {"rows": [1], "columns": []}}
    at.run()
    assert "「乙公司」的数据无法读取，不能打开" in texts(at)
    assert at.title[0].value == "客户总览"  # stays on the portfolio


def test_the_evidence_page_removes_unreferenced_files(store):
    audit = new_audit(store)
    store.add_evidence(
        audit.organisation_id, "制度.pdf", io.BytesIO(PDF), title="制度", kind="policy", actor="qm"
    )
    stray = store.blobs.put(io.BytesIO(b"left behind"), max_bytes=1 << 20).sha256
    past = time.time() - 2 * 3600
    os.utime(store.blobs.local_path(stray), (past, past))

    at = app("evidence", audit.id)
    next(b for b in at.button if b.label == "清理未引用的文件").click().run()

    assert not at.exception
    assert "已删除 1 个未引用的文件（11 B）" in texts(at)
    assert not store.blobs.exists(stray)
    assert len(store.evidence_library(audit.organisation_id)) == 1

"""The audits page brings back a filled 自评表: read on upload, what is left out named, imported
as a new round with the same score and the same owners."""

from __future__ import annotations

from datetime import date

import pytest
from app_helpers import app, fresh_app, new_audit, texts
from hostile_workbooks import HOSTILE

from domain.records import ActionState, Rectification
from dossier import write_xlsx
from dossier.assemble import dossier_data
from scoring import Status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path / "data")


def test_an_exported_table_comes_back_as_a_new_round_with_the_same_score_and_owners(
    store, tmp_path
):
    audit = new_audit(store)
    catalogue = store.catalogue(audit.catalogue_hash)
    action = Rectification("补充服务网点清单", "周涛", date(2026, 12, 1), ActionState.OPEN)
    sampled = next(i.id for i in catalogue.items if i.scoring == "sampled")
    failed = next(i.id for i in catalogue.items[3:] if i.id != sampled)
    for item in (i for i in catalogue.items[:10] if i.id != sampled):
        fields = {"status": Status.CONFORMING}
        if item.id == failed:
            fields = {"status": Status.NOT_CONFORMING, "finding": "缺清单", "rectification": action}
        store.save_item(audit.id, item.id, expected_version=0, actor="测试员", **fields)
    store.save_item(
        audit.id, sampled, expected_version=0, actor="测试员",
        status=Status.SAMPLED, samples_checked=4, samples_conforming=3,
    )  # fmt: skip
    path = tmp_path / "自评表.xlsx"
    write_xlsx(dossier_data(store, audit.id), path)
    at = app("audits")
    uploader = next(u for u in at.get("file_uploader") if u.proto.label.startswith("自评表"))
    uploader.upload(path.name, path.read_bytes(), XLSX).run()
    assert not at.exception
    assert "已读取" in texts(at)
    target = next(s for s in at.selectbox if s.label == "导入到")
    target.set_value(audit.organisation_id).run()
    next(b for b in at.button if b.label == "导入为新的审核轮次").click().run()
    assert not at.exception
    newest = store.audits(audit.organisation_id)[-1]
    assert newest.id != audit.id and newest.round_no == 2
    assert store.round_result(newest.id)["score"] == store.round_result(audit.id)["score"]
    assert store.item(newest.id, failed).rectification == action
    assert at.session_state["audit_id"] == newest.id


def test_a_hostile_file_is_refused_on_the_page(store):
    new_audit(store)
    at = app("audits")
    uploader = next(u for u in at.get("file_uploader") if u.proto.label.startswith("自评表"))
    uploader.upload("bomb.xlsx", HOSTILE["zip bomb"](), XLSX).run()
    assert not at.exception
    assert "自评表未导入" in texts(at)
    assert len(store.audits(store.organisations()[0].id)) == 1

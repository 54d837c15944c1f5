"""On an item: ask a colleague for the evidence it lacks, see the request close when a file is
linked, and open a linked file (verified before it is offered)."""

import io

import pytest
from app_helpers import app, fresh_app, new_audit, texts

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def opened(audit, item_id="1.1.1"):
    """The checklist with the item's details open (a closed card draws nothing more)."""
    at = app("checklist", audit.id)
    at.session_state[f"item.{audit.id}.{item_id}.open"] = True
    return at.run()


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


def test_a_request_is_made_on_the_item_and_shown_closed_once_a_file_is_linked(store):
    audit = new_audit(store)
    at = opened(audit)
    where = f"{audit.id}.1.1.1"
    at.text_input(key=f"request_owner.{where}").input("王经理")
    at.text_input(key=f"request_needed.{where}").input("售后服务管理制度")
    at.button(key=f"request_go.{where}").click().run()
    assert not at.exception
    (request,) = store.evidence_requests(audit.id)
    assert (request.item_id, request.owner, request.needed) == (
        "1.1.1",
        "王经理",
        "售后服务管理制度",
    )
    assert "待提供：售后服务管理制度（向 王经理 索取" in texts(at)

    record, _ = store.add_evidence(
        audit.organisation_id,
        "制度.pdf",
        io.BytesIO(PDF),
        title="制度",
        kind="policy",
        actor="王经理",
    )
    store.link_evidence(audit.id, "1.1.1", record.id, actor="王经理")
    at = opened(audit)  # the card's label counts its files, so it is drawn afresh
    assert "已提供：售后服务管理制度（王经理；王经理 关联文件后关闭）" in texts(at)


def test_a_linked_file_opens_as_a_verified_download(store):
    audit = new_audit(store)
    record, _ = store.add_evidence(
        audit.organisation_id, "制度.pdf", io.BytesIO(PDF), title="制度", kind="policy", actor="qm"
    )
    store.link_evidence(audit.id, "1.1.1", record.id, actor="qm")
    at = opened(audit)
    assert not at.get("download_button")
    at.button(key=f"open.{audit.id}.1.1.1.{record.id}").click().run()
    assert not at.exception
    assert len(at.get("download_button")) == 1

"""The worker sends the outbox (never the click that caused a notification): a submitted round
reaches the robot only when ``gbt-audit worker`` runs; a bad robot address stops the worker
with the setting named."""

import pytest
from account_helpers import team
from store_helpers import CATALOGUE_TEXT
from webhook_receiver import webhook_receiver

from cli.main import main
from domain.notifications import DeliveryState
from services import review
from services.context import Context
from store import open_store
from store.uow import UnitOfWork


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    monkeypatch.delenv("GBT_AUDIT_SMTP_HOST", raising=False)
    monkeypatch.delenv("GBT_AUDIT_WEBHOOK_URL", raising=False)
    store = open_store()
    store.register_catalogue(CATALOGUE_TEXT, "test-catalogue.yaml")
    return store


def test_a_submitted_round_reaches_the_robot_when_the_worker_runs_not_before(
    store, monkeypatch, capsys
):
    people = team(store)
    with webhook_receiver() as robot:
        monkeypatch.setenv("GBT_AUDIT_WEBHOOK_URL", robot.url())
        review.submit_for_review(
            Context(people.actor("editor"), store), people.audit_a.id, "请审核"
        )
        assert robot.received == []  # the click only recorded it
        assert main(["worker", "--once"]) == 0
    [posted] = robot.received
    body = posted.json()
    assert body["event"] == "submitted_for_review" and body["values"]["comment"] == "请审核"
    with UnitOfWork(store, write=False) as uow:
        [sent] = uow.outbox.recent()
    assert sent.state is DeliveryState.SENT


def test_a_bad_robot_address_stops_the_worker_naming_the_setting(store, monkeypatch, capsys):
    monkeypatch.setenv("GBT_AUDIT_WEBHOOK_URL", "qyapi.weixin.qq.com/cgi-bin/webhook")
    assert main(["worker", "--once"]) == 1
    assert "GBT_AUDIT_WEBHOOK_URL" in capsys.readouterr().err


def test_with_no_channel_set_the_worker_leaves_the_notifications_waiting(store, capsys):
    people = team(store)
    review.submit_for_review(Context(people.actor("editor"), store), people.audit_a.id)
    assert main(["worker", "--once"]) == 0
    with UnitOfWork(store, write=False) as uow:
        [waiting] = uow.outbox.recent()
    assert waiting.state is DeliveryState.PENDING and waiting.attempts == 0

"""The Users page shows administrators what the notification outbox sent, what waits for its
next try and what failed with why, in the reader's language; the failed-only box filters."""

import json

import pytest
from app_helpers import app, fresh_app, new_audit

from domain.notifications import MAX_ATTEMPTS, EventKind
from store.accounts import Accounts
from store.uow import UnitOfWork
from texts import t

PASSWORD = "correct horse battery"
FAILURE = json.dumps({"zh": "无法连接机器人 hooks.example.cn：超时", "en": "cannot reach it"})


@pytest.fixture
def setup(monkeypatch, tmp_path):
    store = fresh_app(monkeypatch, tmp_path / "data")
    audit = new_audit(store)
    accounts = Accounts(store)
    editor = accounts.add_user("editor", "编辑王", password=PASSWORD, actor="setup")
    with UnitOfWork(store) as uow:
        sent, failed, waiting = (
            uow.outbox.add(
                kind,
                organisation_id=audit.organisation_id,
                recipients=recipients,
                values={"comment": "**x**"},
            )
            for kind, recipients in (
                (EventKind.SIGNED_OFF, [editor.id]),
                (EventKind.RETURNED, []),
                (EventKind.SUBMITTED_FOR_REVIEW, [editor.id]),
            )
        )
    with UnitOfWork(store) as uow:
        uow.outbox.record(sent, delivered=["mail:1"])
        for _ in range(MAX_ATTEMPTS):
            uow.outbox.record(failed, delivered=[], error=FAILURE)
        uow.outbox.record(waiting, delivered=[], error=FAILURE)
        uow.outbox.add(
            EventKind.ASSIGNED, organisation_id=audit.organisation_id, recipients=[], values={}
        )
    return store


def log_table(at):
    return next(
        frame.value for frame in at.dataframe if t("notify.log.col_event") in frame.value.columns
    )


def test_with_a_robot_set_the_page_does_not_say_nothing_can_be_sent(setup, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    at = app("users")
    assert t("notify.log.no_channel") not in [i.value for i in at.info]


def test_sent_waiting_and_failed_notifications_are_listed_with_why(setup):
    at = app("users")
    assert not at.exception
    table = log_table(at)
    rows = {row[t("notify.log.col_event")]: row for _, row in table.iterrows()}
    assert set(rows) == {
        t("notify.kind.signed_off"),
        t("notify.kind.returned"),
        t("notify.kind.submitted_for_review"),
        t("notify.kind.assigned"),
    }
    signed = rows[t("notify.kind.signed_off")]
    assert signed[t("notify.log.col_state")] == t("notify.state.sent")
    assert signed[t("notify.log.col_recipients")] == "编辑王"
    assert signed[t("notify.log.col_organisation")] == "华东家电服务有限公司"
    failed = rows[t("notify.kind.returned")]
    assert failed[t("notify.log.col_state")] == t("notify.state.failed")
    assert failed[t("notify.log.col_attempts")] == MAX_ATTEMPTS
    assert failed[t("notify.log.col_error")] == "无法连接机器人 hooks.example.cn：超时"
    assert failed[t("notify.log.col_recipients")] == t("notify.log.robots_only")
    waiting = rows[t("notify.kind.submitted_for_review")]
    assert waiting[t("notify.log.col_state")] == t("notify.state.pending")
    assert waiting[t("notify.log.col_when")].startswith("下次重试 ")
    # never tried: waiting, not "next try" at a time gone by; and the page says why it waits
    assert rows[t("notify.kind.assigned")][t("notify.log.col_when")] == t("notify.log.waiting")
    assert t("notify.log.no_channel") in [i.value for i in at.info]
    at.checkbox(key="users.notifications.failed").check().run()
    assert list(log_table(at)[t("notify.log.col_event")]) == [t("notify.kind.returned")]

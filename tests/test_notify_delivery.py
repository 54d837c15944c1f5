"""Sending the outbox (notify/send.py) to a real SMTP server and a real HTTP robot on
127.0.0.1: mail to each recipient with an address, every robot in its shape, retries with
back-off that tell only who did not get it yet, a failed state at the end, 钉钉's signature
checked by the receiver, and planted Markdown shown as text."""

import json
from datetime import timedelta

import pytest
from smtp_server import free_port, smtp_server
from store_helpers import company, new_store
from webhook_receiver import dingtalk_signed, webhook_receiver

from domain.notifications import MAX_ATTEMPTS, DeliveryState, EventKind, error_text
from notify.message import of_notification
from notify.send import Channels, deliver_due, load_channels
from notify.webhooks import feishu_sign, request_for
from reminders.mail import SmtpSettings
from settings import SettingsError, WebhookUrl
from store.accounts import Accounts
from store.base import utcnow
from store.uow import UnitOfWork
from texts import t

PLANTED = "**bold** <at>@all</at> [x](http://evil) <@wang> # h\n> quote"


@pytest.fixture
def store(database_url, tmp_path):
    return new_store(database_url, tmp_path)


@pytest.fixture
def people(store):
    accounts = Accounts(store)
    wang = accounts.add_user("wang", "王敏", actor="setup", email="wang@example.cn")
    li = accounts.add_user("li", "李强", actor="setup")  # no address: told by the robot only
    return wang, li


def smtp(port: int) -> SmtpSettings:
    return SmtpSettings("127.0.0.1", port, "audit@example.cn", starttls=False)


def notify(store, people, kind=EventKind.RETURNED, **values):
    organisation = company(store)
    with UnitOfWork(store) as uow:
        return uow.outbox.add(
            kind,
            organisation_id=organisation.id,
            recipients=[p.id for p in people],
            values={"organisation": organisation.profile.name, "by": "审核员", **values},
            audit_id=7,
        )


def state(store, notification_id):
    with UnitOfWork(store, write=False) as uow:
        return uow.outbox.get(notification_id)


def test_a_notification_is_mailed_to_each_recipient_with_an_address_and_posted_to_the_robot(
    store, people
):
    made = notify(store, people, comment="请补充 1.2.1 的培训记录", due_on="2026-12-31")
    with smtp_server() as (port, inbox), webhook_receiver() as robot:
        channels = Channels(smtp(port), (WebhookUrl(robot.url()),))
        done = deliver_due(store, channels)
    assert (done.sent, done.retrying, done.failed) == (1, 0, 0)
    [(to, mail)] = inbox.received
    assert to == ["wang@example.cn"]
    assert mail["Subject"].startswith("【星级售后自评】自评被退回修改")
    text = mail.get_content()
    assert "说明：请补充 1.2.1 的培训记录" in text and "期限：2026-12-31" in text
    assert "Comment: 请补充 1.2.1 的培训记录" in text
    [posted] = robot.received
    body = posted.json()
    assert body["event"] == "returned" and body["id"] == made and body["audit_id"] == 7
    assert body["values"]["comment"] == "请补充 1.2.1 的培训记录"
    assert posted.query == {"access_token": "t0ken"}
    saved = state(store, made)
    assert saved.state is DeliveryState.SENT and saved.attempts == 1
    assert len(saved.delivered) == 2  # wang's mail and the robot; li has no address
    assert deliver_due(store, channels).ids == []  # sent once


def test_a_robot_that_fails_twice_gets_it_on_the_third_try_and_the_mail_is_not_sent_again(
    store, people
):
    made = notify(store, people)
    with smtp_server() as (port, inbox), webhook_receiver(fail_first=2) as robot:
        channels = Channels(smtp(port), (WebhookUrl(robot.url()),))
        first = deliver_due(store, channels)
        assert first.retrying == 1
        saved = state(store, made)
        assert saved.state is DeliveryState.PENDING and saved.attempts == 1
        assert "HTTP 500" in error_text(saved.last_error, "en")
        assert "返回 HTTP 500" in error_text(saved.last_error, "zh")
        assert deliver_due(store, channels).ids == []  # not before its back-off is over
        later = saved.next_attempt_at
        assert later is not None and later - utcnow() > timedelta(seconds=20)
        deliver_due(store, channels, now=later)
        saved = state(store, made)
        assert saved.attempts == 2 and saved.next_attempt_at - later > timedelta(seconds=50)
        third = deliver_due(store, channels, now=saved.next_attempt_at)
    assert third.sent == 1
    assert len(robot.received) == 3
    assert len(inbox.received) == 1  # the mail went at the first try and only then
    saved = state(store, made)
    assert saved.state is DeliveryState.SENT and saved.last_error == ""


def test_a_robot_that_never_answers_marks_the_notification_failed_after_the_last_attempt(
    store, people
):
    made = notify(store, people)
    channels = Channels(None, (WebhookUrl(f"http://127.0.0.1:{free_port()}/hook"),))
    now = utcnow()
    for _ in range(MAX_ATTEMPTS):
        done = deliver_due(store, channels, now=now)
        saved = state(store, made)
        now = saved.next_attempt_at or now
    assert done.failed == 1
    assert saved.state is DeliveryState.FAILED and saved.attempts == MAX_ATTEMPTS
    # worded in each language (the system's "[Errno 111] Connection refused" was shown as is)
    assert error_text(saved.last_error, "zh") == t(
        "notify.error.connection_refused", "zh", host="127.0.0.1"
    )
    assert "Errno" not in error_text(saved.last_error, "zh")
    assert error_text(saved.last_error, "en").startswith("Cannot reach the robot 127.0.0.1: ")
    assert deliver_due(store, channels, now=now + timedelta(days=1)).ids == []


def test_a_mail_server_that_is_down_is_retried_like_a_robot(store, people):
    made = notify(store, people)
    done = deliver_due(store, Channels(smtp(free_port()), ()))
    assert done.retrying == 1
    saved = state(store, made)
    assert "GBT_AUDIT_SMTP_HOST" in error_text(saved.last_error, "en")
    with smtp_server() as (port, inbox):
        deliver_due(store, Channels(smtp(port), ()), now=saved.next_attempt_at)
    assert [to for to, _ in inbox.received] == [["wang@example.cn"]]
    assert state(store, made).state is DeliveryState.SENT


def test_dingtalk_gets_markdown_signed_with_its_secret_and_a_wrong_secret_is_refused(store, people):
    made = notify(store, people, kind=EventKind.SIGNED_OFF)
    with webhook_receiver(secret="SECabc") as robot:
        wrong = WebhookUrl(robot.url(), secret="SECwrong", shape="dingtalk")
        deliver_due(store, Channels(None, (wrong,)))
        saved = state(store, made)
        assert saved.state is DeliveryState.PENDING
        assert "sign not match" in error_text(saved.last_error, "en")
        right = WebhookUrl(robot.url(), secret="SECabc", shape="dingtalk")
        deliver_due(store, Channels(None, (right,)), now=saved.next_attempt_at)
    assert state(store, made).state is DeliveryState.SENT
    posted = robot.received[-1]
    assert dingtalk_signed(posted.query, "SECabc") and posted.query["access_token"] == "t0ken"
    body = posted.json()
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "【星级售后自评】自评已签核"
    assert "**【星级售后自评】自评已签核**" in body["markdown"]["text"]


@pytest.mark.parametrize("shape", ["wecom", "dingtalk", "feishu"])
def test_planted_markup_in_a_value_is_shown_as_text_by_every_robot(store, people, shape):
    notify(store, people, comment=PLANTED)
    with webhook_receiver() as robot:
        deliver_due(store, Channels(None, (WebhookUrl(robot.url(), shape=shape),)))
    sent = json.dumps(robot.received[0].json(), ensure_ascii=False)
    for planted in ("**bold**", "<at>", "@all", "[x](", "<@wang>", "# h", "> quote"):
        assert planted not in sent
    assert "＊＊bold＊＊ ＜at＞＠all＜/at＞ ［x］（http://evil）" in sent


def test_plain_json_keeps_the_value_as_written(store, people):
    notify(store, people, comment=PLANTED)
    with webhook_receiver() as robot:
        deliver_due(store, Channels(None, (WebhookUrl(robot.url()),)))
    assert robot.received[0].json()["values"]["comment"] == PLANTED


def test_wecom_and_feishu_shapes_are_chosen_by_host_and_feishu_is_signed(store, people):
    made = notify(store, people)
    said = of_notification(state(store, made))
    wecom = WebhookUrl("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    url, body = request_for(wecom, said)
    assert url == wecom.url and body["msgtype"] == "markdown"
    assert body["markdown"]["content"].startswith("**【星级售后自评】自评被退回修改**")
    feishu = WebhookUrl("https://open.feishu.cn/open-apis/bot/v2/hook/x", secret="s3")
    url, body = request_for(feishu, said, now=1_700_000_000.5)
    assert body["msg_type"] == "post" and body["timestamp"] == "1700000000"
    assert body["sign"] == feishu_sign("s3", 1_700_000_000)
    import base64
    import hashlib
    import hmac

    expected = hmac.new(b"1700000000\ns3", b"", hashlib.sha256).digest()
    assert body["sign"] == base64.b64encode(expected).decode()
    ding = WebhookUrl("https://oapi.dingtalk.com/robot/send?access_token=a", secret="SEC1")
    url, body = request_for(ding, said, now=1_700_000_000.25)
    assert url.startswith(ding.url + "&timestamp=1700000000250&sign=")
    assert body["msgtype"] == "markdown"


def test_the_webhook_setting_takes_several_urls_with_secrets_and_names_a_bad_one():
    env = {
        "GBT_AUDIT_WEBHOOK_URL": "https://oapi.dingtalk.com/robot/send?access_token=a#secret=S1,"
        " https://hooks.example.cn/x#shape=feishu&secret=S2\nhttp://127.0.0.1:9/y"
    }
    channels = load_channels(env)
    assert channels.smtp is None
    assert channels.webhooks == (
        WebhookUrl("https://oapi.dingtalk.com/robot/send?access_token=a", "S1"),
        WebhookUrl("https://hooks.example.cn/x", "S2", "feishu"),
        WebhookUrl("http://127.0.0.1:9/y"),
    )
    for bad in ("ftp://x/y", "https://h/x#token=1", "https://h/x#shape=slack"):
        with pytest.raises(SettingsError) as refused:
            load_channels({"GBT_AUDIT_WEBHOOK_URL": bad})
        assert refused.value.code == "settings.not_a_webhook"
    with pytest.raises(SettingsError) as refused:
        load_channels({"GBT_AUDIT_WEBHOOK_URL": "https://h/send?access_token=SECRET#x=1"})
    assert "SECRET" not in refused.value.message("en")  # a robot's token is a password


def test_two_senders_at_once_send_each_notification_once(store, people):
    """The worker and a reminder run sending at the same moment: each claims its own share
    (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer), nothing goes out twice."""
    import threading

    organisation = company(store)
    with UnitOfWork(store) as uow:
        for n in range(20):
            uow.outbox.add(
                EventKind.RETURNED,
                organisation_id=organisation.id,
                recipients=[],
                values={"comment": f"#{n}"},
            )
    with webhook_receiver() as robot:
        channels = Channels(None, (WebhookUrl(robot.url()),))
        start = threading.Barrier(2)
        done: list = []

        def sender():
            start.wait()
            while True:
                sent = deliver_due(store, channels, limit=3)
                if not sent.ids:
                    return
                done.extend(sent.ids)

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    comments = sorted(r.json()["values"]["comment"] for r in robot.received)
    assert comments == sorted(f"#{n}" for n in range(20))
    assert sorted(done) == sorted(set(done)) and len(done) == 20


def test_an_indicator_assignment_says_its_scope_in_each_language_and_unknown_values_by_name(
    store, people
):
    made = notify(store, people, kind=EventKind.ASSIGNED, item="1.2", level="indicator", extra="x")
    said = of_notification(state(store, made))
    zh, en = said.sections
    assert ("范围", "整个指标") in zh.lines and ("Scope", "whole indicator") in en.lines
    assert ("extra", "x") in zh.lines  # a value without a label of ours, under its own name
    assert [label for label, _ in zh.lines] == ["组织", "条款", "范围", "操作人", "extra"]


def test_a_robot_that_redirects_did_not_take_the_message(store, people):
    made = notify(store, people)
    with webhook_receiver() as robot:
        robot.redirect = robot.url("/elsewhere")
        deliver_due(store, Channels(None, (WebhookUrl(robot.url()),)))
    assert [r.path for r in robot.received] == ["/robot/send"]  # not followed as a GET
    saved = state(store, made)
    assert saved.state is DeliveryState.PENDING
    assert "HTTP 302" in error_text(saved.last_error, "en")


def test_plain_json_with_a_secret_is_signed_so_the_receiver_can_check_it(store, people):
    import hashlib
    import hmac

    notify(store, people)
    with webhook_receiver() as robot:
        deliver_due(store, Channels(None, (WebhookUrl(robot.url(), secret="s3cret"),)))
    [posted] = robot.received
    headers = {k.lower(): v for k, v in posted.headers.items()}
    stamp = headers["x-gbt-audit-timestamp"]
    expected = hmac.new(b"s3cret", f"{stamp}.".encode() + posted.body, hashlib.sha256)
    assert headers["x-gbt-audit-signature"] == "sha256=" + expected.hexdigest()
    assert "s3cret" not in posted.body.decode() + posted.path + str(posted.query)

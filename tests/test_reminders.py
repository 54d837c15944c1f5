"""Reminders: the calendar feed parsed back with the right events and stable UIDs, and the
digest mailed by ``gbt-audit remind`` to a real SMTP server on 127.0.0.1."""

import io
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from smtp_server import free_port, smtp_server
from store_helpers import sign_off
from webhook_receiver import webhook_receiver

from cli.main import main
from domain.owners import Person
from domain.records import ActionState, OrganisationProfile, Rectification
from reminders.dates import audit_due_dates, owner_due_dates
from reminders.digest import body, digests
from reminders.ics import calendar_ics
from scoring import Status
from scoring.cycle import add_years
from services import certification
from services.context import Context
from store import open_store
from texts import t

TODAY = date.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    for name in ("HOST", "PORT", "FROM", "STARTTLS", "USER", "PASSWORD"):
        monkeypatch.delenv(f"GBT_AUDIT_SMTP_{name}", raising=False)
    monkeypatch.delenv("GBT_AUDIT_WEBHOOK_URL", raising=False)
    return open_store()


@pytest.fixture
def audit(store):
    organisation = store.create_organisation(
        OrganisationProfile(name="华东家电服务有限公司", contact_email="qm@example.cn"), actor="qm"
    )
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=store.catalogues()[0].content_hash,
        title="2026 年度自评",
        audit_date=TODAY,
        assessor="王敏",
        actor="qm",
    )
    items = [i.id for i in store.catalogue(audit.catalogue_hash).items]
    plan = {
        items[0]: Rectification("修订服务制度", "王敏", TODAY - timedelta(days=3)),
        items[1]: Rectification("补充培训记录", "li@example.cn", TODAY + timedelta(days=5)),
        items[2]: Rectification("更新网点公示", "王敏", TODAY + timedelta(days=60)),
        items[3]: Rectification(
            "已完成的整改", "王敏", TODAY - timedelta(days=9), ActionState.DONE
        ),
        items[4]: Rectification("未定期限", "王敏"),
    }
    for item_id, action in plan.items():
        store.save_item(
            audit.id,
            item_id,
            expected_version=0,
            actor="qm",
            status=Status.NOT_CONFORMING,
            rectification=action,
        )
    store.add_evidence(
        organisation.id,
        "营业执照.pdf",
        io.BytesIO(PDF),
        title="营业执照",
        kind="licence",
        valid_until=TODAY + timedelta(days=10),
        actor="qm",
    )
    certification.add_certificate(
        Context.local_administrator(store, "qm"),
        organisation.id,
        body="中国质量认证中心",
        number="CQC-0042",
        tier="四星级",
        issued_on=TODAY - timedelta(days=300),
    )
    return audit


def events(ics: bytes) -> list:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


def test_the_audit_calendar_holds_open_actions_evidence_expiry_and_the_certification_cycle(
    store, audit
):
    dates = audit_due_dates(store, audit.id, TODAY)
    parsed = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events(calendar_ics("自评", dates))}
    items = [i.id for i in store.catalogue(audit.catalogue_hash).items]
    issued = TODAY - timedelta(days=300)
    assert parsed == {
        f"整改到期：{items[0]} 修订服务制度": TODAY - timedelta(days=3),
        f"整改到期：{items[1]} 补充培训记录": TODAY + timedelta(days=5),
        f"整改到期：{items[2]} 更新网点公示": TODAY + timedelta(days=60),
        "证据到期：营业执照": TODAY + timedelta(days=10),
        "第 1 次监督审核": issued.replace(year=issued.year + 1),
        "第 2 次监督审核": issued.replace(year=issued.year + 2),
        "再认证（证书到期）": issued.replace(year=issued.year + 3) - timedelta(days=1),
    }  # the done action and the one without a due date are not in it


def test_every_event_is_all_day_with_a_reminder_and_the_owner_in_its_description(store, audit):
    [first, *_] = events(calendar_ics("自评", audit_due_dates(store, audit.id, TODAY)))
    assert first.decoded("DTEND") - first.decoded("DTSTART") == timedelta(days=1)
    assert "责任人：王敏" in str(first["DESCRIPTION"])
    [alarm] = first.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-7)


def test_uids_stay_the_same_across_exports_and_into_the_next_round(store, audit):
    before = {
        str(e["UID"]) for e in events(calendar_ics("a", audit_due_dates(store, audit.id, TODAY)))
    }
    sign_off(store, audit.id)
    nxt = store.close_round(audit.id, expected_version=store.audit(audit.id).version, actor="qm")
    after = {
        str(e["UID"]) for e in events(calendar_ics("b", audit_due_dates(store, nxt.id, TODAY)))
    }
    assert before == after and len(before) == 7


def test_an_owner_calendar_holds_only_that_persons_open_actions(store, audit):
    wang = Person("王敏", login="wangmin", email="wang@example.cn")
    dates = owner_due_dates(store, wang, TODAY)
    assert [d.summary.split(" ", 1)[1] for d in dates] == ["修订服务制度", "更新网点公示"]


def test_the_digest_goes_to_the_organisation_and_to_each_owner_with_an_address(store, audit):
    [organisation, owner] = digests(store, TODAY, days=14)
    assert organisation.recipient == "qm@example.cn"
    assert next(d.summary for d in organisation.overdue).endswith("修订服务制度")
    assert {d.summary.split("：")[0] for d in organisation.upcoming} == {"整改到期", "证据到期"}
    assert owner.recipient == "li@example.cn"
    assert next(d.summary for d in owner.upcoming).endswith("补充培训记录") and not owner.overdue


def test_an_overdue_surveillance_is_in_the_digest_as_a_risk_until_one_is_recorded(store):
    """A certificate issued 400 days ago: its first surveillance was due 35 days ago. The
    digest names the risk of suspension among what is overdue; once the surveillance is
    recorded, it is no longer there (nor is the held one on any later day)."""
    organisation = store.create_organisation(
        OrganisationProfile(name="华东家电服务有限公司", contact_email="qm@example.cn"), actor="qm"
    )
    issued = TODAY - timedelta(days=400)
    certification.add_certificate(
        Context.local_administrator(store, "qm"),
        organisation.id,
        body="机构",
        number="N-1",
        tier="三星级",
        issued_on=issued,
    )
    [digest] = digests(store, TODAY, days=14)
    [risk] = digest.overdue
    due = add_years(issued, 1).isoformat()
    assert risk.at_risk
    assert risk.summary == t(
        "cycle.at_risk", "zh", event=t("cycle.surveillance", "zh", n=1), due=due
    )
    assert risk.summary in body(digest)
    certification.record_surveillance(
        Context.local_administrator(store, "qm"), organisation.id, on=TODAY - timedelta(days=2)
    )
    assert digests(store, TODAY, days=14) == []


def test_a_surveillance_coming_due_tells_who_may_edit_the_organisation_once(
    store, monkeypatch, capsys
):
    """A certificate issued 360 days ago: its surveillance is due in 5 days. The reminder run
    records it for the organisation's quality manager (mailed), not its viewer, once however
    often it runs; the robot gets it too."""
    from store.accounts import Accounts

    organisation = store.create_organisation(
        OrganisationProfile(name="华东家电服务有限公司"), actor="qm"
    )
    certification.add_certificate(
        Context.local_administrator(store, "qm"),
        organisation.id,
        body="机构",
        number="N-1",
        tier="三星级",
        issued_on=TODAY - timedelta(days=360),
    )
    accounts = Accounts(store)
    accounts.add_user("qm", "质量经理", actor="setup", email="qm@example.cn")
    accounts.grant("qm", organisation.id, "quality_manager", actor="setup")
    accounts.add_user("boss", "总经理", actor="setup", email="boss@example.cn")
    accounts.grant("boss", organisation.id, "viewer", actor="setup")
    with smtp_server() as (port, inbox), webhook_receiver() as robot:
        monkeypatch.setenv("GBT_AUDIT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("GBT_AUDIT_SMTP_PORT", str(port))
        monkeypatch.setenv("GBT_AUDIT_SMTP_FROM", "audit@example.cn")
        monkeypatch.setenv("GBT_AUDIT_SMTP_STARTTLS", "false")
        monkeypatch.setenv("GBT_AUDIT_WEBHOOK_URL", robot.url())
        assert main(["remind", "--days", "14"]) == 0
        assert main(["remind", "--days", "14"]) == 0
    told = [to for to, mail in inbox.received if "监督评价到期" in mail["Subject"]]
    assert told == [["qm@example.cn"]]
    events = [r.json() for r in robot.received if r.json()["event"] == "surveillance_due"]
    assert len(events) == 1
    assert events[0]["values"]["due_on"] == add_years(TODAY - timedelta(days=360), 1).isoformat()


def test_the_calendars_dates_are_written_as_every_surface_writes_them(store, monkeypatch):
    """The calendar's at-risk line wrote its date itself (isoformat), not through
    scoring/display.py, so a change of the one date format would have missed it."""
    from scoring import display

    organisation = store.create_organisation(OrganisationProfile(name="华东家电"), actor="qm")
    issued = TODAY - timedelta(days=400)
    certification.add_certificate(
        Context.local_administrator(store, "qm"),
        organisation.id,
        body="机构",
        number="N-1",
        tier="三星级",
        issued_on=issued,
    )
    monkeypatch.setattr(display, "day", lambda value: f"<{value}>")
    from reminders.dates import organisation_dates

    summaries = [
        str(e["SUMMARY"])
        for e in events(
            calendar_ics("自评", organisation_dates(store, organisation.id, "zh", TODAY))
        )
    ]
    due = add_years(issued, 1)
    assert f"<{due}>" in next(s for s in summaries if s.startswith("证书有暂停风险"))
    assert not any(f" {due.isoformat()} " in s for s in summaries)


def test_remind_sends_the_digest_to_a_real_smtp_server(store, audit, monkeypatch, capsys):
    with smtp_server() as (port, inbox):
        monkeypatch.setenv("GBT_AUDIT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("GBT_AUDIT_SMTP_PORT", str(port))
        monkeypatch.setenv("GBT_AUDIT_SMTP_FROM", "audit@example.cn")
        monkeypatch.setenv("GBT_AUDIT_SMTP_STARTTLS", "false")
        assert main(["remind", "--days", "14"]) == 0
    assert "已发送 2 封提醒邮件" in capsys.readouterr().out
    (to, mail), (to_owner, _) = inbox.received
    assert to == ["qm@example.cn"] and to_owner == ["li@example.cn"]
    assert mail["Subject"].startswith(
        "【星级售后自评】华东家电服务有限公司：逾期 1 项，14 天内到期 2 项"
    )
    text = mail.get_content()
    assert (
        text.index("已逾期（1 项）") < text.index("14 天内到期（2 项）") < text.index("Overdue (1)")
    )
    assert "修订服务制度（责任人：王敏）" in text


def test_a_dry_run_prints_the_mails_and_needs_no_server(store, audit, capsys):
    assert main(["remind", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "To: qm@example.cn" in out and "（试运行，未发送）" in out


def test_a_dry_run_with_a_robot_prints_its_digest_and_sends_and_records_nothing(
    store, audit, monkeypatch, capsys
):
    from store.uow import UnitOfWork

    with webhook_receiver() as robot:
        monkeypatch.setenv("GBT_AUDIT_WEBHOOK_URL", robot.url())
        assert main(["remind", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert '"event": "digest"' in out and '"owner": "王敏"' in out
    assert robot.received == []
    with UnitOfWork(store, write=False) as uow:
        assert uow.outbox.recent() == []


def test_neither_a_mail_server_nor_a_robot_names_both_settings_and_exits_1(store, audit, capsys):
    assert main(["remind"]) == 1
    err = capsys.readouterr().err
    assert "GBT_AUDIT_SMTP_HOST" in err and "GBT_AUDIT_WEBHOOK_URL" in err
    assert "Traceback" not in err


def test_a_mail_server_without_a_sender_is_named(store, audit, monkeypatch, capsys):
    monkeypatch.setenv("GBT_AUDIT_SMTP_HOST", "127.0.0.1")
    assert main(["remind"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "未设置邮件服务器：请设置环境变量 GBT_AUDIT_SMTP_FROM"


def test_with_only_a_robot_the_json_digest_names_the_overdue_actions_owners(
    store, audit, monkeypatch, capsys
):
    with webhook_receiver() as robot:
        monkeypatch.setenv("GBT_AUDIT_WEBHOOK_URL", robot.url("/hooks/audit"))
        assert main(["remind", "--days", "14"]) == 0
        assert main(["remind", "--days", "14"]) == 0  # the overdue event is told once
    out = capsys.readouterr().out
    assert "已向 1 个群机器人发送 1 条提醒" in out
    digests_posted = [r.json() for r in robot.received if r.json()["event"] == "digest"]
    events = [r.json() for r in robot.received if r.json()["event"] != "digest"]
    assert len(digests_posted) == 2  # one per run
    digest = digests_posted[0]
    assert digest["organisation"] == "华东家电服务有限公司"
    assert [(i["owner"], i["due"]) for i in digest["overdue"]] == [
        ("王敏", (TODAY - timedelta(days=3)).isoformat())
    ]
    assert {i["owner"] for i in digest["upcoming"] if i["kind"] == "action"} == {"li@example.cn"}
    assert "修订服务制度（责任人：王敏）" in digest["text"]
    [overdue] = [e for e in events if e["event"] == "action_overdue"]
    assert overdue["values"]["owner"] == "王敏"
    assert overdue["values"]["due_on"] == (TODAY - timedelta(days=3)).isoformat()


def test_the_overdue_owner_with_an_account_is_mailed_the_notification_and_the_robot_told(
    store, audit, monkeypatch, capsys
):
    from store.accounts import Accounts

    Accounts(store).add_user("wangmin", "王敏", actor="setup", email="wangmin@example.cn")
    with smtp_server() as (port, inbox), webhook_receiver() as robot:
        monkeypatch.setenv("GBT_AUDIT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("GBT_AUDIT_SMTP_PORT", str(port))
        monkeypatch.setenv("GBT_AUDIT_SMTP_FROM", "audit@example.cn")
        monkeypatch.setenv("GBT_AUDIT_SMTP_STARTTLS", "false")
        monkeypatch.setenv("GBT_AUDIT_WEBHOOK_URL", robot.url())
        assert main(["remind", "--days", "14"]) == 0
    subjects = {(tuple(to), mail["Subject"].split(" / ")[0]) for to, mail in inbox.received}
    assert (("wangmin@example.cn",), "【星级售后自评】整改已逾期") in subjects
    # the digest: the organisation's contact, li by address, and now 王敏 by account
    assert {to[0] for to, _ in inbox.received} == {
        "qm@example.cn",
        "li@example.cn",
        "wangmin@example.cn",
    }
    assert {r.json()["event"] for r in robot.received} >= {"digest", "action_overdue"}


def test_planted_markup_in_an_action_reaches_a_wecom_robot_as_text(
    store, audit, monkeypatch, capsys
):
    item = store.catalogue(audit.catalogue_hash).items[0].id
    current = store.item(audit.id, item)
    store.save_item(
        audit.id,
        item,
        expected_version=current.version,
        actor="qm",
        status=Status.NOT_CONFORMING,
        rectification=Rectification(
            "**bold** <at>@all</at> [x](http://evil)", "王敏", TODAY - timedelta(days=3)
        ),
    )
    with webhook_receiver() as robot:
        monkeypatch.setenv("GBT_AUDIT_WEBHOOK_URL", robot.url() + "#shape=wecom")
        assert main(["remind"]) == 0
    contents = [r.json()["markdown"]["content"] for r in robot.received]
    assert len(contents) == 2  # the digest and the overdue action
    for content in contents:
        assert "＊＊bold＊＊ ＜at＞＠all＜/at＞ ［x］（http://evil）" in content
        for planted in ("**bold**", "<at>", "@all", "[x]("):
            assert planted not in content


def test_a_robot_that_refuses_is_reported_and_the_run_exits_1_after_the_mail_went(
    store, audit, monkeypatch, capsys
):
    with smtp_server() as (port, inbox), webhook_receiver(fail_first=99) as robot:
        monkeypatch.setenv("GBT_AUDIT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("GBT_AUDIT_SMTP_PORT", str(port))
        monkeypatch.setenv("GBT_AUDIT_SMTP_FROM", "audit@example.cn")
        monkeypatch.setenv("GBT_AUDIT_SMTP_STARTTLS", "false")
        monkeypatch.setenv("GBT_AUDIT_WEBHOOK_URL", robot.url())
        assert main(["remind"]) == 1
    captured = capsys.readouterr()
    assert "机器人 127.0.0.1 返回 HTTP 500" in captured.err
    assert "t0ken" not in captured.err + captured.out  # the robot's token is not shown
    assert len(inbox.received) == 2
    assert "待重试 1 条" in captured.out  # the overdue notification waits for its next try


def test_an_unreachable_smtp_server_is_a_clear_message_and_exit_1(
    store, audit, monkeypatch, capsys
):
    monkeypatch.setenv("GBT_AUDIT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GBT_AUDIT_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("GBT_AUDIT_SMTP_FROM", "audit@example.cn")
    assert main(["remind"]) == 1
    err = capsys.readouterr().err
    assert "无法连接邮件服务器 127.0.0.1:" in err and "GBT_AUDIT_SMTP_PORT" in err
    assert "连接被拒绝" in err and "Errno" not in err  # worded, not the system's English
    assert "Traceback" not in err


def test_a_server_without_starttls_names_the_setting_to_turn_it_off(
    store, audit, monkeypatch, capsys
):
    with smtp_server() as (port, inbox):
        monkeypatch.setenv("GBT_AUDIT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("GBT_AUDIT_SMTP_PORT", str(port))
        monkeypatch.setenv("GBT_AUDIT_SMTP_FROM", "audit@example.cn")
        assert main(["remind"]) == 1  # STARTTLS is on by default
    assert "GBT_AUDIT_SMTP_STARTTLS=false" in capsys.readouterr().err
    assert inbox.received == []


def test_an_invalid_port_setting_is_named(store, monkeypatch, capsys):
    monkeypatch.setenv("GBT_AUDIT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GBT_AUDIT_SMTP_FROM", "audit@example.cn")
    monkeypatch.setenv("GBT_AUDIT_SMTP_PORT", "smtp")
    assert main(["remind"]) == 1
    assert "GBT_AUDIT_SMTP_PORT" in capsys.readouterr().err


def test_the_calendar_command_writes_an_audit_feed(store, audit, tmp_path, capsys):
    out = tmp_path / "audit.ics"
    assert main(["calendar", "--audit", str(audit.id), "--out", str(out)]) == 0
    assert len(events(out.read_bytes())) == 7


def test_the_brief_command_writes_a_one_page_pdf_and_refuses_an_unknown_audit(
    store, audit, tmp_path, capsys
):
    out = tmp_path / "brief.pdf"
    assert main(["brief", str(audit.id), "--out", str(out)]) == 0
    assert "1 page(s)" in capsys.readouterr().out
    assert main(["brief", "999", "--out", str(out)]) == 1
    assert "audit #999 does not exist" in capsys.readouterr().err

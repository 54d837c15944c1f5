"""A quality manager assigns three items to a colleague; the colleague signs in, finds them
under 我的工作, and comments on one with an @mention of the quality manager, who finds the
mention under 我的工作 — and in her mail and the team's chat robot, once the worker has sent
the outbox."""

from __future__ import annotations

from app_ui import AuditApp
from first_audit import first_audit
from smtp_server import smtp_server
from webhook_receiver import webhook_receiver

from notify.send import Channels, deliver_due
from reminders.mail import SmtpSettings
from settings import WebhookUrl
from store import open_store

PASSWORD = "分配旅程的密码 2026"


def seeded_audit(data_dir, monkeypatch) -> int:
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(data_dir))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    people = (
        ("sunqm", "孙经理", "quality_manager", "sun@example.cn"),
        ("wanggong", "王工", "editor", "wang@example.cn"),
    )
    return first_audit(open_store(), PASSWORD, assessor="孙经理", people=people).id


def test_assigned_items_reach_the_colleague_and_a_mention_reaches_the_quality_manager(
    chromium, server, monkeypatch
):
    server.stop()
    audit_id = seeded_audit(server.data_dir, monkeypatch)
    server.start()

    qm_browser = chromium.new_context(viewport={"width": 1440, "height": 900})
    qm = AuditApp(qm_browser.new_page(), server.url, "assignments-qm")
    qm.open(f"checklist?audit={audit_id}")
    qm.sign_in("sunqm", PASSWORD)
    qm.tab("分配")
    qm.see("本轮次还没有分配。")
    form = qm.page.get_by_test_id("stForm").filter(has=qm.keyed("assign.targets"))
    qm.pick("检查项或二级指标", ["1.1.1", "1.1.2", "1.2.1"], within=form)
    qm.choose("分配给", "王工", within=form)
    qm.type_date("期限", "2026/12/31", within=form)
    qm.click("分配", within=form)
    qm.see("已分配 3 项给 王工。")
    qm.no_error()
    qm.snap("assigned")

    colleague_browser = chromium.new_context(viewport={"width": 1440, "height": 900})
    wang = AuditApp(colleague_browser.new_page(), server.url, "assignments-colleague")
    wang.open("my_work")
    wang.sign_in("wanggong", PASSWORD)
    wang.see("分配给我的检查项（3）")
    wang.see("提及我的留言（0）")
    wang.no_error()
    wang.snap("my-work")

    wang.open(f"checklist?audit={audit_id}")
    card = wang.details("1.1.1")
    card.get_by_text("分配给 王工，期限 2026-12-31").first.scroll_into_view_if_needed()
    card.get_by_text("讨论", exact=True).click()
    wang.see("还没有留言。")
    card.get_by_label("留言（可用 @登录名 或 @姓名 提及同事）").fill(
        "@孙经理 部门职责说明已上传，请确认 **是否** 需要签字版"
    )
    wang.click("发表", within=card)
    wang.see("@孙经理 部门职责说明已上传，请确认 **是否** 需要签字版")  # as typed, not bold
    wang.no_error()
    wang.snap("commented")

    qm.open("my_work")
    qm.see("提及我的留言（1）")
    qm.no_error()
    qm.snap("mentioned")

    # the worker's step: the outbox is sent to a real mail server and a plain-JSON chat robot,
    # both on 127.0.0.1
    with smtp_server() as (port, inbox), webhook_receiver() as robot:
        smtp = SmtpSettings("127.0.0.1", port, "audit@example.cn", starttls=False)
        deliver_due(open_store(), Channels(smtp, (WebhookUrl(robot.url()),)))
    posted = [got.json() for got in robot.received]
    mentions = [body for body in posted if body["event"] == "mentioned"]
    assert [m["values"]["comment"] for m in mentions] == [
        "@孙经理 部门职责说明已上传，请确认 **是否** 需要签字版"
    ]
    assert sorted(body["values"]["item"] for body in posted if body["event"] == "assigned") == [
        "1.1.1",
        "1.1.2",
        "1.2.1",
    ]
    mailed = [(tuple(to), mail.get_content()) for to, mail in inbox.received]
    to_sun = [body for to, body in mailed if to == ("sun@example.cn",)]
    assert len(to_sun) == 1 and "部门职责说明已上传，请确认 **是否** 需要签字版" in to_sun[0]
    to_wang = [body for to, body in mailed if to == ("wang@example.cn",)]
    assert sorted(next(w for w in body.split() if w.startswith("条款")) for body in to_wang) == [
        "条款：1.1.1",
        "条款：1.1.2",
        "条款：1.2.1",
    ]  # one mail per assigned item
    qm_browser.close()
    colleague_browser.close()

"""Where the user is lives in the address; irreversible actions ask first; user text is shown
as typed, never as markup; and nobody ever sees a traceback."""

import tomllib
from datetime import date
from pathlib import Path

import pytest
from app_helpers import APP, app, confirm, fresh_app, new_audit, on_tab, sign_in_as_tester, texts
from store_helpers import sign_off
from streamlit.testing.v1 import AppTest

from domain.records import OrganisationProfile

ROOT = Path(__file__).parent.parent


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


def cold(page: str, query: str) -> AppTest:
    """A new browser session opening an address (a reload, or a link from a colleague), signed
    in (that the address survives the sign-in form itself: tests/journeys/test_executive.py)."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = "zh"
    sign_in_as_tester(at)
    at.query_params.update(dict(p.split("=") for p in query.split("&")))
    at.run()
    if page != "audits":
        at.switch_page(f"ui/pages/{page}.py").run()
    return at


def test_a_link_to_an_audit_opens_it_in_a_new_session(store):
    audit = new_audit(store)
    at = cold("dashboard", f"audit={audit.id}")
    assert not at.exception
    assert "尚未打开任何审核" not in texts(at)
    assert any(m.label == "等级" for m in at.metric)


def test_opening_an_audit_puts_it_in_the_address(store):
    audit = new_audit(store)
    at = app("audits")
    next(b for b in at.button if b.label == "打开").click().run()
    assert at.query_params["audit"] in (str(audit.id), [str(audit.id)])
    # on its dashboard, as from the portfolio: the same landing page everywhere
    assert at.title[0].value == "华东家电服务有限公司"
    assert any(m.label == "等级" for m in at.metric)


def test_the_address_wins_over_the_session_on_back_and_forward(store):
    first = new_audit(store, "甲公司")
    second = new_audit(store, "乙公司")
    at = app("checklist", first.id)
    at.query_params["audit"] = str(second.id)  # the browser went back to the other audit
    at.run()
    assert at.title[0].value == "乙公司"


def test_closing_a_round_asks_first_and_says_it_cannot_be_undone(store):
    audit = new_audit(store)
    sign_off(store, audit.id)
    at = app("rounds", audit.id)
    next(b for b in at.button if b.label == "结束本轮").click().run()
    assert "不能撤销" in texts(at)
    next(b for b in at.button if b.label == "取消").click().run()
    assert store.audit(audit.id).state == "draft"


def test_archiving_an_audit_asks_first(store):
    audit = new_audit(store)
    at = app("audits")
    next(b for b in at.button if b.key == f"ask.archive.{audit.id}").click().run()
    assert store.audit(audit.id).state == "draft"
    next(b for b in at.button if b.key.startswith("confirm.")).click().run()
    assert store.audit(audit.id).state == "archived"


def test_removing_a_special_deduction_asks_and_says_what_goes(store):
    audit = new_audit(store)
    store.add_deduction(audit.id, reason="三包期内拒绝更换", category="law", actor="测试员")
    at = on_tab(app("checklist", audit.id), "特别扣分与加分")
    next(b for b in at.button if b.label == "删除").click().run()
    assert "三包期内拒绝更换" in texts(at) and "不能恢复" in texts(at)
    assert store.deductions(audit.id)
    next(b for b in at.button if b.key.startswith("confirm.")).click().run()
    assert store.deductions(audit.id) == []


def test_archiving_an_organisation_asks_first(store):
    audit = new_audit(store)
    confirm(app("audits"), "归档此组织")
    assert store.organisation(audit.organisation_id).archived


def test_an_audit_can_be_renamed(store):
    audit = new_audit(store)
    at = app("audits")
    at.text_input(key=f"rename.{audit.id}.title").input("2026 年度自评（复核）")
    next(b for b in at.button if b.label == "保存名称").click().run()
    assert store.audit(audit.id).title == "2026 年度自评（复核）"
    assert "已重命名" in texts(at)


def test_user_text_is_shown_as_typed_never_as_markup(store):
    name = "![x](https://tracker.example/p.png) :red[**大**] <img src=x>"
    organisation = store.create_organisation(OrganisationProfile(name=name), actor="测试员")
    catalogue = store.catalogues()[0]
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=catalogue.content_hash,
        title="[点此](https://evil.example)",
        audit_date=date(2026, 11, 1),
        assessor="王敏",
        actor="测试员",
    )
    store.add_deduction(audit.id, reason="![t](https://t.example/a.png)", category="law", actor="x")
    for page in ("audits", "checklist", "dashboard"):
        at = app(page, audit.id)
        if page == "checklist":
            on_tab(at, "特别扣分与加分")
        shown = texts(at) + "".join(t.value for t in at.title)
        assert "](https://" not in shown.replace("\\](https://", ""), page
        assert "\\!\\[x\\]\\(https" in shown, page


@pytest.mark.app_error_expected
def test_an_unexpected_error_shows_our_message_and_is_logged(store, monkeypatch, caplog):
    audit = new_audit(store)

    def broken(*args, **kwargs):
        raise RuntimeError("/srv/secret/path exploded")

    monkeypatch.setattr("store.AuditStore.score", broken)
    at = app("dashboard", audit.id)
    assert not at.exception  # no traceback element for the visitor
    assert "出现了意外错误" in texts(at)
    assert "/srv/secret/path" not in texts(at)
    assert any("exploded" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_streamlit_listens_locally_hides_details_and_takes_the_apps_upload_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == "none"
    from store.config import DEFAULT_MAX_UPLOAD_MB

    assert config["server"]["maxUploadSize"] == DEFAULT_MAX_UPLOAD_MB


def test_the_uploaders_show_the_apps_limit(monkeypatch, tmp_path):
    monkeypatch.setenv("GBT_AUDIT_MAX_UPLOAD_MB", "20")
    audit = new_audit(fresh_app(monkeypatch, tmp_path))
    at = app("evidence", audit.id)
    uploaders = at.get("file_uploader")
    assert uploaders and all(u.proto.max_upload_size_mb == 20 for u in uploaders)


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        ("GBT_AUDIT_MAX_UPLOAD_MB", "nan", "GBT_AUDIT_MAX_UPLOAD_MB"),
        ("GBT_AUDIT_DATABASE_URL", "not a url", "GBT_AUDIT_DATABASE_URL"),
        # nothing listens on port 1: the connection is refused at once
        ("GBT_AUDIT_DATABASE_URL", "postgresql+psycopg://qm:s3cret@127.0.0.1:1/a", "无法连接"),
    ],
)
def test_a_setting_the_app_cannot_use_is_named_on_the_page(
    monkeypatch, tmp_path, setting, value, said
):
    """Whoever opens the app learns which setting to fix (the administrator reads the same in
    the server's log), instead of a bare "unexpected error"."""
    from ui.context import get_store

    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    monkeypatch.setenv(setting, value)
    get_store.clear()
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = "zh"
    at.run()
    shown = " ".join(e.value for e in at.error)
    assert said in shown and "出现了意外错误" not in shown
    assert "s3cret" not in shown
    assert not at.exception

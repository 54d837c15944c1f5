"""The rounds page is where a round is reviewed, signed off and closed: an editor submits, a
reviewer returns it with comments or signs it off, and only then can a consultant close it. The
close button says why it is disabled; a forged close is refused by the store; a change after the
sign-off withdraws it and the page says so."""

import pytest
from app_helpers import app, fresh_app, new_audit, sign_in_as, texts

from scoring import Status
from store.accounts import Accounts
from texts import t
from ui.confirm import PENDING

PASSWORD = "correct horse battery"


@pytest.fixture
def setup(monkeypatch, tmp_path):
    store = fresh_app(monkeypatch, tmp_path / "data")
    audit = new_audit(store)
    accounts = Accounts(store)
    for login, name, role in [
        ("consultant", "顾问周", "consultant"),
        ("editor", "编辑王", "editor"),
        ("reviewer", "审核李", "reviewer"),
    ]:
        accounts.add_user(login, name, password=PASSWORD, actor="setup")
        accounts.grant(login, audit.organisation_id, role, actor="setup")
    return store, audit, accounts


def as_(at, accounts, login):
    """The same browser session, now signed in as ``login``."""
    sign_in_as(at, accounts.user(login).id)
    return at.run()


def close_button(at, audit):
    return at.button(key=f"ask.close.{audit.id}")


def step(at, audit, name, comment=None):
    if comment is not None:
        at.text_area(key=f"review.{audit.id}.comment").input(comment)
    at.button(key=f"review.{audit.id}.{name}").click().run()
    assert not at.exception


def test_submit_return_resubmit_sign_off_then_close(setup):
    store, audit, accounts = setup
    at = as_(app("rounds", audit.id), accounts, "editor")
    assert close_button(at, audit).disabled
    assert t("ui.close_not_permitted") in texts(at)  # an editor never closes
    step(at, audit, "submit")
    as_(at, accounts, "reviewer")
    step(at, audit, "return", "1.1.2 缺少抽样记录")
    assert t("auth.review.state", state=t("auth.review.returned")) in texts(at)
    as_(at, accounts, "consultant")
    assert close_button(at, audit).disabled
    assert t("ui.close_needs_sign_off", state=t("auth.review.returned")) in texts(at)
    as_(at, accounts, "editor")
    step(at, audit, "submit")
    as_(at, accounts, "reviewer")
    step(at, audit, "sign_off")
    as_(at, accounts, "consultant")
    history = texts(at)
    for name, kind in [
        ("编辑王", "auth.review.submitted"),
        ("审核李", "auth.review.returned"),
        ("审核李", "auth.review.signed_off"),
    ]:
        assert f"{name}：{t(kind)}" in history
    assert "1.1.2 缺少抽样记录" in history
    assert not close_button(at, audit).disabled
    close_button(at, audit).click().run()
    assert "不能撤销" in texts(at)  # the dialog says what cannot be undone
    assert store.audit(audit.id).state == "draft"  # nothing happens before "confirm"
    at.button(key=f"confirm.close.{audit.id}").click().run()
    assert not at.exception
    assert store.audit(audit.id).state == "frozen"
    following = store.audits(audit.organisation_id)[1]
    assert at.session_state["audit_id"] == following.id
    assert t("ui.round_closed", n=1) in texts(at)
    assert t("auth.review.state", state=t("auth.review.not_submitted")) in texts(at)
    last = store.changes(audit_id=audit.id)
    assert any(c.actor == "顾问周" and c.new == "frozen" for c in last)


def test_a_forged_close_without_sign_off_is_refused_and_nothing_changes(setup):
    store, audit, accounts = setup
    at = as_(app("rounds", audit.id), accounts, "consultant")
    assert close_button(at, audit).disabled
    assert t("ui.close_needs_sign_off", state=t("auth.review.not_submitted")) in texts(at)
    at.session_state[PENDING] = f"close.{audit.id}"  # the dialog opened despite the button
    at.run()
    at.button(key=f"confirm.close.{audit.id}").click().run()
    assert not at.exception
    assert any(
        t("auth.review.error.not_signed_off", round_no=1, state="not_submitted") in e.value
        for e in at.error
    )
    assert store.audit(audit.id).state == "draft"
    assert len(store.audits(audit.organisation_id)) == 1


def test_a_change_after_sign_off_withdraws_it_and_closing_waits_for_a_new_one(setup):
    store, audit, accounts = setup
    at = as_(app("rounds", audit.id), accounts, "editor")
    step(at, audit, "submit")
    as_(at, accounts, "reviewer")
    step(at, audit, "sign_off")
    item = store.item(audit.id, "1.1.1")
    store.save_item(
        audit.id, "1.1.1", expected_version=item.version, actor="编辑王", status=Status.CONFORMING
    )
    as_(at, accounts, "consultant")
    assert t("auth.review.withdrawn") in [w.value for w in at.warning]
    assert close_button(at, audit).disabled
    assert t("ui.close_needs_sign_off", state=t("auth.review.withdrawn")) in texts(at)
    as_(at, accounts, "editor")
    assert {b.label for b in at.button} >= {t("auth.review.submit")}  # submit it again


def test_the_audit_list_sends_a_round_to_its_review_and_close(setup):
    _store, audit, _accounts = setup
    at = app("audits")
    at.button(key=f"to_review.{audit.id}").click().run()
    assert not at.exception
    assert t("auth.review.title") in texts(at)
    assert at.session_state["audit_id"] == audit.id

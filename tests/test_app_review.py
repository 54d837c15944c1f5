"""The review panel: each person sees the steps their role allows, a return needs comments (and
keeps them when refused), a sign-off shows who, when and the score."""

import pytest
from app_helpers import fresh_app, new_audit, sign_in_as, texts
from streamlit.testing.v1 import AppTest

from store.accounts import Accounts
from texts import t

PASSWORD = "correct horse battery"


def panel_script():
    import streamlit as st

    from ui.auth import guarded_store
    from ui.review_panel import render_review_panel
    from ui.state import show_flashes

    show_flashes()
    render_review_panel(guarded_store(), st.session_state["audit_id"])


@pytest.fixture
def setup(monkeypatch, tmp_path):
    store = fresh_app(monkeypatch, tmp_path / "data")
    audit = new_audit(store)
    accounts = Accounts(store)
    for login, name, role in [
        ("editor", "编辑王", "editor"),
        ("reviewer", "审核李", "reviewer"),
        ("viewer", "总经理赵", "viewer"),
    ]:
        accounts.add_user(login, name, password=PASSWORD, actor="setup")
        accounts.grant(login, audit.organisation_id, role, actor="setup")
    return store, audit, accounts


def panel(setup, login: str) -> AppTest:
    _, audit, accounts = setup
    at = AppTest.from_function(panel_script, default_timeout=30)
    sign_in_as(at, accounts.user(login).id)
    at.session_state["audit_id"] = audit.id
    return at.run()


def buttons(at: AppTest) -> set[str]:
    return {b.label for b in at.button}


def test_each_role_sees_only_its_review_steps(setup):
    assert buttons(panel(setup, "editor")) == {t("auth.review.submit")}
    assert buttons(panel(setup, "reviewer")) == set()
    assert buttons(panel(setup, "viewer")) == set()
    panel(setup, "editor").button(key=f"review.{setup[1].id}.submit").click().run()
    assert buttons(panel(setup, "reviewer")) == {t("auth.review.return"), t("auth.review.sign_off")}
    assert buttons(panel(setup, "editor")) == set()


def test_a_return_without_comments_is_refused_and_with_them_goes_back(setup):
    audit_id = setup[1].id
    panel(setup, "editor").button(key=f"review.{audit_id}.submit").click().run()
    at = panel(setup, "reviewer")
    at.button(key=f"review.{audit_id}.return").click().run()
    assert at.error[0].value == t("auth.review.error.comment_required")
    at.text_area(key=f"review.{audit_id}.comment").input("1.1.2 缺少抽样记录").run()
    at.button(key=f"review.{audit_id}.return").click().run()
    assert not at.exception
    assert t("auth.review.done_returned") in texts(at)
    assert t("auth.review.state", state=t("auth.review.returned")) in texts(at)


def test_a_sign_off_shows_who_when_and_the_score(setup):
    store, audit, _ = setup
    panel(setup, "editor").button(key=f"review.{audit.id}.submit").click().run()
    at = panel(setup, "reviewer")
    at.button(key=f"review.{audit.id}.sign_off").click().run()
    assert not at.exception
    shown = at.success[-1].value
    assert (
        "审核李" in shown and "0.0" in shown and store.audit(audit.id).catalogue_hash[:12] in shown
    )

"""Every user value reaches the page as the characters typed: a company name, audit title,
finding, rectification, deduction reason, evidence title or file name, review comment or display
name holding Markdown or HTML is shown literally on every page, never as a link or markup."""

import io
import re
from datetime import date

import pytest
from app_helpers import fresh_app, sign_in_as
from streamlit.testing.v1 import AppTest

from domain.records import OrganisationProfile, Rectification
from scoring import Status
from services import review
from services.context import Context
from store.accounts import Accounts
from ui.markup import plain

APP = "../audit_app.py"
LINK = "[点我](http://evil.example/x)"
HTML = "<b>粗</b><img src=x>"
HOSTILE = f"{LINK} {HTML}"
PAGES = [
    "audits",
    "checklist",
    "dashboard",
    "evidence",
    "rounds",
    "actions",
    "certification",
    "dossier",
    "portfolio",
    "users",
    "catalogues",
]
# a link or tag Markdown would render: the escaped text never has these characters side by side
RENDERED = re.compile(r"\]\(|(?<!\\)<(?:b|img)\b")


@pytest.fixture
def hostile(monkeypatch, tmp_path):
    store = fresh_app(monkeypatch, tmp_path / "data")
    accounts = Accounts(store)
    admin = accounts.add_user(
        "boss", f"老板 {HOSTILE}", password="correct horse battery", actor="t", administrator=True
    )
    organisation = store.create_organisation(OrganisationProfile(name=f"公司 {HOSTILE}"), actor="t")
    catalogue = store.catalogues()[0]
    audit = store.create_audit(
        organisation.id,
        catalogue_hash=catalogue.content_hash,
        title=f"自评 {HOSTILE}",
        audit_date=date(2026, 11, 1),
        assessor=f"王 {HOSTILE}",
        actor="t",
    )
    item = store.catalogue(audit.catalogue_hash).items[0].id
    store.save_item(
        audit.id,
        item,
        expected_version=0,
        actor=f"改 {HOSTILE}",
        status=Status.NOT_CONFORMING,
        finding=f"发现 {HOSTILE}",
        rectification=Rectification(action=f"措施 {HOSTILE}", owner=f"负责人 {HOSTILE}"),
    )
    category = store.catalogue(audit.catalogue_hash).spec.special_items.deduction_categories[0]
    store.add_deduction(
        audit.id,
        reason=f"扣分 {HOSTILE}",
        category=category.id,
        actor="t",
        rectification=Rectification(action=f"扣分措施 {HOSTILE}", owner=f"扣分人 {HOSTILE}"),
    )
    evidence, _ = store.add_evidence(
        organisation.id,
        "证据 [a](evil.example) ~x~.txt",
        io.BytesIO("回访记录\n".encode()),
        title=f"证据 {HOSTILE}",
        kind="record",
        actor="t",
    )
    store.link_evidence(audit.id, item, evidence.id, actor="t")
    actor = accounts.actor(admin.id)
    assert actor is not None
    review.submit_for_review(Context(actor, store), audit.id, f"请审 {HOSTILE}")
    return store, audit, admin


def bodies(at: AppTest) -> list[str]:
    """Every string the page hands to Streamlit's Markdown renderer."""
    shown: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
        "error",
        "metric",
        "expander",
        "tabs",
        "button",
        "checkbox",
        "toggle",
    ):
        for element in getattr(at, kind):
            for attribute in ("label", "value", "body", "help"):
                value = getattr(element, attribute, None)
                if isinstance(value, str):
                    shown.append(value)
    for radio in at.radio:
        shown.extend(str(option) for option in radio.options)
        shown.append(radio.label)
    return shown


def test_markdown_and_html_typed_by_users_show_as_text_on_every_page(hostile):
    _, audit, admin = hostile
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "zh"
    sign_in_as(at, admin.id)
    at.session_state["audit_id"] = audit.id
    at.run()
    everything: list[str] = []
    for page in PAGES:
        at.switch_page(f"ui/pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        shown = bodies(at)
        rendered = [body for body in shown if RENDERED.search(body)]
        assert rendered == [], page
        everything += shown
    joined = "\n".join(everything)
    # the values are on the pages, escaped (so the assertions above could fail)
    for value in (
        f"公司 {HOSTILE}",
        f"自评 {HOSTILE}",
        f"老板 {HOSTILE}",
        f"请审 {HOSTILE}",
    ):
        assert plain(value) in joined, value

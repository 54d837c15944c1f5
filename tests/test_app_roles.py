"""Roles in the app: each person sees only the organisations granted to them, and the controls
their role allows; a read-only role is told why; an audit of another organisation shows "not
permitted"; a forged widget action is refused by the store with a clear message.

The people (tests/account_helpers.py): an administrator; a consultant of A and B; an editor,
a reviewer and a viewer of A only."""

import io

import pytest
from account_helpers import Team, team
from app_helpers import APP, fresh_app, sign_in_as, texts
from evidence_samples import pdf
from store_helpers import CATALOGUE_TEXT
from streamlit.testing.v1 import AppTest

from scoring import Status
from texts import t

Y, N = True, False
ROLES = ("admin", "consultant", "editor", "reviewer", "viewer")
# what each person is offered on the pages, by their role in A (the consultant also in B)
# login        sees B  scores evidence closes  starts  new org  admin
#                                      round   audit   import   tools
TABLE = {
    "admin": (Y, Y, Y, Y, Y, Y, Y),
    "consultant": (Y, Y, Y, Y, Y, Y, N),
    "editor": (N, Y, Y, N, N, N, N),
    "reviewer": (N, N, N, N, N, N, N),
    "viewer": (N, N, N, N, N, N, N),
}
SEES_B, SCORES, EVIDENCE, CLOSES, STARTS, CREATES, ADMIN = range(7)


@pytest.fixture
def people(monkeypatch, tmp_path) -> Team:
    store = fresh_app(monkeypatch, tmp_path / "data")
    store.register_catalogue(CATALOGUE_TEXT, "test-catalogue.yaml")
    return team(store)


def as_(people: Team, login: str, page: str, audit_id: int | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = "zh"
    sign_in_as(at, people.accounts.user(login).id)
    at.session_state["audit_id"] = people.audit_a.id if audit_id is None else audit_id
    at.run()
    at.switch_page(f"ui/pages/{page}.py").run()
    assert not at.exception
    return at


def expected_organisations(people: Team, login: str) -> set[str]:
    names = {people.a.profile.name}
    if TABLE[login][SEES_B]:
        names.add(people.b.profile.name)
    return names


def labels(at: AppTest) -> set[str]:
    return {b.label for b in at.button}


def expanders(at: AppTest) -> set[str]:
    return {e.label for e in at.expander}


@pytest.mark.parametrize("login", ROLES)
def test_the_audit_list_offers_only_granted_organisations_and_the_actions_the_role_allows(
    people, login
):
    at = as_(people, login, "audits")
    assert set(at.selectbox(key="org_id").options) == expected_organisations(people, login)
    row = TABLE[login]
    # the round is closed on the rounds page, after its sign-off; the list leads there
    takes_part = login != "viewer"
    assert (t("ui.review_and_close") in labels(at)) is takes_part
    assert (t("ui.archive") in labels(at)) is row[CLOSES]  # the same roles archive
    assert (t("ui.new_audit") in expanders(at)) is row[STARTS]
    assert (t("ui.export_archive") in expanders(at)) is row[STARTS]
    assert (t("ui.edit_organisation") in expanders(at)) is row[STARTS]
    assert (t("ui.new_organisation") in expanders(at)) is row[CREATES]
    assert (t("ui.import_archive") in expanders(at)) is row[CREATES]
    # a filled 自评表 becomes a round: for those who may start one or create an organisation
    assert (t("selfeval.panel") in expanders(at)) is (row[STARTS] or row[CREATES])


CONSULTING = ("admin", "consultant")  # the consultant's section of the menu (ui/menu.py)


def not_in_menu(people: Team, login: str, page: str) -> bool:
    """The page is not in this person's menu (so no address of it opens it either)."""
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        as_(people, login, page)
    return True


@pytest.mark.parametrize("login", ROLES)
def test_the_portfolio_lists_only_granted_organisations(people, login):
    if login not in CONSULTING:
        assert not_in_menu(people, login, "portfolio")
        return
    at = as_(people, login, "portfolio")
    assert set(at.dataframe[0].value["组织"]) == expected_organisations(people, login)


@pytest.mark.parametrize("login", ROLES)
def test_score_controls_are_enabled_only_for_roles_that_may_score(people, login):
    at = as_(people, login, "checklist")
    status = at.radio(key=f"item.{people.audit_a.id}.1.1.1.status")
    assert status.disabled is not TABLE[login][SCORES]
    told = "可以查看，不能修改" in texts(at)
    assert told is (not TABLE[login][SCORES])  # a read-only role is told why


@pytest.mark.parametrize("login", ROLES)
def test_evidence_can_be_uploaded_and_described_only_by_roles_that_may_manage_it(people, login):
    people.accounts.store.add_evidence(
        people.a.id,
        "制度.pdf",
        io.BytesIO(pdf()),
        title="售后服务管理制度",
        kind="policy",
        actor="setup",
    )
    at = as_(people, login, "evidence")
    # files are chosen first, then described row by row and uploaded
    uploader = at.get("file_uploader")[0]
    assert uploader.proto.disabled is not TABLE[login][EVIDENCE]
    describe = next(b for b in at.button if b.label == t("ui.save"))
    assert describe.disabled is not TABLE[login][EVIDENCE]
    assert (t("ui.gc") in labels(at)) is TABLE[login][ADMIN]  # files of every organisation


@pytest.mark.parametrize("login", ROLES)
def test_the_dashboard_is_shown_to_every_role_of_the_organisation(people, login):
    at = as_(people, login, "dashboard")
    assert people.a.profile.name in texts(at)
    assert "无权限" not in texts(at)


@pytest.mark.parametrize(
    "page", ["checklist", "evidence", "dashboard", "actions", "certification", "rounds"]
)
def test_an_editor_of_a_opening_b_by_its_address_sees_not_permitted_and_nothing_of_b(people, page):
    at = as_(people, "editor", page, audit_id=people.audit_b.id)
    shown = texts(at)
    assert t("auth.audit_not_permitted", audit_id=people.audit_b.id) in shown
    assert people.b.profile.name not in shown
    assert at.session_state["audit_id"] is None  # the refused audit is not kept open


def test_the_consultant_opens_b_by_its_address(people):
    at = as_(people, "consultant", "checklist", audit_id=people.audit_b.id)
    assert people.b.profile.name in texts(at)


def forge_status(at: AppTest, audit_id: int, status: Status) -> AppTest:
    """What a client that ignores "disabled" sends: a value for the disabled control."""
    control = at.radio(key=f"item.{audit_id}.1.1.1.status")
    control.proto.disabled = False
    control.set_value(status.value)
    return at.run()


def refused_to_score(people: Team, login: str) -> str:
    return t(
        "auth.error.not_permitted",
        name=people.actor(login).display_name,
        organisation_id=people.a.id,
        action=t("auth.action.score"),
        roles="管理员、顾问、编辑",  # who may: the refusal says so
    )


@pytest.mark.parametrize("login", ["viewer", "reviewer"])
def test_a_forged_score_change_by_a_read_only_role_changes_nothing(people, login):
    # Streamlit drops a value sent for a control it drew disabled (and runs no callback);
    # the store's own refusal behind it is the next test's
    store = people.accounts.store
    before = store.item(people.audit_a.id, "1.1.1")
    at = forge_status(as_(people, login, "checklist"), people.audit_a.id, Status.CONFORMING)
    assert not at.exception
    assert store.item(people.audit_a.id, "1.1.1") == before
    assert at.radio(key=f"item.{people.audit_a.id}.1.1.1.status").disabled


def test_a_score_change_from_a_page_drawn_before_the_role_was_reduced_is_refused(people):
    at = as_(people, "editor", "checklist")  # the control is enabled on this page
    people.accounts.revoke("editor", people.a.id, actor="admin")
    people.accounts.grant("editor", people.a.id, "viewer", actor="admin")
    store = people.accounts.store
    before = store.item(people.audit_a.id, "1.1.1")
    at.radio(key=f"item.{people.audit_a.id}.1.1.1.status").set_value(Status.CONFORMING.value)
    at.run()
    assert store.item(people.audit_a.id, "1.1.1") == before
    # taking the role away ended the editor's sessions: the stale page signs in again first
    assert refused_to_score(people, "editor") not in texts(at)
    at.run()
    assert t("auth.ended.unknown") in texts(at)
    again = as_(people, "editor", "checklist")
    assert again.radio(key=f"item.{people.audit_a.id}.1.1.1.status").disabled  # now read-only


def test_an_editor_scores_an_item_of_their_organisation_under_their_own_name(people):
    at = as_(people, "editor", "checklist")
    at.radio(key=f"item.{people.audit_a.id}.1.1.1.status").set_value(Status.CONFORMING.value)
    at.run()
    assert not at.exception
    store = people.accounts.store
    assert store.item(people.audit_a.id, "1.1.1").status is Status.CONFORMING
    assert store.changes(audit_id=people.audit_a.id, limit=1)[0].actor == "编辑王"


def test_pages_reach_the_store_only_through_the_guard():
    from pathlib import Path

    ui = Path(__file__).parents[1] / "ui"
    # the sign-in gate (its routes and the download gate in web.py), the guard itself and the
    # services' Context (state.py: each service checks the role itself) hold the bare store;
    # nothing else may
    bare = {p.relative_to(ui).as_posix() for p in ui.rglob("*.py") if "get_store" in p.read_text()}
    assert bare == {"context.py", "auth.py", "web.py", "state.py"}


def test_a_consultant_sees_the_organisation_they_created_at_once(people):
    """Creating an organisation grants it to its creator inside the form's callback; the page
    drawn in the same run must already know the new grant (the account is not remembered from
    the callback)."""
    at = as_(people, "consultant", "audits")
    at.text_input(key="new_org.name").input("新客户有限公司")
    next(b for b in at.button if b.label == "保存" and "new_org" in b.form_id).click().run()
    assert not at.exception
    assert "新客户有限公司" in at.selectbox(key="org_id").options
    assert at.subheader[0].value == "新客户有限公司"


@pytest.mark.parametrize("login", ROLES)
def test_only_consultants_and_administrators_may_upload_a_catalogue_and_the_others_are_told_why(
    people, login
):
    if login not in CONSULTING:  # the page is not in their menu at all
        assert not_in_menu(people, login, "catalogues")
        return
    at = as_(people, login, "catalogues")
    uploader = at.get("file_uploader")[0]
    may_import = login in ("admin", "consultant")
    assert uploader.proto.disabled is not may_import
    told = "导入评价目录须为管理员或组织顾问" in " ".join(c.value for c in at.caption)
    assert told is not may_import

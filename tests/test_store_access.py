"""The store as a signed-in person uses it: every call checks the role in the organisation it
is about, refusals change nothing, lists show only what the person may read, and the change log
names the signed-in account whatever name a caller passes."""

import inspect

import pytest
from account_helpers import team
from store_helpers import new_store
from transaction_helpers import Transactions

from domain.permissions import NotPermitted
from domain.records import OrganisationProfile
from services import organisations, review
from services.context import Context
from store import AuditStore
from store.access import OWN, PASSED_THROUGH, RULES, THROUGH_SERVICES, GuardedStore


@pytest.fixture
def t(database_url, tmp_path):
    store = new_store(database_url, tmp_path)
    return store, team(store)


def guarded(t, login: str) -> GuardedStore:
    store, people = t
    return GuardedStore(store, people.actor(login))


def served(t, login: str) -> Context:
    """The person as the services see them."""
    store, people = t
    return Context(people.actor(login), store)


def test_every_public_store_method_has_a_decided_rule():
    public = {
        name
        for name, _ in inspect.getmembers(AuditStore)
        if not name.startswith("_") and callable(getattr(AuditStore, name))
    }
    assert public == set(RULES) | OWN | THROUGH_SERVICES
    assert not PASSED_THROUGH & public


def test_an_editor_of_a_cannot_open_bs_audit_by_its_id(t):
    _store, people = t
    editor = guarded(t, "editor")
    assert editor.audit(people.audit_a.id).id == people.audit_a.id
    for read in (editor.audit, editor.items, editor.score, editor.round_result):
        with pytest.raises(NotPermitted) as refused:
            read(people.audit_b.id)
        assert f"#{people.b.id}" in str(refused.value)


def test_a_viewer_forging_a_save_is_refused_and_nothing_changes(t):
    store, people = t
    viewer = guarded(t, "viewer")
    before = store.item(people.audit_a.id, "1.1.1")
    lines = len(store.changes())
    with pytest.raises(NotPermitted):
        viewer.save_item(
            people.audit_a.id,
            "1.1.1",
            expected_version=before.version,
            actor="x",
            status="conforming",
        )
    with pytest.raises(NotPermitted):
        viewer.add_deduction(people.audit_a.id, reason="r", category="complaint", actor="x")
    assert store.item(people.audit_a.id, "1.1.1") == before
    assert len(store.changes()) == lines


def test_lists_show_only_the_organisations_a_person_holds_a_role_in(t):
    _store, people = t
    assert [o.id for o in guarded(t, "viewer").organisations()] == [people.a.id]
    assert [a.id for a in guarded(t, "viewer").audits()] == [people.audit_a.id]
    assert {o.id for o in guarded(t, "consultant").organisations()} == {people.a.id, people.b.id}
    assert {o.id for o in guarded(t, "admin").organisations()} == {people.a.id, people.b.id}
    with pytest.raises(NotPermitted):
        guarded(t, "viewer").audits(people.b.id)
    with pytest.raises(NotPermitted):
        guarded(t, "viewer").changes(organisation_id=people.b.id)


def test_the_change_log_names_the_signed_in_account_not_a_typed_name(t):
    store, people = t
    editor = guarded(t, "editor")
    item = store.item(people.audit_a.id, "1.1.1")
    editor.save_item(
        people.audit_a.id,
        "1.1.1",
        expected_version=item.version,
        actor="somebody else",
        status="conforming",
    )
    assert store.changes(audit_id=people.audit_a.id, limit=1)[0].actor == "编辑王"


def test_the_change_log_records_the_account_id_and_login_of_every_guarded_write(t):
    """A display name is what people read; the account (id and login) is who acted: saves,
    a new organisation and its grant, a submission and a sign-off all record it."""
    store, people = t
    editor = guarded(t, "editor")
    item = store.item(people.audit_a.id, "1.1.1")
    editor.save_item(
        people.audit_a.id, "1.1.1", expected_version=item.version, actor="x", status="conforming"
    )
    review.submit_for_review(served(t, "editor"), people.audit_a.id)
    review.sign_off(served(t, "reviewer"), people.audit_a.id)
    created = organisations.create_organisation(
        served(t, "consultant"), OrganisationProfile(name="西北电器有限公司")
    )
    ids = {name: people.accounts.user(name).id for name in ("editor", "reviewer", "consultant")}
    by_audit = store.changes(audit_id=people.audit_a.id)
    by_organisation = store.changes(organisation_id=created.id)
    assert by_organisation and {(c.account_id, c.account_login) for c in by_organisation} == {
        (ids["consultant"], "consultant")
    }
    signed = [c for c in by_audit if c.field == "review" and c.new.startswith("signed_off")]
    assert (signed[0].account_id, signed[0].account_login) == (ids["reviewer"], "reviewer")
    saved = [c for c in by_audit if c.entity == "item 1.1.1"]
    assert {(c.account_id, c.account_login, c.actor) for c in saved} == {
        (ids["editor"], "editor", "编辑王")
    }
    assert store.verify_change_log().ok


def test_a_consultant_creating_a_client_organisation_becomes_its_consultant(t):
    store, people = t
    consultant = Context(people.actor("consultant"), store)
    with Transactions(store.engine) as one:
        created = organisations.create_organisation(
            consultant, OrganisationProfile(name="西北电器有限公司")
        )
    assert one.count == 1  # the organisation and its consultant's role: saved together
    assert created.id in {o.id for o in guarded(t, "consultant").organisations()}
    assert people.accounts.actor(people.accounts.user("consultant").id).grants[created.id] == (
        "consultant"
    )
    with pytest.raises(NotPermitted):
        organisations.create_organisation(
            Context(people.actor("editor"), store), OrganisationProfile(name="越权公司")
        )
    assert "越权公司" not in {o.profile.name for o in store.organisations(include_archived=True)}
    with pytest.raises(AttributeError):  # the guard no longer offers it: one door
        guarded(t, "consultant").create_organisation  # noqa: B018


def test_only_administrators_see_the_whole_log_and_verify_every_file(t):
    with pytest.raises(NotPermitted):
        guarded(t, "consultant").changes()
    with pytest.raises(NotPermitted):
        guarded(t, "consultant").verify_evidence()
    assert guarded(t, "admin").verify_evidence() == []


def test_a_method_no_rule_covers_is_not_offered(t):
    with pytest.raises(AttributeError):
        guarded(t, "admin")._write  # noqa: B018
    with pytest.raises(AttributeError):
        guarded(t, "admin").engine  # noqa: B018


def test_a_companys_own_quality_manager_starts_and_runs_its_audits_without_a_consultant(t):
    """The QM of a company without a consultant: a new round, the company data, closing a
    signed-off round; never signing off, never another company."""
    from datetime import date

    store, people = t
    people.accounts.add_user("qm", "质量经理孙", password="correct horse battery", actor="setup")
    people.accounts.grant("qm", people.a.id, "quality_manager", actor="setup")
    qm = guarded(t, "qm")
    started = qm.create_audit(
        people.a.id,
        catalogue_hash=store.catalogues()[0].content_hash,
        title="2027 年度自评",
        audit_date=date(2027, 1, 5),
        assessor="孙丽",
        actor="x",
    )
    assert started.organisation_id == people.a.id
    assert store.changes(audit_id=started.id)[-1].account_login == "qm"
    organisation = store.organisation(people.a.id)
    qm.update_organisation(
        people.a.id,
        OrganisationProfile(name="华东家电服务有限公司（新）"),
        expected_version=organisation.version,
        actor="x",
    )
    review.submit_for_review(served(t, "qm"), started.id)
    with pytest.raises(NotPermitted) as refused:
        review.sign_off(served(t, "qm"), started.id)  # four eyes: a reviewer signs off
    assert refused.value.code == "auth.error.not_permitted"
    with pytest.raises(NotPermitted):
        qm.create_audit(
            people.b.id,
            catalogue_hash=store.catalogues()[0].content_hash,
            title="越权",
            audit_date=date(2027, 1, 5),
            assessor="孙丽",
            actor="x",
        )

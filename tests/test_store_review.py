"""Review and sign-off: an editor submits, a reviewer returns with comments or signs off; only a
signed-off round closes; a sign-off keeps who, when, the exact score and the catalogue, cannot be
rewritten, and a change afterwards withdraws it, saying so in the change log."""

import functools
from fractions import Fraction

import pytest
import yaml
from account_helpers import team
from catalogue_builder import ItemDef, catalogue_dict
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from store_helpers import new_store

from domain.account_records import ReviewError, ReviewKind, ReviewState
from domain.permissions import NotPermitted
from services import review
from services.context import Context
from store.access import GuardedStore


@pytest.fixture
def t(database_url, tmp_path):
    store = new_store(database_url, tmp_path)
    return store, team(store)


class As:
    """One person: the review steps through the services, everything else through the guard."""

    STEPS = ("submit_for_review", "return_for_changes", "sign_off", "review_status")

    def __init__(self, store, actor):
        self.guarded = GuardedStore(store, actor)
        self.ctx = Context(actor, store)

    def __getattr__(self, name):
        if name in self.STEPS:
            return functools.partial(getattr(review, name), self.ctx)
        return getattr(self.guarded, name)


def as_(t, login):
    store, people = t
    return As(store, people.actor(login))


def score_item(t, login, item_id, status="conforming"):
    store, people = t
    current = store.item(people.audit_a.id, item_id)
    as_(t, login).save_item(
        people.audit_a.id, item_id, expected_version=current.version, actor="", status=status
    )


def test_a_round_is_submitted_returned_with_comments_resubmitted_and_signed_off(t):
    store, people = t
    audit = people.audit_a.id
    score_item(t, "editor", "1.1.1")
    assert as_(t, "editor").submit_for_review(audit).state is ReviewState.SUBMITTED
    with pytest.raises(ReviewError) as no_comment:
        as_(t, "reviewer").return_for_changes(audit, "  ")
    assert no_comment.value.code == "auth.review.error.comment_required"
    returned = as_(t, "reviewer").return_for_changes(audit, "1.1.2 缺少抽样记录")
    assert returned.state is ReviewState.RETURNED
    assert returned.events[-1].comment == "1.1.2 缺少抽样记录"
    score_item(t, "editor", "2.1.1")
    as_(t, "editor").submit_for_review(audit)
    signed = as_(t, "reviewer").sign_off(audit)
    assert signed.state is ReviewState.SIGNED_OFF
    sign_off = signed.sign_off
    result, _ = store.score(audit)
    assert (sign_off.user_name, sign_off.score) == ("审核李", result.score)
    assert sign_off.score == Fraction(35)  # 1.1.1 (10) + 2.1.1 (25) of 100
    assert sign_off.catalogue_hash == store.audit(audit).catalogue_hash
    kinds = [e.kind for e in signed.events]
    assert kinds == [
        ReviewKind.SUBMITTED,
        ReviewKind.RETURNED,
        ReviewKind.SUBMITTED,
        ReviewKind.SIGNED_OFF,
    ]


@pytest.mark.parametrize(
    ("login", "step"),
    [
        ("viewer", lambda s, a: s.submit_for_review(a)),
        ("reviewer", lambda s, a: s.submit_for_review(a)),
        ("editor", lambda s, a: s.sign_off(a)),
        ("editor", lambda s, a: s.return_for_changes(a, "no")),
        ("viewer", lambda s, a: s.sign_off(a)),
    ],
)
def test_each_review_step_is_only_for_its_roles(t, login, step):
    _store, people = t
    as_(t, "editor").submit_for_review(people.audit_a.id)
    before = as_(t, "admin").review_status(people.audit_a.id)
    with pytest.raises(NotPermitted):
        step(as_(t, login), people.audit_a.id)
    assert as_(t, "admin").review_status(people.audit_a.id) == before


def test_signing_off_needs_a_submitted_round(t):
    _, people = t
    with pytest.raises(ReviewError) as refused:
        as_(t, "reviewer").sign_off(people.audit_a.id)
    assert refused.value.code == "auth.review.error.not_submitted"


def test_only_a_signed_off_round_can_be_closed(t):
    store, people = t
    audit = people.audit_a.id
    consultant = as_(t, "consultant")
    with pytest.raises(ReviewError) as refused:
        consultant.close_round(audit, expected_version=store.audit(audit).version)
    assert refused.value.code == "auth.review.error.not_signed_off"
    assert store.audit(audit).state == "draft"
    as_(t, "editor").submit_for_review(audit)
    as_(t, "reviewer").sign_off(audit)
    nxt = consultant.close_round(audit, expected_version=store.audit(audit).version)
    assert store.audit(audit).state == "frozen" and nxt.round_no == 2
    # the closed round keeps its sign-off; the new round starts unreviewed
    assert consultant.review_status(audit).state is ReviewState.SIGNED_OFF
    assert consultant.review_status(nxt.id).state is ReviewState.NOT_SUBMITTED


def test_moving_onto_another_catalogue_freezes_the_round_so_it_needs_the_sign_off_too(t):
    store, people = t
    audit = people.audit_a.id
    data = catalogue_dict([ItemDef("1.1.1", 60), ItemDef("1.1.2", 40)])
    data["id"] = "body-table"
    other = store.register_catalogue(yaml.safe_dump(data, allow_unicode=True)).content_hash
    with pytest.raises(NotPermitted):
        as_(t, "editor").move_to_catalogue(
            audit, other, expected_version=store.audit(audit).version
        )
    with pytest.raises(ReviewError) as refused:
        as_(t, "consultant").move_to_catalogue(
            audit, other, expected_version=store.audit(audit).version
        )
    assert refused.value.code == "auth.review.error.not_signed_off"
    assert store.audit(audit).state == "draft"
    as_(t, "editor").submit_for_review(audit)
    as_(t, "reviewer").sign_off(audit)
    nxt = as_(t, "consultant").move_to_catalogue(
        audit, other, expected_version=store.audit(audit).version
    )
    assert store.audit(audit).state == "frozen" and nxt.round_no == 2


def test_a_change_after_sign_off_withdraws_it_and_says_so(t):
    store, people = t
    audit = people.audit_a.id
    as_(t, "editor").submit_for_review(audit)
    as_(t, "reviewer").sign_off(audit)
    score_item(t, "editor", "1.1.1", "not_conforming")
    status = as_(t, "admin").review_status(audit)
    assert status.state is ReviewState.WITHDRAWN and status.sign_off is None
    assert status.events[-1].kind is ReviewKind.WITHDRAWN
    line = store.changes(audit_id=audit, limit=1)[0]
    assert (line.actor, line.field, line.new) == (
        "编辑王",
        "review",
        "withdrawn: changed after sign-off",
    )
    with pytest.raises(ReviewError):
        as_(t, "consultant").close_round(audit, expected_version=store.audit(audit).version)


def test_a_change_made_outside_the_app_also_voids_the_sign_off(t):
    store, people = t
    audit = people.audit_a.id
    as_(t, "editor").submit_for_review(audit)
    as_(t, "reviewer").sign_off(audit)
    item = store.item(audit, "1.1.1")
    store.save_item(audit, "1.1.1", expected_version=item.version, actor="cli", status="conforming")
    assert as_(t, "admin").review_status(audit).state is ReviewState.WITHDRAWN


@pytest.mark.parametrize(
    "statement", ["UPDATE review_events SET score = '100'", "DELETE FROM review_events"]
)
def test_the_database_refuses_to_rewrite_a_sign_off(t, statement):
    store, people = t
    as_(t, "editor").submit_for_review(people.audit_a.id)
    as_(t, "reviewer").sign_off(people.audit_a.id)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
        connection.execute(text(statement))
    assert as_(t, "admin").review_status(people.audit_a.id).state is ReviewState.SIGNED_OFF


def test_a_sign_off_stores_the_exact_score_not_a_formatted_one(t):
    """The sign-off kept "35.00" beside the exact score: a display rule frozen into the data. It
    keeps the exact value alone; a row an older release wrote (with its text) still reads."""
    store, people = t
    audit = people.audit_a.id
    score_item(t, "editor", "1.1.1")
    as_(t, "editor").submit_for_review(audit)
    as_(t, "reviewer").sign_off(audit)
    with store.engine.begin() as connection:
        stored = connection.execute(
            text("SELECT score, score_display FROM review_events WHERE kind = 'signed_off'")
        ).one()
        assert (stored.score, stored.score_display) == ("10", None)
        connection.execute(  # as release 0003 wrote a sign-off: the text beside the fraction
            text(
                "INSERT INTO review_events (audit_id, kind, at, user_id, user_name, comment, "
                "score, score_display, catalogue_hash, last_change_id) SELECT audit_id, kind, "
                "at, user_id, user_name, 'old', '69999/1000', '69.99', catalogue_hash, "
                "last_change_id FROM review_events WHERE kind = 'signed_off'"
            )
        )
    old = as_(t, "admin").review_status(audit).events[-1]
    assert (old.comment, old.score) == ("old", Fraction(69999, 1000))


def test_whoever_submitted_or_made_the_last_change_cannot_sign_off(t, monkeypatch):
    """Four eyes: a consultant who submits cannot sign off a second later, nor can an
    administrator, nor whoever made the last change; a company of one may, by setting, and
    the sign-off then says it was the submitter's own."""
    _store, people = t
    audit = people.audit_a.id
    score_item(t, "consultant", "1.1.1")
    as_(t, "consultant").submit_for_review(audit)
    with pytest.raises(ReviewError) as own:
        as_(t, "consultant").sign_off(audit)
    assert own.value.code == "auth.review.error.own_submission"
    assert store_state(t, audit) is ReviewState.SUBMITTED  # nothing recorded
    as_(t, "consultant").return_for_changes(audit, "补充 1.1.1 的记录")
    score_item(t, "admin", "2.1.1")
    as_(t, "editor").submit_for_review(audit)
    with pytest.raises(ReviewError) as changed:
        as_(t, "admin").sign_off(audit)
    assert changed.value.code == "auth.review.error.own_change"
    monkeypatch.setenv("GBT_AUDIT_SINGLE_PERSON_SIGN_OFF", "1")
    signed = as_(t, "admin").sign_off(audit)
    assert signed.state is ReviewState.SIGNED_OFF


def store_state(t, audit_id):
    return as_(t, "admin").review_status(audit_id).state


def test_the_last_change_is_told_by_its_account_not_by_the_name_written_beside_it(t):
    """A line may carry any name (the command line's, an archive's): the rule asks which
    account made the last change. The reviewer's own change refuses her sign-off whatever name
    it carries; another account's change under her name does not."""
    from store.acting import acting_as

    store, people = t
    audit = people.audit_a.id
    as_(t, "editor").submit_for_review(audit)
    reviewer, editor = people.actor("reviewer"), people.actor("editor")
    current = store.item(audit, "1.1.1")
    with acting_as(editor.user_id, editor.login):  # the editor's change, written as "审核李"
        store.save_item(
            audit, "1.1.1", expected_version=current.version, actor="审核李", status="conforming"
        )
    current = store.item(audit, "1.1.2")
    with acting_as(reviewer.user_id, reviewer.login):  # hers, under another name
        store.save_item(
            audit, "1.1.2", expected_version=current.version, actor="某人", status="conforming"
        )
    with pytest.raises(ReviewError) as changed:
        as_(t, "reviewer").sign_off(audit)
    assert changed.value.code == "auth.review.error.own_change"
    current = store.item(audit, "2.1.1")
    with acting_as(editor.user_id, editor.login):
        store.save_item(
            audit, "2.1.1", expected_version=current.version, actor="审核李", status="conforming"
        )
    assert as_(t, "reviewer").sign_off(audit).state is ReviewState.SIGNED_OFF

"""The dossier's cover says who assessed the round and who signed it off, when, with the score
and the catalogue hash recorded at the sign-off; a round without a sign-off in force says so
plainly on the cover (and why: not submitted, returned, withdrawn by a later change)."""

from pypdf import PdfReader
from store_helpers import new_store, test_audit

from dossier.assemble import export_dossier
from scoring import Status, display
from services import review
from services.context import Context
from store.accounts import Accounts

PASSWORD = "correct horse battery"


def people(store, organisation_id):
    accounts = Accounts(store)
    for login, name in [("editor", "编辑王"), ("reviewer", "审核李")]:
        accounts.add_user(login, name, password=PASSWORD, actor="setup")
        accounts.grant(login, organisation_id, login, actor="setup")
    return {login: accounts.actor(accounts.user(login).id) for login in ("editor", "reviewer")}


def cover_text(store, audit_id, folder) -> str:
    exported = export_dossier(store, audit_id, folder)
    return PdfReader(exported.pdf).pages[0].extract_text()


def flat(text: str) -> str:
    return "".join(text.split())  # the PDF's text breaks lines where the cover wraps


def test_a_signed_off_round_prints_who_when_score_and_catalogue_on_the_cover(tmp_path):
    store = new_store(f"sqlite:///{tmp_path / 'audit.db'}", tmp_path)
    audit = test_audit(store)
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="编辑王", status=Status.CONFORMING)
    who = people(store, audit.organisation_id)
    review.submit_for_review(Context(who["editor"], store), audit.id)
    signed = review.sign_off(Context(who["reviewer"], store), audit.id).sign_off
    store.close_round(audit.id, expected_version=store.audit(audit.id).version, actor="顾问周")

    cover = flat(cover_text(store, audit.id, tmp_path / "out"))
    assert "编辑王" in cover and "审核李" in cover
    # in the organisation's zone (Asia/Shanghai by default), as the app shows it
    assert display.moment(signed.at, display.zone()).replace(" ", "") in cover
    assert f"签核时得分Scorethen{display.score(signed.score)}" in cover
    assert audit.catalogue_hash in cover  # in full
    assert "未签核" not in cover


def test_a_round_whose_sign_off_was_withdrawn_says_not_signed_off(tmp_path):
    store = new_store(f"sqlite:///{tmp_path / 'audit.db'}", tmp_path)
    audit = test_audit(store)
    who = people(store, audit.organisation_id)
    assert "未签核·NOTSIGNEDOFF未提交审核" in flat(cover_text(store, audit.id, tmp_path / "a"))

    review.submit_for_review(Context(who["editor"], store), audit.id)
    review.sign_off(Context(who["reviewer"], store), audit.id)
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="编辑王", status=Status.CONFORMING)
    cover = flat(cover_text(store, audit.id, tmp_path / "b"))
    assert "未签核·NOTSIGNEDOFF签核已撤回（签核后有修改）" in cover
    assert "审核李" not in cover  # a withdrawn sign-off is not printed as if it held

"""Every archive format a release has written imports, on SQLite and PostgreSQL, and what an
imported round exports imports again. The archives in tests/fixtures/ were made by the releases
themselves (tests/fixtures/README.md): one organisation, a closed round with five special
deductions, a sampled item 8/10 and evidence, and an open round.

A frozen round's snapshot is the record of its day: it is kept as written (its scoring rules,
its presentation); what decides that it follows from its entries is the exact score and the
tier under its own rules. A tampered score, verdict or file is still refused."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from account_helpers import PASSWORD
from store_helpers import new_store

from scoring.history import rules_version
from services import assignments, comments
from services.context import Context
from store.accounts import Accounts
from store.archive import ArchiveRefused, export_audit, import_archive
from store.round_history import round_verdicts
from store.uow import UnitOfWork

FIXTURES = Path(__file__).parent / "fixtures"
# (file, commit that made it, scoring-rules version of its frozen round)
RELEASES = [
    ("archive-release-468ad7d.zip", 1),  # the first release: no verdict in the snapshot
    ("archive-release-ee066e3.zip", 2),  # change-log chain, accounts, verdicts
    ("archive-release-228cc3e.zip", 2),  # evidence revisions, covered periods, requests
]


@pytest.fixture
def target(database_url, tmp_path):
    return new_store(database_url, tmp_path / "client")


def archive_records(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("data.json"))


def frozen_snapshot(records: dict[str, Any]) -> dict[str, Any]:
    (snapshot,) = records["snapshots"]
    return snapshot["result"]


def check_imported(store, result, records: dict[str, Any]) -> None:
    """The imported organisation holds what the archive holds: its rounds, the frozen round's
    snapshot verbatim, the open round's entries, the evidence files byte for byte."""
    first, second = (
        result.audit_ids[a["id"]] for a in sorted(records["audits"], key=lambda a: a["round_no"])
    )
    assert store.audit(first).state == "frozen"
    assert store.audit(second).state == "draft"
    assert store.audit(second).previous_audit_id == first
    assert store.round_result(first) == frozen_snapshot(records)
    items = store.items(second)
    assert len(items) == sum(1 for i in records["items"] if i["audit_id"] == max(result.audit_ids))
    sampled = [i for i in store.items(first).values() if i.status == "sampled"]
    assert [(i.samples_checked, i.samples_conforming) for i in sampled] == [(10, 8)]
    documents = store.evidence_library(result.organisation_id)
    assert len(documents) == 2
    for document in documents:
        assert hashlib.sha256(store.evidence_content(document.id)).hexdigest() == document.sha256
    assert all(check.ok for check in store.verify_evidence(result.organisation_id))


@pytest.mark.parametrize(("name", "version"), RELEASES, ids=[n for n, _ in RELEASES])
def test_an_archive_each_release_wrote_imports(target, name, version):
    records = archive_records(FIXTURES / name)
    assert rules_version(frozen_snapshot(records)) == version
    result = import_archive(target, FIXTURES / name, actor="client")
    check_imported(target, result, records)


@pytest.mark.parametrize(("name", "version"), RELEASES, ids=[n for n, _ in RELEASES])
def test_an_imported_round_exports_and_imports_again(database_url, tmp_path, name, version):
    records = archive_records(FIXTURES / name)
    first = new_store(database_url, tmp_path / "first")
    imported = import_archive(first, FIXTURES / name, actor="client")
    again = export_audit(first, max(imported.audit_ids.values()), tmp_path / "again.zip")
    assert frozen_snapshot(archive_records(again)) == frozen_snapshot(records)
    second = new_store(f"sqlite:///{tmp_path / 'second.db'}", tmp_path / "second")
    result = import_archive(second, again, actor="client")
    check_imported(second, result, archive_records(again))


@pytest.mark.parametrize(("name", "version"), RELEASES, ids=[n for n, _ in RELEASES])
def test_comments_travel_with_the_round_and_find_their_accounts_by_login(
    database_url, tmp_path, name, version
):
    """An archive from before comments imports with none; comments added then export and
    import again, the author and the mentions linked to the accounts of the same login."""
    first = new_store(database_url, tmp_path / "first")
    imported = import_archive(first, FIXTURES / name, actor="client")
    open_round = max(imported.audit_ids.values())
    with UnitOfWork(first, write=False) as uow:
        assert uow.work.comments_of_rounds(list(imported.audit_ids.values())) == []
    accounts = Accounts(first)
    for login, shown in (("wang", "王工"), ("li", "李经理")):
        accounts.add_user(login, shown, password=PASSWORD, actor="t")
        accounts.grant(login, imported.organisation_id, "editor", actor="t")
    item = sorted(first.items(open_round))[0]
    wang = Context(accounts.actor(accounts.user("wang").id), first)
    comments.add_comment(wang, open_round, item, "@李经理 请看 [链接](http://x)")
    again = export_audit(first, open_round, tmp_path / "again.zip")
    second = new_store(f"sqlite:///{tmp_path / 'second.db'}", tmp_path / "second")
    here = Accounts(second).add_user("wang", "王工（本机）", password=PASSWORD, actor="t")
    result = import_archive(second, again, actor="client")
    with UnitOfWork(second, write=False) as uow:
        (comment,) = uow.work.comments_of_rounds(list(result.audit_ids.values()))
    assert (comment.item_id, comment.body) == (item, "@李经理 请看 [链接](http://x)")
    assert (comment.author_id, comment.author_name, comment.author_login) == (
        here.id,
        "王工",
        "wang",
    )
    assert comment.mentions == ()  # 李经理 has no account on the second machine


@pytest.mark.parametrize(("name", "version"), RELEASES, ids=[n for n, _ in RELEASES])
def test_assignments_and_owner_links_travel_and_find_their_accounts_by_login(
    database_url, tmp_path, name, version
):
    """An archive from before assignments imports with none. Assignments and owner links
    made then export and import again, each with the account of the same login; those whose
    login has no account on the second machine are left out, and the import names the login
    (before, every assignment and owner link was dropped without a word)."""
    first = new_store(database_url, tmp_path / "first")
    imported = import_archive(first, FIXTURES / name, actor="client")
    organisation_id, open_round = imported.organisation_id, max(imported.audit_ids.values())
    assert imported.unmatched_logins == ()
    with UnitOfWork(first, write=False) as uow:
        assert uow.work.assignments(open_round) == []
        assert uow.work.owner_links(organisation_id) == {}
    # with none to carry, the archive has no such keys: the releases before them read it
    plain = archive_records(export_audit(first, open_round, tmp_path / "plain.zip"))
    assert not {"assignments", "owner_links"} & set(plain)
    accounts = Accounts(first)
    for login, shown in (("qm", "质量经理"), ("wang", "王工"), ("li", "李经理")):
        accounts.add_user(login, shown, password=PASSWORD, actor="t")
        accounts.grant(login, organisation_id, "quality_manager", actor="t")
    qm = Context(accounts.actor(accounts.user("qm").id), first)
    item = sorted(first.items(open_round))[0]
    wang, li = accounts.user("wang").id, accounts.user("li").id
    assignments.assign(qm, open_round, item, wang, date(2027, 3, 31))
    assignments.assign(qm, open_round, "2.1", li)
    assignments.link_owner(qm, organisation_id, "王工", wang)
    assignments.link_owner(qm, organisation_id, " 李经理 ", li)
    again = export_audit(first, open_round, tmp_path / "again.zip")

    second = new_store(f"sqlite:///{tmp_path / 'second.db'}", tmp_path / "second")
    here = Accounts(second).add_user("wang", "王工（本机）", password=PASSWORD, actor="t")
    result = import_archive(second, again, actor="client")
    assert result.unmatched_logins == ("li",)
    new_round = result.audit_ids[max(imported.audit_ids)]
    with UnitOfWork(second, write=False) as uow:
        (carried,) = uow.work.assignments(new_round)
        links = uow.work.owner_links(result.organisation_id)
    assert (carried.target, carried.level, carried.user_id, carried.due) == (
        item,
        "item",
        here.id,
        date(2027, 3, 31),
    )
    assert carried.assigned_by == "质量经理"
    assert links == {"王工": here.id}


def test_the_first_release_round_keeps_its_verdict_and_shows_todays_beside_it(target):
    # frozen under rules version 1 (the tier by score alone): 四星级 at 92.3 with five special
    # deductions; today's rules fail an evaluation with five or more
    result = import_archive(target, FIXTURES / RELEASES[0][0], actor="client")
    first = min(result.audit_ids.values())
    verdicts = round_verdicts(target, first, lang="zh", today=date(2026, 12, 7))
    assert verdicts is not None
    assert (verdicts.rules_version, verdicts.then_label) == (1, "四星级")
    assert verdicts.differs
    assert verdicts.now_label != "四星级"
    assert verdicts.today == date(2026, 12, 7)
    assert target.round_result(first)["tier"]["id"] == "four_star"  # the record is kept


def test_a_current_round_records_its_rules_and_agrees_with_today(target, tmp_path):
    result = import_archive(target, FIXTURES / RELEASES[2][0], actor="client")
    first = min(result.audit_ids.values())
    verdicts = round_verdicts(target, first, lang="en", today=date(2026, 12, 7))
    assert verdicts is not None and not verdicts.differs
    assert round_verdicts(target, max(result.audit_ids.values()), lang="en") is None  # a draft


def forge(source: Path, out: Path, edit) -> Path:
    """A copy with data.json edited and the manifest re-signed (a manifest proves integrity,
    not authorship): what remains is the record check."""
    with zipfile.ZipFile(source) as archive:
        content = {i.filename: archive.read(i) for i in archive.infolist()}
    manifest = json.loads(content.pop("manifest.json"))
    records = json.loads(content["data.json"])
    edit(records)
    content["data.json"] = json.dumps(records, ensure_ascii=False).encode()
    manifest["files"] = [
        {"path": n, "sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw)}
        for n, raw in content.items()
    ]
    with zipfile.ZipFile(out, "w") as target:
        for n, raw in content.items():
            target.writestr(n, raw)
        target.writestr("manifest.json", json.dumps(manifest))
    return out


@pytest.mark.parametrize(("name", "version"), RELEASES, ids=[n for n, _ in RELEASES])
@pytest.mark.parametrize(
    ("edit", "fields"),
    [
        (lambda s: s.update(score_exact="99", score=99.0, score_display="99.00"), "score"),
        (lambda s: s.update(tier={**(s["tier"] or {}), "id": "five_star_excellence"}), "tier"),
        (lambda s: s.update(rules_version=2 if "verdict" not in s else 1), "tier"),
    ],
    ids=["score", "tier", "rules version"],
)
def test_a_tampered_frozen_verdict_is_refused(target, tmp_path, name, version, edit, fields):
    forged = forge(FIXTURES / name, tmp_path / "forged.zip", lambda r: edit(frozen_snapshot(r)))
    with pytest.raises(ArchiveRefused) as refused:
        import_archive(target, forged, actor="client")
    assert refused.value.code == "store.archive.snapshot_differs"
    assert refused.value.values["fields"] == fields
    assert target.organisations() == []


def test_a_snapshot_without_its_exact_score_is_refused(target, tmp_path):
    forged = forge(
        FIXTURES / RELEASES[0][0],
        tmp_path / "forged.zip",
        lambda r: frozen_snapshot(r).pop("score_exact"),
    )
    with pytest.raises(ArchiveRefused) as refused:
        import_archive(target, forged, actor="client")
    assert (refused.value.code, refused.value.values["field"]) == (
        "store.archive.snapshot_unreadable",
        "score_exact",
    )


@pytest.mark.parametrize(("name", "version"), RELEASES, ids=[n for n, _ in RELEASES])
def test_a_tampered_file_is_refused(target, tmp_path, name, version):
    """An evidence file changed inside the archive no longer matches the manifest's SHA-256."""
    with zipfile.ZipFile(FIXTURES / name) as archive:
        content = {i.filename: archive.read(i) for i in archive.infolist()}
    evidence = next(n for n in content if n.startswith("evidence/"))
    content[evidence] = content[evidence].replace(b"%%EOF", b"%%EOX")
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as out:
        for n, raw in content.items():
            out.writestr(n, raw)
    with pytest.raises(ArchiveRefused) as refused:
        import_archive(target, forged, actor="client")
    assert refused.value.code == "store.archive.member_altered"
    assert refused.value.values["member"] == repr(evidence)
    assert target.organisations() == []


def test_the_dossier_of_such_a_round_prints_both_verdicts_dated(tmp_path):
    from pypdf import PdfReader

    from dossier.assemble import export_dossier

    store = new_store(f"sqlite:///{tmp_path / 'client.db'}", tmp_path / "client")
    result = import_archive(store, FIXTURES / RELEASES[0][0], actor="client")
    first = min(result.audit_ids.values())
    exported = export_dossier(store, first, tmp_path / "dossier")
    text = "".join(p.extract_text() for p in PdfReader(exported.pdf).pages[:1])
    flat = "".join(text.split())
    assert "冻结时结论" in flat and "按现行规则" in flat
    assert "四星级" in flat and "评分规则第1版" in flat
    frozen_on = store.audit(first).frozen_at
    assert f"{frozen_on.year}年{frozen_on.month}月{frozen_on.day}日" in flat
    latest = export_dossier(store, max(result.audit_ids.values()), tmp_path / "open")
    assert "冻结时结论" not in "".join(PdfReader(latest.pdf).pages[0].extract_text().split())


def test_the_app_shows_both_verdicts_on_the_list_and_the_dashboard(monkeypatch, tmp_path):
    from app_helpers import app, fresh_app, texts

    store = fresh_app(monkeypatch, tmp_path / "app")
    result = import_archive(store, FIXTURES / RELEASES[0][0], actor="client")
    first = min(result.audit_ids.values())
    frozen_on = f"{store.audit(first).frozen_at:%Y-%m-%d}"
    at = app("audits")
    at.session_state["org_id"] = result.organisation_id
    at.run()
    assert not at.exception
    shown = texts(at)
    assert f"冻结时（{frozen_on}，评分规则第 1 版）的结论为 四星级" in shown
    dashboard = app("dashboard", audit_id=first)
    assert not dashboard.exception
    assert f"冻结时（{frozen_on}，评分规则第 1 版）的结论为 四星级" in texts(dashboard)
    latest = app("dashboard", audit_id=max(result.audit_ids.values()))
    assert "冻结时（" not in texts(latest)

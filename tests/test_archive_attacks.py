"""Hostile archives, one row each: every one is refused through `gbt-audit archive import` with
exit 1 and a message naming what is wrong and where, never a traceback, and the receiving
machine's data folder (byte for byte) and database (every row) stay as they were, its other
organisation included.

The archives are built here from a real export: records are edited and the manifest re-signed
(a manifest proves integrity, not authorship), or the zip itself is damaged.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from account_helpers import cli_administrator
from sqlalchemy import create_engine, select
from store_helpers import CATALOGUE_TEXT, VALID_CODE, company, new_store, settings_for
from test_store_archive import PDF, filled_audit

from cli.main import main
from store import open_store
from store.archive import ArchiveRefused, export_audit, import_archive
from store.tables import Base

# -- building archives ---------------------------------------------------------------------------


def forge(
    archive: Path,
    out: Path,
    *,
    data: Callable[[dict[str, Any]], None] | None = None,
    members: dict[str, bytes] | None = None,
    deflate_evidence: bool = False,
    data_text: Callable[[str], str] | None = None,
) -> Path:
    """A copy of ``archive`` with data.json edited and/or members replaced or added, and the
    manifest re-signed so every hash in it is right."""
    with zipfile.ZipFile(archive) as source:
        content = {i.filename: source.read(i) for i in source.infolist()}
    manifest = json.loads(content.pop("manifest.json"))
    records = json.loads(content["data.json"])
    if data is not None:
        data(records)
    text = json.dumps(records, ensure_ascii=False)
    if data_text is not None:
        text = data_text(text)
    content["data.json"] = text.encode()
    content.update(members or {})
    manifest["files"] = [
        {"path": name, "sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw)}
        for name, raw in content.items()
    ]
    with zipfile.ZipFile(out, "w") as target:
        for name, raw in content.items():
            stored = name.startswith("evidence/") and not deflate_evidence
            target.writestr(name, raw, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        target.writestr("manifest.json", json.dumps(manifest))
    return out


def damage(archive: Path, out: Path, change: Callable[[bytes, zipfile.ZipFile], bytes]) -> Path:
    with zipfile.ZipFile(archive) as zf:
        out.write_bytes(change(archive.read_bytes(), zf))
    return out


def flip_inside(member: str) -> Callable[[bytes, zipfile.ZipFile], bytes]:
    """Flip bytes in the middle of a member's stored (compressed) data."""

    def change(raw: bytes, zf: zipfile.ZipFile) -> bytes:
        info = zf.getinfo(member)
        start = info.header_offset + 30
        start += int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
        start += int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
        middle = start + info.compress_size // 2
        return raw[:middle] + bytes(b ^ 0x5A for b in raw[middle : middle + 8]) + raw[middle + 8 :]

    return change


def last_round(records: dict[str, Any]) -> int:
    return max(records["audits"], key=lambda a: a["round_no"])["id"]


def item(records: dict[str, Any], item_id: str) -> dict[str, Any]:
    audit_id = last_round(records)
    return next(
        i for i in records["items"] if i["audit_id"] == audit_id and i["item_id"] == item_id
    )


def frozen_snapshot(records: dict[str, Any]) -> dict[str, Any]:
    return records["snapshots"][0]["result"]


def set_in(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """data.json edit: ``path`` like "organisation.headcount" or "audits.0.state"."""

    def edit(records: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = records
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value

    return edit


def delete(path: str) -> Callable[[dict[str, Any]], None]:
    def edit(records: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = records
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return edit


def zeros_member(n: int) -> tuple[str, bytes]:
    raw = b"\0" * (512 << 10) + n.to_bytes(4, "big")
    return f"evidence/{hashlib.sha256(raw).hexdigest()}", raw


def catalogue_member(archive: Path) -> str:
    with zipfile.ZipFile(archive) as zf:
        return next(n for n in zf.namelist() if n.startswith("catalogues/"))


def with_aliases() -> str:
    """The archive's own catalogue, the same content, but written with an anchor and aliases."""
    catalogue = yaml.safe_load(CATALOGUE_TEXT)
    shared: list[dict[str, Any]] = []

    def share(node: Any) -> Any:
        if isinstance(node, dict):
            if "confidence" in node:
                shared.append(node) if not shared else None
                return shared[0]
            return {k: share(v) for k, v in node.items()}
        if isinstance(node, list):
            return [share(v) for v in node]
        return node

    text = yaml.safe_dump(share(catalogue), allow_unicode=True)
    assert "&id001" in text and "*id001" in text
    return text


def laughs(levels: int = 5) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels + 1):
        lines.append(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]")
    return CATALOGUE_TEXT + "\n".join(lines) + "\n"


# -- the attacks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attack:
    name: str
    build: Callable[[Path, Path], Path]  # (exported archive, where to write) -> hostile archive
    refusal: str  # a regular expression the message must match


def records(edit: Callable[[dict[str, Any]], None]) -> Callable[[Path, Path], Path]:
    """data.json edited; its organisation's credit code cleared first, so the client's
    organisation with the same code does not refuse it before the edit is looked at."""

    def both(r: dict[str, Any]) -> None:
        r["organisation"]["credit_code"] = ""
        edit(r)

    return lambda archive, out: forge(archive, out, data=both)


def assignment(
    r: dict[str, Any], target: str, level: str = "indicator", login: str = "wang"
) -> dict[str, Any]:
    return {
        "audit_id": last_round(r),
        "target": target,
        "level": level,
        "assignee_login": login,
        "assignee_name": "王工",
        "due": None,
        "assigned_by": "质量经理",
        "assigned_at": "2026-12-01T09:00:00+00:00",
    }


def link(owner_text: str, login: str = "wang") -> dict[str, Any]:
    return {
        "owner_text": owner_text,
        "login": login,
        "linked_by": "质量经理",
        "linked_at": "2026-12-01T09:00:00+00:00",
    }


def in_item(which: str, **values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda r: item(r, which).update(values)


ATTACKS = [
    # 1. nothing written before everything is checked
    Attack(
        "many small members that each expand 1000×",
        lambda a, out: forge(
            a, out, members=dict(zeros_member(n) for n in range(8)), deflate_evidence=True
        ),
        r"member 'evidence/[0-9a-f]{64}' expands \d+× \(a zip bomb\?\)",
    ),
    Attack(
        "an evidence file no record refers to",
        lambda a, out: forge(
            a, out, members={f"evidence/{hashlib.sha256(PDF + b'2').hexdigest()}": PDF + b"2"}
        ),
        r"member 'evidence/[0-9a-f]{64}' is no evidence record's file",
    ),
    # 2. YAML
    Attack(
        "a catalogue written with anchors and aliases",
        lambda a, out: forge(a, out, members={catalogue_member(a): with_aliases().encode()}),
        r"catalogues/[0-9a-f]{64}\.yaml:\d+: invalid YAML: anchors \(&id001\) are not allowed",
    ),
    Attack(
        "a billion-laughs catalogue",
        lambda a, out: forge(a, out, members={catalogue_member(a): laughs().encode()}),
        r"invalid YAML: anchors \(&l0\) are not allowed",
    ),
    # 3. records checked by the rules a user's entries pass
    Attack(
        "an unknown item id",
        records(in_item("2.1.1", item_id="9.9.9")),
        r"audit \d+ \(round 2\): item 9\.9\.9: unknown item id",
    ),
    Attack(
        "status banana",
        records(in_item("2.1.1", status="banana")),
        r"item 2\.1\.1: 'banana' is not a valid Status",
    ),
    Attack(
        "50 conforming of 5 checked",
        records(in_item("1.1.2", samples_checked=5, samples_conforming=50)),
        r"item 1\.1\.2: conforming samples \(50\) exceed samples checked \(5\)",
    ),
    Attack(
        "negative sample counts",
        records(in_item("1.1.2", samples_checked=-5, samples_conforming=-7)),
        r"item 1\.1\.2: samples checked must be ≥ 1, got -5",
    ),
    Attack(
        "a negative headcount",
        records(set_in("organisation.service_headcount", -3)),
        r"organisation: 售后服务人员数：不能为负数（当前 -3）",
    ),
    Attack(
        "an invalid audit state",
        records(lambda r: next(a for a in r["audits"] if a["frozen_at"]).update(state="hacked")),
        r"audit \d+ \(round 1\): state: 'hacked' is not a valid AuditState",
    ),
    Attack(
        "a frozen round's tampered score",
        records(
            lambda r: frozen_snapshot(r).update(
                score_display="99.9", score_exact="999/10", score=99.9
            )
        ),
        r"round 1\)'s frozen result does not follow from its own entries \(score\): it records "
        r"score 999/10",
    ),
    Attack(
        "a frozen round's tampered verdict",
        records(lambda r: frozen_snapshot(r).update(tier={"id": "gold", "zh": "金", "en": "Gold"})),
        r"round 1\)'s frozen result does not follow from its own entries \(tier\)",
    ),
    Attack(
        "an assignment of an indicator its catalogue does not have",
        records(lambda r: r.setdefault("assignments", []).append(assignment(r, "9.9"))),
        r"audit \d+ \(round 2\): assignment of '9\.9': not an indicator of its catalogue",
    ),
    Attack(
        "one indicator assigned twice in a round",
        records(lambda r: r.setdefault("assignments", []).extend([assignment(r, "2.1")] * 2)),
        r"data\.json: assignment \(\d+, '2\.1'\) appears more than once",
    ),
    Attack(
        "an indicator recorded as an item",
        records(lambda r: r.setdefault("assignments", []).append(assignment(r, "2.1", "item"))),
        r"assignment of '2\.1': not an item of its catalogue",
    ),
    Attack(
        "an assignee login with a line break",
        records(
            lambda r: r.setdefault("assignments", []).append(
                assignment(r, "2.1", login="wang\n已导入全部")
            )
        ),
        r"assignment of '2\.1': 'wang\\n已导入全部' is not a login",
    ),
    Attack(
        "a login in capitals, as no account here writes it",
        records(lambda r: r.setdefault("owner_links", []).append(link("王工", login="Wang"))),
        r"data\.json: owner link 1: 'Wang' is not a login",
    ),
    Attack(
        "an owner text longer than an owner can be",
        records(lambda r: r.setdefault("owner_links", []).append(link("王" * 401))),
        r"owner link 1: the owner text is empty or longer than 400 characters",
    ),
    Attack(
        "one owner text linked twice",
        records(lambda r: r.setdefault("owner_links", []).extend([link("王工"), link(" 王工")])),
        r"data\.json: owner link '王工' appears more than once",
    ),
    Attack(
        "an invalid credit code",
        records(set_in("organisation.credit_code", VALID_CODE[:-1] + "X")),
        r"organisation: 统一社会信用代码：“91110000600037341X”无效",
    ),
    Attack(
        "a lower-case credit code already here",
        records(
            lambda r: r["organisation"].update(credit_code=VALID_CODE.lower(), uid="another-uid")
        ),
        rf"credit code {VALID_CODE} already belongs to organisation #1",
    ),
    Attack(
        "evidence named ../../etc/passwd",
        records(set_in("evidence.0.original_name", "../../etc/passwd")),
        r"evidence \d+ '\.\./\.\./etc/passwd': .*must not contain a path separator",
    ),
    Attack(
        "evidence name with a right-to-left override",
        records(set_in("evidence.0.original_name", "invoice\u202efdp.pdf")),
        r"evidence \d+ 'invoice\\\\u202efdp\.pdf': .*text-direction control",
    ),
    Attack(
        "evidence typed as text/html",
        records(set_in("evidence.0.media_type", "text/html")),
        r"evidence \d+ '制度\.pdf': recorded as 'text/html', but the file is 'application/pdf'",
    ),
    # 8. malformed records and damaged zips: refusals, not tracebacks
    Attack(
        "a missing key",
        records(delete("audits.0.catalogue_hash")),
        r"data\.json: audits\.0\.catalogue_hash: Field required",
    ),
    Attack(
        "a naive datetime",
        records(set_in("audits.0.created_at", "2026-11-01T10:00:00")),
        r"data\.json: audits\.0\.created_at: Input should have timezone info",
    ),
    Attack(
        "a 2^70 headcount",
        records(set_in("organisation.headcount", 2**70)),
        r"data\.json: organisation\.headcount: Input should be less than or equal to 2147483647",
    ),
    Attack(
        "JSON nested 100,000 deep",
        lambda a, out: forge(
            a,
            out,
            data=lambda r: frozen_snapshot(r).update(deep="DEEP"),
            data_text=lambda t: t.replace('"DEEP"', "[" * 100_000 + "]" * 100_000),
        ),
        r"data\.json: .*recursion limit exceeded",
    ),
    Attack(
        "a bad CRC in an evidence file",
        lambda a, out: damage(a, out, flip_inside(f"evidence/{hashlib.sha256(PDF).hexdigest()}")),
        r"member 'evidence/[0-9a-f]{64}' cannot be read; the archive is damaged \(BadZipFile",
    ),
    Attack(
        "a corrupt deflate stream",
        lambda a, out: damage(a, out, flip_inside("data.json")),
        r"member 'data\.json' cannot be read; the archive is damaged",
    ),
    Attack(
        "a file that is not a zip",
        lambda a, out: (out.write_bytes(b"PK\3\4 this is not a zip"), out)[1],
        r"bad\.zip: not a readable \.zip archive",
    ),
    Attack(
        "a truncated zip",
        lambda a, out: (out.write_bytes(a.read_bytes()[: a.stat().st_size // 2]), out)[1],
        r"bad\.zip: not a readable \.zip archive",
    ),
]


# -- the receiving machine -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The consultant's archive, made once for this file's tests: each reads it and writes its
    hostile copies beside it (0.4–0.9 s of every test's setup was making it again)."""
    tmp_path = tmp_path_factory.mktemp("consultant")
    source = new_store(f"sqlite:///{tmp_path / 'consultant' / 'audit.db'}", tmp_path / "consultant")
    audit = filled_audit(source)
    return export_audit(source, audit.id, tmp_path / "audit.zip")


@pytest.fixture
def client(database_url, tmp_path, monkeypatch, evidence_backend):
    """Another machine, without the archive's catalogue, with one organisation of its own whose
    credit code is the archive's; its evidence in a folder or in a bucket."""
    folder = tmp_path / "client"
    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(folder))
    monkeypatch.setenv("GBT_AUDIT_DATABASE_URL", database_url)
    monkeypatch.setenv("GBT_AUDIT_MAX_UPLOAD_MB", "5")
    if evidence_backend is not None:
        from s3_server import environment

        for name, value in environment(evidence_backend.endpoint_url, evidence_backend).items():
            monkeypatch.setenv(name, value)
    store = open_store(settings_for(database_url, folder, evidence_s3=evidence_backend))
    company(store, name="本机已有的组织", code=VALID_CODE)
    cli_administrator(store, monkeypatch)
    return store


def everything(store, folder: Path) -> dict[str, Any]:
    """The data folder byte for byte, the evidence store's blobs, and every row of every
    table."""
    files = {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "/"
        for p in sorted(folder.rglob("*"))
    }
    engine = create_engine(store.engine.url)
    with engine.connect() as connection:
        rows = {
            table.name: sorted(repr(tuple(r)) for r in connection.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }
    engine.dispose()
    return {"files": files, "blobs": sorted(store.blobs.iter_hashes()), "rows": rows}


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_a_hostile_archive_is_refused_and_changes_nothing(
    attack, exported, client, tmp_path, capsys
):
    hostile = attack.build(exported, tmp_path / "bad.zip")
    before = everything(client, tmp_path / "client")
    capsys.readouterr()

    status = main(
        [
            "archive",
            "import",
            str(hostile),
        ]
    )

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("archive refused, nothing was changed: ")
    assert len(err) < 3000
    assert re.search(attack.refusal, err), err
    assert everything(client, tmp_path / "client") == before
    assert main(["list"]) == 0  # the organisation already here is listed as before


def test_the_unaltered_archive_imports_on_the_same_client(exported, client, capsys):
    """The refusals above are the attacks', not the client's: the real archive goes in (its
    organisation's credit code is made unique first)."""
    clean = forge(
        exported, exported.with_name("clean.zip"), data=set_in("organisation.credit_code", "")
    )
    assert (
        main(
            [
                "archive",
                "import",
                str(clean),
            ]
        )
        == 0
    )
    assert "imported as organisation" in capsys.readouterr().out


def test_the_whole_archive_has_an_uncompressed_budget(exported, client, monkeypatch, tmp_path):
    monkeypatch.setattr("store.archive_members.MAX_TOTAL_BYTES", 1000)
    before = everything(client, tmp_path / "client")
    with pytest.raises(ArchiveRefused, match=r"archive expands to \d+ bytes; at most 1000"):
        import_archive(client, exported, actor="x")
    assert everything(client, tmp_path / "client") == before


def test_a_failed_commit_takes_back_the_evidence_it_published(exported, client, tmp_path):
    """The files join the blob store just before the commit; when the commit fails, the files
    this import added leave again."""
    from sqlalchemy import event

    clean = forge(exported, tmp_path / "clean.zip", data=set_in("organisation.credit_code", ""))
    before = everything(client, tmp_path / "client")
    published: list[bool] = []

    def fail(connection):
        published.append(client.blobs.exists(hashlib.sha256(PDF).hexdigest()))
        raise RuntimeError("the disk went away at commit")

    event.listen(client.engine, "commit", fail)
    try:
        with pytest.raises(RuntimeError, match="at commit"):
            import_archive(client, clean, actor="x")
    finally:
        event.remove(client.engine, "commit", fail)
    assert published == [True]
    assert everything(client, tmp_path / "client") == before


def test_a_known_catalogue_is_taken_from_the_store_not_parsed_again(exported, client, tmp_path):
    """A catalogue this machine holds under the same content hash is not read from the archive."""
    client.register_catalogue(CATALOGUE_TEXT, "test-catalogue.yaml")
    clean = forge(
        exported,
        tmp_path / "clean.zip",
        data=set_in("organisation.credit_code", ""),
        members={catalogue_member(exported): with_aliases().encode()},
    )
    result = import_archive(client, clean, actor="x")
    assert len(result.audit_ids) == 2


def test_evidence_bytes_are_the_ones_checked(exported, client, tmp_path):
    """The staged file is the one imported: its blob hashes to its record's hash."""
    clean = forge(exported, tmp_path / "clean.zip", data=set_in("organisation.credit_code", ""))
    result = import_archive(client, clean, actor="x")
    (record,) = client.evidence_library(result.organisation_id)
    with client.blobs.open(record.sha256) as stored:
        assert stored.read() == PDF
    assert record.media_type == "application/pdf"
    assert not list(client.blobs._tmp.iterdir())


def test_a_full_disk_while_the_files_move_into_place_is_a_refusal(
    exported, client, tmp_path, monkeypatch
):
    import errno

    from evidence.blobs import StagingArea

    clean = forge(exported, tmp_path / "clean.zip", data=set_in("organisation.credit_code", ""))
    before = everything(client, tmp_path / "client")

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(StagingArea, "publish", full)
    with pytest.raises(ArchiveRefused, match="No space left on device"):
        import_archive(client, clean, actor="x")
    assert everything(client, tmp_path / "client") == before

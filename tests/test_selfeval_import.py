"""A filled 自评表 brought back: ours of every release's layout and a body's filled table, read
through the same column mapping; what cannot be placed is named; exported → imported scores the
same with the same owners."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from account_helpers import cli_administrator
from dossier_fixtures import dossier_data, item_records
from hostile_workbooks import HOSTILE
from openpyxl import load_workbook
from store_helpers import CATALOGUE_TEXT, VALID_CODE, company, new_store, test_audit
from workbook_builder import table

from cli.main import main
from criteria import load_catalogue
from criteria.workbook_problems import WorkbookError
from domain.errors import InvalidEntry
from domain.records import ActionState, Rectification
from dossier import write_xlsx
from dossier.assemble import dossier_data as store_dossier_data
from dossier.selfeval_import import FilledItem, audit_input, read_filled_table
from scoring import Status, score_audit
from store.selfeval_import import import_filled_table

FIXTURES = Path(__file__).parent / "fixtures" / "selfeval"
OLD_CATALOGUE = FIXTURES / "gbt27922-sample.yaml"


def exported(data, folder: Path) -> Path:
    path = folder / "自评表.xlsx"
    write_xlsx(data, path)
    return path


def plain():
    """The fixture audit without special items (a 自评表 gives those only as sums)."""
    items = {
        i: r if r.status is not Status.NOT_APPLICABLE or r.justification else
        replace(r, justification="本企业不提供此项服务")
        for i, r in item_records().items()
    }  # fmt: skip
    return dossier_data(items=items, deductions=(), bonuses=())


# -- every release's layout --------------------------------------------------------------------


@pytest.mark.parametrize("release", ["754a96e", "4509dc5"])
def test_a_table_written_by_an_earlier_release_reads_back_item_for_item(release):
    """Written by that release's own dossier/xlsx.py (tests/fixtures/selfeval/make_fixture.py)."""
    catalogue = load_catalogue(OLD_CATALOGUE)
    expected = json.loads((FIXTURES / "selfeval-4509dc5.expected.json").read_text("utf-8"))
    path = FIXTURES / f"selfeval-{release}.xlsx"
    filled = read_filled_table(path.read_bytes(), path.name, catalogue)
    got = filled.by_id()
    for item_id, want in expected["items"].items():
        item = got[item_id]
        assert item.status.value == want["status"], item_id
        assert (item.samples_checked, item.samples_conforming) == (
            want["checked"],
            want["conforming"],
        )
        assert item.rectification.owner == want["owner"]
        assert item.rectification.action == want["action"]
        assert item.finding == want["finding"]
        assert item.justification == want["justification"]
    result = score_audit(catalogue, audit_input(filled.items))
    assert result.base_score == Fraction(expected["base_score"])
    assert filled.company is not None and filled.company.credit_code == "91330100MA2B3C4D5E"
    assert filled.audit_date == date(2025, 3, 18)
    # special items are totals only: named once each (754a96e wrote every total twice)
    assert sorted(n.values["label"] for n in filled.notices) == ["特别加分", "特别扣分"]


def test_todays_table_exported_filled_and_imported_scores_the_same_with_the_same_owners(tmp_path):
    data = plain()
    path = exported(data, tmp_path)
    filled = read_filled_table(path.read_bytes(), path.name, data.catalogue)
    result = score_audit(data.catalogue, audit_input(filled.items))
    assert result.score == data.result.score
    owners = {i: r.rectification.owner for i, r in data.items.items() if r.rectification.owner}
    assert owners
    assert {i.item_id: i.rectification.owner for i in filled.items if i.rectification.owner} == (
        owners
    )
    assert {i.item_id: i.rectification for i in filled.items if i.rectification.is_set} == {
        i: r.rectification for i, r in data.items.items() if r.rectification.is_set
    }


def test_statuses_changed_in_excel_are_what_is_scored(tmp_path):
    data = plain()
    path = exported(data, tmp_path)
    book = load_workbook(path)
    sheet = book["自评表"]
    rows = {row[4].value: row for row in sheet.iter_rows(min_row=2) if row[4].value}
    first = data.catalogue.items[0].id
    second = next(i.id for i in data.catalogue.items if i.scoring == "sampled")
    rows[first][7].value = "不符合"
    rows[first][12].value = "重新梳理部门职责"
    rows[first][13].value = "王芳"
    rows[first][14].value = "2026年3月31日"
    rows[first][15].value = "进行中"
    rows[second][7].value = "抽样 3/4"
    book.save(path)
    filled = read_filled_table(path.read_bytes(), path.name, data.catalogue).by_id()
    assert filled[first].status is Status.NOT_CONFORMING
    assert filled[first].rectification == Rectification(
        "重新梳理部门职责", "王芳", date(2026, 3, 31), ActionState.IN_PROGRESS
    )
    assert (filled[second].status, filled[second].samples_conforming) == (Status.SAMPLED, 3)


# -- a body's filled table, through the same column mapping ------------------------------------


BODY_HEADER = (
    "条款号",
    "评价内容",
    "分值",
    "自评结果",
    "不符合事实",
    "整改措施",
    "责任人",
    "完成时间",
)


def body_rows(catalogue, statuses):
    rows = []
    for item in catalogue.items:
        status, owner = statuses.get(item.id, ("符合", None))
        rows.append(
            (f"5.{item.id}", item.title.zh, float(item.points), status, None, None, owner, None)
        )
    return rows


def test_a_bodys_filled_table_is_read_through_the_same_column_mapping():
    catalogue = dossier_data().catalogue
    first, third = catalogue.items[0].id, catalogue.items[2].id
    second = next(i.id for i in catalogue.items if i.excludable)
    statuses = {first: ("不符合", "赵强"), second: ("删减", None), third: ("未评", None)}
    data = table(body_rows(catalogue, statuses), header=BODY_HEADER, banner="自评表（已填写）")
    filled = read_filled_table(data, "body.xlsx", catalogue)
    got = filled.by_id()
    assert filled.columns.letters()["status"] == "D"
    assert got[first].status is Status.NOT_CONFORMING
    assert got[first].rectification.owner == "赵强"
    assert got[second].status is Status.NOT_APPLICABLE
    assert got[third].status is Status.NOT_ASSESSED
    assert len(got) == len(catalogue.items)


def test_points_that_differ_from_the_catalogue_are_named_and_the_status_kept():
    catalogue = dossier_data().catalogue
    rows = body_rows(catalogue, {})
    rows[0] = (*rows[0][:2], 99.0, *rows[0][3:])
    filled = read_filled_table(table(rows, header=BODY_HEADER), "body.xlsx", catalogue)
    notice = filled.notices[0]
    assert (notice.code, notice.row, notice.column) == ("selfeval_points_differ", 2, "C")
    assert notice.values["stated"] == "99"
    assert filled.by_id()[catalogue.items[0].id].status is Status.CONFORMING


def test_an_item_the_catalogue_lacks_is_named_and_left_out():
    catalogue = dossier_data().catalogue
    rows = [*body_rows(catalogue, {}), ("5.9.9.9", "别的项目", 1.0, "符合")]
    filled = read_filled_table(table(rows, header=BODY_HEADER), "body.xlsx", catalogue)
    assert [(n.code, n.values["id"]) for n in filled.notices] == [
        ("selfeval_unknown_item", "9.9.9")
    ]
    assert "9.9.9" not in filled.by_id()


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("基本符合", "selfeval_status"),
        ("抽样", "selfeval_samples"),
        ("抽样 5/4", "selfeval_samples"),
    ],
)
def test_a_status_that_cannot_be_read_refuses_the_table_naming_the_cell(written, code):
    catalogue = dossier_data().catalogue
    rows = body_rows(catalogue, {catalogue.items[1].id: (written, None)})
    with pytest.raises(WorkbookError) as caught:
        read_filled_table(table(rows, header=BODY_HEADER), "body.xlsx", catalogue)
    problem = caught.value.problems[0]
    assert (problem.code, problem.sheet, problem.row, problem.column) == (code, "评分表", 3, "D")
    assert problem.values["value"] == written


def test_partial_points_without_samples_cannot_be_placed():
    catalogue = dossier_data().catalogue
    header = ("序号", "评价内容", "分值", "得分")
    rows = [(i.id, i.title.zh, float(i.points), float(i.points)) for i in catalogue.items]
    sampled = next(n for n, i in enumerate(catalogue.items) if i.points >= 2)
    rows[sampled] = (*rows[sampled][:3], 1.5)
    with pytest.raises(WorkbookError) as caught:
        read_filled_table(table(rows, header=header), "body.xlsx", catalogue)
    assert caught.value.problems[0].code == "selfeval_earned_partial"
    assert caught.value.problems[0].row == sampled + 2


@pytest.mark.parametrize("case", ["zip bomb", "entities", "a million rows"])
def test_a_hostile_file_is_refused_before_it_is_read(case):
    with pytest.raises(WorkbookError) as caught:
        read_filled_table(HOSTILE[case](), "hostile.xlsx", dossier_data().catalogue)
    assert caught.value.problems[0].code.startswith("bounds_")


# -- the command and the store -----------------------------------------------------------------


def test_the_command_writes_an_audit_file_that_gbt_audit_score_scores_the_same(tmp_path, capsys):
    data = plain()
    path = exported(data, tmp_path)
    catalogue_file = tmp_path / "catalogue.yaml"
    spec = data.catalogue.spec.model_dump(mode="json", exclude_none=True)
    catalogue_file.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "audit.yaml"
    argv = ["selfeval", "import", str(path), "--catalogue", str(catalogue_file), "--out", str(out)]
    assert main(argv) == 0
    written = yaml.safe_load(out.read_text("utf-8"))
    owners = {i: e["rectification"]["owner"] for i, e in written["items"].items()
              if isinstance(e, dict) and "rectification" in e}  # fmt: skip
    assert owners == {
        i: r.rectification.owner for i, r in data.items.items() if r.rectification.is_set
    }
    capsys.readouterr()
    code = main(["score", str(out), "--catalogue", str(catalogue_file), "--json"])
    assert code == 0, capsys.readouterr().err
    scored = json.loads(capsys.readouterr().out)
    assert Fraction(scored["score_exact"]) == data.result.score


def test_store_round_trip_export_import_gives_the_same_score_and_owners(database_url, tmp_path):
    store = new_store(database_url, tmp_path)
    organisation = company(store, code=VALID_CODE)
    audit = test_audit(store, organisation)
    catalogue = store.catalogue(audit.catalogue_hash)
    action = Rectification("补充培训记录", "刘洋", date(2026, 5, 1), ActionState.IN_PROGRESS)
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    store.save_item(
        audit.id, "1.1.2", expected_version=0, actor="qm",
        status=Status.SAMPLED, samples_checked=5, samples_conforming=4,
    )  # fmt: skip
    store.save_item(
        audit.id, "2.1.1", expected_version=0, actor="qm",
        status=Status.NOT_CONFORMING, finding="无培训记录", rectification=action,
    )  # fmt: skip
    store.save_item(
        audit.id, "2.1.2", expected_version=0, actor="qm",
        status=Status.NOT_APPLICABLE, justification="不从事安装",
    )  # fmt: skip
    path = exported(store_dossier_data(store, audit.id), tmp_path)
    before = store.round_result(audit.id)
    filled = read_filled_table(path.read_bytes(), path.name, catalogue)
    imported = import_filled_table(
        store, filled, catalogue, source=path.name, organisation_id=organisation.id, actor="qm"
    )
    assert imported.audit.id != audit.id and imported.organisation.id == organisation.id
    assert store.round_result(imported.audit.id)["score"] == before["score"]
    items = store.items(imported.audit.id)
    assert items["2.1.1"].rectification == action
    assert items["2.1.2"].justification == "不从事安装"


def test_a_new_organisation_comes_from_the_sheet_and_a_taken_credit_code_is_refused(
    database_url, tmp_path
):
    store = new_store(database_url, tmp_path)
    audit = test_audit(store, company(store, name="别的公司", code=VALID_CODE))
    catalogue = store.catalogue(audit.catalogue_hash)
    path = exported(store_dossier_data(store, audit.id), tmp_path)
    filled = read_filled_table(path.read_bytes(), path.name, catalogue)
    assert filled.company is not None and filled.company.credit_code == VALID_CODE
    count = len(store.organisations())
    with pytest.raises(InvalidEntry):
        import_filled_table(
            store, filled, catalogue, source=path.name, organisation_id=None, actor="qm"
        )
    assert len(store.organisations()) == count
    fresh = replace(filled, company=replace(filled.company, name="新公司", credit_code=""))
    imported = import_filled_table(
        store, fresh, catalogue, source=path.name, organisation_id=None, actor="qm"
    )
    assert imported.created_organisation and imported.organisation.profile.name == "新公司"


def test_the_command_imports_into_the_store_as_a_new_round(tmp_path, monkeypatch, capsys):
    from store import open_store

    monkeypatch.setenv("GBT_AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBT_AUDIT_DATABASE_URL", raising=False)
    store = open_store()
    store.register_catalogue(CATALOGUE_TEXT, "test-catalogue.yaml")
    cli_administrator(store, monkeypatch)
    audit = test_audit(store, company(store, code=VALID_CODE))
    catalogue = store.catalogue(audit.catalogue_hash)
    item = catalogue.items[0]
    action = Rectification("补全记录", "孙丽", date(2026, 9, 1), ActionState.OPEN)
    store.save_item(
        audit.id, item.id, expected_version=0, actor="qm",
        status=Status.NOT_CONFORMING, finding="缺记录", rectification=action,
    )  # fmt: skip
    path = exported(store_dossier_data(store, audit.id), tmp_path)
    argv = ["selfeval", "import", str(path), "--org", str(audit.organisation_id), "--lang", "en"]
    assert main(argv) == 0
    assert "round 2" in capsys.readouterr().out
    newest = store.audits(audit.organisation_id)[-1]
    assert newest.round_no == 2
    assert store.item(newest.id, item.id).rectification == action
    assert store.round_result(newest.id)["score"] == store.round_result(audit.id)["score"]
    # without --org: the company of 基本信息 exists with that credit code — refused, nothing made
    audits = len(store.audits(audit.organisation_id))
    assert main(["selfeval", "import", str(path)]) == 1
    assert "91110000600037341L" in capsys.readouterr().err
    assert len(store.audits(audit.organisation_id)) == audits


def _every_row(store) -> dict[str, list[tuple]]:
    from sqlalchemy import select

    from store.tables import Base

    with store.engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(map(repr, row)) for row in connection.execute(select(table))), key=str
            )
            for table in Base.metadata.sorted_tables
        }


def test_an_import_refused_partway_leaves_the_database_row_for_row_as_it_was(
    database_url, tmp_path
):
    """The organisation, the round and the first items are written before the last item is
    refused by the catalogue; nothing of it may stay (no half-filled round, no new company)."""
    store = new_store(database_url, tmp_path)
    audit = test_audit(store, company(store, name="别的公司", code=VALID_CODE))
    store.save_item(audit.id, "1.1.1", expected_version=0, actor="qm", status=Status.CONFORMING)
    catalogue = store.catalogue(audit.catalogue_hash)
    path = exported(store_dossier_data(store, audit.id), tmp_path)
    filled = read_filled_table(path.read_bytes(), path.name, catalogue)
    assert filled.company is not None
    late = FilledItem("9.9.9", row=999, status=Status.CONFORMING)  # not in the catalogue
    broken = replace(
        filled,
        company=replace(filled.company, name="新公司", credit_code=""),
        items=(*filled.items, late),
    )
    before = _every_row(store)
    with pytest.raises(InvalidEntry):
        import_filled_table(
            store, broken, catalogue, source=path.name, organisation_id=None, actor="qm"
        )
    assert _every_row(store) == before
    # and the same table without the bad line goes in whole afterwards
    imported = import_filled_table(
        store, replace(broken, items=filled.items), catalogue,
        source=path.name, organisation_id=None, actor="qm",
    )  # fmt: skip
    assert imported.created_organisation and store.items(imported.audit.id)["1.1.1"].version == 1

"""The Catalogues page: list, import a body's table with the column mapping, tree, diff, and
moving the open audit onto the imported catalogue."""

from __future__ import annotations

import pytest
from app_helpers import app, fresh_app, new_audit, signed_off, texts
from workbook_builder import example_table, table

from domain.records import AuditState
from scoring import Status

MODES_PAGE = 50  # ui/pages/catalogues.py shows the scoring-mode choices this many at a time

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def store(monkeypatch, tmp_path):
    return fresh_app(monkeypatch, tmp_path)


@pytest.fixture
def audit(store):
    """An audit on the bundled catalogue (made before the body's catalogue is there)."""
    return new_audit(store)


@pytest.fixture
def body(store, audit, tmp_path):
    """The example body's table, imported into the store."""
    from criteria.workbook import import_workbook

    path = example_table(tmp_path)
    imported = import_workbook(path.read_bytes(), path.name)
    return store.register_catalogue(imported.text, path.name)


def button(at, key: str):
    return next(b for b in at.button if b.label == key)


def test_the_list_shows_the_bundled_catalogue_with_its_provisional_share(store):
    at = app("catalogues")
    listing = at.dataframe[0].value
    assert list(listing["目录"]) == ["gbt27922-2011"]
    # items under 售后服务体系 (40 points) are low confidence, the other 60 points provisional
    assert list(listing["暂定分值占比"]) == ["60.00%"]
    assert "随附" in listing["来源"].iloc[0]


def test_uploading_a_body_table_shows_the_guessed_mapping_and_imports_it(store, tmp_path):
    at = app("catalogues")
    path = example_table(tmp_path)
    at.file_uploader[0].upload(path.name, path.read_bytes(), XLSX).run()
    number = next(s for s in at.selectbox if s.label.startswith("编号"))
    assert number.value == "A"
    next(t for t in at.text_input if t.label.startswith("目录标识")).input("example-body")
    next(t for t in at.text_input if t.label.startswith("版本")).input("2026 版")
    button(at, "导入").click().run()
    assert not at.exception
    assert "已保存目录：示例认证中心-评分细则（2026 版）" in texts(at)
    imported = next(c for c in store.catalogues() if c.id == "example-body")
    assert imported.spec.title.zh == "示例认证中心-评分细则"
    assert imported.spec.version == "2026 版"


def test_a_refused_table_lists_every_problem_with_its_place(store):
    at = app("catalogues")
    rows = [("1", "体系", 60), ("1.1", "组织", 60), ("1.1.1", "A", "六十")]
    at.file_uploader[0].upload("bad.xlsx", table(rows), XLSX).run()
    assert "未导入" in texts(at)  # said on upload; the import button stays disabled
    assert button(at, "导入").disabled
    assert "第 4 行 C 列" in at.code[0].value
    assert len(store.catalogues()) == 1


def test_a_column_the_guess_missed_can_be_mapped_in_the_page(store):
    at = app("catalogues")
    rows = [("1", "体系", 60), ("1.1", "组织", 60), ("1.1.1", "A", 60), ("2", "商品", 40)]
    rows += [("2.1", "信息", 40), ("2.1.1", "B", 40)]
    at.file_uploader[0].upload("odd.xlsx", table(rows, header=("Nr", "Text", "Pkt")), XLSX).run()
    for role, letter in (("编号", "A"), ("评价内容", "B"), ("分值", "C")):
        next(s for s in at.selectbox if s.label.startswith(role)).set_value(letter).run()
    button(at, "导入").click().run()
    assert not at.exception
    assert len(store.catalogues()) == 2


def test_the_diff_counts_the_bodys_changes(store, body):
    at = app("catalogues")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "新增": "1",
        "删除": "1",
        "改名": "1",
        "分值变化": "6",
        "评分方式变化": "0",
        "可删减变化": "0",
    }


def test_moving_the_open_signed_off_audit_carries_entries_and_opens_a_new_round(store, audit, body):
    bundled = store.catalogue(audit.catalogue_hash)
    for item in bundled.items:
        store.save_item(
            audit.id, item.id, expected_version=0, actor="测试员", status=Status.CONFORMING
        )
    signed_off(store, audit.id)  # moving freezes the round, as closing does
    at = app("catalogues", audit_id=audit.id)
    mapping = next(s for s in at.selectbox if s.label.startswith("3.2.5"))
    mapping.set_value("3.2.6").run()
    preview = store.preview_catalogue_move(audit.id, body.content_hash, {"3.2.5": "3.2.6"})
    assert f"新一轮共 {len(preview.starting_unassessed)} 项从未评开始" in texts(at)
    button(at, "冻结本轮并在新目录上开启下一轮").click().run()
    assert store.audit(audit.id).state is AuditState.DRAFT  # nothing yet: it asks first
    assert "此操作不能撤销" in texts(at)
    button(at, "冻结并转目录").click().run()
    assert not at.exception
    assert "已在目录" in texts(at) and "100" in texts(at)
    assert store.audit(audit.id).state is AuditState.FROZEN
    newest = store.audits(audit.organisation_id)[-1]
    assert newest.catalogue_hash == body.content_hash
    assert store.item(newest.id, "3.2.6").status is Status.CONFORMING
    assert at.session_state["audit_id"] == newest.id


def test_the_dashboard_names_the_catalogue_it_scores_against(store):
    audit = new_audit(store)
    at = app("dashboard", audit_id=audit.id)
    assert "商品售后服务评价体系（2011）" in texts(at) and "暂定分值占" in texts(at)
    assert store.catalogue(audit.catalogue_hash).short_hash not in texts(at)


def test_catalogues_are_named_by_title_and_version_not_by_hash():
    """The new-audit form named the catalogue by its hash, and an imported table's version
    read "sha256-…"."""
    from criteria import DEFAULT_CATALOGUE, default_catalogue, parse_catalogue
    from scoring.display import catalogue_name
    from ui.catalogue_rows import catalogue_names

    bundled = default_catalogue()
    assert catalogue_name(bundled, "zh") == "商品售后服务评价体系（2011）"
    assert catalogue_name(bundled, "en").endswith("(2011)")
    source = DEFAULT_CATALOGUE.read_text(encoding="utf-8")
    unnamed = parse_catalogue(source.replace('version: "2011"', 'version: "sha256-0123456789ab"'))
    assert catalogue_name(unnamed, "zh") == "商品售后服务评价体系（未注明版本）"
    assert catalogue_name(unnamed, "en").endswith("(no version given)")
    other_id = parse_catalogue(source.replace("id: gbt27922-2011", "id: copy-2011"))
    names = catalogue_names([bundled, other_id], "zh")
    assert names[bundled.content_hash] == "商品售后服务评价体系（2011） · gbt27922-2011"
    assert names[other_id.content_hash] == "商品售后服务评价体系（2011） · copy-2011"
    for name in names.values():
        assert bundled.short_hash not in name and other_id.short_hash not in name


def test_the_pickers_name_catalogues_by_title_and_version(store, audit, body):
    at = app("catalogues", audit_id=audit.id)
    body_name = f"{body.spec.title.zh}（未注明版本）"
    for key in ("catalogues.tree_pick", "catalogues.before", "catalogues.move_target"):
        options = at.selectbox(key=key).options
        assert body_name in options, key
        assert not any(body.short_hash in o for o in options), key
    assert "商品售后服务评价体系（2011）" in texts(at)  # the open audit's, in the move line
    listing = at.dataframe[0].value
    assert "未注明版本" in list(listing["版本"]) and not any("sha256" in v for v in listing["版本"])
    at = app("audits")
    options = at.selectbox(key="new_audit.catalogue").options
    assert "商品售后服务评价体系（2011）" in options and body_name in options


def test_the_page_in_english(store, audit, body):
    at = app("catalogues", audit_id=audit.id, lang="en")
    assert not at.exception
    assert "Move the open audit onto another catalogue" in texts(at)
    assert {"Added", "Removed", "Renamed", "Points changed"} <= {m.label for m in at.metric}


def test_a_merged_table_with_modes_in_words_is_confirmed_item_by_item_then_imported(
    store, tmp_path
):
    from workbook_builder import example_layout

    from criteria import default_catalogue

    at = app("catalogues")
    path = example_layout(tmp_path, "merged")
    at.file_uploader[0].upload(path.name, path.read_bytes(), XLSX).run()
    assert not at.exception
    items = default_catalogue().items
    assert len(items) > MODES_PAGE  # so the choices come a page at a time

    def modes():
        return {s.label: s for s in at.selectbox if s.label.count(".") == 2}

    assert len(modes()) == MODES_PAGE
    first, last = items[0], items[-1]
    assert modes()[first.id].value == first.scoring
    changed = "sampled" if first.scoring == "binary" else "binary"
    modes()[first.id].set_value(changed).run()
    at.selectbox(key="catalogues.modes_page").set_value(2).run()
    assert last.id in modes() and first.id not in modes()
    changed_last = "sampled" if last.scoring == "binary" else "binary"
    modes()[last.id].set_value(changed_last).run()
    next(t for t in at.text_input if t.label.startswith("目录标识")).input("merged-body").run()
    button(at, "导入").click().run()
    assert not at.exception
    assert "merged-body" in [c.id for c in store.catalogues()], texts(at)[-3000:]
    imported = next(c for c in store.catalogues() if c.id == "merged-body")
    assert imported.item(first.id).scoring == changed  # chosen on page 1, kept
    assert imported.item(last.id).scoring == changed_last
    assert [i.excludable for i in imported.items] == [
        i.excludable for i in default_catalogue().items
    ]


def test_a_hostile_workbook_is_refused_on_the_page_without_a_traceback(store):
    from hostile_workbooks import HOSTILE

    at = app("catalogues")
    for case in ("zip bomb", "entities", "1e308"):
        at.file_uploader[0].upload("hostile.xlsx", HOSTILE[case](), XLSX).run()
        assert not at.exception
        assert "未导入" in texts(at) or at.code
    assert len(store.catalogues()) == 1


def test_the_mapping_chosen_for_a_layout_is_offered_at_the_next_upload_of_it(store):
    rows = [("1", "体系", 60), ("1.1", "组织", 60), ("1.1.1", "A", 60), ("2", "商品", 40)]
    rows += [("2.1", "信息", 40), ("2.1.1", "B", 40)]
    data = table(rows, header=("Nr", "Text", "Pkt"))
    at = app("catalogues")
    at.file_uploader[0].upload("odd.xlsx", data, XLSX).run()
    for role, letter in (("编号", "A"), ("评价内容", "B"), ("分值", "C")):
        next(s for s in at.selectbox if s.label.startswith(role)).set_value(letter).run()
    next(t for t in at.text_input if t.label.startswith("目录标识")).input("odd-body").run()
    button(at, "导入").click().run()
    assert not at.exception
    again = app("catalogues")
    again.file_uploader[0].upload("odd-2027.xlsx", data, XLSX).run()
    assert "曾导入过" in texts(again)
    chosen = {s.label.rstrip(" *"): s.value for s in again.selectbox}
    assert (chosen["编号"], chosen["评价内容"], chosen["分值"]) == ("A", "B", "C")

"""Comparing two catalogues: items matched by number; added, removed, renamed, re-pointed, and
every indicator's total before and after."""

from __future__ import annotations

from decimal import Decimal

import yaml
from catalogue_builder import ItemDef, build_catalogue, catalogue_dict

from criteria import parse_catalogue
from criteria.diff import diff_catalogues

BEFORE = [ItemDef("1.1.1", 40), ItemDef("1.1.2", 20), ItemDef("2.1.1", 40)]


def renamed(items, item_id, zh):
    data = catalogue_dict(items)
    for first in data["indicators"]:
        for second in first["children"]:
            for item in second["items"]:
                if item["id"] == item_id:
                    item["title"] = {"zh": zh, "en": item["title"]["en"]}
    return parse_catalogue(yaml.safe_dump(data, allow_unicode=True))


def test_the_same_catalogue_has_no_differences():
    catalogue = build_catalogue(BEFORE)
    diff = diff_catalogues(catalogue, catalogue)
    assert diff.same_items
    assert not any(total.changed for total in diff.totals)


def test_items_added_removed_and_repointed_are_listed_by_number():
    before = build_catalogue(BEFORE)
    after = build_catalogue([ItemDef("1.1.1", 30), ItemDef("1.1.3", 30), ItemDef("2.1.1", 40)])
    diff = diff_catalogues(before, after)
    assert [c.id for c in diff.added] == ["1.1.3"]
    assert [c.id for c in diff.removed] == ["1.1.2"]
    assert [(c.id, c.before.points, c.after.points) for c in diff.repointed] == [
        ("1.1.1", Decimal(40), Decimal(30))
    ]
    assert diff.renamed == ()


def test_a_new_chinese_title_is_a_rename_and_a_missing_english_one_is_not():
    before = build_catalogue(BEFORE)
    after = renamed(BEFORE, "1.1.2", "网点覆盖全部销售区域")
    diff = diff_catalogues(before, after)
    assert [(c.id, c.after.title.zh) for c in diff.renamed] == [("1.1.2", "网点覆盖全部销售区域")]


def test_indicator_totals_show_before_and_after_and_indicators_only_one_side_has():
    before = build_catalogue(BEFORE)
    after = build_catalogue([ItemDef("1.1.1", 40), ItemDef("1.2.1", 20), ItemDef("2.1.1", 40)])
    totals = {t.id: (t.before, t.after) for t in diff_catalogues(before, after).totals}
    assert totals["1"] == (Decimal(60), Decimal(60))
    assert totals["1.1"] == (Decimal(60), Decimal(40))
    assert totals["1.2"] == (None, Decimal(20))
    assert list(totals) == ["1", "1.1", "1.2", "2", "2.1"]


def test_items_scored_another_way_or_no_longer_excludable_are_changes():
    """The table whose 评分方法 was free text came in all pass/fail and none excludable; the
    comparison said 'the same items' while 7 items lost sampling and 8 lost excludability."""
    from workbook_builder import table

    from cli.catalogue_commands import diff_lines
    from criteria import default_catalogue
    from criteria.workbook import import_workbook

    bundled = default_catalogue()
    rows = [("5", "评价指标", 100)]
    for first in bundled.first_levels:
        for second in first.children:
            rows.append((f"5.{second.id}", second.title.zh))
            rows += [
                (f"5.{i.id}", i.title.zh, float(i.points), "未做到不得分") for i in second.items
            ]
        rows.insert(
            len(rows) - sum(len(s.items) + 1 for s in first.children),
            (f"5.{first.id}", first.title.zh),
        )
    header = ("条款号", "评价内容", "分值", "评分方法")
    imported = import_workbook(table(rows, header=header), "body.xlsx").catalogue
    diff = diff_catalogues(bundled, imported)
    sampled = [i.id for i in bundled.items if i.scoring == "sampled"]
    excludable = [i.id for i in bundled.items if i.excludable]
    assert [c.id for c in diff.rescored] == sampled
    assert [c.id for c in diff.reexcluded] == excludable
    assert not diff.same_items
    lines = diff_lines(diff, "en")
    assert f"Items scored another way: {len(sampled)}" in lines
    assert f"Items whose excludability changed: {len(excludable)}" in lines

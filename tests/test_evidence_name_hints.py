"""Defaults a batch upload proposes from each file's name (a person checks them)."""

from datetime import date

import pytest

from evidence.name_hints import covered_period, hints_from_name


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("回访记录2026-03", date(2026, 3, 1), date(2026, 3, 31)),
        ("回访记录202603", date(2026, 3, 1), date(2026, 3, 31)),
        ("回访记录 2026年2月", date(2026, 2, 1), date(2026, 2, 28)),
        ("台账2026.01-2026.03", date(2026, 1, 1), date(2026, 3, 31)),
        ("台账 2026-01至03", date(2026, 1, 1), date(2026, 3, 31)),
        ("投诉分析 2026Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("巡检 20260315", date(2026, 3, 15), date(2026, 3, 15)),
        ("巡检 2026-03-15", date(2026, 3, 15), date(2026, 3, 15)),
    ],
)
def test_a_period_in_the_name_becomes_the_covered_period(name, start, end):
    assert covered_period(name) == (start, end)


@pytest.mark.parametrize("name", ["售后服务管理制度", "合同编号 12026031", "2026-13 记录", "v202"])
def test_a_name_without_a_period_proposes_none(name):
    assert covered_period(name) == (None, None)


def test_title_and_kind_come_from_the_name():
    hints = hints_from_name("2026年3月回访记录.xlsx")
    assert (hints.title, hints.kind) == ("2026年3月回访记录", "record")
    assert hints.covered_from == date(2026, 3, 1)
    assert hints_from_name("售后服务管理制度.pdf").kind == "policy"
    assert hints_from_name("IMG_0001.jpg").kind == "photo"
    assert hints_from_name("扫描件.pdf").kind == "other"

"""The GB/T 27922-2011 catalogue shipped with the tool, and the example audits scored on it."""

import json
from fractions import Fraction
from pathlib import Path

import pytest

from cli.main import main
from criteria import DEFAULT_CATALOGUE, default_catalogue

EXAMPLES = Path(__file__).parent.parent / "examples"
FIRST_LEVEL = {"1": "售后服务体系", "2": "商品服务", "3": "顾客服务"}
SECOND_LEVEL = {
    "1.1": "组织架构",
    "1.2": "人员配置",
    "1.3": "资源配置",
    "1.4": "规范要求",
    "1.5": "监督",
    "1.6": "改进",
    "1.7": "服务文化",
    "2.1": "商品信息",
    "2.2": "技术支持",
    "2.3": "配送",
    "2.4": "维修",
    "2.5": "质量保证",
    "2.6": "废弃商品回收",
    "3.1": "顾客关系",
    "3.2": "投诉处理",
}


def test_the_tree_has_the_standards_3_first_and_15_second_level_indicators():
    catalogue = default_catalogue()
    assert {f.id: f.title.zh for f in catalogue.first_levels} == FIRST_LEVEL
    assert {s.id: s.title.zh for s in catalogue.second_levels} == SECOND_LEVEL


def test_item_points_total_exactly_100_and_first_levels_weigh_40_35_25():
    catalogue = default_catalogue()
    assert sum(Fraction(i.points) for i in catalogue.items) == 100
    weights = {
        f.id: sum(Fraction(i.points) for s in f.children for i in s.items)
        for f in catalogue.first_levels
    }
    assert weights == {"1": 40, "2": 35, "3": 25}


def test_every_item_says_where_its_points_come_from():
    catalogue = default_catalogue()
    for item in catalogue.items:
        assert item.source.note, item.id
        assert item.source.provisional or item.source.refs, item.id


def test_both_tier_schemes_are_available():
    catalogue = default_catalogue()
    default = [(t.title.zh, t.min_score) for t in catalogue.scheme("default").tiers]
    stars = [(t.title.zh, t.min_score) for t in catalogue.scheme("stars-70-80-90").tiers]
    assert default == [("达标级", 70), ("三星级", 80), ("四星级", 90), ("五星级", 95)]
    assert stars == [("三星级", 70), ("四星级", 80), ("五星级", 90), ("五星级（卓越）", 95)]


def test_the_bundled_catalogue_validates_from_the_command_line(capsys):
    assert main(["validate", str(DEFAULT_CATALOGUE)]) == 0
    assert "52 items, 100 points" in capsys.readouterr().out


def score(capsys, name, *extra):
    assert main(["score", str(EXAMPLES / name), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_appliance_retailer_example_matches_the_hand_calculation(capsys):
    result = score(capsys, "appliance-retailer.yaml")
    assert result["applicable_points"] == 100
    assert result["earned_points"] == pytest.approx(92.475)
    assert result["score"] == pytest.approx(91.475)
    assert result["score_display"] == "91.4"
    assert result["tier"]["zh"] == "四星级"
    assert result["eligible"] is True
    assert result["points_to_next_tier"] == pytest.approx(3.525)
    assert [f["ref"] for f in result["plan"]["fixes"]] == ["3.1.4", "special_deductions[0]"]


def test_software_company_example_matches_the_hand_calculation(capsys):
    result = score(capsys, "software-company.yaml")
    assert result["applicable_points"] == 81
    assert result["earned_points"] == pytest.approx(77.75)
    assert result["score_exact"] == str(Fraction(7775, 81))
    assert result["tier"]["zh"] == "五星级"
    stars = score(capsys, "software-company.yaml", "--scheme", "stars-70-80-90")
    assert stars["tier"]["zh"] == "五星级（卓越）"


def test_first_self_check_example_is_below_70_and_not_eligible(capsys):
    result = score(capsys, "first-self-check.yaml")
    assert result["score"] == 58
    assert result["tier"] is None and result["fail_title"]["zh"] == "未达标"
    assert result["eligible"] is False
    assert result["eligibility"]["unmet"] == ["system_running_3_months"]
    assert result["points_to_next_tier"] == 12

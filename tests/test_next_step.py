"""The next step under the verdict, read from audit documents (tests/fixtures/verdict/*.yaml,
each says in its header what an evaluator would conclude). The text report, the JSON and every
other surface give the same step and the same figures."""

import json
from pathlib import Path

import pytest

from cli.main import main
from texts import t

DOCUMENTS = Path(__file__).parent / "fixtures" / "verdict"


def score(capsys, name, *extra):
    assert main(["score", str(DOCUMENTS / name), *extra]) == 0
    return capsys.readouterr().out


def scored(capsys, name):
    return json.loads(score(capsys, name, "--json")), score(capsys, name)


def test_five_deductions_name_the_one_to_rectify_and_the_five_star_tier_it_reaches(capsys):
    result, text = scored(capsys, "five-deductions.yaml")
    assert result["score_display"] == "95.00" and result["verdict"]["tier"] is None
    step = result["next_step"]
    assert (step["kind"], step["tier"]["id"]) == ("rectify_deductions", "five_star")
    assert step["deductions"] == ["投诉记录缺少处理结果"]  # the least effort of the five
    assert step["score_after_exact"] == "96"
    assert (
        t(
            "next.rectify_reaches",
            "zh",
            count=1,
            reasons="投诉记录缺少处理结果",
            score="96.00",
            tier="五星级",
        )
        in text
    )
    nothing_said = t("report.next_tier", "zh", tier="达标级", min="70.00", need="0.00")
    assert nothing_said not in text


def test_when_rectifying_still_reaches_no_tier_the_step_says_how_far_it_stays(capsys):
    result, text = scored(capsys, "six-deductions-short.yaml")
    step = result["next_step"]
    assert (step["kind"], step["tier"], step["points_display"]) == (
        "rectify_deductions",
        None,
        "7.00",
    )
    assert step["deductions"] == ["未按三包规定退货", "服务承诺未公示"]
    assert t(
        "next.rectify_short",
        "en",
        count=2,
        reasons="未按三包规定退货; 服务承诺未公示",
        score="63.00",
        tier="Compliant",
        min="70.00",
        need="7.00",
    ) in score(capsys, "six-deductions-short.yaml", "--lang", "en")
    assert "63.00" in text


def test_no_tier_because_a_prerequisite_is_unmet_is_never_the_highest_tier_reached(capsys):
    result, text = scored(capsys, "top-score-prerequisite-unmet.yaml")
    assert result["score_display"] == "100.00" and result["verdict"]["tier"] is None
    assert result["next_step"]["kind"] == "meet_prerequisites"
    assert result["next_step"]["unmet_prerequisites"] == ["no_major_incident"]
    assert t("report.top_tier", "zh") not in text
    assert t("next.meet_prerequisites", "zh", unmet="近期未发生重大产品质量或售后服务事故") in text


def test_a_score_clamped_at_zero_is_70_short_in_the_text_as_in_the_json(capsys):
    result, text = scored(capsys, "score-clamped-at-zero.yaml")
    assert result["score_display"] == "0.00"
    assert result["points_to_next_tier_display"] == "70.00"
    assert result["next_step"]["points_display"] == "70.00"
    assert t("report.next_tier", "zh", tier="达标级", min="70.00", need="70.00") in text
    assert "72.00" not in text


@pytest.mark.parametrize("name", sorted(p.name for p in DOCUMENTS.glob("*.yaml")))
def test_the_text_report_and_the_json_give_the_same_figures(capsys, name):
    result, text = scored(capsys, name)
    assert (
        t(
            "report.score",
            "zh",
            score=result["score_display"],
            tier=result["verdict"]["label"]["zh"],
        )
        in text
    )
    if result["next_step"]["points_display"] is not None:
        assert f"{result['next_step']['points_display']} 分" in text

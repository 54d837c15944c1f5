"""``gbt-audit validate`` and ``gbt-audit score``: results, and clear refusals with exit 1."""

import json
import os
import textwrap

import pytest
import yaml
from catalogue_builder import ItemDef, catalogue_dict

from cli.main import main

ITEMS = [
    ItemDef("1.1.1", 30),
    ItemDef("1.1.2", 20, scoring="sampled"),
    ItemDef("2.1.1", 40, excludable=True),
    ItemDef("2.1.2", 10),
]


@pytest.fixture
def catalogue_file(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(catalogue_dict(ITEMS), allow_unicode=True), encoding="utf-8")
    return path


def write(tmp_path, text: str, name: str = "audit.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_accepts_a_good_catalogue(capsys, catalogue_file):
    code, out, _ = run(capsys, "validate", catalogue_file)
    assert code == 0
    assert "OK" in out and "4 items" in out


def test_validate_refuses_a_broken_catalogue_with_exit_1(capsys, tmp_path):
    data = catalogue_dict(ITEMS, total=90)
    path = write(tmp_path, yaml.safe_dump(data), "bad.yaml")
    code, _, err = run(capsys, "validate", path)
    assert code == 1
    assert f"{path}:" in err and "item points sum to 100, but total_points declares 90" in err


def test_score_json_gives_score_tier_and_breakdown(capsys, tmp_path, catalogue_file):
    audit = write(
        tmp_path,
        """\
        prerequisites: {legal_entity: true, no_major_incident: true}
        items:
          "1.1.1": conforming
          "1.1.2": {status: sampled, checked: 10, conforming: 9}
          "2.1.1": {status: not_applicable, justification: 本公司不提供配送}
          "2.1.2": {status: not_conforming, finding: 无回访记录}
        special_bonus: {reason: 延保承诺领先行业}
        """,
    )
    code, out, _ = run(capsys, "score", audit, "--catalogue", catalogue_file, "--json")
    assert code == 0
    result = json.loads(out)
    # applicable 60, earned 30 + 18 = 48 → 80, +1 bonus → 81
    assert result["applicable_points"] == 60
    assert result["earned_points"] == 48
    assert result["score"] == 81
    assert result["tier"]["id"] == "three_star"
    assert result["eligible"] is True
    assert [s["id"] for s in result["sections"]] == ["1", "2"]
    assert [g["item"] for g in result["gaps"]] == ["2.1.2", "1.1.2"]
    assert result["plan"]["target"]["id"] == "four_star"
    assert [f["ref"] for f in result["plan"]["fixes"]] == ["2.1.2"]


def test_score_text_output_is_chinese_by_default(capsys, tmp_path, catalogue_file):
    audit = write(tmp_path, 'items: {"1.1.1": conforming}\n')
    code, out, _ = run(capsys, "score", audit, "--catalogue", catalogue_file)
    assert code == 0
    assert "得分：30.00" in out and "not passed（中）：得分 30.00 低于 70.00 分" in out
    # the three items not assessed are open, not gaps
    assert "失分项（0）" in out and "未评项 3 个" in out


def test_the_scheme_option_switches_the_tier_scheme(capsys, tmp_path, catalogue_file):
    audit = write(tmp_path, 'items: {"1.1.1": conforming, "2.1.1": conforming}\n')
    args = ("score", audit, "--catalogue", catalogue_file, "--json")
    assert json.loads(run(capsys, *args)[1])["tier"]["id"] == "compliant"
    stars = json.loads(run(capsys, *args, "--scheme", "body-stars")[1])
    assert stars["tier"]["id"] == "three_star"


@pytest.mark.parametrize(
    ("audit_text", "expected"),
    [
        ('items: {"9.9.9": conforming}\n', ":1: item 9.9.9: unknown item id"),
        (
            'items:\n  "1.1.2": {status: sampled, checked: 5, conforming: 6}\n',
            ":2: item 1.1.2: conforming samples (6) exceed samples checked (5)",
        ),
        (
            'items:\n  "1.1.2": {status: sampled, checked: 5, conforming: -1}\n',
            ":2: item 1.1.2: conforming samples cannot be negative",
        ),
        (
            'items:\n  "2.1.1": {status: not_applicable}\n',
            ":2: item 2.1.1: excluded as not applicable without a justification",
        ),
        (
            "special_bonus:\n  - {reason: 一}\n  - {reason: 二}\n",
            ":2: special_bonus: at most 1 special bonus may be given; got 2",
        ),
        (
            'items: {"1.1.1": excellent}\n',
            ":1: items.1.1.1.status: Input should be 'conforming', 'not_conforming', 'sampled'",
        ),
        ("items: [1, 2\n", "invalid YAML"),
        ("special_deductions:\n  - {category: law}\n", ":2: special_deductions[0].reason: Field"),
        ("scheme: gold\n", ":1: scheme: unknown tier scheme 'gold'"),
        (
            'items:\n  "1.1.2": {status: sampled, checked: true, conforming: 1}\n',
            ":2: items.1.1.2.checked: Input should be a valid integer",
        ),
        (
            'items:\n  "1.1.2": {status: sampled, checked: 5, conforming: "4"}\n',
            ":2: items.1.1.2.conforming: Input should be a valid integer",
        ),
        ("catalogue: other-standard\n", ":1: catalogue: audit is for 'other-standard'"),
        ("colour: blue\n", ":1: colour: Extra inputs are not permitted"),
    ],
)
def test_score_refuses_bad_audits_naming_file_line_and_entry(
    capsys, tmp_path, catalogue_file, audit_text, expected
):
    audit = write(tmp_path, audit_text)
    code, out, err = run(capsys, "score", audit, "--catalogue", catalogue_file)
    assert code == 1
    assert out == ""
    assert expected in err
    assert str(audit) in err


def test_a_missing_audit_file_is_refused(capsys, tmp_path, catalogue_file):
    code, _, err = run(capsys, "score", tmp_path / "missing.yaml", "--catalogue", catalogue_file)
    assert code == 1 and "file not found" in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["frobnicate"])
    assert exited.value.code == 2


def test_an_unknown_scheme_option_is_a_usage_error_naming_the_flag(
    capsys, tmp_path, catalogue_file
):
    audit = write(tmp_path, 'items: {"1.1.1": conforming}\n')
    code, out, err = run(capsys, "score", audit, "--catalogue", catalogue_file, "--scheme", "gold")
    assert code == 2 and out == ""
    assert "argument --scheme: unknown tier scheme 'gold'" in err
    assert str(audit) not in err  # not a line of the audit file


def test_sample_counts_from_the_store_must_be_whole_numbers():
    from catalogue_builder import build_catalogue

    from scoring import AuditInput, ItemAssessment, Status, validate_audit

    catalogue = build_catalogue(ITEMS)
    for checked, conforming in ((True, 1), ("5", 4), (5, 4.0)):
        entry = ItemAssessment(
            "1.1.2", Status.SAMPLED, samples_checked=checked, samples_conforming=conforming
        )
        (problem,) = validate_audit(catalogue, AuditInput(assessments={"1.1.2": entry}))
        assert problem.path == ("items", "1.1.2")
        assert "whole numbers" in problem.message


@pytest.mark.parametrize("json_flag", [["--json"], []])
def test_score_into_a_closed_pipe_exits_quietly(json_flag):
    """``gbt-audit score … --json | head`` ended in a BrokenPipeError traceback. A real pipe whose
    reader is gone before the first write: every write fails, as once ``head`` has its lines."""
    import subprocess
    import sys
    from pathlib import Path

    example = Path(__file__).parent.parent / "examples" / "appliance-retailer.yaml"
    read_end, write_end = os.pipe()
    os.close(read_end)
    with subprocess.Popen(
        [sys.executable, "-m", "cli", "score", str(example), *json_flag],
        stdout=write_end,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).parent.parent,
    ) as proc:
        os.close(write_end)
        _, err = proc.communicate(timeout=60)
    assert err.decode() == ""
    assert proc.returncode == 141

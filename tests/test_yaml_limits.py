"""Every YAML the tool reads (catalogues for `validate` and `score --catalogue`, audit files,
catalogues inside archives) goes through one reader that refuses anchors and aliases, oversized
text and deep nesting, and keeps its error messages short."""

from __future__ import annotations

import pytest
import yaml
from catalogue_builder import ItemDef, catalogue_dict

from cli.main import main
from criteria import CatalogueError, parse_catalogue
from criteria.yaml_source import MAX_YAML_BYTES

CATALOGUE = yaml.safe_dump(catalogue_dict([ItemDef("1.1.1", 60), ItemDef("1.1.2", 40)]))


def laughs(levels: int) -> str:
    """The "billion laughs": each level ten aliases of the one before, 10^levels strings."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def bomb(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text(CATALOGUE + laughs(6), encoding="utf-8")  # a million strings if expanded
    return path


def test_validate_refuses_a_billion_laughs_catalogue_before_expanding_it(bomb, capsys):
    assert main(["validate", str(bomb)]) == 1
    err = capsys.readouterr().err
    assert f"{bomb}:" in err and "invalid YAML: anchors (&l0) are not allowed" in err
    assert len(err) < 1000


def test_score_refuses_a_billion_laughs_catalogue(bomb, tmp_path, capsys):
    audit = tmp_path / "audit.yaml"
    audit.write_text('items: {"1.1.1": conforming}\n', encoding="utf-8")
    assert main(["score", str(audit), "--catalogue", str(bomb)]) == 1
    assert "anchors (&l0) are not allowed" in capsys.readouterr().err


def test_an_audit_file_with_aliases_is_refused(tmp_path, capsys):
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    audit = tmp_path / "audit.yaml"
    audit.write_text('items:\n  "1.1.1": &ok conforming\n  "1.1.2": *ok\n', encoding="utf-8")
    assert main(["score", str(audit), "--catalogue", str(catalogue)]) == 1
    assert f"{audit}:2: invalid YAML: anchors (&ok) are not allowed" in capsys.readouterr().err


def test_a_catalogue_over_the_size_limit_is_not_read(tmp_path, capsys):
    huge = tmp_path / "huge.yaml"
    huge.write_text(CATALOGUE + "# padding\n" * (MAX_YAML_BYTES // 10 + 1), encoding="utf-8")
    assert main(["validate", str(huge)]) == 1
    assert f"larger than {MAX_YAML_BYTES} bytes; not read" in capsys.readouterr().err


@pytest.mark.parametrize("depth", [60, 100_000])
def test_deep_nesting_is_refused_not_a_crash(tmp_path, capsys, depth):
    deep = tmp_path / "deep.yaml"
    deep.write_text("x: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    assert main(["validate", str(deep)]) == 1
    err = capsys.readouterr().err
    if depth == 60:
        assert "invalid YAML: nested deeper than 50 levels" in err
    else:  # libyaml, which scans for us, stops at its own limit (1,000) first
        assert "invalid YAML:" in err and "nest" in err


def test_an_error_quoting_a_huge_value_stays_short():
    data = catalogue_dict([ItemDef("1.1.1", 60), ItemDef("1.1.2", 40)])
    for first in data["indicators"]:
        for second in first["children"]:
            for item in second["items"]:
                item["scoring"] = "x" * 1_000_000  # quoted in "got ..." by the message
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(yaml.safe_dump(data, width=2**31), "long.yaml")
    assert len(refused.value.problems) == 2
    assert len(str(refused.value)) < 2000
    assert "more characters" in str(refused.value)

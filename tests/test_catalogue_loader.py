"""Any catalogue file is validated; a broken one is refused naming the file, node and line."""

import copy
import dataclasses
from pathlib import Path

import pytest
import yaml
from catalogue_builder import ItemDef, build_catalogue, catalogue_dict

from criteria import CatalogueError, load_catalogue, parse_catalogue

ITEMS = [ItemDef("1.1.1", 40), ItemDef("1.1.2", 35, scoring="sampled"), ItemDef("2.1.1", 25)]


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def refusal(text: str, source: str = "broken.yaml") -> CatalogueError:
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(text, source)
    return refused.value


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{fragment!r} not in text")


def test_a_well_formed_catalogue_loads():
    catalogue = parse_catalogue(dump(catalogue_dict(ITEMS)))
    assert [i.id for i in catalogue.items] == ["1.1.1", "1.1.2", "2.1.1"]
    assert catalogue.item("1.1.2").scoring == "sampled"
    assert catalogue.first_level_of("1.1.2") == "1"


def test_invalid_yaml_is_refused_with_its_line():
    error = refusal("format_version: 1\nid: [unclosed\nstandard: x\n")
    assert error.problems[0].line == 3
    assert str(error).startswith("broken.yaml:3: invalid YAML")


def test_a_duplicate_key_is_refused_not_silently_overwritten():
    text = dump(catalogue_dict(ITEMS)) + "id: another\n"
    error = refusal(text)
    assert "duplicate key 'id'" in str(error)
    assert error.problems[0].line == len(text.splitlines())


def test_a_missing_field_names_the_node_and_line():
    data = catalogue_dict(ITEMS)
    del data["indicators"][0]["children"][0]["items"][1]["guidance"]
    text = dump(data)
    error = refusal(text)
    (problem,) = error.problems
    assert problem.node_id == "1.1.2"
    assert problem.message == "missing field 'guidance'"
    assert problem.path == "indicators[0].children[0].items[1].guidance"
    assert problem.line == line_of(text, "id: 1.1.2")  # the item's mapping: where the field is due
    assert str(error).startswith(f"broken.yaml:{problem.line}: node 1.1.2 ")


def test_a_duplicate_id_is_refused():
    data = catalogue_dict(ITEMS)
    data["indicators"][0]["children"][0]["items"][1]["id"] = "1.1.1"
    data["total_points"] = "100"
    text = dump(data)
    problem = refusal(text).problems[0]
    assert problem.message.startswith("duplicate id '1.1.1'")
    assert problem.line == line_of(text, "id: 1.1.1", occurrence=2)


def test_an_id_must_sit_under_its_parent():
    data = catalogue_dict(ITEMS)
    data["indicators"][1]["children"][0]["items"][0]["id"] = "1.1.9"
    messages = [p.message for p in refusal(dump(data)).problems]
    assert "id '1.1.9' must be '2.1.<n>' under indicator 2.1" in messages


def test_points_must_sum_to_the_declared_total():
    data = catalogue_dict(ITEMS, total=99)
    text = dump(data)
    (problem,) = refusal(text).problems
    assert problem.message == "item points sum to 100, but total_points declares 99"
    assert problem.line == line_of(text, "total_points")


def test_an_unknown_scoring_mode_is_refused():
    data = catalogue_dict(ITEMS)
    data["indicators"][0]["children"][0]["items"][0]["scoring"] = "weighted"
    text = dump(data)
    (problem,) = refusal(text).problems
    assert problem.node_id == "1.1.1"
    assert "'binary' or 'sampled'" in problem.message and "weighted" in problem.message
    assert problem.line == line_of(text, "scoring: weighted")


def test_an_unknown_default_tier_scheme_is_refused():
    data = catalogue_dict(ITEMS)
    data["default_tier_scheme"] = "platinum"
    (problem,) = refusal(dump(data)).problems
    assert problem.message.startswith("unknown tier scheme 'platinum'")


def test_tiers_must_ascend():
    data = catalogue_dict(ITEMS)
    scheme = copy.deepcopy(data["tier_schemes"][0])
    scheme["tiers"][1]["min_score"] = 65
    data["tier_schemes"][0] = scheme
    assert "must have a higher min_score" in str(refusal(dump(data)))


def test_unknown_fields_are_refused_so_typos_do_not_pass_silently():
    data = catalogue_dict(ITEMS)
    data["indicators"][0]["children"][0]["items"][0]["pionts"] = 3
    (problem,) = refusal(dump(data)).problems
    assert problem.message == "unknown field 'pionts'"


def test_a_sourced_item_must_name_its_source():
    data = catalogue_dict(ITEMS)
    data["indicators"][0]["children"][0]["items"][0]["source"] = {
        "refs": [],
        "confidence": "sourced",
    }
    assert "must name at least one source" in str(refusal(dump(data)))


def test_every_problem_is_reported_at_once():
    data = catalogue_dict(ITEMS, total=90)
    data["default_tier_scheme"] = "platinum"
    assert len(refusal(dump(data)).problems) == 2


def test_a_missing_file_and_a_non_utf8_file_are_refused_clearly(tmp_path):
    with pytest.raises(CatalogueError, match="file not found"):
        load_catalogue(tmp_path / "nope.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: caf\xe9".encode("latin-1"))
    with pytest.raises(CatalogueError, match="not UTF-8"):
        load_catalogue(latin)


def test_an_empty_file_is_refused():
    assert "expected a mapping, got empty" in str(refusal(""))


def test_a_loaded_catalogue_cannot_be_changed():
    catalogue = build_catalogue(ITEMS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalogue.origin = "elsewhere"
    with pytest.raises(Exception, match="frozen"):
        catalogue.items[0].points = 99
    assert isinstance(catalogue.items, tuple)


def test_the_content_hash_follows_content_not_layout():
    data = catalogue_dict(ITEMS)
    plain = parse_catalogue(dump(data))
    reordered = parse_catalogue(yaml.safe_dump(data, sort_keys=True) + "# a comment\n")
    assert plain.content_hash == reordered.content_hash
    changed = copy.deepcopy(data)
    changed["indicators"][0]["children"][0]["items"][0]["title"]["zh"] = "改过的标题"
    assert parse_catalogue(dump(changed)).content_hash != plain.content_hash
    assert len(plain.content_hash) == 64


def test_the_deduction_limit_is_a_whole_number_of_at_least_one():
    for bad in (0, True, "5", 2.5):
        data = catalogue_dict(ITEMS)
        data["special_items"]["fail_at_deductions"] = bad
        text = dump(data)
        problem = refusal(text).problems[0]
        assert problem.path == "special_items.fail_at_deductions", bad
        assert problem.line == line_of(text, "fail_at_deductions")


def test_every_item_states_a_confidence_of_sourced_low_or_provisional():
    data = catalogue_dict(ITEMS)
    data["indicators"][0]["children"][0]["items"][0]["source"]["confidence"] = "high"
    problem = refusal(dump(data)).problems[0]
    assert problem.node_id == "1.1.1" and "confidence" in problem.path
    del data["indicators"][0]["children"][0]["items"][0]["source"]["confidence"]
    assert "confidence" in str(refusal(dump(data)))


def test_a_legacy_provisional_flag_must_agree_with_the_confidence():
    data = catalogue_dict(ITEMS)
    data["indicators"][0]["children"][0]["items"][0]["source"]["provisional"] = False
    assert "contradicts confidence: provisional" in str(refusal(dump(data)))


def test_every_tier_scheme_names_its_published_source():
    data = catalogue_dict(ITEMS)
    del data["tier_schemes"][0]["source"]
    assert "tier scheme 'default': missing field 'source'" in str(refusal(dump(data)))
    data = catalogue_dict(ITEMS)
    data["tier_schemes"][0]["source"]["refs"] = ["NOPE"]
    assert "unknown source 'NOPE'" in str(refusal(dump(data)))


def test_a_catalogue_stored_in_format_1_still_loads_with_its_hash_and_the_standards_limit():
    # the bundled catalogue as stored before format 2: audits in existing stores refer to
    # this exact hash, so it must not change
    catalogue = load_catalogue(Path(__file__).parent / "fixtures" / "gbt27922-2011-format-1.yaml")
    assert catalogue.content_hash == (
        "61ac98b65026608964c455e7d4df902975855c79b8ffcfba6944f39753024202"
    )
    assert catalogue.spec.special_items.fail_at_deductions == 5
    assert {i.source.confidence for i in catalogue.items} == {"provisional"}


def test_format_1_may_not_use_format_2_fields():
    data = catalogue_dict(ITEMS)
    data["format_version"] = 1
    assert "needs format_version: 2" in str(refusal(dump(data)))

"""Every text the code asks for exists in both languages."""

import re
from pathlib import Path

from texts import keys, t

ROOT = Path(__file__).parent.parent
LITERAL = re.compile(r"""\btr?\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
PREFIX = re.compile(r"""\btr?\(\s*f["']([a-z_]+\.[a-z_.]*)\{""")


def sources():
    for folder in (
        "ui",
        "scoring",
        "store",
        "dossier",
        "evidence",
        "cli",
        "reminders",
        "domain",
        "services",
    ):
        yield from (ROOT / folder).rglob("*.py")
    yield ROOT / "audit_app.py"


def test_every_literal_text_key_used_in_the_code_exists():
    used = {m for path in sources() for m in LITERAL.findall(path.read_text(encoding="utf-8"))}
    missing = sorted(used - keys())
    assert not missing, f"texts missing from texts/*.yaml: {missing}"


def test_every_key_prefix_built_in_code_has_texts():
    prefixes = {m for path in sources() for m in PREFIX.findall(path.read_text(encoding="utf-8"))}
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in keys()), prefix


def test_texts_fill_their_placeholders():
    assert t("ui.round_n", "zh", n=3) == "第 3 轮"
    assert t("ui.round_n", "en", n=3) == "Round 3"


def test_every_refusal_code_the_store_raises_has_texts():
    raised = re.compile(
        r"""(?:Error|NotPermitted|Refused|notice)\(\s*["']((?:auth|cycle|store|accounts)\.[a-z_.]+)["']"""
    )
    tuples = re.compile(r"""\(\s*["'](auth\.[a-z_.]+)["']\s*,\s*\{""")
    used = {
        m
        for path in sources()
        for pattern in (raised, tuples)
        for m in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 20
    assert not sorted(used - keys())


def test_no_text_key_is_given_twice_in_one_file():
    """YAML keeps the last of two equal keys silently; the strict reader refuses them."""
    from criteria.yaml_source import read_yaml

    for path in sorted((Path(__file__).parent.parent / "texts").glob("*.yaml")):
        read_yaml(path)  # raises YamlSourceError naming the key and both lines

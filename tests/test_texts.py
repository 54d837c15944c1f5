"""Every text the code asks for exists in both languages."""

import re
from pathlib import Path

from texts import keys, t

ROOT = Path(__file__).parent.parent
LITERAL = re.compile(r"""\btr?\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
PREFIX = re.compile(r"""\btr?\(\s*f["']([a-z_]+\.[a-z_.]*)\{""")


def sources():
    for folder in ("ui", "scoring", "store", "dossier", "evidence", "cli"):
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

"""Streamlit's own words in the Chinese page (ui/streamlit_words.py): each rule's English is
still what the installed Streamlit shows, and each reads in Chinese without English words."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit

from texts import t
from ui.streamlit_words import RULES, translate

BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"
# the frontend writes these from parts: the literal parts each rule relies on
PARTS = {
    "50MB per file": ["} per file`"],
    "Press Enter to apply": ["`Press Enter to ${", "`apply`"],
    "Press Enter to submit form": ["`Press Enter to ${", "`submit form`"],
    "Press Ctrl+Enter to apply": ["`Ctrl`}+Enter to ${", "`apply`"],
    "Press Ctrl+Enter to submit form": ["`Ctrl`}+Enter to ${", "`submit form`"],
}
ALLOWED = {"Enter", "Ctrl", "MB", "CSV"}  # key names and units, as the keys and files say


def frontend() -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in BUNDLE.glob("*.js"))


def test_each_rule_matches_what_the_installed_streamlit_shows():
    """An upgrade of Streamlit that rewords one of these is noticed here, not by a reader."""
    code = frontend()
    for rule in RULES:
        for part in PARTS.get(rule.example, [f"`{rule.example}`"]):
            assert part in code, (rule.key, part)


def test_each_of_streamlits_words_reads_in_chinese():
    for rule in (r for r in RULES if r.attribute is None):
        zh = translate(rule.example, rule.where, "zh")
        assert zh and re.search(r"[\u4e00-\u9fff]", zh), rule.key
        assert set(re.findall(r"[A-Za-z]+", zh)) <= ALLOWED, (rule.key, zh)
        # the English text in texts/ is Streamlit's own, so the rules and the texts agree
        assert translate(rule.example, rule.where, "en") == rule.example, rule.key
    for rule in (r for r in RULES if r.attribute is not None):
        assert re.search(r"[\u4e00-\u9fff]", t(rule.key, "zh")), rule.key
        assert t(rule.key, "en") == rule.example, rule.key


def test_text_outside_streamlits_own_elements_is_never_translated():
    """A deduction reason or a file title that reads "Upload" stays as typed."""
    assert translate("Upload", '[data-testid="stMarkdownContainer"]', "zh") is None
    assert translate("Upload files", '[data-testid="stFileUploaderDropzone"]', "zh") is None


def test_the_words_the_two_language_walk_found_read_in_chinese():
    """Found by tests/journeys/test_two_languages.py on the Chinese pages: the keyboard's skip
    link on every page, and a select box's own placeholder where the app gives none."""
    from ui.streamlit_words import SELECT, SKIP

    assert translate("Skip to main content", SKIP, "zh") == "跳到主要内容"
    assert translate("Choose an option", SELECT, "zh") == "请选择"
    assert translate("Choose options", SELECT, "zh") == "请选择"
    assert translate("No options to select", SELECT, "zh") == "没有可选项"


def test_the_connection_state_reads_in_chinese():
    """The status widget's "Connecting" (a reconnect) and "Error" (the server out of reach).
    Streamlit's "Please wait..." shows only before the first run has put the translator in the
    page, so it stays English (README)."""
    from ui.streamlit_words import STATUS

    assert translate("Connecting", STATUS, "zh") == "正在连接"
    assert translate("Error", STATUS, "zh") == "连接中断"

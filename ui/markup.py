"""User text inside Streamlit's Markdown: shown as the characters typed, never as markup.

Streamlit renders titles, captions, metrics and radio labels as Markdown, where a company
name like ``![x](https://…)`` would make every viewer's browser fetch that address, and
``:red[…]`` or ``:material/…:`` would restyle the page. CommonMark lets a backslash escape any
ASCII punctuation, which turns every such construct back into plain characters."""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: object) -> str:
    """``text`` escaped so that Markdown shows it literally (line breaks kept)."""
    escaped = _PUNCTUATION.sub(r"\\\1", str(text))
    return escaped.replace("\n", "  \n")

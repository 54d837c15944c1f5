"""User values inside a chat robot's Markdown, shown as the text they are.

Robots differ in what Markdown they read and none documents a backslash escape, so the
characters that could start markup, a tag or a mention are written as their full-width forms
(＊ ＿ ［ ］ （ ） ＃ ｀ ＜ ＞ ｜ ～ ！ ＠ ＼), which every robot shows as those characters: "**x**"
stays visible stars, "<at>@all</at>" tells nobody, "[x](http://…)" is no hidden link. New lines
become spaces, so a value cannot start a heading, a quote or a list. Mail and plain JSON carry the
values unchanged (mail is plain text)."""

from __future__ import annotations

_FULL_WIDTH = str.maketrans(
    {
        "*": "＊",
        "_": "＿",
        "[": "［",
        "]": "］",
        "(": "（",
        ")": "）",
        "#": "＃",
        "`": "｀",
        "<": "＜",
        ">": "＞",
        "|": "｜",
        "~": "～",
        "!": "！",
        "@": "＠",
        "\\": "＼",
    }
)


def chat_text(value: str) -> str:
    """``value`` safe inside a robot's Markdown: shown, never read as markup."""
    return " ".join(value.split()).translate(_FULL_WIDTH)

"""Our theme's own CSS on every page: caption text dark enough to read.

axe-core (tests/journeys/test_accessibility.py) found every caption below WCAG 2 AA contrast:
Streamlit draws st.caption in a faded grey, #828180 on the page's white (3.9:1) and #7f7e7d on
the sidebar's #f8f8f7 (3.8:1), where AA asks 4.5:1 for text of that size. The captions are ours
(the app uses st.caption for its help lines), so the colour is set here. Streamlit fades a
caption twice, by colour and by `opacity: 0.6` on its container (theme.opacities.secondary), so
both are set: a colour alone is drawn at 60 % over the background (#5f5e5c came out #9c9c9a)."""

from __future__ import annotations

import streamlit as st

CAPTION_COLOR = "#5f5e5c"
BACKGROUNDS = ("#ffffff", "#f8f8f7")  # the page and the sidebar, as axe-core measured them

_CSS = f"""<style>
[data-testid="stCaptionContainer"] {{
  opacity: 1 !important;
}}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{
  color: {CAPTION_COLOR} !important;
}}
</style>"""


def luminance(color: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def page_style() -> None:
    """The CSS (a style-only st.html takes no room on the page); call once per run."""
    st.html(_CSS)

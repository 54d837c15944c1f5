"""Our own scripts in the page: each put in the sidebar by ``st.html``, hidden there, and given
its values as JSON.

A script is sent again with every run (Streamlit redraws the element), so each body keeps its
state on ``window`` and installs its listeners once per browser tab; what changes per run (the
open audit, the reader's words) is renewed each time."""

from __future__ import annotations

import json

import streamlit as st

_PRELUDE = """<span id="%(marker)s" hidden></span>
<script>
(() => {
  const marker = document.getElementById(%(marker_json)s);
  const box = marker && marker.closest('[data-testid="stElementContainer"]');
  if (box) box.style.display = 'none';  // the script takes no room in the sidebar
"""
_END = """})();
</script>
"""


def as_script_value(value: object) -> str:
    """``value`` as a JavaScript literal inside a <script>: JSON, with "</" written "<\\/" so
    that no text can end the script element early."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def script_html(marker: str, body: str, values: dict[str, object]) -> str:
    """The page's HTML for a script: a hidden marker the script finds itself by, the script
    hiding its own element container, then ``body`` (the inside of an arrow function) with each
    ``%(name)s`` replaced by ``values[name]`` as a script value."""
    literals = {name: as_script_value(value) for name, value in values.items()}
    head = _PRELUDE % {"marker": marker, "marker_json": as_script_value(marker)}
    return head + body % literals + _END


def page_script(
    marker: str, body: str, values: dict[str, object] | None = None, *, redraw_on: str = ""
) -> None:
    """Put the script in the page; call once per run. ``redraw_on`` (e.g. the language) is
    written in a comment, so that a change of it alone makes Streamlit run the script again."""
    comment = f"<!-- {redraw_on} -->" if redraw_on else ""
    st.html(comment + script_html(marker, body, values or {}), unsafe_allow_javascript=True)

"""Our scripts in the page are built one way (ui/page_script.py): hidden, given their values as
JSON that no text can break out of, and valid JavaScript (checked by Node.js when present)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from ui import history, streamlit_words, unsaved
from ui.page_script import as_script_value, script_html


def test_a_value_cannot_end_the_script_early():
    literal = as_script_value("问题</script><script>alert(1)</script>")
    assert "</script>" not in literal and literal.startswith('"问题<\\/script>')


def test_the_script_hides_itself_and_receives_its_values():
    html = script_html("gbt-x", "  const audit = %(audit)s;\n", {"audit": None})
    assert html.startswith('<span id="gbt-x" hidden></span>')
    assert "const audit = null;" in html and "box.style.display = 'none'" in html


SCRIPTS = {
    "history": (history.MARKER, history._SCRIPT, {"audit": 3}),
    "unsaved": (
        unsaved.MARKER,
        unsaved._SCRIPT,
        {"question": "离开？{fields}", "unnamed": "未命名", "separator": "、"},
    ),
    "streamlit words": (
        streamlit_words.MARKER,
        streamlit_words._SCRIPT,
        {"rules": [{"where": "x", "english": "Upload", "words": "上传", "attribute": None}]},
    ),
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_script_is_valid_javascript(name, tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (./dev.sh test installs npm with it)")
    marker, body, values = SCRIPTS[name]
    code = re.search(r"<script>(.*)</script>", script_html(marker, body, values), re.S)
    assert code is not None
    path = tmp_path / "script.js"
    path.write_text(code.group(1), encoding="utf-8")
    checked = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr

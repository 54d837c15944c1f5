"""The server warms up at start (ui/warm.py): the modules the app's script and pages import
and the bundled catalogue are loaded in the background, not in the first person's first load."""

import subprocess
import sys
from pathlib import Path

from ui.warm import page_modules

ROOT = Path(__file__).resolve().parent.parent


def run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_modules_are_those_the_app_and_its_pages_import_the_apps_own_first():
    modules = page_modules()
    assert modules[:3] == ["streamlit", "settings.logs", "ui.auth"]  # audit_app.py's lead
    assert {"pandas", "ui.item_editor", "plotly.graph_objects", "ui.brief_download"} <= set(modules)
    assert "__future__" not in modules and len(modules) == len(set(modules))


def test_starting_the_server_warms_up_in_the_background():
    shown = run(
        "import sys, threading\n"
        "import audit_server\n"
        "[warming] = [t for t in threading.enumerate() if t.name == 'gbt-audit-warm-up']\n"
        "warming.join(240)\n"
        "import criteria.loader\n"
        "print(all(m in sys.modules for m in ('pandas', 'ui.item_editor', 'ui.brief_download')),"
        " criteria.loader.default_catalogue.cache_info().currsize)\n"
    )
    assert shown == "True 1"

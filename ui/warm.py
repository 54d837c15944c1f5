"""Warm the server up at start: what every first page load would otherwise pay for.

A fresh server process imports pandas (about a second on two quiet cores, two to three under
load), plotly, openpyxl and the pages' own modules the first time somebody opens a page, and
parses the catalogue and the texts the first time they are needed: all of it once per
process, all of it in the first person's first load. audit_server.py starts ``warm_up`` in a
background thread, so that by the time somebody has signed in it is done (or under way: an
import in progress is waited for, not repeated). The modules are the ones the pages' files
import, read from the files, so a page's new import is warmed without a list to keep."""

from __future__ import annotations

import ast
import importlib
import logging
import threading
from pathlib import Path

ROOT = Path(__file__).parent.parent
# the app's own script first, then the pages people open first after signing in, then the rest
FIRST = ("audit_app.py", "ui/pages/checklist.py", "ui/pages/audits.py", "ui/pages/dashboard.py")
_LOG = logging.getLogger("gbt_audit.app")


def scripts() -> list[Path]:
    first = [ROOT / name for name in FIRST]
    return first + sorted(set((ROOT / "ui" / "pages").glob("*.py")) - set(first))


def page_modules() -> list[str]:
    """Every module the app's script and its pages import (``import x``, ``from x import
    y``), in the order of ``scripts()``, each once."""
    names: dict[str, None] = {}
    for path in scripts():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(dict.fromkeys(alias.name for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names[node.module] = None
    names.pop("__future__", None)
    return list(names)


def warm_up() -> None:
    """Import the pages' modules, then parse the bundled catalogue and the texts. Nothing
    here may stop the server: a failure is logged, and the page that needs it says why."""
    for name in page_modules():
        try:
            importlib.import_module(name)
        except Exception:  # the page itself reports it when it runs
            _LOG.debug("warm-up: %s did not import", name, exc_info=True)
    try:
        from criteria import default_catalogue
        from texts import keys

        default_catalogue()
        keys()
    except Exception:
        _LOG.debug("warm-up: catalogue or texts did not load", exc_info=True)


def start() -> threading.Thread:
    thread = threading.Thread(target=warm_up, name="gbt-audit-warm-up", daemon=True)
    thread.start()
    return thread

"""The server's log: one tree of loggers under ``gbt_audit``, one name per concern.

- ``gbt_audit.app``: an unexpected error a page showed as a polite message (with its traceback)
- ``gbt_audit.permissions``: a call refused because the person's role does not allow it
- ``gbt_audit.imports``: an archive, a catalogue or a scoring table refused on import
- ``gbt_audit.settings``: a setting the installation cannot use
- ``gbt_audit.portfolio``: a round the portfolio could not score (shown without its figures)
- ``gbt_audit.worker``: a background job that failed or was taken from its worker

Each is logged once, where it is decided. The tree has a do-nothing handler, so a command-line
run prints only its own messages; the app's entry (audit_app.py) sends the tree to the server's
standard error."""

from __future__ import annotations

import logging
import sys

ROOT = "gbt_audit"
APP = f"{ROOT}.app"
PERMISSIONS = f"{ROOT}.permissions"
IMPORTS = f"{ROOT}.imports"
SETTINGS = f"{ROOT}.settings"
PORTFOLIO = f"{ROOT}.portfolio"
WORKER = f"{ROOT}.worker"
NAMES = (APP, PERMISSIONS, IMPORTS, SETTINGS, PORTFOLIO, WORKER)

logging.getLogger(ROOT).addHandler(logging.NullHandler())


def log_to_stderr(level: int = logging.INFO) -> None:
    """Send the tree to standard error, once per process (the app's script runs on every
    click)."""
    root = logging.getLogger(ROOT)
    if any(getattr(h, "gbt_audit_server", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.gbt_audit_server = True  # type: ignore[attr-defined]  # marks our own handler
    root.addHandler(handler)
    root.setLevel(level)

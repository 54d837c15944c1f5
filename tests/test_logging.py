"""The server's log: every logger is one of the gbt_audit.* names (settings/logs.py), and each
refusal the server decides (a permission, an import, a setting) is logged once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from store_helpers import new_store

from domain.permissions import Action, Actor, NotPermitted, Role, require
from settings import logs
from store.archive import ArchiveRefused, import_archive

ROOT = Path(__file__).resolve().parent.parent


def _logger_names(tree: ast.AST) -> list[str]:
    """What each getLogger(...) call names: a string, or logs.NAME resolved."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "getLogger":
            (argument,) = node.args
            if isinstance(argument, ast.Constant):
                names.append(str(argument.value))
            elif isinstance(argument, ast.Name):  # inside settings/logs.py itself
                names.append(getattr(logs, argument.id, argument.id))
            elif isinstance(argument, ast.Attribute) and isinstance(argument.value, ast.Name):
                names.append(getattr(logs, argument.attr) if argument.value.id == "logs" else "?")
            else:
                names.append(ast.unparse(argument))
    return names


def test_every_logger_of_the_project_is_a_gbt_audit_name():
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "tests", "bench", "build"}:
            continue
        for name in _logger_names(ast.parse(path.read_text(encoding="utf-8"))):
            found[f"{path.relative_to(ROOT)}: {name}"] = name
    assert found, "the walk found no logger at all"
    assert {k: v for k, v in found.items() if v not in (*logs.NAMES, logs.ROOT)} == {}


def _logged(caplog: pytest.LogCaptureFixture, name: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == name]


def test_a_refused_permission_is_logged_once(caplog):
    reader = Actor(7, "zhao", "赵审核", grants={3: Role.VIEWER})
    require(reader, 3, Action.READ)  # allowed: nothing logged
    with pytest.raises(NotPermitted):
        require(reader, 3, Action.SCORE)
    (line,) = _logged(caplog, logs.PERMISSIONS)
    assert "zhao" in line and Action.SCORE.value in line and "3" in line


def test_a_refused_archive_is_logged_once(database_url, tmp_path, caplog):
    store = new_store(database_url, tmp_path)
    bogus = tmp_path / "audit.zip"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(ArchiveRefused):
        import_archive(store, bogus, actor="qm")
    (line,) = _logged(caplog, logs.IMPORTS)
    assert "audit.zip" in line and "qm" in line


def test_a_catalogue_is_parsed_once_but_each_refusal_is_logged(tmp_path, caplog):
    # every store opening registers the bundled catalogue: its parse is remembered per process;
    # a refused text is not, so offering it again is refused and logged again
    from store_helpers import CATALOGUE_TEXT

    from criteria import CatalogueError

    store = new_store(f"sqlite:///{tmp_path / 'audit.db'}", tmp_path)
    assert store.register_catalogue(CATALOGUE_TEXT, "a.yaml") is store.register_catalogue(
        CATALOGUE_TEXT, "a.yaml"
    )
    for _ in range(2):
        with pytest.raises(CatalogueError):
            store.register_catalogue("id: [unclosed", "broken.yaml")
    assert len([m for m in _logged(caplog, logs.IMPORTS) if "broken.yaml" in m]) == 2

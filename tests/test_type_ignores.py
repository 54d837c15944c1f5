"""Every `# type: ignore` names the error it silences and says why on the same line (mypy's
ignore-without-code checks the first half; this checks the reason)."""

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<code>\[[a-z, -]+\])?(?P<rest>.*)$")
REASON = re.compile(r"^\s*#\s*\S")  # another comment after it: the reason


def _python_files() -> list[Path]:
    skipped = {".venv", ".git", ".mypy_cache", "build", "node_modules"}
    return [p for p in ROOT.rglob("*.py") if not skipped.intersection(p.relative_to(ROOT).parts)]


def unexplained(text: str) -> list[int]:
    """The lines whose comment holds a bare ignore (the code's comments only, not its strings)."""
    lines = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type != tokenize.COMMENT:
            continue
        match = IGNORE.search(token.string)
        if match and not (match["code"] and REASON.match(match["rest"])):
            lines.append(token.start[0])
    return lines


def test_an_ignore_without_code_or_reason_is_found():
    assert unexplained("x = f()  # type: ignore\n") == [1]
    assert unexplained("x = f()  # type: ignore[arg-type]\n") == [1]
    assert unexplained("x = f()  # type: ignore[arg-type]  # the stubs lag\n") == []
    assert unexplained('x = "# type: ignore"\n') == []  # a string, not a comment


def test_every_type_ignore_has_its_code_and_reason():
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in _python_files()
        for n in unexplained(path.read_text(encoding="utf-8"))
    ]
    assert found == []

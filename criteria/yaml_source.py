"""Read YAML while remembering where every value came from.

Error messages must name the line a broken value stands on, so the composed node tree is kept next
to the plain Python data; ``YamlDocument.line_of(path)`` maps a data path to a 1-based line.
Duplicate mapping keys are refused (PyYAML would silently keep the last one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PathPart = str | int


class YamlSourceError(ValueError):
    """The text is not YAML we can read; ``line`` is 1-based where YAML gives one."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.message = message
        self.line = line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class YamlDocument:
    source: str
    data: Any
    root: yaml.Node | None

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """The 1-based line of the value at ``path`` (or of its deepest existing ancestor)."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line


def _child(node: yaml.Node | None, part: PathPart) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return value
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        return node.value[part] if 0 <= part < len(node.value) else None
    return None


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys in a mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            line = key_node.start_mark.line + 1
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first given on line {seen[key]})",
                    key_node.start_mark,
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, source: str) -> YamlDocument:
    """Parse one YAML document from ``text``; ``source`` names it in error messages."""
    try:
        loader = _StrictLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or str(exc)
        if exc.context and exc.context not in problem:
            problem = f"{exc.context}: {problem}"
        raise YamlSourceError(source, f"invalid YAML: {problem}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlSourceError(source, f"invalid YAML: {exc}") from exc
    return YamlDocument(source=source, data=data, root=root)


def read_yaml(path: Path) -> YamlDocument:
    """Read and parse a YAML file; unreadable or non-UTF-8 files get a clear error."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise YamlSourceError(source, "file not found") from exc
    except UnicodeDecodeError as exc:
        raise YamlSourceError(source, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise YamlSourceError(source, f"cannot read file: {exc.strerror}") from exc
    return parse_yaml(text, source)

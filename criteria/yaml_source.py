"""Read YAML while remembering where every value came from.

Error messages must name the line a broken value stands on, so the composed node tree is kept next
to the plain Python data; ``YamlDocument.line_of(path)`` maps a data path to a 1-based line.
Duplicate mapping keys are refused (PyYAML would silently keep the last one).

Every YAML file the tool reads (catalogues, audit files, catalogues inside archives) comes through
here, so the limits hold everywhere: anchors and aliases are refused (a 1.3 KB "billion laughs"
file expands to gigabytes), the text is size-limited, nesting is bounded, and error messages are
cut to a readable length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

PathPart = str | int

MAX_YAML_BYTES = 4 << 20  # the bundled catalogue is 65 KB; an audit file is smaller still
MAX_DEPTH = 50  # catalogues nest five levels deep; deep nesting only exhausts the stack
MAX_MESSAGE_CHARS = 500  # a message quoting a huge value must not become the value


def bounded(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


class YamlSourceError(ValueError):
    """The text is not YAML we can read; ``line`` is 1-based where YAML gives one."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.message = message
        self.line = line
        where = f"{bounded(source, 200)}:{line}" if line else bounded(source, 200)
        super().__init__(f"{where}: {bounded(message)}")


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
        pairs: list[tuple[yaml.Node, yaml.Node]] = node.value
        for key, value in pairs:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return value
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        items: list[yaml.Node] = node.value
        return items[part] if 0 <= part < len(items) else None
    return None


if TYPE_CHECKING:  # a mixin over a loader: typed as the loader it is mixed into
    _LoaderBase = yaml.SafeLoader
else:
    _LoaderBase = object


class _Strict(_LoaderBase):
    """The checks, on top of a loader: refuses duplicate keys, anchors and aliases, and deep
    nesting. Composition is PyYAML's own (yaml.composer.Composer), so every node passes here."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
        mark = event.start_mark  # libyaml's own Mark type when libyaml parses: it has the line too
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed", mark
            )
        if getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None, None, f"anchors (&{event.anchor}) are not allowed", mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
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


class _StrictLoader(_Strict, yaml.SafeLoader):
    """SafeLoader (pure Python) with the checks: where PyYAML was built without libyaml."""


if getattr(yaml, "__with_libyaml__", False):

    class _StrictCLoader(_Strict, yaml.composer.Composer, yaml.CSafeLoader):
        """libyaml scans and parses (three times faster: a 4,800-item catalogue is 1.8 MB of
        YAML), and PyYAML's own composer, placed before libyaml's, builds the nodes from its
        events, so the checks above still see every node: libyaml's composer would skip them
        and keep no anchors."""

        def __init__(self, stream: str) -> None:
            yaml.CSafeLoader.__init__(self, stream)
            yaml.composer.Composer.__init__(self)

    LOADER: type[Any] = _StrictCLoader
else:  # pragma: no cover - PyYAML wheels ship libyaml
    LOADER = _StrictLoader


def parse_yaml(text: str, source: str) -> YamlDocument:
    """Parse one YAML document from ``text``; ``source`` names it in error messages."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_YAML_BYTES:
        raise YamlSourceError(source, f"{size} bytes; at most {MAX_YAML_BYTES} bytes are read")
    try:
        loader = LOADER(text)
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
        with path.open("rb") as handle:  # never read more than the limit, whatever the file
            raw = handle.read(MAX_YAML_BYTES + 1)
        if len(raw) > MAX_YAML_BYTES:
            raise YamlSourceError(source, f"larger than {MAX_YAML_BYTES} bytes; not read")
        text = raw.decode("utf-8")
    except FileNotFoundError as exc:
        raise YamlSourceError(source, "file not found") from exc
    except UnicodeDecodeError as exc:
        raise YamlSourceError(source, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise YamlSourceError(source, f"cannot read file: {exc.strerror}") from exc
    return parse_yaml(text, source)

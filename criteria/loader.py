"""Load any catalogue file and refuse a broken one with messages naming file, node and line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from criteria.catalogue import Catalogue
from criteria.rules import DataPath, check_catalogue, format_path
from criteria.schema import CatalogueSpec
from criteria.yaml_source import YamlDocument, YamlSourceError, bounded, parse_yaml, read_yaml

DEFAULT_CATALOGUE = Path(__file__).with_name("gbt27922-2011.yaml")
MAX_PROBLEMS_SHOWN = 30  # a broken file can produce thousands; the first ones say enough


@dataclass(frozen=True)
class CatalogueProblem:
    path: str
    node_id: str | None
    line: int | None
    message: str

    def describe(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        node = f"node {bounded(self.node_id, 40)} " if self.node_id else ""
        at = f"({bounded(self.path, 120)}) " if self.path else ""
        return f"{where}: {node}{at}{bounded(self.message)}"


class CatalogueError(ValueError):
    """A catalogue file that cannot be used; ``problems`` lists every reason found."""

    def __init__(self, source: str, problems: Sequence[CatalogueProblem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = [p.describe(bounded(source, 200)) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"… and {len(self.problems) - MAX_PROBLEMS_SHOWN} more problems")
        super().__init__("\n".join(lines))


def load_catalogue(path: str | Path) -> Catalogue:
    try:
        document = read_yaml(Path(path))
    except YamlSourceError as exc:
        raise _from_yaml_error(exc) from exc
    return _build(document)


def parse_catalogue(text: str, source: str = "<text>") -> Catalogue:
    try:
        document = parse_yaml(text, source)
    except YamlSourceError as exc:
        raise _from_yaml_error(exc) from exc
    return _build(document)


def catalogue_from_data(data: Any, source: str) -> Catalogue:
    """A catalogue from data as parsing its YAML would give it (for text this process just
    wrote from that data): checked the same way; problems carry no line numbers."""
    return _build(YamlDocument(source=source, data=data, root=None))


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The GB/T 27922-2011 catalogue shipped with the tool."""
    return load_catalogue(DEFAULT_CATALOGUE)


def _from_yaml_error(exc: YamlSourceError) -> CatalogueError:
    return CatalogueError(exc.source, [CatalogueProblem("", None, exc.line, exc.message)])


def _build(document: YamlDocument) -> Catalogue:
    if not isinstance(document.data, dict):
        kind = "empty" if document.data is None else type(document.data).__name__
        problem = CatalogueProblem(
            "", None, document.line_of(()), f"expected a mapping, got {kind}"
        )
        raise CatalogueError(document.source, [problem])
    try:
        spec = CatalogueSpec.model_validate(document.data)
    except ValidationError as exc:
        problems = [
            _problem(document, tuple(err["loc"]), _pydantic_message(err))
            for err in _root_causes(exc.errors(include_url=False))
        ]
        raise CatalogueError(document.source, problems) from None
    broken = check_catalogue(spec)
    if broken:
        raise CatalogueError(
            document.source, [_problem(document, p.path, p.message) for p in broken]
        )
    return Catalogue(spec=spec, origin=document.source)


def _root_causes(errors: list[Any]) -> list[Any]:
    """Drop "too short" errors on a list that is short only because its members failed."""
    failing = [tuple(err["loc"]) for err in errors if err["type"] != "too_short"]
    return [
        err
        for err in errors
        if err["type"] != "too_short"
        or not any(loc[: len(err["loc"])] == tuple(err["loc"]) for loc in failing)
    ]


def _pydantic_message(err: Any) -> str:
    if err["type"] == "missing":
        return f"missing field {err['loc'][-1]!r}"
    if err["type"] == "extra_forbidden":
        return f"unknown field {err['loc'][-1]!r}"
    if err["type"] == "literal_error":
        return f"{err['msg']} (got {err.get('input')!r})"
    return str(err["msg"])


def _problem(document: YamlDocument, path: DataPath, message: str) -> CatalogueProblem:
    return CatalogueProblem(
        path=format_path(path),
        node_id=_node_id(document.data, path),
        line=document.line_of(path),
        message=message,
    )


def _node_id(data: Any, path: DataPath) -> str | None:
    """The id of the deepest indicator or item that ``path`` lies in, for the message."""
    node_id = None
    current = data
    for part in path:
        if isinstance(current, dict) and isinstance(part, str):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            break
        if isinstance(current, dict) and isinstance(current.get("id"), str | int):
            node_id = str(current["id"])
    return node_id

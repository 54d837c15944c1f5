"""Rules that span the whole catalogue; each broken rule is a ``Problem`` with its data path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from criteria.schema import CatalogueSpec

DataPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    path: DataPath
    message: str


def check_catalogue(spec: CatalogueSpec) -> list[Problem]:
    return [
        *_unique_node_ids(spec),
        *_ids_nest_under_parents(spec),
        *_points_sum_to_total(spec),
        *_named_things_exist(spec),
        *_unique_names(spec),
        *_format_fields(spec),
    ]


def _nodes(spec: CatalogueSpec) -> Iterator[tuple[DataPath, str]]:
    for i, first in enumerate(spec.indicators):
        yield ("indicators", i, "id"), first.id
        for j, second in enumerate(first.children):
            yield ("indicators", i, "children", j, "id"), second.id
            for k, item in enumerate(second.items):
                yield ("indicators", i, "children", j, "items", k, "id"), item.id


def _unique_node_ids(spec: CatalogueSpec) -> Iterator[Problem]:
    first_seen: dict[str, DataPath] = {}
    for path, node_id in _nodes(spec):
        if node_id in first_seen:
            yield Problem(
                path, f"duplicate id {node_id!r} (also at {format_path(first_seen[node_id])})"
            )
        else:
            first_seen[node_id] = path


def _ids_nest_under_parents(spec: CatalogueSpec) -> Iterator[Problem]:
    for i, first in enumerate(spec.indicators):
        if "." in first.id:
            yield Problem(
                ("indicators", i, "id"), f"first-level id {first.id!r} must be one number"
            )
        for j, second in enumerate(first.children):
            if not _is_child_id(second.id, first.id):
                yield Problem(
                    ("indicators", i, "children", j, "id"),
                    f"id {second.id!r} must be '{first.id}.<n>' under indicator {first.id}",
                )
            for k, item in enumerate(second.items):
                if not _is_child_id(item.id, second.id):
                    yield Problem(
                        ("indicators", i, "children", j, "items", k, "id"),
                        f"id {item.id!r} must be '{second.id}.<n>' under indicator {second.id}",
                    )


def _is_child_id(child: str, parent: str) -> bool:
    prefix = parent + "."
    return child.startswith(prefix) and "." not in child[len(prefix) :]


def _points_sum_to_total(spec: CatalogueSpec) -> Iterator[Problem]:
    total = sum((item.points for f in spec.indicators for s in f.children for item in s.items), 0)
    if total != spec.total_points:
        yield Problem(
            ("total_points",),
            f"item points sum to {total}, but total_points declares {spec.total_points}",
        )


def _named_things_exist(spec: CatalogueSpec) -> Iterator[Problem]:
    scheme_ids = [s.id for s in spec.tier_schemes]
    if spec.default_tier_scheme not in scheme_ids:
        yield Problem(
            ("default_tier_scheme",),
            f"unknown tier scheme {spec.default_tier_scheme!r}; defined: {', '.join(scheme_ids)}",
        )
    source_ids = {s.id for s in spec.sources}
    for i, first in enumerate(spec.indicators):
        for j, second in enumerate(first.children):
            for k, item in enumerate(second.items):
                path: DataPath = ("indicators", i, "children", j, "items", k, "source")
                for n, ref in enumerate(item.source.refs):
                    if ref not in source_ids:
                        yield Problem((*path, "refs", n), f"unknown source {ref!r}")
                if item.source.confidence != "provisional" and not item.source.refs:
                    yield Problem(
                        path,
                        f"an item of confidence {item.source.confidence!r} must name "
                        "at least one source",
                    )
    for i, scheme in enumerate(spec.tier_schemes):
        for n, ref in enumerate(scheme.source.refs if scheme.source else ()):
            if ref not in source_ids:
                yield Problem(("tier_schemes", i, "source", "refs", n), f"unknown source {ref!r}")


def _unique_names(spec: CatalogueSpec) -> Iterator[Problem]:
    groups: list[tuple[str, list[str]]] = [
        ("tier_schemes", [s.id for s in spec.tier_schemes]),
        ("prerequisites", [p.id for p in spec.prerequisites]),
        ("sources", [s.id for s in spec.sources]),
    ]
    groups.append(
        (
            "special_items",
            [c.id for c in spec.special_items.deduction_categories],
        )
    )
    for key, ids in groups:
        seen: set[str] = set()
        for index, value in enumerate(ids):
            if value in seen:
                path: DataPath = (
                    (key, "deduction_categories", index) if key == "special_items" else (key, index)
                )
                yield Problem((*path, "id"), f"duplicate id {value!r} in {key}")
            seen.add(value)


def _format_fields(spec: CatalogueSpec) -> Iterator[Problem]:
    """Format 2 requires a source on every tier scheme; format 1 may not use format-2 fields
    (its content hash leaves them out, so two files differing only there would collide)."""
    for i, scheme in enumerate(spec.tier_schemes):
        if spec.format_version == 2 and scheme.source is None:
            yield Problem(
                ("tier_schemes", i),
                f"tier scheme {scheme.id!r}: missing field 'source' (where its thresholds "
                "are published)",
            )
        if spec.format_version == 1 and scheme.source is not None:
            yield Problem(("tier_schemes", i, "source"), "source needs format_version: 2")
    if spec.format_version != 1:
        return
    for i, first in enumerate(spec.indicators):
        for j, second in enumerate(first.children):
            for k, item in enumerate(second.items):
                if item.source.provisional is None:
                    yield Problem(
                        ("indicators", i, "children", j, "items", k, "source", "confidence"),
                        "confidence needs format_version: 2 (format 1 uses provisional)",
                    )


def format_path(path: DataPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text

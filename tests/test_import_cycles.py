"""No import circle among the project's own modules. Every import counts, the lazy ones inside
functions too (they only hide a circle until the function runs); imports under
``if TYPE_CHECKING:`` do not, as they never run. ``from package import name`` counts as an
import of the submodule when ``name`` is one, else of the package."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def project_modules(root: Path) -> dict[str, Path]:
    """Module name → file, for the top-level packages (folders with __init__.py) and modules."""
    found: dict[str, Path] = {}
    for top in sorted(root.iterdir()):
        if top.suffix == ".py":
            found[top.stem] = top
        elif (top / "__init__.py").is_file():
            for path in sorted(top.rglob("*.py")):
                parts = list(path.relative_to(root).with_suffix("").parts)
                if parts[-1] == "__init__":
                    parts.pop()
                found[".".join(parts)] = path
    return found


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``module`` imports, wherever in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                if f"{target}.{alias.name}" in known:
                    found.add(f"{target}.{alias.name}")
                elif target in known:
                    found.add(target)
        for inner in ast.iter_child_nodes(node):
            visit(inner)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    found.discard(module)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    modules = project_modules(root)
    return {name: imported(name, path, set(modules)) for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(groups)


def _describe(graph: dict[str, set[str]], group: list[str]) -> str:
    edges = [f"{m} → {', '.join(sorted(graph[m] & set(group)))}" for m in group]
    return "; ".join(edges)


def test_a_lazy_import_inside_a_function_closes_a_circle(tmp_path):
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "orders.py").write_text("from shop.stock import reserve\n")
    (package / "stock.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from shop import orders  # types only: no circle\n"
        "def reserve():\n"
        "    from shop.orders import place  # runs: a circle\n"
    )
    (package / "report.py").write_text("from . import stock\nfrom .orders import *\n")
    graph = import_graph(tmp_path)
    assert graph["shop.report"] == {"shop.stock", "shop.orders"}
    assert circles(graph) == [["shop.orders", "shop.stock"]]
    (package / "stock.py").write_text("def reserve():\n    pass\n")
    assert circles(import_graph(tmp_path)) == []


def test_no_module_of_the_project_imports_itself_round_a_circle():
    graph = import_graph(ROOT)
    assert "store.repository" in graph and "ui.state" in graph  # the walk found the project
    assert [_describe(graph, group) for group in circles(graph)] == []

"""The one-way architecture, checked from the source: no upward import, no circle.

Each module of ``src/greenplan`` belongs to a layer (``LAYERS``); a module may import only
from its own layer or lower ones, and the import graph (imports inside functions included,
``if TYPE_CHECKING:`` blocks excluded) has no circle. Imports inside functions are only for
lazy loading of third-party packages (pint, matplotlib, the optional extras): a function-level
import of a greenplan module is refused. docs/architecture.md draws the same layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "greenplan"

# layer rank -> top-level modules or packages of greenplan (lowest first)
LAYERS: dict[int, tuple[str, ...]] = {
    0: (
        "messages",
        "errors",
        "units",
        "options",
        "diagnostics",
        "_resources",
        "_numeric",
        "_provenance",
        "_xlsx",
    ),
    1: ("definitions", "variables", "regions", "targets", "plans", "factors", "schema"),
    2: ("checks",),
    3: ("io", "records", "accounting"),
    4: ("indicators",),
    5: ("engine", "consistency"),
    6: ("inventory", "evaluation"),
    7: ("validation", "progress"),
    8: (
        "report",
        "plot",
        "export",
        "templates",
        "config",
        "commands",
        "cli",
        "service",
        "__main__",
    ),
}
RANK = {name: rank for rank, names in LAYERS.items() for name in names}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    return skip


def _imports(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported greenplan module, line, inside a function) for each import of ``module``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function.update(id(n) for n in ast.walk(node) if n is not node)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[tuple[str, int, bool]] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        for name in names:
            if not name.startswith("greenplan"):
                continue
            target = _resolve(name)
            if target is None or target == module or module.startswith(target + "."):
                continue  # itself, or its own parent package
            found.add((target, node.lineno, id(node) in in_function))
    return sorted(found)


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) == 1:  # greenplan/__init__.py: lazy exports of every layer
        return None
    return RANK.get(parts[1])


def test_every_module_has_a_layer():
    missing = sorted(m for m in MODULES if m != "greenplan" and _layer(m) is None)
    assert not missing, f"modules with no layer in LAYERS (add them, lowest fitting): {missing}"


def test_no_upward_import():
    upward = []
    for module, imports in GRAPH.items():
        low = _layer(module)
        if low is None:
            continue
        for target, line, _ in imports:
            high = _layer(target)
            if high is not None and high > low:
                upward.append(f"{module}:{line} imports {target} (layer {low} -> {high})")
    assert not upward, "upward imports:\n" + "\n".join(sorted(upward))


# Backends that exist to import an optional package (duckdb, dask, pyarrow) load on demand.
LAZY_BACKENDS = {
    "greenplan.records.engines._duckdb",
    "greenplan.records.engines._dask",
    "greenplan.records.engines._arrow",
}


def test_no_import_inside_functions_of_greenplan_modules():
    lazy = [
        f"{module}:{line} imports {target} inside a function"
        for module, imports in GRAPH.items()
        if module != "greenplan"
        for target, line, inside in imports
        if inside and target not in LAZY_BACKENDS
    ]
    assert not lazy, "function-level imports of greenplan modules:\n" + "\n".join(sorted(lazy))


def _cycles() -> list[list[str]]:
    edges = {m: {t for t, _, _ in imps} for m, imps in GRAPH.items() if m != "greenplan"}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w == "greenplan":
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def test_no_import_circle():
    cycles = _cycles()
    assert not cycles, "import circles: " + "; ".join(" <-> ".join(c) for c in cycles)


@pytest.mark.parametrize("needle", ["shared/reference", "DESIGN.md"])
def test_no_reference_to_files_outside_the_package(needle):
    hits = [
        f"{path.relative_to(SRC)}:{n}"
        for path in sorted(SRC.rglob("*"))
        if path.is_file() and path.suffix in {".py", ".csv", ".txt", ".json", ".toml", ".md"}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if needle in line
    ]
    assert not hits, f"{needle} is not in the package; cite the primary source: {hits}"


@pytest.mark.parametrize("needle", ["shared/reference", "DESIGN.md"])
def test_docs_cite_primary_sources_not_working_notes(needle):
    # the user-facing docs (the site, README, CHANGELOG) name primary sources, like the code
    root = SRC.parents[1]
    pages = [root / "README.md", root / "CHANGELOG.md", *sorted((root / "docs").rglob("*.md"))]
    hits = [
        f"{path.relative_to(root)}:{n}"
        for path in pages
        if "_build" not in path.parts
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if needle in line
    ]
    assert not hits, f"{needle} is not public; cite the primary source: {hits}"

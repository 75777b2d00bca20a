"""The layering rule of CONTRIBUTING.md, read from the imports themselves (ast).

Arrows run one way: tests → formulary → (impl | reference).  ``impl`` and ``reference``
never see each other; inside ``formulary`` the kernel knows no chapter and no candidate,
the runner (plugin, report writers) reads the catalog but never impl, and only the apps
(known mistakes, drills, summary, peers) use impl, by its public names.  No two modules
import each other, directly or through a loop.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("impl", "reference", "formulary")

KERNEL = {f"formulary.{m}" for m in ("record", "compare", "checks", "candidate", "results", "tensors", "strategies",
                                     "edges", "tolerance", "verdict")}
RUNNER = ("formulary.plugin", "formulary.report")
APPS = ("formulary.mistakes", "formulary.drill", "formulary.summary", "formulary.peers")

# The one place that says why some apps reach into impl's private building blocks: a known
# mistake re-assembles impl's own machinery with one wrong step (an optimizer's moment
# update, one step of a recurrent cell, one gate, the pooling window's geometry), so that
# it differs from impl in that step and nowhere else.  These blocks are not torch's API and
# impl does not publish them; the mistakes are their only other user.
PRIVATE_FOR_MISTAKES = {
    "impl.optim._ops",         # first/second moments, decay: one of them replaced per optimizer mistake
    "impl.recurrent._steps",   # one step kind (LSTM, GRU, RNN) with one wrong step or backward
    "impl.recurrent._args",    # the cells' argument checking, shared so that a mistake fails only on values
    "impl.recurrent.lstm_gates._gate",
    "impl.recurrent.lstm_gates._gate_backward",
    "impl.conv._windows",      # the pooling windows a wrong pooling folds back
    "impl.conv._args",         # torch's _pair normalisation of kernel/stride/padding arguments
    "impl._special",           # impl's erfc (NumPy has none), for the GELU and expected-improvement mistakes
}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root: Path) -> dict[str, Path]:
    return {_module_name(p, root): p for pkg in PACKAGES for p in sorted((root / pkg).rglob("*.py"))}


@functools.cache  # keyed on the text: a planted import re-reads only the file it changed
def _imports(name: str, is_package: bool, text: str, known: frozenset[str]) -> list[tuple[str, int, bool]]:
    """(imported module or module.name, line, at top level) for every import in the file."""
    tree = ast.parse(text)
    package = name if is_package else name.rpartition(".")[0]
    top = {id(n) for n in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            for a in node.names:
                full = f"{base}.{a.name}"
                # `from pkg import module` imports the module; `from module import name` the name in it
                out.append((full if full in known or base not in known else f"{base}.{a.name}", node.lineno,
                            id(node) in top))
    return out


def _owner(target: str, known: set[str]) -> str:
    """The module an import target lives in (``impl.optim._ops.decayed`` -> ``impl.optim._ops``)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target


def _private(target: str) -> bool:
    return any(part.startswith("_") for part in target.split("."))


def violations(root: Path = ROOT) -> list[str]:
    mods = _modules(root)
    known = frozenset(mods)
    found: list[str] = []
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        where = path.relative_to(root)
        for target, line, at_top in _imports(name, path.name == "__init__.py", path.read_text(encoding="utf-8"), known):
            top_pkg = target.split(".")[0]
            owner = _owner(target, known)
            at = f"{where}:{line}: {name} imports {target}"
            if owner and at_top:
                graph[name].add(owner)
            if name.startswith("impl") and top_pkg not in ("impl", "numpy", "__future__") \
                    and top_pkg not in sys.stdlib_module_names:
                found.append(f"{at} (impl imports only numpy and the standard library)")
            if name.startswith("reference") and top_pkg in ("impl", "formulary"):
                found.append(f"{at} (reference never imports impl or formulary)")
            if name in KERNEL and (top_pkg == "impl" or target.startswith(("formulary.catalog", "formulary.mistakes"))):
                found.append(f"{at} (the kernel imports neither impl nor the catalog)")
            if name.startswith(RUNNER) and top_pkg == "impl":
                found.append(f"{at} (the runner reads the catalog, never impl)")
            if name.startswith("formulary") and top_pkg == "impl":
                if not name.startswith(APPS):
                    found.append(f"{at} (only mistakes, drill, summary and peers use impl)")
                elif _private(target) and not any(target == p or target.startswith(p + ".")
                                                   for p in PRIVATE_FOR_MISTAKES):
                    found.append(f"{at} (impl's private names are not for formulary)")
                elif _private(target) and not name.startswith("formulary.mistakes"):
                    found.append(f"{at} (only the known mistakes may use impl's private building blocks)")
    found += [f"import cycle: {' -> '.join(c)}" for c in _cycles(graph)]
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as a loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph[v]:
                out.append(sorted(comp) + [sorted(comp)[0]])

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_layers_hold():
    assert violations() == []


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("tree")
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, root / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    return root


@contextlib.contextmanager
def _planted(tree: Path, module: str, line: str):
    """The module with one more line, for the length of the block; the copy is shared, so it is put back."""
    path = tree / module
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\n{line}\n", encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("module, line, says", [
    ("formulary/compare.py", "import impl", "the kernel imports neither impl nor the catalog"),
    ("formulary/checks.py", "from formulary.catalog import records", "the kernel imports neither impl nor the catalog"),
    ("reference/activations.py", "from impl.activations import sigmoid", "reference never imports impl"),
    ("impl/basics.py", "import torch", "impl imports only numpy"),
    ("formulary/report/markdown.py", "import impl.losses", "the runner reads the catalog, never impl"),
    ("formulary/drill/session.py", "from impl.optim._ops import decayed", "only the known mistakes may use"),
    ("formulary/summary.py", "from impl.networks.graph import _private_thing", "impl's private names are not for"),
    ("formulary/tolerance.py", "from formulary.record import Record", "import cycle"),
])
def test_a_planted_import_is_caught(tree, module, line, says):
    assert violations(tree) == []
    with _planted(tree, module, line):
        found = violations(tree)
    assert any(says in f for f in found), found


# Modules that are data rather than logic may be longer: tables of coefficients, lists of small classes.
DATA_MODULES = {
    "impl/_special.py": "musl's erf/erfc coefficient tables, copied digit for digit, and their range tables",
    "formulary/mistakes/": "lists of small known-mistake classes, one short wrong variant after another",
}
MAX_LINES = 520  # "about 500"


def test_modules_stay_short():
    long = []
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if any(rel == d or (d.endswith("/") and rel.startswith(d)) for d in DATA_MODULES):
                continue
            n = len(path.read_text(encoding="utf-8").splitlines())
            if n > MAX_LINES:
                long.append(f"{rel}: {n} lines")
    assert long == [], "split these at their seams (one idea a module): " + "; ".join(long)

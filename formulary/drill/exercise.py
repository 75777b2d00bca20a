"""Implement-it exercises: a skeleton to fill in, judged by the record's own checks.

``start`` writes, into a workspace package (``drills/mine`` by default), the
signature and docstring (with its formula) of every function a record names, each
with a body that raises NotImplementedError.  ``check`` runs the record's checks with
that package as the candidate and reports the first failure -- the shrunk input,
expected against got, the component that differs -- and which known mistake the code
makes, if it matches one.  Passing is the only way an exercise is marked done.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np

from formulary import catalog, checks
from formulary.candidate import Candidate, NotFound, resolve
from formulary.diagnose import matching_mistake
from formulary.drill.progress import Progress, today

DEFAULT_WORKSPACE = Path("drills")
DEFAULT_PACKAGE = "mine"


def exercise_names(record) -> list[str]:
    """The candidate names a learner implements for ``record``."""
    return [n for n in (record.candidate, record.backward) if n]


def skeleton(obj, name: str) -> str:
    """Source of a stub with ``obj``'s signature and docstring (functions and classes)."""
    doc = inspect.getdoc(obj) or ""
    quoted = 'r"""' + doc.replace('"""', '\\"\\"\\"') + '\n"""'
    if inspect.isclass(obj):
        body = [f"class {name}:", textwrap.indent(quoted, "    "), ""]
        for meth, fn in inspect.getmembers(obj, inspect.isfunction):
            if meth.startswith("_") and meth != "__init__":
                continue
            mdoc = inspect.getdoc(fn) or ""
            body += [f"    def {meth}{inspect.signature(fn)}:",
                     textwrap.indent('r"""' + mdoc + '\n"""', "        ") if mdoc else "",
                     f"        raise NotImplementedError('{name}.{meth}')", ""]
        return "\n".join(line for line in body if line is not None) + "\n"
    return (f"def {name}{inspect.signature(obj)}:\n{textwrap.indent(quoted, '    ')}\n"
            f"    raise NotImplementedError('implement {name}: the formula is in the docstring')\n")


def start(record_id: str, workspace: Path = DEFAULT_WORKSPACE, package: str = DEFAULT_PACKAGE) -> list[Path]:
    record = catalog.by_id(record_id)
    names = exercise_names(record)
    if not names:
        raise ValueError(f"{record_id} is a property record ({record.kind}); it has no function to implement")
    pkg = Path(workspace) / package
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").touch()
    written = []
    for dotted in names:
        module, _, attr = dotted.rpartition(".")
        path = pkg.joinpath(*module.split(".")).with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.parents:
            if parent == pkg.parent:
                break
            (parent / "__init__.py").touch()
        text = path.read_text(encoding="utf-8") if path.exists() else '"""My implementations."""\n\nimport numpy as np\n'
        if f"def {attr}(" in text or f"class {attr}" in text:
            continue  # never overwrite the learner's work
        text += "\n\n" + skeleton(resolve("impl", dotted), attr)
        path.write_text(text, encoding="utf-8")
        if path not in written:
            written.append(path)
    return written


def check(record_id: str, workspace: Path = DEFAULT_WORKSPACE, package: str = DEFAULT_PACKAGE,
          write=print, progress: Progress | None = None) -> bool:
    record = catalog.by_id(record_id)
    sys.path.insert(0, str(Path(workspace).resolve()))
    importlib.invalidate_caches()
    cand = Candidate(package, label=f"your {package}", repro="formulary drill check {id}" + (
        f" --workspace {workspace}" if Path(workspace) != DEFAULT_WORKSPACE else "") + (
        f" --package {package}" if package != DEFAULT_PACKAGE else ""))
    for dotted in exercise_names(record):
        try:
            cand.get(dotted)
        except NotFound as exc:
            write(f"Not found: {exc}. Run 'formulary drill start {record_id}' first.")
            return False
    failures = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # the learner's overflow warnings are noise here
        warnings.simplefilter("ignore")
        for name in checks.plan(record):
            try:
                checks.run(record, name, cand)
            except AssertionError as exc:
                failures.append((name, exc))
                break  # the first failure is the lesson; the rest is noise
    progress = progress or Progress.load()
    passed = not failures
    ex = progress.exercise(record_id, passed, today())
    if passed:
        write(f"PASS {record_id}: every check ({', '.join(checks.plan(record))}) agrees with PyTorch. "
              f"Exercise done ({ex['attempts']} attempts).")
        return True
    name, exc = failures[0]
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, NotImplementedError) or "NotImplementedError" in str(exc):
        write(f"NOT YET {record_id}: a function still raises NotImplementedError ({name}).")
        return False
    write(f"FAIL {record_id} [{name}]\n{textwrap.indent(str(exc), '  ')}")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        mistake = matching_mistake(record, cand)
    if mistake:
        write(f"Your code makes a known mistake, '{mistake.name}': {mistake.description}.")
    return False

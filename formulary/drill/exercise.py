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
from formulary.candidate import Broken, Candidate, NotFound, resolve
from formulary.compare import short_repr
from formulary.diagnose import matching_mistake
from formulary.drill.progress import Progress, today
from formulary.timelimit import DEFAULT_SECONDS, CheckTimeout, time_limit
from formulary.usage import importable_elsewhere

DEFAULT_WORKSPACE = Path("drills")
DEFAULT_PACKAGE = "mine"


def exercise_names(record) -> list[str]:
    """The candidate names a learner implements for ``record``."""
    return [n for n in (record.candidate, record.backward) if n]


def skeleton(obj, name: str, extra: str = "") -> str:
    """Source of a stub with ``obj``'s signature and docstring (functions and classes); ``extra`` ends the docstring."""
    doc = (inspect.getdoc(obj) or "") + (f"\n\n{extra}" if extra else "")
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


def refuse_shadowing(workspace: Path, package: str) -> None:
    """A workspace package named like an installed one (impl, numpy...) would judge that one, or break it."""
    if not package.isidentifier():
        raise ValueError(f"--package {package!r} is not a Python package name")
    elsewhere = importable_elsewhere(package, workspace)
    if elsewhere:
        raise ValueError(f"--package {package!r} would shadow the installed package of that name ({elsewhere}); "
                         "choose another name, e.g. --package mine")


def start(record_id: str, workspace: Path = DEFAULT_WORKSPACE, package: str = DEFAULT_PACKAGE) -> list[Path]:
    record = catalog.by_id(record_id)
    refuse_shadowing(workspace, package)
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
        fresh = '"""My implementations."""\n\nimport numpy as np\n'
        text = path.read_text(encoding="utf-8") if path.exists() else fresh
        if f"def {attr}(" in text or f"class {attr}" in text:
            continue  # never overwrite the learner's work
        text += "\n\n" + skeleton(resolve("impl", dotted), attr, contract(record, dotted))
        path.write_text(text, encoding="utf-8")
        if path not in written:
            written.append(path)
    return written


def contract(record, dotted: str) -> str:
    """What the checks will demand of ``dotted`` beyond the formula, for the skeleton's docstring."""
    lines = ["What `formulary drill check` will also demand:",
             "- dtypes: float32 in gives float32 out (float64 likewise); never write into the inputs;",
             "- the edge bank: ±0, subnormals, huge values, ±inf, NaN, empty and 0-d arrays, as torch answers them;"]
    if dotted == record.backward:
        lines.append("- the backward pass multiplies by grad_output (the upstream gradient) and returns "
                     "one gradient per differentiable input;")
    errs = [e for e in record.errors if record.target_name(e.target) == dotted]
    if errs:
        lines.append("- bad arguments raise an error whose message names the argument:")
        for e in errs:
            note = f"  ({e.sample.note})" if getattr(e.sample, "note", "") else ""
            lines.append(f"    {dotted.rpartition('.')[2]}{_args_text(e.sample)} -> {e.error.__name__} "
                         f"matching r'{e.match}'{note}")
    return "\n".join(lines)


def _args_text(sample) -> str:
    parts = [short_repr(a) for a in sample.args] + [f"{k}={short_repr(v)}" for k, v in dict(sample.kwargs).items()]
    return "(" + ", ".join(parts) + ")"


def _workspace_problem(record, workspace: Path, package: str) -> str | None:
    """Why the learner's package cannot be judged yet, in one line; None when it can."""
    pkg = Path(workspace) / package
    if not pkg.is_dir():
        return f"there is no {pkg}/ yet. Run 'formulary drill start {record.id}' first."
    for dotted in exercise_names(record):
        module, _, attr = dotted.rpartition(".")
        path = pkg.joinpath(*module.split(".")).with_suffix(".py")
        if not path.is_file():
            return f"there is no {path} yet. Run 'formulary drill start {record.id}' first."
    return None


def check(record_id: str, workspace: Path = DEFAULT_WORKSPACE, package: str = DEFAULT_PACKAGE,
          write=print, progress: Progress | None = None, timeout: float | None = DEFAULT_SECONDS) -> bool:
    record = catalog.by_id(record_id)
    missing = _workspace_problem(record, workspace, package)
    if missing:
        write(f"NOT YET {record_id}: {missing}")
        return False
    ws = str(Path(workspace).resolve())
    sys.path.insert(0, ws)
    # the learner edits between checks: import their package afresh, from this workspace only
    for mod in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[mod]
    importlib.invalidate_caches()
    try:
        return _check(record, workspace, package, write, progress, timeout)
    finally:
        sys.path.remove(ws)


def _check(record, workspace: Path, package: str, write, progress: Progress | None, timeout: float | None) -> bool:
    record_id = record.id
    cand = Candidate(package, label=f"your {package}", repro="formulary drill check {id}" + (
        f" --workspace {workspace}" if Path(workspace) != DEFAULT_WORKSPACE else "") + (
        f" --package {package}" if package != DEFAULT_PACKAGE else ""))
    for dotted in exercise_names(record):
        try:
            cand.get(dotted)
        except Broken as exc:  # a syntax error or an exception at import: where, in one line
            write(f"CANNOT IMPORT {record_id}: {exc}")
            return False
        except NotFound:
            write(f"NOT YET {record_id}: your {package} has no {dotted}. "
                  f"Run 'formulary drill start {record_id}' to add its skeleton.")
            return False
    limit = f", at most {timeout:g} s each" if timeout else ""
    write(f"Checking {record_id}: {', '.join(checks.plan(record))}{limit}...")
    failures = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # the learner's overflow warnings are noise here
        warnings.simplefilter("ignore")
        for name in checks.plan(record):
            try:
                with time_limit(timeout):
                    checks.run(record, name, cand)
            except (AssertionError, CheckTimeout) as exc:
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
    if isinstance(exc, CheckTimeout):
        write(f"TOO SLOW {record_id} [{name}]: {exc}. An endless loop? (limit: --timeout)")
        return False
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, NotImplementedError) or "NotImplementedError" in str(exc):
        write(f"NOT YET {record_id}: a function still raises NotImplementedError ({name}).")
        return False
    write(f"FAIL {record_id} [{name}]\n{textwrap.indent(str(exc), '  ')}")
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), time_limit(timeout):
            warnings.simplefilter("ignore")
            mistake = matching_mistake(record, cand, failed_check=name)
    except CheckTimeout:
        mistake = None
    if mistake:
        write(f"Your code makes a known mistake, '{mistake.name}': {mistake.description}.")
    return False

"""Bad invocations of the command line: one line on standard error and exit status 2.

Every option the user types is checked here before any check runs or any file is
written, so that a mistyped candidate, device, profile or path never ends in a
traceback, and never half-writes a report.  :class:`UsageError` carries the one line;
``formulary.cli.main`` prints it as ``formulary <command>: <line>`` and returns 2.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
import tempfile
import traceback
from pathlib import Path

import torch

from formulary.profiles import PROFILES

EXIT_USAGE = 2


class UsageError(Exception):
    """A bad invocation: the message is one line that says what was expected."""


def where(exc: BaseException, roots: list[str] | None = None) -> str:
    """``"file, line L"`` of the innermost frame of ``exc`` under one of ``roots``
    (the candidate's folders); the innermost frame of all when ``roots`` is empty."""
    frames = traceback.extract_tb(exc.__traceback__)
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{exc.filename}, line {exc.lineno}"
    mine = [f for f in frames if roots and any(os.path.abspath(f.filename).startswith(r) for r in roots)]
    frame = (mine or frames or [None])[-1]
    return f"{frame.filename}, line {frame.lineno}" if frame else ""


def candidate_name(name: str) -> str:
    """An importable package name, not a path or an empty string."""
    if not name or not name.strip():
        raise UsageError("--candidate is empty: give the name of a package with impl's API, e.g. --candidate impl")
    if any(sep in name for sep in ("/", "\\")) or name.endswith(".py") or name.startswith("."):
        raise UsageError(f"--candidate takes a package name, not a path ({name!r}): run from the folder that "
                         f"contains the package and give its name, e.g. --candidate {Path(name).stem or 'mine'}")
    if not all(part.isidentifier() for part in name.split(".")):
        raise UsageError(f"--candidate {name!r} is not a Python package name (letters, digits, _ and dots)")
    return name


def import_candidate(name: str) -> None:
    """Import the candidate package; a missing, broken or raising package is a UsageError."""
    candidate_name(name)
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise UsageError(f"cannot import the candidate {name!r}: no such package on the path "
                             f"(run from the folder that contains it)") from None
        raise UsageError(f"importing the candidate {name!r} failed: {exc} ({where(exc)})") from None
    except SyntaxError as exc:
        raise UsageError(f"the candidate {name!r} has a syntax error: {exc.msg} ({where(exc)})") from None
    except Exception as exc:
        raise UsageError(f"importing the candidate {name!r} raised {type(exc).__name__}: {exc} "
                         f"({where(exc)})") from None


def device(name: str) -> str:
    """A torch device that exists on this machine (a missing GPU is the environment's, not the candidate's)."""
    try:
        dev = torch.device(name)
    except (RuntimeError, ValueError, TypeError):
        raise UsageError(f"--device {name!r} is not a torch device; expected cpu, cuda, cuda:N or mps") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise UsageError(f"--device {name}: this machine has no usable CUDA device (torch.cuda.is_available() is "
                         "False); an environment problem, not the candidate's. Use --device cpu")
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise UsageError(f"--device {name}: only {torch.cuda.device_count()} CUDA device(s) here")
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise UsageError(f"--device {name}: MPS is not available on this machine; use --device cpu")
    if dev.type not in ("cpu", "cuda", "mps"):
        raise UsageError(f"--device {name}: the reference runs on cpu, cuda or mps")
    return name


def profile(name: str | None) -> str | None:
    if name is not None and name not in PROFILES:
        raise UsageError(f"--profile {name!r} is not a hypothesis profile; expected one of {', '.join(PROFILES)}")
    return name


def writable_dir(path: str, option: str = "--out") -> Path:
    """A folder that exists or can be made, and that we may write into (probed, not guessed)."""
    out = Path(path).expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"{option} {path}: exists and is not a folder")
    parent = out if out.exists() else next((p for p in out.parents if p.exists()), None)
    if parent is None or not parent.is_dir():
        raise UsageError(f"{option} {path}: no existing folder above it")
    try:
        fd, probe = tempfile.mkstemp(dir=parent, prefix=".formulary-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot write in {parent} ({exc.strerror})") from None
    return out


def readable_file(path: str, option: str):
    """An open text stream for ``path`` ('-' is standard input)."""
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot read it ({exc.strerror})") from None


RESERVED = ("impl", "reference", "formulary")  # the judges and the engine: a learner's package never takes their names


def importable_elsewhere(package: str, workspace: Path) -> str | None:
    """Where ``package`` would be imported from if not from ``workspace`` (a shadowed package), else None.

    The current folder does not count (a learner's ``mine/`` may sit there too), but
    impl, reference and formulary are always taken.
    """
    top = package.split(".")[0]
    skip = {os.path.abspath(p) for p in (str(workspace), os.getcwd())}
    entries = [p for p in sys.path if p and os.path.abspath(p) not in skip]
    try:  # the path only, not sys.modules: a package imported earlier from a workspace is no installed one
        spec = importlib.machinery.PathFinder.find_spec(top, entries) or (
            importlib.util.find_spec(top) if top in RESERVED else None)
    except (ImportError, ValueError):
        spec = None
    where_found = (spec.origin or next(iter(spec.submodule_search_locations or []), "")) if spec else ""
    if top in RESERVED:
        return where_found or f"Formulary's own {top}"
    inside = [os.path.abspath(workspace)]
    if not where_found or any(os.path.abspath(where_found).startswith(d + os.sep) for d in inside):
        return None  # the learner's own package, already imported from the workspace
    return where_found

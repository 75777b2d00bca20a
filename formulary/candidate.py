"""Finding the code under test and the judges: candidates, references, oracles.

A candidate is any package with impl's API (``impl`` by default, a learner's
workspace in a drill, a peer library's adapter); names in records are relative to it.
A name that cannot be found is a :class:`LookupError` naming the record's field,
never a silent skip.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


class NotFound(LookupError):
    """A dotted name in a record does not resolve."""


class Broken(NotFound):
    """The candidate's module exists but cannot be imported (a syntax error, an exception at import)."""


def resolve(package: str, dotted: str) -> Callable:
    """``resolve('impl', 'activations.sigmoid')`` -> ``impl.activations.sigmoid``."""
    module_name, _, attr = dotted.rpartition(".")
    full = f"{package}.{module_name}" if module_name else package
    try:
        module = importlib.import_module(full)
    except ModuleNotFoundError as exc:
        raise NotFound(f"{package}: cannot import {full!r} for {dotted!r} ({exc})") from exc
    except SyntaxError as exc:  # the learner's file: say where, in one line
        raise Broken(f"{package}: {full!r} has a syntax error: {exc.msg} ({exc.filename}, line {exc.lineno})") from None
    except Exception as exc:
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        at = f" ({tb.tb_frame.f_code.co_filename}, line {tb.tb_lineno})" if tb is not None else ""
        raise Broken(f"{package}: importing {full!r} raised {type(exc).__name__}: {exc}{at}") from None
    try:
        return getattr(module, attr)
    except AttributeError:
        raise NotFound(f"{package}: module {full!r} has no {attr!r}") from None


class Candidate:
    """The package under test, optionally with some names replaced (a known mistake)."""

    def __init__(self, package: str = "impl", overrides: Mapping[str, Callable] | None = None, label: str | None = None,
                 repro: str | None = None):
        self.package = package
        self.overrides = dict(overrides or {})
        self.label = label or package
        # the command that reruns one record on this candidate, "{id}" for the record
        self.repro = repro or f"formulary check --candidate {package} --only {{id}}"

    def get(self, dotted: str) -> Callable:
        if dotted in self.overrides:
            return self.overrides[dotted]
        return resolve(self.package, dotted)

    def replacing(self, dotted: str, fn: Callable, label: str) -> Candidate:
        return Candidate(self.package, {**self.overrides, dotted: fn}, label, self.repro)

    def __repr__(self) -> str:
        return f"Candidate({self.label!r})"


def reference(dotted: str) -> Callable:
    return resolve("reference", dotted)


def oracle(dotted: str) -> Callable:
    return resolve("reference.oracle", dotted)


def record_problems(record, candidate: Candidate) -> list[str]:
    """Every name of ``record`` that does not resolve, as messages."""
    out = []
    names = [("candidate", record.candidate), ("backward", record.backward)]
    names += [(f"mistake {m.name!r} target", record.target_name(m.target)) for m in record.mistakes
              if m.target not in (None, "backward")]
    for field_name, dotted in names:
        if dotted:
            try:
                candidate.get(dotted)
            except NotFound as exc:
                out.append(f"{record.id}: {field_name} {exc}")
    for field_name, dotted, finder in (("reference", record.reference, reference), ("oracle", record.oracle, oracle)):
        if dotted:
            try:
                finder(dotted)
            except NotFound as exc:
                out.append(f"{record.id}: {field_name} {exc}")
    return out

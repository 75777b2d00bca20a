"""The generic checks every record is held to.

Each check takes a record, a :class:`~formulary.candidate.Candidate` and a device, and
either returns the comparison :class:`~formulary.compare.Stats` or raises
``AssertionError`` whose message names the record, the (shrunk) input, expected
against got and the worst element.  The pytest templates, ``formulary check``, the
drills and the sharpness meta-test all call these same functions.

Checks, in the order they run:

``edges``        forward (and backward) on the fixed edge bank, every dtype;
``errors``       bad arguments raise the promised ``ValueError``/``TypeError``;
``property``     the record's own check (worked examples, claims, algorithms); it may
                 return a dict of findings (measured numbers) that the report shows;
``forward-DT``   hypothesis-drawn samples against the reference, per dtype;
``backward-DT``  the candidate's vector-Jacobian product against torch.autograd;
``deviations``   each declared deviation is really there.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import torch
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from formulary import locate, tensors
from formulary.candidate import Candidate, reference
from formulary.compare import Mismatch, Stats, assert_close, short_repr
from formulary.record import Record, Sample
from formulary.strategies import grad_like, unit_mixed


class CandidateCrashed(AssertionError):
    """The candidate raised on an input it should accept."""


def plan(record: Record) -> list[str]:
    """The names of the checks that apply to ``record``, cheapest first."""
    names = []
    if record.edges is not None:
        names.append("edges")
    if record.errors:
        names.append("errors")
    if record.check is not None:
        names.append("property")
    if record.inputs is not None:
        for dt in record.dtypes:
            names.append(f"forward-{np.dtype(dt).name}")
        if record.backward:
            for dt in record.dtypes:
                names.append(f"backward-{np.dtype(dt).name}")
    if any(d.demonstrate for d in record.deviations):
        names.append("deviations")
    return names


T = TypeVar("T")


def _named(value: T | None, what: str, record: Record) -> T:
    """The record's ``what``, which this check needs: a record without it is a catalog error."""
    if value is None:
        raise ValueError(f"record {record.id!r} has no {what}, which this check needs")
    return value


def run(record: Record, check: str, candidate: Candidate, *, device: str = "cpu", shrink: bool = True) -> Stats:
    """Run one named check of ``record`` against ``candidate``."""
    kind, _, dtype = check.partition("-")
    if kind == "edges":
        return _edges(record, candidate, device)
    if kind == "errors":
        return _errors(record, candidate)
    if kind == "property":
        check_fn = _named(record.check, "check", record)
        findings = _guarded(record, check, lambda: check_fn(candidate))
        return Stats(examples=1, findings=dict(findings or {}))
    if kind == "forward":
        return _drawn(record, candidate, np.dtype(dtype), device, shrink, backward=False)
    if kind == "backward":
        return _drawn(record, candidate, np.dtype(dtype), device, shrink, backward=True)
    if kind == "deviations":
        for d in record.deviations:
            if d.demonstrate:
                _guarded(record, f"{check}: {d.summary}", lambda d=d: d.demonstrate(candidate))
        return Stats(examples=len(record.deviations))
    raise ValueError(f"unknown check {check!r}; expected one of {plan(record)}")


def which_catches(record: Record, mistake_name: str, base: Candidate, *, device: str = "cpu") -> tuple[str, str]:
    """The first check that rejects the named known mistake, and its message.

    Raises ``AssertionError`` if the mistake passes every check (the suite is blunt
    there) or only makes the candidate crash (a mistake must give wrong values).
    """
    mistake = next(m for m in record.mistakes if m.name == mistake_name)
    wrong = base.replacing(_named(record.target_name(mistake.target), "target", record), mistake.fn,
                           f"{base.label} with mistake {mistake.name!r}")
    crashes = []
    # value checks first: a mistake caught only by the error inputs proves little about its values
    for name in sorted(plan(record), key=lambda n: n == "errors"):
        try:
            run(record, name, wrong, device=device, shrink=False)
        except CandidateCrashed as exc:
            crashes.append(f"{name}: {exc}")
        except AssertionError as exc:
            return name, str(exc)
    detail = "; it only crashed: " + " | ".join(crashes) if crashes else ""
    raise AssertionError(f"{record.id}: known mistake {mistake.name!r} "
                         f"passes every check ({', '.join(plan(record))}){detail}")


# -- calling both sides --------------------------------------------------------------

def _guarded(record: Record, check: str, fn: Callable):
    """Run a property check or a deviation's demonstration; the candidate raising is a failure of it."""
    try:
        return fn()
    except AssertionError:
        raise
    except Exception as exc:
        at = locate.of_exception(exc)
        raise CandidateCrashed(f"{record.id} [{check}]: the candidate raised {type(exc).__name__}: {exc}"
                               + (f" in {at}" if at else "")) from exc


def call_candidate(record: Record, fn: Callable, sample: Sample):
    args, kwargs = copy.deepcopy(sample.args), copy.deepcopy(dict(sample.kwargs))  # private copies
    try:
        if record.run is not None:
            return record.run(fn, Sample(args, kwargs, sample.note))
        out = fn(*args, **kwargs)
    except AssertionError:
        raise
    except Exception as exc:
        at = locate.of_exception(exc)
        raise CandidateCrashed(f"{record.id}: candidate raised {type(exc).__name__}: {exc}"
                               + (f" in {at}" if at else "")
                               + f"\n  input: {sample!r}") from exc
    for before, after in zip(sample.args, args):
        if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
            raise AssertionError(f"{record.id}: candidate modified its input in place\n  input: {sample!r}")
    return out


def call_reference(record: Record, sample: Sample, device: str, requires_grad: bool = False):
    ref = reference(_named(record.reference, "reference", record))
    given, options = sample.args, dict(sample.kwargs)
    if sample.truth:  # float32 judged by the float64 reference (see Sample)
        given, options = tensors.recast((given, options), np.float32, np.float64)
    args = list(tensors.to_torch(given, device))
    if requires_grad:
        for i in record.grad_args:
            args[i] = tensors.to_torch(given[i], device, requires_grad=True)
    kwargs = tensors.to_torch(options, device)
    return args, ref(*args, **kwargs)


def _rounded(sample: Sample, expected, dtype: np.dtype):
    """The reference's result in the sample's dtype: rounded once where it ran in float64 (``truth``)."""
    return tensors.recast(expected, np.float64, dtype) if sample.truth else expected


def _fail(record: Record, check: str, candidate: Candidate, sample: Sample, exc: Mismatch, extra: str = "",
          names: list[str] | None = None, grad_output=None) -> AssertionError:
    at = _inputs_at(sample, exc.index, names or [], grad_output)
    return AssertionError(
        f"{record.id} [{check}] candidate {candidate.label}\n"
        f"  input: {sample!r}{extra}\n  {exc}\n" + (f"  where the inputs are: {at}\n" if at else "")
        + f"  repro: {candidate.repro.format(id=record.id)}"
    )


def _param_names(fn: Callable, skip: int = 0) -> list[str]:
    try:
        return [p for p in inspect.signature(fn).parameters][skip:]
    except (TypeError, ValueError):
        return []


def _inputs_at(sample: Sample, index, names: list[str], grad_output=None) -> str:
    """The input elements at the failing output element, e.g. ``input = inf``, for elementwise formulas.

    Shown only for the arguments whose shape holds the index (an elementwise input of the
    output's shape), so that the line never points at an unrelated element.
    """
    if not isinstance(index, tuple) or not index:
        return ""
    out = []
    args = list(sample.args)
    if isinstance(grad_output, np.ndarray):
        args, names = [grad_output, *args], ["grad_output", *names]
    for i, arg in enumerate(args):
        if isinstance(arg, np.ndarray) and arg.ndim == len(index) and all(0 <= j < n for j, n in zip(index, arg.shape)):
            name = names[i] if i < len(names) and names[i] not in ("args", "kwargs") else f"argument {i}"
            out.append(f"{name}{list(index)} = {arg[index].item()!r}")
    return ", ".join(out)


def _worst(sample, seen: Stats, so_far: Stats) -> str:
    """The sample's text if it is the new worst input (merge keeps only that one); repr is costly."""
    return repr(sample) if seen.worst_ratio > so_far.worst_ratio else ""


def _compare_forward(record, fn, sample, dtype, device, stats, candidate, check):
    tol = record.tolerance(dtype)
    if sample.expected is not None:
        expected = sample.expected
    else:
        expected = _rounded(sample, tensors.to_numpy(call_reference(record, sample, device)[1]), dtype)
    actual = call_candidate(record, fn, sample)
    try:
        s = assert_close(actual, expected, tol, names=record.output_names)
    except Mismatch as exc:
        raise _fail(record, check, candidate, sample, exc, names=_param_names(fn)) from None
    s.worst = _worst(sample, s, stats)
    s.examples = 1
    s.tolerance = {dtype.name: [tol.rtol, tol.atol]}
    stats.merge(s)


def _compare_backward(record, bwd, sample, dtype, device, stats, candidate, check, draw_grad):
    tol = record.tolerance(dtype)
    args, out = call_reference(record, sample, device, requires_grad=True)
    outs = [t for t in tensors.leaves(out) if t.is_floating_point()]
    if sample.expected_grad is not None:
        grads = [np.ones(tuple(t.shape), dtype) for t in outs]
        expected = sample.expected_grad
        expected = (expected,) if len(record.grad_args) == 1 else tuple(expected)
    else:
        grads = [draw_grad(tuple(t.shape)) for t in outs]
        live = [(t, g) for t, g in zip(outs, grads) if t.requires_grad]
        if live:
            torch.autograd.backward([t for t, _ in live], [torch.from_numpy(g).to(device, t.dtype) for t, g in live])
        expected = _rounded(sample, tuple(tensors.grads_of(args[i]) for i in record.grad_args), dtype)
    grad_output = tensors.rebuild(out, grads) if not isinstance(out, torch.Tensor) else grads[0]
    actual = call_candidate(record, lambda *a, **k: bwd(grad_output, *a, **k), sample)
    if len(record.grad_args) == 1:
        actual = (actual,)
    names = tuple(f"grad[{i}]" for i in record.grad_args)
    try:
        s = assert_close(tuple(actual) if isinstance(actual, (tuple, list)) else actual, expected, tol, names=names)
    except Mismatch as exc:
        raise _fail(record, check, candidate, sample, exc, f"\n  grad_output: {short_repr(grad_output)}",
                    names=_param_names(bwd, skip=1), grad_output=grad_output) from None
    s.worst = _worst(sample, s, stats)
    s.examples = 1
    s.tolerance = {dtype.name: [tol.rtol, tol.atol]}
    stats.merge(s)


def _drawn(record: Record, candidate: Candidate, dtype: np.dtype, device: str, shrink: bool, backward: bool) -> Stats:
    check = f"{'backward' if backward else 'forward'}-{dtype.name}"
    fn = candidate.get(_named(record.backward if backward else record.candidate, "candidate", record))
    stats = Stats()
    options: dict[str, Any] = {} if shrink else {"phases": (Phase.explicit, Phase.generate)}

    @settings(**options)
    @given(sample=_named(record.inputs, "inputs", record)(dtype), data=st.data())
    def prop(sample, data):
        if backward:
            _compare_backward(record, fn, sample, dtype, device, stats, candidate, check,
                              lambda shape: data.draw(grad_like(dtype, shape), label="grad_output"))
        else:
            _compare_forward(record, fn, sample, dtype, device, stats, candidate, check)

    prop()
    return stats


def _edges(record: Record, candidate: Candidate, device: str) -> Stats:
    stats = Stats()
    fwd = candidate.get(_named(record.candidate, "candidate", record))
    bwd = candidate.get(record.backward) if record.backward else None
    for dt in record.dtypes:
        dtype = np.dtype(dt)
        for sample in _named(record.edges, "edges", record)(dtype):
            _compare_forward(record, fwd, sample, dtype, device, stats, candidate, "edges")
            if bwd is not None:
                _compare_backward(record, bwd, sample, dtype, device, stats, candidate, "edges",
                                  lambda shape, dtype=dtype: unit_mixed(shape, dtype))
    return stats


def _errors(record: Record, candidate: Candidate) -> Stats:
    for err in record.errors:
        fn = candidate.get(_named(record.target_name(err.target), "target", record))
        where = f"{record.id} [errors] {record.target_name(err.target)}{err.sample!r}"
        try:
            fn(*err.sample.args, **err.sample.kwargs)
        except err.error as exc:
            if not re.search(err.match, str(exc)):
                raise AssertionError(f"{where}: raised {type(exc).__name__}({exc!s}), whose message does not match "
                                     f"{err.match!r}") from None
        except Exception as exc:  # a failure; for the meta-test, a crash rather than a wrong value
            raise CandidateCrashed(f"{where}: expected {err.error.__name__} matching {err.match!r}, got "
                                   f"{type(exc).__name__}: {exc}") from None
        else:
            raise AssertionError(f"{where}: expected {err.error.__name__} matching {err.match!r}; nothing was raised")
    return Stats(examples=len(record.errors))

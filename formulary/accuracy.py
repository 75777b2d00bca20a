"""Accuracy in ULPs against the mpmath oracle, candidate and torch side by side.

For each accuracy class of a record (a named input range: the bulk, each tail), the
candidate and the torch reference are evaluated on the same inputs and compared with
the oracle's 50-digit truth, in float64 ULPs.  Where the record runs in float32 too,
each class has a float32 twin (``<class> · float32``): the class's inputs rounded to
float32 (those that overflow float32 are left out), both sides run in float32, the
error counted in float32 ULPs of the truth at the rounded input, with the same bound.

The candidate must stay within the class's bound (4 ULP
unless the record states the conditioning argument for more) and must not be worse
than torch: its max error may exceed torch's by at most half an ULP, and any
faithfully rounded result (≤ 1 ULP) counts as a tie with a correctly rounded one.
"""

from __future__ import annotations

import mpmath
import numpy as np
import torch

from formulary import tensors
from formulary.candidate import Candidate, oracle, reference
from formulary.compare import ulp_error
from formulary.record import Record
from formulary.verdict import expect

SLACK_ULP = 0.5


def measure(record: Record, candidate: Candidate, device: str = "cpu") -> list[dict]:
    """One row per accuracy class: max ULP of candidate and torch, and where."""
    truth_of = oracle(record.oracle)
    mine_of = candidate.get(record.candidate)
    theirs_of = reference(record.reference)
    rows = []
    for cls in record.accuracy:
        x = np.asarray(cls.inputs(), dtype=np.float64)
        rows.append(_row(cls, cls.name, x, dict(cls.kwargs), truth_of, mine_of, theirs_of, device))
    if any(np.dtype(d) == np.float32 for d in record.dtypes):
        for cls in record.accuracy:
            twin = float32_inputs(np.asarray(cls.inputs(), dtype=np.float64), dict(cls.kwargs), truth_of)
            if twin is not None:
                rows.append(_row(cls, f"{cls.name} · float32", *twin, truth_of, mine_of, theirs_of, device))
    return rows


def float32_inputs(x: np.ndarray, kwargs: dict, truth_of) -> tuple[np.ndarray, dict] | None:
    """A class's inputs (and its float arrays among the options, a loss's target) rounded to
    float32, less the elements where that rounding leaves the function's domain: those that
    overflow float32, and those whose truth turns infinite or NaN (1 − 1e-16 becomes 1).
    None if nothing is left, or if a multi-dimensional input would have to be thinned."""
    arrays = {k: v for k, v in kwargs.items() if isinstance(v, np.ndarray) and v.dtype.kind == "f"}
    with np.errstate(over="ignore"):
        x32 = x.astype(np.float32)
        arrays32 = {k: v.astype(np.float32) for k, v in arrays.items()}
    kept = np.isfinite(x32) | ~np.isfinite(x)
    for k, v in arrays.items():
        if v.shape == x.shape:
            kept &= np.isfinite(arrays32[k]) | ~np.isfinite(v)
    if kept.all():
        before = truth_of(x, **kwargs)
        after = truth_of(x32.astype(np.float64), **_wide(kwargs | arrays32))
        if len(before) == x.size:
            kept = np.array([_finite(a) or not _finite(b) for a, b in zip(after, before, strict=True)]).reshape(x.shape)
        elif any(_finite(b) and not _finite(a) for a, b in zip(after, before, strict=True)):
            return None
    if not kept.all():
        if x.ndim != 1 or not kept.any():
            return None
        x32 = x32[kept]
        arrays32 = {k: v[kept] if v.shape == x.shape else v for k, v in arrays32.items()}
    return x32, {**kwargs, **arrays32}


def _finite(value) -> bool:
    return bool(mpmath.isfinite(value))


def _wide(kwargs: dict) -> dict:
    return {k: v.astype(np.float64) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v
            for k, v in kwargs.items()}


def _row(cls, name: str, x: np.ndarray, kwargs: dict, truth_of, mine_of, theirs_of, device: str) -> dict:
    truth = truth_of(x.astype(np.float64), **_wide(kwargs))  # the truth at the (rounded) inputs themselves
    mine = mine_of(x.copy(), **kwargs)
    theirs = theirs_of(torch.from_numpy(x.copy()).to(device),
                       **tensors.to_torch(dict(kwargs), device)).detach().cpu().numpy()
    row = {"class": name, "dtype": str(x.dtype), "n": int(x.size), "bound_ulp": cls.bound_ulp, "why": cls.why}
    for who, values in (("candidate", mine), ("torch", theirs)):
        got = np.asarray(values).dtype
        expect(got == x.dtype, f"expected {who} to return {x.dtype} for {x.dtype} input in class {name!r}, got {got}")
        ulps = ulp_error(np.asarray(values, dtype=np.float64), truth, dtype=x.dtype)
        k = int(np.argmax(ulps))
        row[f"{who}_max_ulp"] = float(ulps[k])
        row[f"{who}_mean_ulp"] = float(np.mean(ulps))
        row[f"{who}_worst_input"] = _input_at(x, k, np.shape(values))
    return row


def _input_at(x: np.ndarray, flat_index: int, out_shape: tuple) -> str:
    """The input behind the worst output element (for reductions: its index only)."""
    if tuple(out_shape) != x.shape:
        return f"output element {np.unravel_index(flat_index, out_shape) if out_shape else ()}"
    if x.ndim <= 1:
        return repr(float(x.ravel()[flat_index]))
    idx = np.unravel_index(flat_index, x.shape)
    return f"row {x[idx[:-1]].tolist()} element {idx[-1]}"


def assert_within_bounds(record: Record, rows: list[dict]) -> None:
    problems = []
    for row in rows:
        mine, theirs, bound = row["candidate_max_ulp"], row["torch_max_ulp"], row["bound_ulp"]
        if not mine <= bound:
            problems.append(f"{row['class']}: {mine:.3g} ULP > bound {bound:g} (at x = {row['candidate_worst_input']})")
        if not mine <= max(theirs + SLACK_ULP, 1.0):
            problems.append(f"{row['class']}: {mine:.3g} ULP, worse than torch's {theirs:.3g} (at x = "
                            f"{row['candidate_worst_input']})")
    if problems:
        raise AssertionError(f"{record.id} accuracy: " + "; ".join(problems))

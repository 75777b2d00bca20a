"""Accuracy in float64 ULPs against the mpmath oracle, candidate and torch side by side.

For each accuracy class of a record (a named input range: the bulk, each tail), the
candidate and the torch reference are evaluated on the same inputs and compared with
the oracle's 50-digit truth.  The candidate must stay within the class's bound (4 ULP
unless the record states the conditioning argument for more) and must not be worse
than torch: its max error may exceed torch's by at most half an ULP, and any
faithfully rounded result (≤ 1 ULP) counts as a tie with a correctly rounded one.
"""

from __future__ import annotations

import numpy as np
import torch

from formulary import tensors
from formulary.candidate import Candidate, oracle, reference
from formulary.compare import ulp_error
from formulary.record import Record

SLACK_ULP = 0.5


def measure(record: Record, candidate: Candidate, device: str = "cpu") -> list[dict]:
    """One row per accuracy class: max ULP of candidate and torch, and where."""
    truth_of = oracle(record.oracle)
    mine_of = candidate.get(record.candidate)
    theirs_of = reference(record.reference)
    rows = []
    for cls in record.accuracy:
        x = np.asarray(cls.inputs(), dtype=np.float64)
        truth = truth_of(x, **cls.kwargs)
        mine = np.asarray(mine_of(x.copy(), **cls.kwargs), dtype=np.float64)
        theirs = theirs_of(torch.from_numpy(x.copy()).to(device),
                           **tensors.to_torch(dict(cls.kwargs), device)).detach().cpu().numpy()
        row = {"class": cls.name, "n": int(x.size), "bound_ulp": cls.bound_ulp, "why": cls.why}
        for who, values in (("candidate", mine), ("torch", theirs)):
            ulps = ulp_error(values, truth)
            k = int(np.argmax(ulps))
            row[f"{who}_max_ulp"] = float(ulps[k])
            row[f"{who}_mean_ulp"] = float(np.mean(ulps))
            row[f"{who}_worst_input"] = _input_at(x, k, np.shape(values))
        rows.append(row)
    return rows


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
            problems.append(f"{row['class']}: {mine:.3g} ULP, worse than torch's {theirs:.3g} (at x = {row['candidate_worst_input']})")
    if problems:
        raise AssertionError(f"{record.id} accuracy: " + "; ".join(problems))

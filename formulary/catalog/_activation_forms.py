"""torch's input forms of the activations that need more than the edge bank: softmax's ``dtype=``,
the options impl does not take (``inplace=``, softmax's implicit ``dim``), as deviations, and the
gradient at a NaN input, which torch gives by the element's position in its kernel.

A helper module of :mod:`formulary.catalog.activations` (no records of its own); the
derivation is in ``docs/input-surface.md``.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import torch

from formulary.compare import assert_close
from formulary.record import Deviation, ErrorInput, Record, Sample
from formulary.tolerance import Tolerance
from formulary.verdict import expect


def dtype_edges(dt) -> list[Sample]:
    """torch's ``dtype=``: the input cast first (float64 here, the documented use against overflow), any spelling."""
    x = np.array([[88.0, 89.0, -3.0], [0.5, -0.25, 2.0]], dt)  # e^89 overflows float32: computed in float64
    return [Sample((x, 1), {"dtype": np.float64}, "dtype=np.float64"),
            Sample((x, 0), {"dtype": "float64"}, "dtype='float64'"),
            Sample((x[0], 0), {"dtype": np.dtype(dt)}, "dtype of the input itself"),
            Sample((np.array(2.0, dt), 0), {"dtype": np.float64}, "0-d, dtype=np.float64")]


def check_dtype_downcast(candidate, name):
    """dtype=float32 on a float64 input: computed in float32 as torch does, forward and backward, within float32's
    tolerance."""
    x = np.random.default_rng(5).uniform(-5, 5, (3, 4))
    g = np.random.default_rng(6).uniform(-1, 1, (3, 4)).astype(np.float32)
    t = torch.from_numpy(x).requires_grad_()
    out = getattr(torch.nn.functional, name)(t, 1, dtype=torch.float32)
    out.backward(torch.from_numpy(g))
    mine = candidate.get(f"activations.{name}")(x, 1, dtype=np.float32)
    grad = candidate.get(f"activations.{name}_backward")(g, x, 1, dtype=np.float32)
    expect(mine.dtype == np.float32 and grad.dtype == np.float64, f"dtypes: output {mine.dtype} (expected float32), "
           f"gradient {grad.dtype} (expected the input's float64)")
    assert_close((mine, grad), (out.detach().numpy(), t.grad.numpy()), Tolerance.default(np.float32),
                 names=("output", "grad"))


INPLACE_FUNCTIONS = ("relu", "leaky_relu", "elu", "selu", "silu", "hardsigmoid")


def _inplace_not_taken(candidate):
    """torch's inplace=: accepted by torch; impl's functions have no such option (a TypeError naming it)."""
    for name in INPLACE_FUNCTIONS:
        getattr(torch.nn.functional, name)(torch.zeros(2), inplace=False)
        try:
            candidate.get(f"activations.{name}")(np.zeros(2), inplace=False)
        except TypeError as exc:
            expect("inplace" in str(exc), f"{name}: the TypeError should name inplace: {exc}")
        else:
            expect(False, f"{name} accepted inplace=; impl never writes into its input and takes no such option")


INPLACE = Deviation(
    f"torch's inplace= ({', '.join(INPLACE_FUNCTIONS)}) is not taken: a TypeError naming inplace",
    "impl's functions never write into their arguments (the checks verify it); inplace=False would be a no-op and "
    "inplace=True a promise impl does not keep",
    _inplace_not_taken)


def _torch_implicit_softmax_dim(candidate):
    """softmax(x) without dim: torch picks one (deprecated, with a warning); impl asks for dim."""
    x = np.arange(6.0).reshape(2, 3)
    for name in ("softmax", "log_softmax"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 'Implicit dimension choice for softmax has been deprecated'
            theirs = getattr(torch.nn.functional, name)(torch.from_numpy(x))
        expect(tuple(theirs.shape) == (2, 3), f"torch's implicit dim now gives {theirs}")
        try:
            candidate.get(f"activations.{name}")(x, None)
        except TypeError as exc:
            expect("dim" in str(exc), f"{name}: the TypeError should name dim: {exc}")
        else:
            expect(False, f"{name} accepted dim=None; expected a TypeError naming dim")


IMPLICIT_DIM = Deviation(
    "softmax/log_softmax without dim (dim=None): torch chooses dim 0 for 0-, 1- and 3-D inputs and 1 otherwise, with a "
    "deprecation warning; impl raises a TypeError naming dim",
    "torch's documentation gives dim as an int and calls the implicit choice deprecated; a guessed axis is a silent "
    "bug",
    _torch_implicit_softmax_dim)


DTYPE_ERRORS = (
    ErrorInput(Sample((np.zeros(3), 0), {"dtype": np.int64}, "integer dtype (out of impl's scope)"), TypeError,
               r"\bdtype\b.*float32 or float64"),
    ErrorInput(Sample((np.zeros(3), 0), {"dtype": "half"}, "float16"), TypeError, r"\bdtype\b"),
    ErrorInput(Sample((np.zeros(3), 0), {"dtype": "no such type"}, "not a dtype"), TypeError, r"\bdtype\b"),
    ErrorInput(Sample((np.zeros(3), np.zeros(3), 0), {"dtype": np.int32}, "integer dtype"), TypeError, r"\bdtype\b",
               "backward"),
)


def nan_gradient_by_position(name, slope=1.0, **kw):
    """torch's gradient at NaN differs between its vectorised body and its scalar tail.

    ``slope``: the scalar kernel's derivative there, its positive branch's (λ for SELU).  Which
    elements fall in the tail depends on the CPU's vector width (AVX2 or AVX-512), so no edge
    may hold NaN among other values (:func:`nan_apart`).
    """

    def demonstrate(candidate):
        x = torch.full((21,), float("nan"), dtype=torch.float64, requires_grad=True)
        getattr(torch.nn.functional, name)(x, **kw).backward(torch.ones(21, dtype=torch.float64))
        theirs = set(np.unique(np.where(np.isnan(x.grad.numpy()), -1.0, x.grad.numpy())).tolist())
        expect(len(theirs) > 1, f"torch's {name} gradient at NaN is now {theirs} at every position: drop the deviation")
        mine = candidate.get(f"activations.{name}_backward")(np.ones(40), np.full(40, np.nan), **kw)
        expect(np.all(mine == slope), f"candidate's gradient at NaN is {set(mine.tolist())}, expected {slope}·g "
               "everywhere")

    return Deviation(
        "gradient at a NaN input: torch gives the positive branch's derivative in its scalar tail but 0 or NaN in its "
        "vectorised body (it depends on the element's position, and so on the CPU's vector width); impl gives the "
        "scalar kernel's everywhere",
        "one answer per input, the scalar kernel's, as relu's backward; the edge bank judges NaN on its own",
        demonstrate)


def nan_apart(record: Record, slope: float = 1.0) -> Record:
    """The record with NaN taken out of its edge bank (torch's gradient there depends on the
    element's position) and judged alone: NaN out, the upstream gradient passed times ``slope``."""

    def bank(dt):
        out = []
        for smp in record.edges(dt):
            x = smp.args[0]
            if smp.expected is None and isinstance(x, np.ndarray) and x.ndim == 1 and np.isnan(x).any():
                smp = dataclasses.replace(smp, args=(x[~np.isnan(x)], *smp.args[1:]))
            out.append(smp)
        nan = np.array([np.nan], dt)
        return out + [Sample((nan,), {}, "NaN: the gradient passes g", expected=nan,
                             expected_grad=np.full(1, slope, dt))]

    return dataclasses.replace(record, edges=bank)

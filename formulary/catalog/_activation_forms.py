"""torch's input forms of the activations that need more than the edge bank: softmax's ``dtype=``,
and the options impl does not take (``inplace=``, softmax's implicit ``dim``), as deviations.

A helper module of :mod:`formulary.catalog.activations` (no records of its own); the
derivation is in ``docs/input-surface.md``.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch

from formulary.compare import assert_close
from formulary.record import Deviation, ErrorInput, Sample
from formulary.tolerance import Tolerance
from formulary.verdict import expect

RECORDS = ()  # a helper: the catalog's records live in the chapter modules


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

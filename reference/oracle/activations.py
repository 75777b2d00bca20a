"""Activation functions in mpmath at 50 digits: the accuracy oracle."""

from __future__ import annotations

import mpmath
import numpy as np
from mpmath import mpf

from reference.oracle import DPS, elementwise


@elementwise
def sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


@elementwise
def tanh(x):
    return mpmath.tanh(x)


@elementwise
def elu(x, alpha=1.0):
    return x if x > 0 else mpf(alpha) * mpmath.expm1(x)


@elementwise
def selu(x):
    scale = mpf("1.0507009873554804934193349852946")
    alpha = mpf("1.6732632423543772848170429916717")
    return scale * (x if x > 0 else alpha * mpmath.expm1(x))


@elementwise
def gelu(x, approximate="none"):
    if approximate == "tanh":
        u = mpmath.sqrt(2 / mpmath.pi) * (x + mpf("0.044715") * x**3)
        return x / (1 + mpmath.exp(-2 * u))  # = x/2 (1 + tanh u), without 1 + tanh cancelling
    return x / 2 * mpmath.erfc(-x / mpmath.sqrt(2))


@elementwise
def softplus(x, beta=1.0):
    b = mpf(beta)
    return mpmath.log1p(mpmath.exp(b * x)) / b


@elementwise
def silu(x):
    return x / (1 + mpmath.exp(-x))


@elementwise
def softsign(x):
    return x / (1 + abs(x))


def log_softmax(x: np.ndarray, dim: int) -> list:
    """log softmax along ``dim`` of a float64 array, element by element in C order."""
    x = np.asarray(x, dtype=np.float64)
    moved = np.moveaxis(x, dim, -1)
    out = np.empty(moved.shape, dtype=object)
    with mpmath.workdps(DPS):
        for idx in np.ndindex(moved.shape[:-1]):
            row = [mpf(float(v)) for v in moved[idx]]
            k = max(range(len(row)), key=lambda j: row[j])
            # log1p of the non-maximal terms: at 50 digits, log(1 + 1e-60) would round to 0
            lse = row[k] + mpmath.log1p(mpmath.fsum(mpmath.exp(v - row[k]) for j, v in enumerate(row) if j != k))
            for k, v in enumerate(row):
                out[idx + (k,)] = v - lse
    return list(np.moveaxis(out, -1, dim).ravel())

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


@elementwise
def celu(x, alpha=1.0):
    a = mpf(alpha)
    return x if x > 0 else a * mpmath.expm1(x / a)


@elementwise
def logsigmoid(x):
    return -mpmath.log1p(mpmath.exp(-x))


@elementwise
def mish(x):
    return x * mpmath.tanh(mpmath.log1p(mpmath.exp(x)))


@elementwise
def tanhshrink(x):
    # x − tanh x ≈ x³/3 loses 2·|log10 x| digits to cancellation: work with that many more
    extra = 10 + (int(-2 * mpmath.log10(abs(x))) if x != 0 and abs(x) < 1 else 0)
    with mpmath.extradps(extra):
        return +(x - mpmath.tanh(x))


def glu(x: np.ndarray, dim: int = -1) -> list:
    """a·σ(b) of the two halves along ``dim``, element by element in C order."""
    x = np.asarray(x, dtype=np.float64)
    a, b = np.split(x, 2, axis=dim)
    with mpmath.workdps(DPS):
        return [mpf(float(u)) / (1 + mpmath.exp(-mpf(float(v)))) for u, v in zip(a.ravel(), b.ravel(), strict=True)]


def softmin(x: np.ndarray, dim: int) -> list:
    """exp(−x_i)/Σ_j exp(−x_j) along ``dim``, element by element in C order."""
    x = np.asarray(x, dtype=np.float64)
    moved = np.moveaxis(x, dim, -1)
    out = np.empty(moved.shape, dtype=object)
    with mpmath.workdps(DPS):
        for idx in np.ndindex(moved.shape[:-1]):
            row = [mpf(float(v)) for v in moved[idx]]
            total = mpmath.fsum(mpmath.exp(-v) for v in row)
            for k, v in enumerate(row):
                out[idx + (k,)] = mpmath.exp(-v) / total
    return list(np.moveaxis(out, -1, dim).ravel())

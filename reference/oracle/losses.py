"""Losses in mpmath at 50 digits: the accuracy oracle, elementwise (``reduction='none'``).

Each oracle takes the float64 input and, as the accuracy classes pass it, the target as
a keyword array; it returns the true unreduced losses in C order.
"""

from __future__ import annotations

import mpmath
import numpy as np
from mpmath import mpf

from reference.oracle import DPS


def _pairs(f, x, target, reduction):
    if reduction != "none":
        raise ValueError("the oracle gives unreduced losses: reduction must be 'none'")
    xs = np.asarray(x, dtype=np.float64).ravel()
    ys = np.broadcast_to(np.asarray(target, dtype=np.float64), np.shape(x)).ravel()
    with mpmath.workdps(DPS):
        return [f(mpf(float(a)), mpf(float(b))) for a, b in zip(xs, ys)]


def _softplus(z):
    """log(1 + e^z), without 1 + e^z rounding to 1 at 50 digits when z ≪ 0."""
    return z + mpmath.log1p(mpmath.exp(-z)) if z > 0 else mpmath.log1p(mpmath.exp(z))


def binary_cross_entropy_with_logits(x, target, reduction="none"):
    return _pairs(lambda z, y: (1 - y) * _softplus(z) + y * _softplus(-z), x, target, reduction)


def binary_cross_entropy(x, target, reduction="none"):
    """Without torch's −100 clamp: the classes stay where it does not act."""
    def bce(p, y):
        return -(y * mpmath.log(p) if y else 0) - ((1 - y) * mpmath.log1p(-p) if y != 1 else 0)
    return _pairs(bce, x, target, reduction)


def logistic_loss(x, target, reduction="none"):
    return _pairs(lambda f, y: _softplus(-y * f), x, target, reduction)


def msle_loss(x, target, reduction="none"):
    return _pairs(lambda a, b: (mpmath.log1p(a) - mpmath.log1p(b)) ** 2, x, target, reduction)


def cross_entropy(x, target, reduction="none"):
    """−log softmax(x)[t] of each row of a float64 (N, C) array, t an index array (N,)."""
    if reduction != "none":
        raise ValueError("the oracle gives unreduced losses: reduction must be 'none'")
    rows = np.asarray(x, dtype=np.float64)
    out = []
    with mpmath.workdps(DPS):
        for row, t in zip(rows, np.asarray(target).ravel()):
            v = [mpf(float(a)) for a in row]
            k = max(range(len(v)), key=lambda j: v[j])
            # log-sum-exp as max + log1p(rest), so that a loss near 0 keeps its digits
            rest = mpmath.fsum(mpmath.exp(a - v[k]) for j, a in enumerate(v) if j != k)
            out.append((v[k] - v[int(t)]) + mpmath.log1p(rest))
    return out

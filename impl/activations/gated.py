"""The gated linear unit (Dauphin et al. 2017)."""

from __future__ import annotations

import numpy as np

from impl._checks import axis, float_array
from impl.activations._common import _logistic, _wide


def _halves(x: np.ndarray, dim) -> tuple[int, int]:
    if x.ndim == 0:
        raise ValueError("input must have at least one dimension: glu halves a dimension")
    d = axis(dim, x.ndim)
    if x.shape[d] % 2:
        raise ValueError(f"input's dimension dim={dim} must have an even size to be halved, got {x.shape[d]}")
    return d, x.shape[d] // 2


def glu(input, dim=-1):
    r"""GLU: the first half of ``dim`` gated by the sigmoid of the second half.

    .. math::
        \operatorname{glu}(a, b) = a \otimes \sigma(b) = \frac{a}{1 + e^{-b}},\quad
        [a, b] = \text{input split in two along dim}
    """
    x = float_array(input, "input")
    d, h = _halves(x, dim)
    # a·σ(b) rounds three times; in NumPy's longdouble (64-bit significand on x86) the
    # result is rounded to float64 once (≤ 0.5 ULP); elsewhere longdouble is float64
    a, b = np.split(x.astype(np.longdouble), [h], axis=d)
    with np.errstate(over="ignore", invalid="ignore"):
        return (a / (1 + np.exp(-b))).astype(np.float64).astype(x.dtype)


def glu_backward(grad_output, input, dim=-1):
    r"""Gradient of glu, laid out like the input (the a-half, then the b-half).

    .. math::
        \frac{\partial L}{\partial a} = g\,\sigma(b),\qquad
        \frac{\partial L}{\partial b} = g\,a\,\sigma(b)\,(1 - \sigma(b))
    """
    x = float_array(input, "input")
    d, h = _halves(x, dim)
    g = float_array(grad_output, "grad_output")
    half = x.shape[:d] + (h,) + x.shape[d + 1:]
    if g.shape != half:
        raise ValueError(f"grad_output has shape {g.shape}, expected the output's shape {half}")
    z = _wide(x)
    a, b = np.split(z, [h], axis=d)
    s = _logistic(b)
    gw = _wide(g)
    with np.errstate(over="ignore", invalid="ignore"):
        # torch's product, in its order: (1 − σ(b))·σ(b)·g·a; where b > 37, 1 − σ(b) is 0 and so
        # is the gradient (true value: a·g·e^{−b}, below 1e-16·|a·g|)
        grad_b = (1.0 - s) * s * gw * a
        return np.concatenate([gw * s, grad_b], axis=d).astype(x.dtype)

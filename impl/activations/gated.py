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

    .. math:: \operatorname{glu}(a, b) = a \otimes \sigma(b),\quad [a, b] = \text{input split in two along dim}
    """
    x = float_array(input, "input")
    d, h = _halves(x, dim)
    z = _wide(x)
    a, b = np.split(z, [h], axis=d)
    return (a * _logistic(b)).astype(x.dtype)


def glu_backward(grad_output, input, dim=-1):
    r"""Gradient of glu, laid out like the input (the a-half, then the b-half).

    .. math:: \frac{\partial L}{\partial a} = g\,\sigma(b),\qquad \frac{\partial L}{\partial b} = g\,a\,\sigma(b)\,\sigma(-b)
    """
    x = float_array(input, "input")
    d, h = _halves(x, dim)
    g = float_array(grad_output, "grad_output")
    half = x.shape[:d] + (h,) + x.shape[d + 1:]
    if g.shape != half:
        raise ValueError(f"grad_output has shape {g.shape}, expected the output's shape {half}")
    z = _wide(x)
    a, b = np.split(z, [h], axis=d)
    s, sm = _logistic(b), _logistic(-b)
    gw = _wide(g)
    return np.concatenate([gw * s, gw * a * s * sm], axis=d).astype(x.dtype)

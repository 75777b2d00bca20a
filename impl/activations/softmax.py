"""Softmax and log-softmax over one dimension (guide §4)."""

from __future__ import annotations

import numpy as np

from impl._args import float_dtype
from impl._checks import axis, float_array, same_shape
from impl.activations._common import _wide

# -- softmax ------------------------------------------------------------------------------

def _shifted(x: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray]:
    """x − max along d (float64), and that max's index along d."""
    z = _wide(x)
    arg = np.argmax(z, axis=d, keepdims=True)
    m = np.take_along_axis(z, arg, axis=d)
    with np.errstate(invalid="ignore"):
        return z - m, arg


def softmax(input, dim, dtype=None):
    r"""Softmax along ``dim``: exponentials normalised to sum to 1.

    .. math:: \operatorname{softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}},\; m = \max_j x_j

    ``dtype`` (float32 or float64), as in torch: the input is cast to it first, and the
    result has it.
    """
    x = float_array(input, "input")
    if dtype is not None:
        return softmax(x.astype(float_dtype(dtype)), dim)
    d = axis(dim, x.ndim)
    if x.size == 0:
        return x.copy()
    if x.ndim == 0:
        return softmax(x.reshape(1), 0).reshape(())
    s, _ = _shifted(x, d)
    e = np.exp(s)
    return (e / e.sum(axis=d, keepdims=True)).astype(x.dtype)


def softmax_backward(grad_output, input, dim, dtype=None):
    r"""Gradient of softmax (a full Jacobian-vector product, not just its diagonal).

    .. math:: \frac{\partial L}{\partial x_i} = p_i \Bigl(g_i - \sum_j g_j p_j\Bigr)

    With ``dtype``, the gradient through the cast: computed in ``dtype``, returned in the input's.
    """
    x = float_array(input, "input")
    if dtype is not None:
        return softmax_backward(grad_output, x.astype(float_dtype(dtype)), dim).astype(x.dtype)
    g = same_shape(grad_output, x)
    d = axis(dim, x.ndim)
    if x.size == 0:
        return g.copy()
    if x.ndim == 0:
        return softmax_backward(g.reshape(1), x.reshape(1), 0).reshape(())
    p, gw = softmax(_wide(x), d), _wide(g)
    return (p * (gw - (gw * p).sum(axis=d, keepdims=True))).astype(x.dtype)


def log_softmax(input, dim, dtype=None):
    r"""The log of softmax, computed stably (``dtype`` as in :func:`softmax`).

    .. math:: \log\operatorname{softmax}(x)_i = (x_i - m) - \log\Bigl(1 + \sum_{j \ne k} e^{x_j - m}\Bigr),
              \; m = x_k = \max_j x_j

    ``log1p`` of the non-maximal terms keeps full relative accuracy when the result is
    near 0 (one logit dominating), where ``log(sum)`` would round it to exactly 0.
    """
    x = float_array(input, "input")
    if dtype is not None:
        return log_softmax(x.astype(float_dtype(dtype)), dim)
    d = axis(dim, x.ndim)
    if x.size == 0:
        return x.copy()
    if x.ndim == 0:
        return log_softmax(x.reshape(1), 0).reshape(())
    s, arg = _shifted(x, d)
    e = np.exp(s)
    np.put_along_axis(e, arg, 0.0, axis=d)  # the maximum's own term, exactly 1, goes to log1p's 1
    with np.errstate(invalid="ignore"):
        return (s - np.log1p(e.sum(axis=d, keepdims=True))).astype(x.dtype)


def log_softmax_backward(grad_output, input, dim, dtype=None):
    r"""Gradient of log_softmax (``dtype`` as in :func:`softmax_backward`).

    .. math:: \frac{\partial L}{\partial x_i} = g_i - \operatorname{softmax}(x)_i \sum_j g_j
    """
    x = float_array(input, "input")
    if dtype is not None:
        return log_softmax_backward(grad_output, x.astype(float_dtype(dtype)), dim).astype(x.dtype)
    g = same_shape(grad_output, x)
    d = axis(dim, x.ndim)
    if x.size == 0:
        return g.copy()
    if x.ndim == 0:
        return log_softmax_backward(g.reshape(1), x.reshape(1), 0).reshape(())
    p, gw = softmax(_wide(x), d), _wide(g)
    return (gw - p * gw.sum(axis=d, keepdims=True)).astype(x.dtype)

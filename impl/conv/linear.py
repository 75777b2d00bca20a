"""The fully connected layer (guide §7 4), torch's ``F.linear``: y = x Wᵀ + b."""

from __future__ import annotations

import numpy as np

from impl._checks import float_array
from impl.conv.conv2d import _array


def _prepare(input, weight, bias):
    """torch's documented shapes: input (*, in), weight (out, in) or (in,), bias (out,) or ()."""
    x = float_array(input, "input")
    if x.ndim < 1:
        raise ValueError("input must have at least 1 dimension (..., in_features)")
    w = float_array(weight, "weight")
    if w.ndim not in (1, 2):
        raise ValueError(f"weight must be 2-D (out_features, in_features) or 1-D (in_features,), got shape {w.shape}")
    w = _array(w, "weight", w.ndim, x.dtype)
    if w.shape[-1] != x.shape[-1]:
        raise ValueError(f"weight has {w.shape[-1]} in_features (columns), the input has {x.shape[-1]} (last axis)")
    if bias is None:
        return x, w, None
    b = float_array(bias, "bias")
    shapes = [(), (w.shape[0],)] if w.ndim == 2 else [()]
    if b.shape not in shapes:
        raise ValueError(f"bias has shape {b.shape}, expected {' or '.join(map(str, shapes))} for a weight of shape "
                         f"{w.shape}")
    return x, w, _array(b, "bias", b.ndim, x.dtype)


def linear(input, weight, bias=None):
    r"""Fully connected layer over the last axis; weight is (out_features, in_features), as in torch.

    .. math:: y = x W^\top + b, \qquad y_{\dots, o} = b_o + \sum_i x_{\dots, i}\, W_{o, i}

    As torch documents: a 1-D weight (in_features,) gives one output per row, shape
    (*); a 0-d bias is added to every output.
    """
    x, w, b = _prepare(input, weight, bias)
    out = x @ w.T
    return out + b if b is not None else out


def linear_backward(grad_output, input, weight, bias=None):
    r"""Gradients of :func:`linear`: (grad_input, grad_weight, grad_bias); grad_bias is None without a bias.

    .. math:: \frac{\partial L}{\partial x} = g W, \qquad \frac{\partial L}{\partial W} = \sum_{\text{rows}} g^\top x,
              \qquad \frac{\partial L}{\partial b} = \sum_{\text{rows}} g

    Each gradient has its argument's shape (a 0-d bias's is the sum of every g).
    """
    x, w, b = _prepare(input, weight, bias)
    out_shape = (*x.shape[:-1], w.shape[0]) if w.ndim == 2 else x.shape[:-1]
    g = _array(grad_output, "grad_output", len(out_shape), x.dtype)
    if g.shape != out_shape:
        raise ValueError(f"grad_output has shape {g.shape}, expected the output's shape {out_shape}")
    w2 = w.reshape(w.shape[0] if w.ndim == 2 else 1, w.shape[-1])  # a 1-D weight is one output feature
    rows = int(np.prod(x.shape[:-1]))  # not -1: in_features or out_features may be 0
    rows_g, rows_x = g.reshape(rows, w2.shape[0]), x.reshape(rows, w2.shape[1])
    grad_bias = None if b is None else rows_g.sum(axis=0).reshape(b.shape) if b.ndim else np.array(rows_g.sum(),
                                                                                                   x.dtype)
    grad_input = (g.reshape(*g.shape, 1) if w.ndim == 1 else g) @ w2
    return grad_input.reshape(x.shape), (rows_g.T @ rows_x).reshape(w.shape), grad_bias

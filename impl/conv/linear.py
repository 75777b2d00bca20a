"""The fully connected layer (guide §7 4), torch's ``F.linear``: y = x Wᵀ + b."""

from __future__ import annotations


from impl._checks import float_array
from impl.conv.conv2d import _array, _bias


def _prepare(input, weight, bias):
    x = float_array(input, "input")
    if x.ndim < 1:
        raise ValueError("input must have at least 1 dimension (..., in_features)")
    w = _array(weight, "weight", 2, x.dtype)
    if w.shape[1] != x.shape[-1]:
        raise ValueError(f"weight has {w.shape[1]} in_features (columns), the input has {x.shape[-1]} (last axis)")
    return x, w, _bias(bias, w.shape[0], x.dtype)


def linear(input, weight, bias=None):
    r"""Fully connected layer over the last axis; weight is (out_features, in_features), as in torch.

    .. math:: y = x W^\top + b, \qquad y_{\dots, o} = b_o + \sum_i x_{\dots, i}\, W_{o, i}
    """
    x, w, b = _prepare(input, weight, bias)
    out = x @ w.T
    return out + b if b is not None else out


def linear_backward(grad_output, input, weight, bias=None):
    r"""Gradients of :func:`linear`: (grad_input, grad_weight, grad_bias); grad_bias is None without a bias.

    .. math:: \frac{\partial L}{\partial x} = g W, \qquad \frac{\partial L}{\partial W} = \sum_{\text{rows}} g^\top x,
              \qquad \frac{\partial L}{\partial b} = \sum_{\text{rows}} g
    """
    x, w, b = _prepare(input, weight, bias)
    g = _array(grad_output, "grad_output", x.ndim, x.dtype)
    if g.shape != (*x.shape[:-1], w.shape[0]):
        raise ValueError(f"grad_output has shape {g.shape}, expected the output's shape {(*x.shape[:-1], w.shape[0])}")
    rows_g, rows_x = g.reshape(-1, w.shape[0]), x.reshape(-1, w.shape[1])
    grad_bias = rows_g.sum(axis=0) if b is not None else None
    return g @ w, rows_g.T @ rows_x, grad_bias

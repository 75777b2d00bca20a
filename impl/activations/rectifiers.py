"""Rectifiers: ReLU, leaky ReLU, PReLU, ELU, SELU (guide §4)."""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, real, same_shape
from impl.activations._common import blockwise

# SELU's constants (Klambauer et al. 2017), as torch defines them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


# -- ReLU family -----------------------------------------------------------------------

def relu(input):
    r"""Rectified linear unit.

    .. math:: \operatorname{relu}(x) = \max(0, x)
    """
    x = float_array(input, "input")
    return np.maximum(x, x.dtype.type(0))  # np.maximum keeps NaN, as torch does


def relu_backward(grad_output, input):
    r"""Gradient of relu; at x = 0 it is 0, as torch defines it.

    .. math:: \frac{\partial L}{\partial x} = \begin{cases} g & x > 0 \\ 0 & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    return np.where(x <= 0, x.dtype.type(0), g).astype(x.dtype)  # NaN input passes g, like torch


def leaky_relu(input, negative_slope=0.01):
    r"""Leaky ReLU.

    .. math:: \operatorname{leaky\_relu}(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    a = x.dtype.type(real(negative_slope, "negative_slope"))
    with np.errstate(over="ignore"):  # |α| > 1 may overflow to ±inf, the IEEE answer
        return np.where(x > 0, x, x * a).astype(x.dtype)


def leaky_relu_backward(grad_output, input, negative_slope=0.01):
    r"""Gradient of leaky_relu (at 0 the slope is α, as torch defines it).

    .. math:: \frac{\partial L}{\partial x} = \begin{cases} g & x > 0 \\ \alpha g & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    a = x.dtype.type(real(negative_slope, "negative_slope"))
    return np.where(x > 0, g, g * a).astype(x.dtype)


def _prelu_weight(x: np.ndarray, weight) -> np.ndarray:
    """PReLU's slope broadcast against x: one shared, or one per channel (dim 1)."""
    w = float_array(weight, "weight")
    if w.dtype != x.dtype:
        raise TypeError(f"weight has dtype {w.dtype}, expected the input's dtype {x.dtype}")
    if w.ndim > 1:
        raise ValueError(f"weight must be a scalar or 1-D array, got {w.ndim} dimensions")
    if w.size == 1:
        return w.reshape(())
    if x.ndim == 0:
        raise ValueError("a per-channel weight needs an input with at least one dimension")
    channels = x.shape[1] if x.ndim > 1 else 1
    if w.size != channels:
        raise ValueError(f"weight has {w.size} elements, expected 1 or the input's {channels} channels (dim 1)")
    return w.reshape((1, channels) + (1,) * (x.ndim - 2))


def prelu(input, weight):
    r"""Parametric ReLU: a learnable slope, shared or one per channel (dim 1).

    .. math:: \operatorname{prelu}(x)_c = \begin{cases} x & x > 0 \\ a_c x & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    w = _prelu_weight(x, weight)
    return np.where(x > 0, x, w * x).astype(x.dtype)


def prelu_backward(grad_output, input, weight):
    r"""Gradients of prelu with respect to the input and the slope.

    .. math::
        \frac{\partial L}{\partial x} = \begin{cases} g & x > 0 \\ a_c g & x \le 0 \end{cases}
        \qquad
        \frac{\partial L}{\partial a_c} = \sum_{x \in \text{channel } c,\ x \le 0} g\,x
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    w_in = float_array(weight, "weight")
    w = _prelu_weight(x, weight)
    grad_input = np.where(x > 0, g, w * g).astype(x.dtype)
    contrib = np.where(x > 0, x.dtype.type(0), g * x)
    if w_in.size == 1:
        grad_weight = contrib.sum(dtype=np.float64).reshape(w_in.shape)
    else:
        reduce = tuple(i for i in range(x.ndim) if i != (1 if x.ndim > 1 else 0))
        grad_weight = contrib.sum(axis=reduce, dtype=np.float64).reshape(w_in.shape)
    return grad_input, grad_weight.astype(x.dtype)


# -- exponential units -------------------------------------------------------------------

def elu(input, alpha=1.0):
    r"""Exponential linear unit.

    .. math:: \operatorname{elu}(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    a = real(alpha, "alpha")
    return blockwise(lambda z: _elu(z, a), x.dtype, x)


def _elu(z, a: float):
    neg = np.minimum(z, 0.0)  # expm1 only where it is used, so it never overflows
    return np.where(z > 0, z, a * np.expm1(neg))


def elu_backward(grad_output, input, alpha=1.0):
    r"""Gradient of elu (at 0 the negative branch, α, as torch defines it).

    .. math:: \frac{\partial L}{\partial x} = \begin{cases} g & x > 0 \\ g\,\alpha e^{x} & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    a = real(alpha, "alpha")
    return blockwise(lambda g, z: _elu_backward(g, z, a), x.dtype, g, x)


def _elu_backward(g, z, a: float):
    return np.where(z <= 0, g * (a * np.exp(np.minimum(z, 0.0))), g)  # NaN passes g, like torch


def selu(input):
    r"""Scaled ELU with the self-normalising constants λ ≈ 1.0507, α ≈ 1.6733.

    .. math:: \operatorname{selu}(x) = \lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    with np.errstate(over="ignore"):  # λx beyond the dtype's range is ±inf, as torch gives
        return blockwise(lambda z: SELU_SCALE * _elu(z, SELU_ALPHA), x.dtype, x)


def selu_backward(grad_output, input):
    r"""Gradient of selu.

    .. math:: \frac{\partial L}{\partial x} = \lambda \begin{cases} g & x > 0 \\ g\,\alpha e^{x} & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    return blockwise(lambda g, z: SELU_SCALE * _elu_backward(g, z, SELU_ALPHA), x.dtype, g, x)

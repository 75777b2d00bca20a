"""S-shaped activations: sigmoid, tanh, softsign, hard sigmoid (guide §4)."""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, same_shape
from impl.activations._common import _logistic, _wide

# -- sigmoid ------------------------------------------------------------------------

def sigmoid(input):
    r"""Logistic sigmoid.

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}
    """
    x = float_array(input, "input")
    return _logistic(_wide(x)).astype(x.dtype)


def sigmoid_backward(grad_output, input):
    r"""Gradient of sigmoid.

    .. math:: \frac{\partial L}{\partial x} = g \, \sigma(x)\,(1 - \sigma(x)) = g\,\sigma(x)\,\sigma(-x)
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    z = _wide(x)
    return (g * (_logistic(z) * _logistic(-z))).astype(x.dtype)


# -- tanh ------------------------------------------------------------------------------

def tanh(input):
    r"""Hyperbolic tangent.

    .. math:: \tanh x = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}
    """
    x = float_array(input, "input")
    return np.tanh(_wide(x)).astype(x.dtype)


def tanh_backward(grad_output, input):
    r"""Gradient of tanh.

    .. math:: \frac{\partial L}{\partial x} = g\,(1 - \tanh^2 x)
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    t = np.tanh(_wide(x))
    return (g * (1.0 - t * t)).astype(x.dtype)


def softsign(input):
    r"""Softsign.

    .. math:: \operatorname{softsign}(x) = \frac{x}{1 + |x|}

    At ±inf this is inf/inf = NaN, as torch computes it.
    """
    x = float_array(input, "input")
    z = _wide(x)
    with np.errstate(invalid="ignore"):
        return (z / (1.0 + np.abs(z))).astype(x.dtype)


def softsign_backward(grad_output, input):
    r"""Gradient of softsign.

    .. math:: \frac{\partial L}{\partial x} = \frac{g}{(1 + |x|)^2}

    At ±inf it is NaN, as torch's autograd gives (the forward itself is inf/inf there).
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    z = _wide(x)
    d = 1.0 + np.abs(z)
    with np.errstate(over="ignore"):
        return np.where(np.isinf(z), np.nan, g / d / d).astype(x.dtype)


def hardsigmoid(input):
    r"""PyTorch's piecewise-linear sigmoid (not Keras's 0.2x + 0.5).

    .. math:: \operatorname{hardsigmoid}(x) = \frac{\min(\max(x + 3, 0), 6)}{6}
    """
    x = float_array(input, "input")
    return (np.clip(_wide(x) + 3.0, 0.0, 6.0) / 6.0).astype(x.dtype)


def hardsigmoid_backward(grad_output, input):
    r"""Gradient of hardsigmoid: 1/6 strictly inside (−3, 3), 0 outside and at the ends.

    .. math:: \frac{\partial L}{\partial x} = \begin{cases} g/6 & -3 < x < 3 \\ 0 & \text{otherwise} \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    inside = (x > -3) & (x < 3)
    return np.where(inside, _wide(g) / 6.0, 0.0).astype(x.dtype)

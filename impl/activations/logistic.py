"""S-shaped activations: sigmoid, tanh, softsign, hard sigmoid (guide §4)."""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, same_shape
from impl.activations._common import _logistic, _logistic_pair, blockwise

# -- sigmoid ------------------------------------------------------------------------

def sigmoid(input):
    r"""Logistic sigmoid.

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}
    """
    x = float_array(input, "input")
    return blockwise(_logistic, x.dtype, x)


def sigmoid_backward(grad_output, input):
    r"""Gradient of sigmoid.

    .. math:: \frac{\partial L}{\partial x} = g \, \sigma(x)\,(1 - \sigma(x)) = g\,\sigma(x)\,\sigma(-x)
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    return blockwise(_sigmoid_backward, x.dtype, g, x)


def _sigmoid_backward(g, z):
    s, sm = _logistic_pair(z)  # one exp for both
    np.multiply(s, sm, out=s)
    return g * s  # a new array: a 0-d input gives a scalar, as before


# -- tanh ------------------------------------------------------------------------------

def tanh(input):
    r"""Hyperbolic tangent.

    .. math:: \tanh x = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}
    """
    x = float_array(input, "input")
    return blockwise(np.tanh, x.dtype, x)


def tanh_backward(grad_output, input):
    r"""Gradient of tanh.

    .. math:: \frac{\partial L}{\partial x} = g\,(1 - \tanh^2 x)
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    return blockwise(_tanh_backward, x.dtype, g, x)


def _tanh_backward(g, z):
    t = np.tanh(z)
    return g * (1.0 - t * t)


def softsign(input):
    r"""Softsign.

    .. math:: \operatorname{softsign}(x) = \frac{x}{1 + |x|}

    At ±inf this is inf/inf = NaN, as torch computes it.
    """
    x = float_array(input, "input")
    with np.errstate(invalid="ignore"):
        return blockwise(_softsign, x.dtype, x)


def _softsign(z):
    return z / (1.0 + np.abs(z))


def softsign_backward(grad_output, input):
    r"""Gradient of softsign.

    .. math:: \frac{\partial L}{\partial x} = \frac{g}{(1 + |x|)^2}

    At ±inf it is NaN, as torch's autograd gives (the forward itself is inf/inf there).
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    with np.errstate(over="ignore"):
        return blockwise(_softsign_backward, x.dtype, g, x)


def _softsign_backward(g, z):
    d = 1.0 + np.abs(z)
    return np.where(np.isinf(z), np.nan, g / d / d)


def hardsigmoid(input):
    r"""PyTorch's piecewise-linear sigmoid (not Keras's 0.2x + 0.5).

    .. math:: \operatorname{hardsigmoid}(x) = \frac{\min(\max(x + 3, 0), 6)}{6}
    """
    x = float_array(input, "input")
    return blockwise(_hardsigmoid, x.dtype, x)


def _hardsigmoid(z):
    return np.clip(z + 3.0, 0.0, 6.0) / 6.0


def hardsigmoid_backward(grad_output, input):
    r"""Gradient of hardsigmoid: 1/6 strictly inside (−3, 3), 0 outside and at the ends.

    .. math:: \frac{\partial L}{\partial x} = \begin{cases} g/6 & -3 < x < 3 \\ 0 & \text{otherwise} \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    return blockwise(_hardsigmoid_backward, x.dtype, g, x)


def _hardsigmoid_backward(g, z):
    # z is x widened: the comparisons with ±3 are exact in either width
    return np.where((z > -3) & (z < 3), g / 6.0, 0.0)

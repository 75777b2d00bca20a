"""Softmin: softmax of the negated input."""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, same_shape
from impl.activations.softmax import softmax, softmax_backward


def softmin(input, dim):
    r"""Softmin along ``dim``: weights that favour the smallest entries.

    .. math:: \operatorname{softmin}(x)_i = \frac{e^{-x_i}}{\sum_j e^{-x_j}} = \operatorname{softmax}(-x)_i
    """
    x = float_array(input, "input")
    return softmax(np.negative(x), dim)


def softmin_backward(grad_output, input, dim):
    r"""Gradient of softmin: the chain rule through −x.

    .. math::
        \frac{\partial L}{\partial x_i} = -p_i \Bigl(g_i - \sum_j g_j p_j\Bigr),\quad p = \operatorname{softmin}(x)
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    return np.negative(softmax_backward(g, np.negative(x), dim))

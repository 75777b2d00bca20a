"""Clamping activations: hardtanh, ReLU6, threshold (torch's names, no ``inplace``).

The bounds are rounded to the input's dtype before they are compared or returned, as
torch's kernels do: a float32 input is clamped at ``float32(min_val)``.
"""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, real, same_shape


def _bounds(x: np.ndarray, min_val, max_val) -> tuple:
    lo, hi = real(min_val, "min_val"), real(max_val, "max_val")
    if lo > hi:
        raise ValueError(f"min_val must not be greater than max_val, got min_val={lo}, max_val={hi}")
    return x.dtype.type(lo), x.dtype.type(hi)


def hardtanh(input, min_val=-1.0, max_val=1.0):
    r"""Hard tanh: the identity clamped to [min_val, max_val] (NaN stays NaN).

    .. math:: \operatorname{hardtanh}(x) = \min(\max(x, a), b),\quad a = \text{min\_val},\ b = \text{max\_val}
    """
    x = float_array(input, "input")
    lo, hi = _bounds(x, min_val, max_val)
    return np.clip(x, lo, hi).astype(x.dtype)  # np.clip keeps NaN, as torch's clamp does


def hardtanh_backward(grad_output, input, min_val=-1.0, max_val=1.0):
    r"""Gradient of hardtanh: g strictly inside (a, b), 0 at and beyond the ends.

    At NaN it passes g, as torch's scalar kernel does (its vectorised kernel gives 0 there:
    torch's answer depends on the element's position; see the catalog's deviation).

    .. math:: \frac{\partial L}{\partial x} = \begin{cases} g & a < x < b \\ 0 & \text{otherwise} \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    lo, hi = _bounds(x, min_val, max_val)
    return np.where((x <= lo) | (x >= hi), x.dtype.type(0), g).astype(x.dtype)


def relu6(input):
    r"""ReLU capped at 6 (MobileNet's): hardtanh with bounds 0 and 6.

    .. math:: \operatorname{relu6}(x) = \min(\max(x, 0), 6)
    """
    return hardtanh(input, 0.0, 6.0)


def relu6_backward(grad_output, input):
    r"""Gradient of relu6: g on (0, 6), 0 elsewhere and at both ends; NaN passes g (as hardtanh).

    .. math:: \frac{\partial L}{\partial x} = \begin{cases} g & 0 < x < 6 \\ 0 & \text{otherwise} \end{cases}
    """
    return hardtanh_backward(grad_output, input, 0.0, 6.0)


def threshold(input, threshold, value):
    r"""Threshold: x above the threshold, a constant at or below it (NaN passes through).

    .. math:: y = \begin{cases} x & x > \text{threshold} \\ \text{value} & x \le \text{threshold} \end{cases}
    """
    x = float_array(input, "input")
    t, v = x.dtype.type(real(threshold, "threshold")), x.dtype.type(real(value, "value"))
    return np.where(x <= t, v, x).astype(x.dtype)  # NaN <= t is false: NaN stays, as in torch


def threshold_backward(grad_output, input, threshold, value):
    r"""Gradient of threshold: g where x > threshold (and at NaN, as torch), 0 elsewhere.

    .. math::
        \frac{\partial L}{\partial x} = \begin{cases} g & x > \text{threshold} \\ 0 & x \le \text{threshold} \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    t = x.dtype.type(real(threshold, "threshold"))
    real(value, "value")  # checked though unused: a bad value is an error in both directions
    return np.where(x <= t, x.dtype.type(0), g).astype(x.dtype)

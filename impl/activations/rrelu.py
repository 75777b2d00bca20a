"""Randomized leaky ReLU (Xu et al. 2015): a random slope in training, the mean slope in evaluation.

Training draws one slope per element from U(lower, upper) (used where x ≤ 0).  The draw
comes from a NumPy ``Generator`` or is passed in as ``noise`` (torch's name for it: the
slopes where x ≤ 0 and 1 elsewhere, which :func:`rrelu_noise` returns), so that the
backward pass can use the same slopes.
"""

from __future__ import annotations

import numpy as np

from impl._checks import flag, float_array, real, same_shape
from impl.activations.rectifiers import leaky_relu, leaky_relu_backward


def _range(lower, upper) -> tuple[float, float]:
    lo, hi = real(lower, "lower"), real(upper, "upper")
    if lo > hi:
        raise ValueError(f"lower must not be greater than upper, got lower={lo}, upper={hi}")
    return lo, hi


def _generator(generator) -> np.random.Generator:
    if generator is None:
        return np.random.default_rng()
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"generator must be a numpy.random.Generator, got {type(generator).__name__}")
    return generator


def rrelu_noise(input, lower=1.0 / 8, upper=1.0 / 3, generator=None):
    r"""The slopes of one training step: U(lower, upper) where x ≤ 0, 1 elsewhere (torch's ``noise``).

    .. math:: a_i \sim \mathcal{U}(l, u) \text{ if } x_i \le 0, \qquad a_i = 1 \text{ otherwise}
    """
    x = float_array(input, "input")
    lo, hi = _range(lower, upper)
    r = _generator(generator).uniform(lo, hi, size=x.shape)
    return np.where(x <= 0, r, 1.0).astype(x.dtype)


def _noise(x: np.ndarray, noise) -> np.ndarray:
    n = float_array(noise, "noise")
    if n.shape != x.shape:
        raise ValueError(f"noise has shape {n.shape}, expected the input's shape {x.shape}")
    return n.astype(x.dtype, copy=False)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, *, generator=None, noise=None):
    r"""Randomized leaky ReLU.

    .. math::
        \operatorname{rrelu}(x) = \begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases},\qquad
        a \sim \mathcal{U}(l, u) \text{ (training)},\quad a = \frac{l + u}{2} \text{ (evaluation)}

    In training the slopes are ``noise`` if given (see :func:`rrelu_noise`), else drawn
    from ``generator``; in evaluation neither may be given.
    """
    x = float_array(input, "input")
    lo, hi = _range(lower, upper)
    if not flag(training, "training"):
        if noise is not None or generator is not None:
            raise ValueError("noise and generator are for training=True; evaluation uses the mean slope")
        return leaky_relu(x, (lo + hi) / 2)
    a = _noise(x, noise) if noise is not None else rrelu_noise(x, lo, hi, generator)
    return np.where(x <= 0, x * a, x).astype(x.dtype)


def rrelu_backward(grad_output, input, lower=1.0 / 8, upper=1.0 / 3, training=False, *, noise=None):
    r"""Gradient of rrelu: the slopes of the forward pass (``noise``, required in training).

    .. math:: \frac{\partial L}{\partial x} = \begin{cases} g & x > 0 \\ a\,g & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    lo, hi = _range(lower, upper)
    if not flag(training, "training"):
        if noise is not None:
            raise ValueError("noise is for training=True; evaluation uses the mean slope")
        return leaky_relu_backward(g, x, (lo + hi) / 2)
    if noise is None:
        raise ValueError("noise is required in training: the slopes the forward pass used (rrelu_noise)")
    a = _noise(x, noise)
    return np.where(x <= 0, g * a, g).astype(x.dtype)

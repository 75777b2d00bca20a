"""Weight initialisation with ``torch.nn.init``'s names and formulas, without in-place writes.

Each function takes the array to be initialised (for its shape and dtype), returns a new
array, and draws from a NumPy ``Generator`` (a fresh ``default_rng()`` when none is
given).  The bounds and standard deviations are torch's, computed in the same order,
and the draw is one call: ``generator.uniform(-bound, bound, shape)`` or
``generator.normal(0, std, shape)``, so a seeded run can be reproduced exactly.

The guide (§7, training procedure): initialise with *small*, *different* random numbers,
small so that units do not saturate, different so that they can learn different things.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from impl._checks import float_array, real

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity, param=None):
    r"""The recommended gain for a nonlinearity: torch's table, value for value.

    .. math::
        \text{linear, conv, sigmoid: } 1,\quad \tanh: \tfrac53,\quad \text{relu}: \sqrt2,\quad
        \text{leaky\_relu}: \sqrt{\frac{2}{1 + a^2}}\ (a = 0.01 \text{ by default}),\quad \text{selu}: \tfrac34
    """
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, numbers.Real) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"param (leaky_relu's negative slope) must be a number, got {param!r}")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4  # found empirically by torch (pytorch/pytorch#50664)
    raise ValueError(f"nonlinearity {nonlinearity!r} is not supported; expected one of "
                     f"{', '.join(_LINEAR)}, sigmoid, tanh, relu, leaky_relu, selu")


def _tensor(tensor) -> np.ndarray:
    return float_array(tensor, "tensor")


def _fans(w: np.ndarray) -> tuple[int, int]:
    """fan_in = size(1)·receptive field, fan_out = size(0)·receptive field (torch's layout: out, in, k…)."""
    if w.ndim < 2:
        raise ValueError(f"tensor must have at least 2 dimensions to have a fan in and fan out, got {w.ndim}")
    receptive = int(np.prod(w.shape[2:], dtype=np.int64)) if w.ndim > 2 else 1
    return w.shape[1] * receptive, w.shape[0] * receptive


def _fan(w: np.ndarray, mode) -> int:
    if not isinstance(mode, str) or mode.lower() not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(w)
    return fan_in if mode.lower() == "fan_in" else fan_out


def _generator(generator) -> np.random.Generator:
    if generator is None:
        return np.random.default_rng()
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"generator must be a numpy.random.Generator, got {type(generator).__name__}")
    return generator


def _uniform(w, low, high, generator):
    return _generator(generator).uniform(low, high, w.shape).astype(w.dtype)


def _normal(w, mean, std, generator):
    return _generator(generator).normal(mean, std, w.shape).astype(w.dtype)


def uniform(tensor, a=0.0, b=1.0, generator=None):
    r"""Values drawn from U(a, b).

    .. math:: w_i \sim \mathcal{U}(a, b)

    One draw: ``generator.uniform(a, b, shape)``, cast to the tensor's dtype.
    """
    w = _tensor(tensor)
    lo, hi = real(a, "a"), real(b, "b")
    if lo > hi:
        raise ValueError(f"a must not be greater than b, got a={lo}, b={hi}")
    return _uniform(w, lo, hi, generator)


def normal(tensor, mean=0.0, std=1.0, generator=None):
    r"""Values drawn from N(mean, std²).

    .. math:: w_i \sim \mathcal{N}(\mu, \sigma^2)

    One draw: ``generator.normal(mean, std, shape)``, cast to the tensor's dtype.
    """
    w = _tensor(tensor)
    s = real(std, "std")
    if s < 0:
        raise ValueError(f"std must be at least 0, got {s}")
    return _normal(w, real(mean, "mean"), s, generator)


def trunc_normal(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    r"""N(mean, std²) conditioned on [a, b]: values outside are redrawn until none is left.

    .. math:: w_i \sim \mathcal{N}(\mu, \sigma^2 \mid a \le w_i \le b)

    The bounds are absolute values (not multiples of std), as torch's.  Redrawing is
    exact rejection sampling; torch switches to a uniform proposal when [a, b] holds less
    than 30 % of the mass, which draws from the same distribution.
    """
    w = _tensor(tensor)
    mu, s, lo, hi = real(mean, "mean"), real(std, "std"), real(a, "a"), real(b, "b")
    if s <= 0:
        raise ValueError(f"std must be positive, got {s}")
    if lo >= hi:
        raise ValueError(f"a must be less than b, got a={lo}, b={hi}")
    p = 0.5 * (math.erfc(-(hi - mu) / (s * math.sqrt(2))) - math.erfc(-(lo - mu) / (s * math.sqrt(2))))
    if p < 1e-6:
        raise ValueError(f"[a, b] = [{lo}, {hi}] holds {p:.2g} of N({mu}, {s}²): too little to draw from")
    rng = _generator(generator)
    out = rng.normal(mu, s, w.size)
    lo_t, hi_t = float(w.dtype.type(lo)), float(w.dtype.type(hi))  # compared at the dtype's precision
    bad = np.flatnonzero((out < lo_t) | (out > hi_t) | (out.astype(w.dtype) < lo_t) | (out.astype(w.dtype) > hi_t))
    while bad.size:  # rounds of redraws, each over the rejected entries only
        out[bad] = rng.normal(mu, s, bad.size)
        fresh = out[bad]
        cast = fresh.astype(w.dtype)
        bad = bad[(fresh < lo_t) | (fresh > hi_t) | (cast < lo_t) | (cast > hi_t)]
    return out.reshape(w.shape).astype(w.dtype)


def xavier_uniform(tensor, gain=1.0, generator=None):
    r"""Glorot & Bengio (2010): U(−a, a) with a = gain·√(6/(fan_in + fan_out)).

    .. math:: a = \text{gain} \times \sqrt{3} \times \sqrt{\frac{2}{\text{fan\_in} + \text{fan\_out}}}

    fan_in = size(1)·k…, fan_out = size(0)·k… (weights laid out (out, in, k…)); the std is
    computed first and multiplied by √3, as torch does; one draw ``generator.uniform(-a, a, shape)``.
    """
    w = _tensor(tensor)
    fan_in, fan_out = _fans(w)
    std = real(gain, "gain") * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std  # torch's order: the std first, then √3
    return _uniform(w, -bound, bound, generator)


def xavier_normal(tensor, gain=1.0, generator=None):
    r"""Glorot & Bengio (2010): N(0, std²) with std = gain·√(2/(fan_in + fan_out)).

    .. math:: \sigma = \text{gain} \times \sqrt{\frac{2}{\text{fan\_in} + \text{fan\_out}}}

    One draw: ``generator.normal(0, std, shape)``.
    """
    w = _tensor(tensor)
    fan_in, fan_out = _fans(w)
    std = real(gain, "gain") * math.sqrt(2.0 / float(fan_in + fan_out))
    return _normal(w, 0.0, std, generator)


def _kaiming_std(w, a, mode, nonlinearity) -> float:
    return calculate_gain(nonlinearity, a) / math.sqrt(_fan(w, mode))


def _empty(w: np.ndarray) -> bool:
    if 0 in w.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def kaiming_uniform(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    r"""He et al. (2015): U(−b, b) with b = gain·√(3/fan); fan is fan_in or fan_out (``mode``).

    .. math:: b = \sqrt{3} \times \frac{\text{gain}(\text{nonlinearity}, a)}{\sqrt{\text{fan}}}

    ``a`` is the negative slope passed to :func:`calculate_gain` (used by leaky_relu).
    The std gain/√fan is computed first and multiplied by √3, as torch does; one draw
    ``generator.uniform(-b, b, shape)``.  A tensor with no elements is returned
    unchanged, with torch's warning.
    """
    w = _tensor(tensor)
    _fans(w)
    if _empty(w):
        return w.copy()
    bound = math.sqrt(3.0) * _kaiming_std(w, a, mode, nonlinearity)
    return _uniform(w, -bound, bound, generator)


def kaiming_normal(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    r"""He et al. (2015): N(0, std²) with std = gain/√fan.

    .. math:: \sigma = \frac{\text{gain}(\text{nonlinearity}, a)}{\sqrt{\text{fan}}}

    One draw: ``generator.normal(0, std, shape)``; no elements: unchanged, with torch's warning.
    """
    w = _tensor(tensor)
    _fans(w)
    if _empty(w):
        return w.copy()
    return _normal(w, 0.0, _kaiming_std(w, a, mode, nonlinearity), generator)


def orthogonal(tensor, gain=1, generator=None):
    r"""Saxe et al. (2013): a (semi-)orthogonal matrix, trailing dimensions flattened.

    .. math::
        X \sim \mathcal{N}(0, 1)^{r \times c},\ X = QR,\
        W = \text{gain} \cdot Q \operatorname{diag}(\operatorname{sign} R_{ii})

    For r < c the QR is of Xᵀ and Q is transposed back; the signs of R's diagonal make Q
    Haar-distributed (Mezzadri 2007).  Rows (r ≤ c) or columns (r > c) are orthonormal.
    """
    w = _tensor(tensor)
    if w.ndim < 2:
        raise ValueError(f"tensor must have at least 2 dimensions, got {w.ndim}")
    g = real(gain, "gain")
    if w.size == 0:
        return w.copy()
    rows = w.shape[0]
    cols = w.size // rows
    flat = _generator(generator).normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return (g * q).reshape(w.shape).astype(w.dtype)

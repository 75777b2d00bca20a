"""Known mistakes of initialisation: wrong fans, wrong gains, std for variance, clipping."""

from __future__ import annotations

import math

import numpy as np

from impl import init as I


def _w(tensor):
    return np.asarray(tensor)


def _fans(w):
    receptive = int(np.prod(w.shape[2:])) if w.ndim > 2 else 1
    return w.shape[1] * receptive, w.shape[0] * receptive


def _rng(generator):
    return generator if generator is not None else np.random.default_rng()


# calculate_gain -------------------------------------------------------------------------
def gain_relu_variance(nonlinearity, param=None):
    """ReLU's gain 2 (the variance factor) instead of √2 (the std factor)."""
    return 2.0 if nonlinearity == "relu" else I.calculate_gain(nonlinearity, param)


def gain_tanh_one(nonlinearity, param=None):
    """tanh's gain 1, as for sigmoid."""
    return 1 if nonlinearity == "tanh" else I.calculate_gain(nonlinearity, param)


def gain_leaky_default_zero(nonlinearity, param=None):
    """leaky_relu without a slope taken as slope 0 (ReLU's √2) instead of torch's 0.01."""
    if nonlinearity == "leaky_relu" and param is None:
        return math.sqrt(2.0)
    return I.calculate_gain(nonlinearity, param)


# uniform / normal / trunc_normal ----------------------------------------------------------
def uniform_width(tensor, a=0.0, b=1.0, generator=None):
    """U(a, a + b): b read as the width."""
    w = _w(tensor)
    return _rng(generator).uniform(a, a + b, w.shape).astype(w.dtype)


def uniform_symmetric(tensor, a=0.0, b=1.0, generator=None):
    """U(−b, b) whatever a says."""
    w = _w(tensor)
    return _rng(generator).uniform(-b, b, w.shape).astype(w.dtype)


def normal_variance_for_std(tensor, mean=0.0, std=1.0, generator=None):
    """std² passed where the standard deviation belongs."""
    w = _w(tensor)
    return _rng(generator).normal(mean, std * std, w.shape).astype(w.dtype)


def normal_mean_ignored(tensor, mean=0.0, std=1.0, generator=None):
    """Centred at 0 whatever mean says."""
    w = _w(tensor)
    return _rng(generator).normal(0.0, std, w.shape).astype(w.dtype)


def trunc_normal_clipped(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Values outside [a, b] clipped to the bounds instead of redrawn: atoms at a and b."""
    w = _w(tensor)
    return np.clip(_rng(generator).normal(mean, std, w.shape), a, b).astype(w.dtype)


def trunc_normal_bounds_in_std(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Bounds read as multiples of std around the mean (an older timm convention), not absolute values."""
    return I.trunc_normal(tensor, mean, std, mean + a * std, mean + b * std, generator)


# xavier / kaiming -----------------------------------------------------------------------------
def xavier_uniform_fan_in(tensor, gain=1.0, generator=None):
    """√(3/fan_in) (LeCun's bound) instead of √(6/(fan_in + fan_out))."""
    w = _w(tensor)
    bound = gain * math.sqrt(3.0 / _fans(w)[0])
    return _rng(generator).uniform(-bound, bound, w.shape).astype(w.dtype)


def xavier_uniform_std_as_bound(tensor, gain=1.0, generator=None):
    """The standard deviation used as the bound (√3 forgotten): variance a third of Glorot's."""
    w = _w(tensor)
    fan_in, fan_out = _fans(w)
    bound = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _rng(generator).uniform(-bound, bound, w.shape).astype(w.dtype)


def xavier_normal_uniform_std(tensor, gain=1.0, generator=None):
    """The uniform bound √(6/(fan_in + fan_out)) used as the normal's std."""
    w = _w(tensor)
    fan_in, fan_out = _fans(w)
    return _rng(generator).normal(0.0, gain * math.sqrt(6.0 / (fan_in + fan_out)), w.shape).astype(w.dtype)


def xavier_normal_gain_ignored(tensor, gain=1.0, generator=None):
    """gain accepted and ignored."""
    return I.xavier_normal(tensor, 1.0, generator)


def kaiming_uniform_mode_ignored(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """fan_in always, whatever mode says."""
    return I.kaiming_uniform(tensor, a, "fan_in", nonlinearity, generator)


def kaiming_uniform_std_as_bound(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """gain/√fan used as the bound: √3 forgotten."""
    w = _w(tensor)
    fan = _fans(w)[0 if mode == "fan_in" else 1]
    bound = I.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return _rng(generator).uniform(-bound, bound, w.shape).astype(w.dtype)


def kaiming_normal_mode_ignored(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """fan_in always, whatever mode says."""
    return I.kaiming_normal(tensor, a, "fan_in", nonlinearity, generator)


def kaiming_normal_no_gain(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """1/√fan without the gain: ReLU networks lose half their signal variance per layer."""
    w = _w(tensor)
    fan = _fans(w)[0 if mode == "fan_in" else 1]
    return _rng(generator).normal(0.0, 1.0 / math.sqrt(fan), w.shape).astype(w.dtype)


# orthogonal -----------------------------------------------------------------------------------
def orthogonal_no_sign_fix(tensor, gain=1, generator=None):
    """Q of the QR without the signs of R's diagonal: not Haar (Q[0, 0] is never positive)."""
    w = _w(tensor)
    rows = w.shape[0]
    cols = w.size // rows
    flat = _rng(generator).normal(0.0, 1.0, (rows, cols))
    q = np.linalg.qr(flat.T if rows < cols else flat)[0]
    return (gain * (q.T if rows < cols else q)).reshape(w.shape).astype(w.dtype)


def orthogonal_gain_ignored(tensor, gain=1, generator=None):
    """gain accepted and ignored."""
    return I.orthogonal(tensor, 1, generator)

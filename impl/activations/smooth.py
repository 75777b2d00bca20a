"""Smooth rectifiers: GELU (exact and tanh), softplus, SiLU (guide §4)."""

from __future__ import annotations

import math

import numpy as np

from impl._checks import float_array, real, same_shape
from impl._special import erfc
from impl.activations._common import _logistic, _logistic_pair, blockwise

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
# 1/√2 as a double-double: hi is the float64 nearest, lo the rest (from mpmath, 40 digits)
_RSQRT2_HI = 0.7071067811865476
_RSQRT2_LO = -4.833646656726457e-17
_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitter
_EXP_MINUS_64 = math.exp(-64.0)
_SILU_DEEP = -708.3  # just above log(smallest normal) = −708.396
_GELU_TANH_C = 0.044715



# -- GELU ------------------------------------------------------------------------------

def _approximate(approximate) -> str:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
    return approximate


def _two_prod(a: np.ndarray, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Dekker's exact product: a·b = p + e with p = fl(a·b) (|a| below 1e300)."""
    p = a * b
    t = _SPLIT * a
    a_hi = t - (t - a)
    a_lo = a - a_hi
    t = _SPLIT * b
    b_hi = t - (t - b)
    b_lo = b - b_hi
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return p, e


def _gelu_exact(z: np.ndarray) -> np.ndarray:
    """½ x erfc(v), v = −x/√2, with the rounding error δ of v corrected to first order.

    In the negative tail erfc(v) has relative sensitivity 2v to v, so one rounding of
    −x/√2 alone would cost 2v² ULP (≈ 1500 at x = −38):
    erfc(v + δ) ≈ erfc(v) − (2/√π) e^{−v²} δ.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        zs = np.where(np.abs(z) < 1e300, z, 0.0)  # the split overflows beyond; δ is irrelevant there
        p, e = _two_prod(-zs, _RSQRT2_HI)
        delta = e - zs * _RSQRT2_LO
        v = np.where(np.abs(z) < 1e300, p, -z * _RSQRT2_HI)
        with np.errstate(under="ignore"):
            fix = (2.0 / math.sqrt(math.pi)) * np.exp(-np.minimum(v * v, 1e4)) * delta
        return 0.5 * z * (erfc(v) - fix)


def _gelu_tanh_arg(z: np.ndarray) -> np.ndarray:
    """u = √(2/π)(x + 0.044715 x³), with x³ kept finite where u saturates anyway."""
    zc = np.clip(z, -1e100, 1e100)
    return _SQRT_2_OVER_PI * (zc + _GELU_TANH_C * zc * zc * zc)


def gelu(input, approximate="none"):
    r"""Gaussian error linear unit, exact or with the tanh approximation.

    .. math::
        \operatorname{gelu}(x) = x\,\Phi(x) = \tfrac12 x\,\operatorname{erfc}(-x/\sqrt2)
        \qquad
        \operatorname{gelu}_{\tanh}(x) = \tfrac12 x\,(1 + \tanh u) = x\,\sigma(2u),\;
        u = \sqrt{2/\pi}\,(x + 0.044715\,x^3)

    Written with ``erfc`` and ``σ`` so that the negative tail does not cancel.
    """
    x = float_array(input, "input")
    with np.errstate(over="ignore", invalid="ignore"):
        if _approximate(approximate) == "tanh":
            return blockwise(_gelu_tanh, x.dtype, x)  # NaN at -inf, as torch
        return blockwise(_gelu_exact, x.dtype, x)  # NaN at -inf, as torch


def _gelu_tanh(z):
    return z * _logistic(2.0 * _gelu_tanh_arg(z))


def gelu_backward(grad_output, input, approximate="none"):
    r"""Gradient of gelu.

    .. math::
        \operatorname{gelu}'(x) = \Phi(x) + x\,\varphi(x)
        \qquad
        \operatorname{gelu}_{\tanh}'(x) = \sigma(2u) + 2x\,\sigma(2u)\sigma(-2u)\,\sqrt{2/\pi}\,(1 + 3 \cdot
        0.044715\,x^2)
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    kernel = _gelu_tanh_backward if _approximate(approximate) == "tanh" else _gelu_exact_backward
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):
        return blockwise(kernel, x.dtype, g, x)


def _gelu_tanh_backward(g, z):
    u2 = 2.0 * _gelu_tanh_arg(z)
    s, sm = _logistic(u2), _logistic(-u2)
    zc = np.clip(z, -1e100, 1e100)
    du = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_C * zc * zc)
    d = s + 2.0 * zc * s * sm * du
    # at ±inf torch's formula meets inf·0; its NaN is kept so that infinities agree
    return np.where(np.isinf(z), np.nan, g * d)


def _gelu_exact_backward(g, z):
    pdf = np.exp(-0.5 * np.minimum(z * z, 1e10)) / math.sqrt(2.0 * math.pi)
    d = 0.5 * erfc(-z * (1.0 / math.sqrt(2.0))) + z * pdf
    return np.where(np.isinf(z), np.nan, g * d)


# -- smooth ReLUs ---------------------------------------------------------------------------

def softplus(input, beta=1.0, threshold=None):
    r"""Softplus, a smooth ReLU.

    .. math:: \operatorname{softplus}(x) = \frac{1}{\beta}\log\left(1 + e^{\beta x}\right)
              = \max(x, 0) + \frac{1}{\beta}\log\left(1 + e^{-|\beta x|}\right) \quad (\beta > 0)

    ``threshold=None`` (the default) gives this value everywhere.  Given a number, it
    follows torch: where βx > threshold the result is x itself (torch's default is 20,
    which trades up to e^{-20} ≈ 2e-9 relative accuracy for speed; see the deviation
    recorded in the catalog).
    """
    x = float_array(input, "input")
    b = real(beta, "beta")
    if b == 0:
        raise ValueError("beta must be non-zero")
    t = None if threshold is None else real(threshold, "threshold")
    with np.errstate(over="ignore", invalid="ignore"):
        return blockwise(lambda w: _softplus(w, b, t), x.dtype, x)


def _softplus(w, b: float, threshold: float | None):
    z = b * w  # may overflow to ±inf; max(βx, 0)/β is taken as max(x, 0) so that never matters
    ramp = np.maximum(w, 0.0) if b > 0 else np.minimum(w, 0.0)
    out = ramp + np.log1p(np.exp(-np.abs(z))) / b
    if threshold is not None:
        out = np.where(z > threshold, w, out)
    return out


def softplus_backward(grad_output, input, beta=1.0, threshold=None):
    r"""Gradient of softplus.

    .. math:: \frac{\partial L}{\partial x} = g\,\sigma(\beta x)
              \quad(\text{and } g \text{ where } \beta x > \text{threshold, when one is given})
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    b = real(beta, "beta")
    if b == 0:
        raise ValueError("beta must be non-zero")
    t = None if threshold is None else real(threshold, "threshold")
    with np.errstate(over="ignore"):
        return blockwise(lambda g, w: _softplus_backward(g, w, b, t), x.dtype, g, x)


def _softplus_backward(g, w, b: float, threshold: float | None):
    z = b * w
    d = _logistic(z)
    if threshold is not None:
        d = np.where(z > threshold, 1.0, d)
    return g * d


def silu(input):
    r"""Sigmoid-weighted linear unit (swish).

    .. math:: \operatorname{silu}(x) = x\,\sigma(x)
    """
    x = float_array(input, "input")
    with np.errstate(invalid="ignore", over="ignore"):  # -inf·0 = NaN at x = -inf, as torch gives
        return blockwise(_silu, x.dtype, x)


def _silu(z):
    # fmax (not maximum, 5x slower with a scalar): NaN becomes −708.3 here, but z/(…) is NaN all the same
    out = np.fmax(z, _SILU_DEEP, out=np.empty(np.shape(z)))  # out=: a 0-d input stays an array
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.add(out, 1.0, out=out)
    np.divide(z, out, out=out)  # one division: fewer roundings than x·σ(x)
    if np.ndim(z) and not np.fmin.reduce(z, axis=None, initial=np.inf) < _SILU_DEEP:  # fmin skips NaN: nothing to patch
        return out
    # below −708.3 e^x is subnormal and has lost bits (and e^−x overflows soon after):
    # x·e^{x+64}·e^{−64} keeps them (x + 64 is exact there; ≤ 2 ULP for normal results,
    # and only the last product rounds into the subnormals); evaluated only where needed
    deep = (z < _SILU_DEEP) & np.isfinite(z)
    zd = z[deep]
    out[deep] = (zd * np.exp(np.minimum(zd, _SILU_DEEP) + 64.0)) * _EXP_MINUS_64
    out[z == -np.inf] = np.nan  # torch's −inf·σ(−inf) = −inf·0
    return out


def silu_backward(grad_output, input):
    r"""Gradient of silu.

    .. math:: \frac{\partial L}{\partial x} = g\,\sigma(x)\,\bigl(1 + x\,\sigma(-x)\bigr)
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    with np.errstate(invalid="ignore"):  # inf·0 = NaN at x = ±inf, as torch gives
        return blockwise(_silu_backward, x.dtype, g, x)


def _silu_backward(g, z):
    s, sm = _logistic_pair(z)  # σ(z) and σ(−z) from one exp
    np.multiply(z, sm, out=sm)
    np.add(sm, 1.0, out=sm)
    np.multiply(s, sm, out=s)
    return g * s  # a new array: a 0-d input gives a scalar, as before

"""Activation functions and their backward passes (guide §4), from scratch in NumPy.

Names and signatures follow ``torch.nn.functional`` (without ``inplace``: these
functions never write into their input).  Each ``f_backward(grad_output, input, ...)``
is the vector-Jacobian product: it returns ``grad_output * f'(input)``.

Numerics: transcendental formulas are evaluated in float64 and rounded once to the
input's dtype, and written so that nothing overflows for any finite input and nothing
cancels in the tails (sigmoid from ``exp(-|x|)``, softplus as ``max(z, 0) +
log1p(exp(-|z|))``, GELU through ``erfc`` and ``sigmoid`` instead of ``1 + erf`` and
``1 + tanh``, log-softmax with ``log1p`` of the non-maximal terms).
"""

from __future__ import annotations

import math

import numpy as np

from impl._checks import axis, float_array, real, same_shape
from impl._special import erfc

# SELU's constants (Klambauer et al. 2017), as torch defines them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
# 1/√2 as a double-double: hi is the float64 nearest, lo the rest (from mpmath, 40 digits)
_RSQRT2_HI = 0.7071067811865476
_RSQRT2_LO = -4.833646656726457e-17
_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitter
_EXP_MINUS_64 = math.exp(-64.0)
_SILU_DEEP = -708.3  # just above log(smallest normal) = −708.396
_GELU_TANH_C = 0.044715


def _wide(x: np.ndarray) -> np.ndarray:
    """float64 working copy: float32 formulas are computed wide and rounded once."""
    return x.astype(np.float64, copy=True)


def _logistic(z: np.ndarray) -> np.ndarray:
    """σ(z) for a float64 array without overflow: from e = exp(-|z|)."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


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
    z = _wide(x)
    neg = np.minimum(z, 0.0)  # expm1 only where it is used, so it never overflows
    return np.where(z > 0, z, a * np.expm1(neg)).astype(x.dtype)


def elu_backward(grad_output, input, alpha=1.0):
    r"""Gradient of elu (at 0 the negative branch, α, as torch defines it).

    .. math:: \frac{\partial L}{\partial x} = \begin{cases} g & x > 0 \\ g\,\alpha e^{x} & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    a = real(alpha, "alpha")
    z = _wide(x)
    return np.where(z <= 0, g * (a * np.exp(np.minimum(z, 0.0))), g).astype(x.dtype)  # NaN passes g, like torch


def selu(input):
    r"""Scaled ELU with the self-normalising constants λ ≈ 1.0507, α ≈ 1.6733.

    .. math:: \operatorname{selu}(x) = \lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    with np.errstate(over="ignore"):  # λx beyond the dtype's range is ±inf, as torch gives
        return (SELU_SCALE * elu(_wide(x), SELU_ALPHA)).astype(x.dtype)


def selu_backward(grad_output, input):
    r"""Gradient of selu.

    .. math:: \frac{\partial L}{\partial x} = \lambda \begin{cases} g & x > 0 \\ g\,\alpha e^{x} & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    return (SELU_SCALE * elu_backward(_wide(g), _wide(x), SELU_ALPHA)).astype(x.dtype)


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
    z = _wide(x)
    with np.errstate(over="ignore", invalid="ignore"):
        if _approximate(approximate) == "tanh":
            return (z * _logistic(2.0 * _gelu_tanh_arg(z))).astype(x.dtype)  # NaN at -inf, as torch
        return _gelu_exact(z).astype(x.dtype)  # NaN at -inf, as torch


def gelu_backward(grad_output, input, approximate="none"):
    r"""Gradient of gelu.

    .. math::
        \operatorname{gelu}'(x) = \Phi(x) + x\,\varphi(x)
        \qquad
        \operatorname{gelu}_{\tanh}'(x) = \sigma(2u) + 2x\,\sigma(2u)\sigma(-2u)\,\sqrt{2/\pi}\,(1 + 3 \cdot 0.044715\,x^2)
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    z = _wide(x)
    if _approximate(approximate) == "tanh":
        with np.errstate(over="ignore", invalid="ignore"):
            u2 = 2.0 * _gelu_tanh_arg(z)
            s, sm = _logistic(u2), _logistic(-u2)
            zc = np.clip(z, -1e100, 1e100)
            du = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_C * zc * zc)
            d = s + 2.0 * zc * s * sm * du
    else:
        with np.errstate(under="ignore", over="ignore", invalid="ignore"):
            pdf = np.exp(-0.5 * np.minimum(z * z, 1e10)) / math.sqrt(2.0 * math.pi)
            d = 0.5 * erfc(-z * (1.0 / math.sqrt(2.0))) + z * pdf
    # at ±inf torch's formula meets inf·0; its NaN is kept so that infinities agree
    return np.where(np.isinf(z), np.nan, g * d).astype(x.dtype)


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
    w = _wide(x)
    with np.errstate(over="ignore", invalid="ignore"):
        z = b * w  # may overflow to ±inf; max(βx, 0)/β is taken as max(x, 0) so that never matters
        ramp = np.maximum(w, 0.0) if b > 0 else np.minimum(w, 0.0)
        out = ramp + np.log1p(np.exp(-np.abs(z))) / b
    if threshold is not None:
        out = np.where(z > real(threshold, "threshold"), _wide(x), out)
    return out.astype(x.dtype)


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
    with np.errstate(over="ignore"):
        z = b * _wide(x)
    d = _logistic(z)
    if threshold is not None:
        d = np.where(z > real(threshold, "threshold"), 1.0, d)
    return (g * d).astype(x.dtype)


def silu(input):
    r"""Sigmoid-weighted linear unit (swish).

    .. math:: \operatorname{silu}(x) = x\,\sigma(x)
    """
    x = float_array(input, "input")
    z = _wide(x)
    with np.errstate(invalid="ignore", over="ignore"):  # -inf·0 = NaN at x = -inf, as torch gives
        out = z / (1.0 + np.exp(-np.maximum(z, _SILU_DEEP)))  # one division: fewer roundings than x·σ(x)
        # below −708.3 e^x is subnormal and has lost bits (and e^−x overflows soon after):
        # x·e^{x+64}·e^{−64} keeps them (x + 64 is exact there; ≤ 2 ULP for normal results,
        # and only the last product rounds into the subnormals)
        deep = (z < _SILU_DEEP) & np.isfinite(z)
        out = np.where(deep, (z * np.exp(np.minimum(z, _SILU_DEEP) + 64.0)) * _EXP_MINUS_64, out)
        out = np.where(z == -np.inf, np.nan, out)  # torch's −inf·σ(−inf) = −inf·0
    return out.astype(x.dtype)


def silu_backward(grad_output, input):
    r"""Gradient of silu.

    .. math:: \frac{\partial L}{\partial x} = g\,\sigma(x)\,\bigl(1 + x\,\sigma(-x)\bigr)
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    z = _wide(x)
    with np.errstate(invalid="ignore"):  # inf·0 = NaN at x = ±inf, as torch gives
        d = _logistic(z) * (1.0 + z * _logistic(-z))
    return (g * d).astype(x.dtype)


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


# -- softmax ------------------------------------------------------------------------------

def _shifted(x: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray]:
    """x − max along d (float64), and that max's index along d."""
    z = _wide(x)
    arg = np.argmax(z, axis=d, keepdims=True)
    m = np.take_along_axis(z, arg, axis=d)
    with np.errstate(invalid="ignore"):
        return z - m, arg


def softmax(input, dim):
    r"""Softmax along ``dim``: exponentials normalised to sum to 1.

    .. math:: \operatorname{softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}},\; m = \max_j x_j
    """
    x = float_array(input, "input")
    d = axis(dim, x.ndim)
    if x.size == 0:
        return x.copy()
    if x.ndim == 0:
        return softmax(x.reshape(1), 0).reshape(())
    s, _ = _shifted(x, d)
    e = np.exp(s)
    return (e / e.sum(axis=d, keepdims=True)).astype(x.dtype)


def softmax_backward(grad_output, input, dim):
    r"""Gradient of softmax (a full Jacobian-vector product, not just its diagonal).

    .. math:: \frac{\partial L}{\partial x_i} = p_i \Bigl(g_i - \sum_j g_j p_j\Bigr)
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    d = axis(dim, x.ndim)
    if x.size == 0:
        return g.copy()
    if x.ndim == 0:
        return softmax_backward(g.reshape(1), x.reshape(1), 0).reshape(())
    p, gw = softmax(_wide(x), d), _wide(g)
    return (p * (gw - (gw * p).sum(axis=d, keepdims=True))).astype(x.dtype)


def log_softmax(input, dim):
    r"""The log of softmax, computed stably.

    .. math:: \log\operatorname{softmax}(x)_i = (x_i - m) - \log\Bigl(1 + \sum_{j \ne k} e^{x_j - m}\Bigr),
              \; m = x_k = \max_j x_j

    ``log1p`` of the non-maximal terms keeps full relative accuracy when the result is
    near 0 (one logit dominating), where ``log(sum)`` would round it to exactly 0.
    """
    x = float_array(input, "input")
    d = axis(dim, x.ndim)
    if x.size == 0:
        return x.copy()
    if x.ndim == 0:
        return log_softmax(x.reshape(1), 0).reshape(())
    s, arg = _shifted(x, d)
    e = np.exp(s)
    np.put_along_axis(e, arg, 0.0, axis=d)  # the maximum's own term, exactly 1, goes to log1p's 1
    with np.errstate(invalid="ignore"):
        return (s - np.log1p(e.sum(axis=d, keepdims=True))).astype(x.dtype)


def log_softmax_backward(grad_output, input, dim):
    r"""Gradient of log_softmax.

    .. math:: \frac{\partial L}{\partial x_i} = g_i - \operatorname{softmax}(x)_i \sum_j g_j
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    d = axis(dim, x.ndim)
    if x.size == 0:
        return g.copy()
    if x.ndim == 0:
        return log_softmax_backward(g.reshape(1), x.reshape(1), 0).reshape(())
    p, gw = softmax(_wide(x), d), _wide(g)
    return (gw - p * gw.sum(axis=d, keepdims=True)).astype(x.dtype)

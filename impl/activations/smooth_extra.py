"""More smooth activations: CELU, log-sigmoid, Mish, hard swish (torch's names)."""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, real, same_shape
from impl.activations._common import _logistic, _wide

# -- CELU ----------------------------------------------------------------------------------

def _alpha(alpha) -> float:
    a = real(alpha, "alpha")
    if a == 0:
        raise ValueError("alpha must be non-zero for celu (it divides x)")
    return a


def celu(input, alpha=1.0):
    r"""Continuously differentiable ELU (Barron 2017).

    .. math:: \operatorname{celu}(x) = \max(0, x) + \min\bigl(0, \alpha (e^{x/\alpha} - 1)\bigr)
    """
    x = float_array(input, "input")
    a = _alpha(alpha)
    z = _wide(x)
    with np.errstate(over="ignore"):
        neg = a * np.expm1(np.minimum(z, 0.0) / a)  # expm1: no cancellation as x → 0⁻
    return np.where(z > 0, z, neg).astype(x.dtype)


def celu_backward(grad_output, input, alpha=1.0):
    r"""Gradient of celu (NaN passes g, as torch).

    .. math:: \frac{\partial L}{\partial x} = \begin{cases} g & x > 0 \\ g\,e^{x/\alpha} & x \le 0 \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    a = _alpha(alpha)
    z = _wide(x)
    with np.errstate(over="ignore"):
        d = np.exp(np.minimum(z, 0.0) / a)
    return np.where(z <= 0, g * d, g).astype(x.dtype)


# -- log-sigmoid ------------------------------------------------------------------------------

def logsigmoid(input):
    r"""log σ(x), written as −softplus(−x) so that neither tail overflows nor cancels.

    .. math:: \log\sigma(x) = -\log(1 + e^{-x}) = \min(x, 0) - \log\left(1 + e^{-|x|}\right)
    """
    x = float_array(input, "input")
    z = _wide(x)
    with np.errstate(invalid="ignore"):
        return (np.minimum(z, 0.0) - np.log1p(np.exp(-np.abs(z)))).astype(x.dtype)


def logsigmoid_backward(grad_output, input):
    r"""Gradient of logsigmoid.

    .. math:: \frac{\partial L}{\partial x} = g\,(1 - \sigma(x)) = g\,\sigma(-x)
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    return (g * _logistic(-_wide(x))).astype(x.dtype)


# -- Mish ------------------------------------------------------------------------------------

def _mish_parts(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """t = tanh(softplus(x)) and 1 − t, each without cancellation.

    With u = eˣ, tanh(log(1 + u)) = u(u + 2)/(u(u + 2) + 2); for x > 0 in v = e^{−x}:
    (1 + 2v)/(1 + 2v + 2v²), and 1 − t = 2/(u(u + 2) + 2) = 2v²/(1 + 2v + 2v²).
    """
    u = np.exp(np.minimum(z, 0.0))
    v = np.exp(-np.maximum(z, 0.0))
    pos = z > 0
    num_n, den_n = u * (u + 2.0), u * (u + 2.0) + 2.0
    den_p = 1.0 + 2.0 * v + 2.0 * v * v
    t = np.where(pos, (1.0 + 2.0 * v) / den_p, num_n / den_n)
    one_minus_t = np.where(pos, 2.0 * v * v / den_p, 2.0 / den_n)
    return t, one_minus_t


def mish(input):
    r"""Mish (Misra 2019): x·tanh(softplus(x)), evaluated in extended precision and rounded once.

    .. math:: \operatorname{mish}(x) = x \tanh\bigl(\log(1 + e^{x})\bigr)
              = x\,\frac{u(u + 2)}{u(u + 2) + 2},\ u = e^{x}
              = x\,\frac{1 + 2v}{1 + 2v + 2v^2},\ v = e^{-x}

    tanh(softplus(x)) is a rational function of eˣ (e^{−x} for x > 0, so nothing
    overflows); in float64 the roundings of x·tanh(softplus(x)) cost up to 2.5 ULP, so it
    is evaluated in NumPy's ``longdouble`` (64-bit significand on x86) and rounded once
    (0.5 ULP).  Where ``longdouble`` is plain double (some platforms) the same formula runs
    in float64.  At −inf this is −inf·0 = NaN, as torch computes it.
    """
    x = float_array(input, "input")
    z = x.astype(np.longdouble)
    with np.errstate(invalid="ignore", over="ignore", under="ignore"):
        e = np.exp(-np.abs(z))  # u for x ≤ 0, v for x > 0
        pos = z > 0
        num = np.where(pos, 1 + 2 * e, e * (e + 2))
        t = num / (num + np.where(pos, 2 * e * e, 2))
        return (z * t).astype(np.float64).astype(x.dtype)


def mish_backward(grad_output, input):
    r"""Gradient of mish (NaN at ±inf, where torch's formula meets inf·0).

    .. math::
        \frac{\partial L}{\partial x} = g\left(t + x\,(1 - t^2)\,\sigma(x)\right),\quad
        t = \tanh(\operatorname{softplus}(x))
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    z = _wide(x)
    with np.errstate(invalid="ignore"):
        t, omt = _mish_parts(z)
        d = t + z * (omt * (1.0 + t)) * _logistic(z)
        d = np.where(np.isinf(z), np.nan, d)
    return (g * d).astype(x.dtype)


# -- hard swish ----------------------------------------------------------------------------------

def hardswish(input):
    r"""Hard swish (MobileNetV3): x times a piecewise-linear gate.

    .. math:: \operatorname{hardswish}(x) = x\,\frac{\min(\max(x + 3, 0), 6)}{6}

    At −inf this is −inf·0 = NaN, and at float64's largest values x·6 overflows to inf,
    as torch computes it (a float32 input cannot overflow here: it is computed in float64).
    """
    x = float_array(input, "input")
    z = _wide(x)
    with np.errstate(invalid="ignore", over="ignore"):
        return (z * np.clip(z + 3.0, 0.0, 6.0) / 6.0).astype(x.dtype)


def hardswish_backward(grad_output, input):
    r"""Gradient of hardswish, with torch's choices at the kinks: 0 at x = −3, 1 at x = 3.

    .. math::
        \frac{\partial L}{\partial x} = \begin{cases} 0 & x \le -3 \\ g\,(x/3 + 1/2) & -3 < x < 3 \\
            g & x \ge 3 \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    z = _wide(x)
    d = np.where(z <= -3.0, 0.0, np.where(z < 3.0, z / 3.0 + 0.5, 1.0))  # NaN: 1, as torch's last branch
    return (g * d).astype(x.dtype)

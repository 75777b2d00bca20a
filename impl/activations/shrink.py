"""Shrinkage activations: soft and hard shrinkage (sparse coding) and tanhshrink."""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, real, same_shape
from impl.activations._common import _wide


def _lambd(x: np.ndarray, lambd, nonnegative: bool):
    lam = real(lambd, "lambd")
    if nonnegative and lam < 0:
        raise ValueError(f"lambd must be at least 0, got {lam}")
    return x.dtype.type(lam)  # rounded to the dtype, as torch's kernel takes it


def softshrink(input, lambd=0.5):
    r"""Soft shrinkage (the proximal operator of λ|x|); λ ≥ 0.

    .. math::
        \operatorname{softshrink}(x) = \begin{cases} x - \lambda & x > \lambda \\
            x + \lambda & x < -\lambda \\ 0 & \text{otherwise} \end{cases}
    """
    x = float_array(input, "input")
    lam = _lambd(x, lambd, True)
    out = np.where(x > lam, x - lam, np.where(x < -lam, x + lam, x.dtype.type(0)))
    return np.where(np.isnan(x), x, out).astype(x.dtype)  # NaN stays NaN, as torch gives


def softshrink_backward(grad_output, input, lambd=0.5):
    r"""Gradient of softshrink: g where |x| > λ, 0 elsewhere; NaN passes g (torch's scalar kernel).

    .. math:: \frac{\partial L}{\partial x} = \begin{cases} g & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    lam = _lambd(x, lambd, True)
    return np.where(np.abs(x) <= lam, x.dtype.type(0), g).astype(x.dtype)


def hardshrink(input, lambd=0.5):
    r"""Hard shrinkage: x where |x| > λ, else 0 (torch accepts a negative λ: then the identity).

    .. math:: \operatorname{hardshrink}(x) = \begin{cases} x & |x| > \lambda \\ 0 & \text{otherwise} \end{cases}
    """
    x = float_array(input, "input")
    lam = _lambd(x, lambd, False)
    return np.where((np.abs(x) > lam) | np.isnan(x), x, x.dtype.type(0)).astype(x.dtype)


def hardshrink_backward(grad_output, input, lambd=0.5):
    r"""Gradient of hardshrink: g where |x| > λ, 0 elsewhere; NaN passes g (torch's scalar kernel).

    .. math:: \frac{\partial L}{\partial x} = \begin{cases} g & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases}
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    lam = _lambd(x, lambd, False)
    return np.where(np.abs(x) <= lam, x.dtype.type(0), g).astype(x.dtype)


# x − tanh x = x³ Σ_k c_k x^{2k} on |x| < 1, from tanh's Taylor series
#   tanh x = Σ_{n≥1} 2^{2n}(2^{2n} − 1) B_{2n} x^{2n−1} / (2n)!,  so  c_k = −4^n(4^n − 1) B_{2n}/(2n)!, n = k + 2,
# each the exact rational (Bernoulli numbers) rounded once to float64; tests/test_special.py recomputes them
# with mpmath.  The terms shrink like (2x/π)^{2n}: 44 of them reach 2^-60 at x = 1.
_TANHSHRINK_C = np.array((
    0.3333333333333333, -0.13333333333333333, 0.05396825396825397, -0.021869488536155203, 0.008863235529902197,
    -0.003592128036572481, 0.0014558343870513183, -0.000590027440945586, 0.00023912911424355248,
    -9.691537956929451e-05, 3.927832388331683e-05, -1.5918905069328964e-05, 6.451689215655431e-06,
    -2.6147711512907546e-06, 1.0597268320104654e-06, -4.294911078273806e-07, 1.7406618963571648e-07,
    -7.054636946400968e-08, 2.859136662305254e-08, -1.1587644432798853e-08, 4.6962953982309016e-09,
    -1.903336833931276e-09, 7.713933635359062e-10, -3.126339545892087e-10, 1.26705769303054e-10,
    -5.135191408039368e-11, 2.0812146867700473e-11, -8.434845419094337e-12, 3.4185140868111557e-12,
    -1.385471574294847e-12, 5.61510479241468e-13, -2.2757162553728747e-13, 9.223130585139532e-14,
    -3.737994031096739e-14, 1.5149519187148606e-14, -6.139868862616814e-15, 2.488395122276279e-15,
    -1.0085085566354096e-15, 4.087331226869014e-16, -1.6565329513786285e-16, 6.713675175048712e-17,
    -2.7209500613044588e-17, 1.102759523372237e-17, -4.4693160072374125e-18,
))


def _tanhshrink(z: np.ndarray) -> np.ndarray:
    a = np.abs(z)
    with np.errstate(over="ignore"):
        # |x| ≥ 1: x − tanh x = (x − 1) + 2/(e^{2x} + 1), two positive terms and x − 1 exact
        big = np.maximum(a, 1.0)
        out = np.asarray((big - 1.0) + 2.0 / (np.exp(2.0 * big) + 1.0))  # an array even for 0-d input
    small = a < 1.0
    if small.any():  # the series only where it is used: 44 Horner steps are not free
        s = a[small]
        y = s * s
        acc = np.full_like(s, _TANHSHRINK_C[-1])
        for c in _TANHSHRINK_C[-2::-1]:  # Horner in x²; the series alternates, so no term cancels badly
            acc = acc * y + c
        out[small] = s * y * acc
    return np.copysign(out, z)


def tanhshrink(input):
    r"""Tanhshrink, without the cancellation of x − tanh x near 0.

    .. math:: \operatorname{tanhshrink}(x) = x - \tanh x
              = \begin{cases} x^3/3 - 2x^5/15 + \dots & |x| < 1 \\
                \operatorname{sign}(x)\left(|x| - 1 + \frac{2}{e^{2|x|} + 1}\right) & |x| \ge 1 \end{cases}

    Torch evaluates x − tanh x literally, which loses all digits as x → 0 (the true value
    is x³/3); impl uses tanh's Taylor series on |x| < 1, where both terms are positive
    beyond it.  ±inf gives ±inf, as torch.
    """
    x = float_array(input, "input")
    z = _wide(x)
    with np.errstate(invalid="ignore"):
        out = np.where(np.isinf(z), z, _tanhshrink(z))
    return out.astype(x.dtype)


def tanhshrink_backward(grad_output, input):
    r"""Gradient of tanhshrink.

    .. math:: \frac{\partial L}{\partial x} = g\,(1 - (1 - \tanh^2 x)) = g \tanh^2 x
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    t = np.tanh(_wide(x))
    return (g * (t * t)).astype(x.dtype)

"""Regression losses (guide §6.2) and the ReLU + MSE pairing (§6.4), from scratch in NumPy.

``mse_loss``, ``l1_loss``, ``smooth_l1_loss`` and ``huber_loss`` are torch's, with all
of its options; ``msle_loss`` and ``mape_loss`` are the guide's (torch has neither).
Each ``<loss>_backward(grad_output, input, target, **options)`` returns the gradient
with respect to ``input``.
"""

from __future__ import annotations

import numpy as np

from impl import activations as A
from impl._checks import real
from impl.losses._common import (
    narrow,
    non_negative,
    optional_weight,
    pair,
    reduce,
    reduce_backward,
    reduction_arg,
    sign,
    wide,
)


def _weighted(loss, derivative, w, grad, reduction, dtype, weighted_mean, factor=1.0):
    """Forward (``grad`` None) or backward of ``w · loss`` under ``reduction``.

    The gradient is ((g / n) · factor) · w · derivative, in that order: a constant factor
    (MSE's 2) scales the small upstream term first, so that it cannot overflow a large
    derivative.  ``weighted_mean`` says what a weighted mean divides by: ``'weights'``
    (Σw, torch's mse_loss and l1_loss) or ``'elements'`` (the count, torch's huber_loss).
    """
    denominator = w.sum() if (w is not None and weighted_mean == "weights") else None
    if grad is None:
        return reduce(loss if w is None else loss * w, reduction, dtype, denominator)
    with np.errstate(invalid="ignore", over="ignore"):
        g = reduce_backward(grad, loss.shape, reduction, denominator) * factor
        return narrow(g * derivative if w is None else g * w * derivative, dtype)


# -- MSE ----------------------------------------------------------------------------

def _mse(grad, input, target, reduction, weight):
    x, t = pair(input, target)
    r, w = reduction_arg(reduction), optional_weight(weight, x)
    with np.errstate(over="ignore", invalid="ignore"):  # inf − inf and overflow: the IEEE answers, as torch
        d = wide(x) - wide(t)
        return _weighted(d * d, d, w, grad, r, x.dtype, "weights", factor=2.0)


def mse_loss(input, target, reduction="mean", weight=None):
    r"""Mean squared error, optionally weighted per element.

    .. math:: \ell_i = w_i (x_i - y_i)^2, \qquad
              \text{mean} = \frac{\sum_i w_i (x_i - y_i)^2}{\sum_i w_i}\ (\text{or } \tfrac1n \sum_i \text{ without } w)
    """
    return _mse(None, input, target, reduction, weight)


def mse_loss_backward(grad_output, input, target, reduction="mean", weight=None):
    r"""Gradient of mse_loss with respect to the input.

    .. math:: \frac{\partial L}{\partial x_i} = g\, \frac{2 w_i (x_i - y_i)}{\sum_j w_j}\ (\text{mean})
    """
    return _mse(grad_output, input, target, reduction, weight)


# -- L1 -------------------------------------------------------------------------------

def _l1(grad, input, target, reduction, weight):
    x, t = pair(input, target)
    r, w = reduction_arg(reduction), optional_weight(weight, x)
    with np.errstate(invalid="ignore", over="ignore"):
        d = wide(x) - wide(t)
        return _weighted(np.abs(d), sign(d), w, grad, r, x.dtype, "weights")


def l1_loss(input, target, reduction="mean", weight=None):
    r"""Mean absolute error (the guide's MAE), optionally weighted per element.

    .. math:: \ell_i = w_i |x_i - y_i|, \qquad \text{mean} = \frac{\sum_i w_i |x_i - y_i|}{\sum_i w_i}
    """
    return _l1(None, input, target, reduction, weight)


def l1_loss_backward(grad_output, input, target, reduction="mean", weight=None):
    r"""Gradient of l1_loss: the sign of the error (0 at a tie, and at NaN, as torch).

    .. math:: \frac{\partial L}{\partial x_i} = g\, w_i \operatorname{sign}(x_i - y_i) / \textstyle\sum_j w_j\
    (\text{mean})
    """
    return _l1(grad_output, input, target, reduction, weight)


# -- smooth L1 and Huber ----------------------------------------------------------------

def _smooth_l1(grad, input, target, reduction, beta):
    x, t = pair(input, target)
    r, b = reduction_arg(reduction), non_negative(beta, "beta")
    if b == 0:  # torch's rule: β = 0 is the L1 loss
        return _l1(grad, x, t, r, None)
    with np.errstate(invalid="ignore", over="ignore"):
        d = wide(x) - wide(t)
        a = np.abs(d)
        loss = np.where(a < b, (0.5 / b) * (d * d), a - 0.5 * b)
        return _weighted(loss, np.clip(d / b, -1.0, 1.0), None, grad, r, x.dtype, "elements")


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    r"""Smooth L1 loss: quadratic below β, linear (slope 1) above; β = 0 is L1.

    .. math:: \ell_i = \begin{cases} 0.5\, d_i^2 / \beta & |d_i| < \beta \\ |d_i| - 0.5\,\beta & \text{otherwise}
    \end{cases},
              \quad d_i = x_i - y_i
    """
    return _smooth_l1(None, input, target, reduction, beta)


def smooth_l1_loss_backward(grad_output, input, target, reduction="mean", beta=1.0):
    r"""Gradient of smooth_l1_loss.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = \operatorname{clip}(d_i / \beta, -1, 1)
    """
    return _smooth_l1(grad_output, input, target, reduction, beta)


def _huber(grad, input, target, reduction, delta, weight):
    x, t = pair(input, target)
    r, dl, w = reduction_arg(reduction), real(delta, "delta"), optional_weight(weight, x)
    if not dl > 0:
        raise ValueError(f"delta must be positive, got {delta!r}")
    with np.errstate(invalid="ignore", over="ignore"):
        d = wide(x) - wide(t)
        a = np.abs(d)
        loss = np.where(a < dl, 0.5 * (d * d), dl * (a - 0.5 * dl))
        return _weighted(loss, np.clip(d, -dl, dl), w, grad, r, x.dtype, "elements")  # clip keeps NaN, as torch


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    r"""Huber loss: quadratic below δ, linear (slope δ) above; δ · smooth_l1 with β = δ.

    .. math:: \ell_i = w_i \begin{cases} 0.5\, d_i^2 & |d_i| < \delta \\ \delta (|d_i| - 0.5\,\delta) & \text{otherwise}
    \end{cases}

    A weighted mean divides by the element count, not by Σw (torch's definition, unlike
    its mse_loss and l1_loss).
    """
    return _huber(None, input, target, reduction, delta, weight)


def huber_loss_backward(grad_output, input, target, reduction="mean", delta=1.0, weight=None):
    r"""Gradient of huber_loss.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = w_i \operatorname{clip}(d_i, -\delta, \delta)
    """
    return _huber(grad_output, input, target, reduction, delta, weight)


# -- MSLE -----------------------------------------------------------------------------------

def _log_ratio(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """log1p(x) − log1p(y) = log((1 + x)/(1 + y)) without cancellation (float64).

    Where r = (x − y)/(1 + y) ≥ −1/2, log1p(r) is well conditioned and r is accurate
    (x − y and 1 + y each round once); below, the roles swap: −log1p((y − x)/(1 + x)).
    The plain difference remains where that quotient overflows (1 + x tiny, y huge),
    and there the two logs have opposite signs, so nothing cancels.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        r = (x - y) / (1.0 + y)
        d = np.asarray(np.log1p(r))  # an array even when 0-d: it is written into below
        low = ~(r >= -0.5)  # NaN included: the branches below give NaN or the right infinity
        if low.any():
            xs, ys = x[low], y[low]
            swapped = -np.log1p((ys - xs) / (1.0 + xs))
            d[low] = np.where(np.isfinite(swapped), swapped, np.log1p(xs) - np.log1p(ys))
    return d


def _msle(grad, input, target, reduction):
    x, t = pair(input, target)
    r = reduction_arg(reduction)
    for name, v in (("input", x), ("target", t)):
        if (v <= -1).any():
            raise ValueError(f"{name} must be greater than -1 (log(1 + {name}) is undefined below), "
                             f"got {v[v <= -1].ravel()[0]!r}")
    z = wide(x)
    with np.errstate(over="ignore", invalid="ignore"):
        d = _log_ratio(z, wide(t))
        return _weighted(d * d, 2.0 * d / (1.0 + z), None, grad, r, x.dtype, "elements")


def msle_loss(input, target, reduction="mean"):
    r"""Mean squared logarithmic error (torch has none; the guide's MSLE).

    .. math:: \ell_i = \bigl(\log(1 + x_i) - \log(1 + y_i)\bigr)^2, \qquad x_i, y_i > -1

    Values at or below −1 are a ValueError: the guide's code clips them away silently
    (see the erratum recorded in the catalog).  The difference of logs is computed as
    one ``log1p`` of a ratio, so it keeps its accuracy when x ≈ y.
    """
    return _msle(None, input, target, reduction)


def msle_loss_backward(grad_output, input, target, reduction="mean"):
    r"""Gradient of msle_loss.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = \frac{2\bigl(\log(1 + x_i) - \log(1 + y_i)\bigr)}{1 + x_i}
    """
    return _msle(grad_output, input, target, reduction)


# -- MAPE -----------------------------------------------------------------------------------

def _mape(grad, input, target, reduction, eps):
    x, t = pair(input, target)
    r, e = reduction_arg(reduction), non_negative(eps, "eps")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        d = wide(x) - wide(t)
        denom = np.maximum(np.abs(wide(t)), e)  # a zero target gives inf: the error is unbounded
        return _weighted(100.0 * np.abs(d) / denom, 100.0 * sign(d) / denom, None, grad, r, x.dtype, "elements")


def mape_loss(input, target, reduction="mean", eps=0.0):
    r"""Mean absolute percentage error, in percent (torch has none; the guide's MAPE).

    .. math:: \ell_i = 100\, \frac{|x_i - y_i|}{\max(|y_i|, \varepsilon)}

    With the default ε = 0 a zero target gives inf (NaN when the prediction is 0 too);
    Keras uses ε = 1e-7, scikit-learn the float64 machine epsilon (and no factor 100).
    """
    return _mape(None, input, target, reduction, eps)


def mape_loss_backward(grad_output, input, target, reduction="mean", eps=0.0):
    r"""Gradient of mape_loss (0 at a tie, as the sign of 0).

    .. math:: \frac{\partial \ell_i}{\partial x_i} = \frac{100 \operatorname{sign}(x_i - y_i)}{\max(|y_i|, \varepsilon)}
    """
    return _mape(grad_output, input, target, reduction, eps)


# -- the ReLU + MSE pairing ---------------------------------------------------------------

def relu_mse_loss(input, target, negative_slope=0.0, reduction="mean"):
    r"""MSE of a (leaky) ReLU output: the guide's first pairing, with pre-activations as input.

    .. math:: L = \operatorname{mse}\bigl(\operatorname{leaky\_relu}_\alpha(z), y\bigr)
    """
    x, t = pair(input, target)
    return mse_loss(A.leaky_relu(x, negative_slope), t, reduction)


def relu_mse_loss_backward(grad_output, input, target, negative_slope=0.0, reduction="mean"):
    r"""Gradient of relu_mse_loss with respect to the pre-activation: the chain through the pair.

    .. math:: \frac{\partial L}{\partial z_i} = \frac{2}{n}\bigl(a_i - y_i\bigr)\begin{cases} 1 & z_i > 0 \\ \alpha &
    z_i \le 0 \end{cases}
              \ (\text{mean}),\quad a = \operatorname{leaky\_relu}_\alpha(z)

    With α = 0 (ReLU) every unit with z ≤ 0 gets no gradient at all.
    """
    x, t = pair(input, target)
    a = A.leaky_relu(x, negative_slope)
    return A.leaky_relu_backward(mse_loss_backward(grad_output, a, t, reduction), x, negative_slope)

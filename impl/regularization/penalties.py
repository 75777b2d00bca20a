"""L1 and L2 penalties as loss terms, and their gradients.

Added to a loss, ``l2_penalty(w, λ)`` contributes λw to the gradient: exactly SGD's
``weight_decay=λ``.  For Adam that equality breaks (the λw term is divided by √v̂ with the
rest of the gradient), which is why AdamW decays the weights outside the gradient.
"""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, real


def _weight(weight) -> float:
    w = real(weight, "weight")
    if w < 0:
        raise ValueError(f"weight (the penalty's coefficient λ) must be at least 0, got {w}")
    return w


def _scalar_grad(grad_output, x: np.ndarray) -> np.ndarray:
    g = float_array(grad_output, "grad_output")
    if g.shape != ():
        raise ValueError(f"grad_output has shape {g.shape}, expected () (the penalty is a scalar)")
    return g


def l1_penalty(input, weight=1.0):
    r"""L1 penalty (lasso): λ times the sum of absolute values, accumulated in float64.

    .. math:: R(w) = \lambda \sum_i |w_i|
    """
    x = float_array(input, "input")
    lam = _weight(weight)
    with np.errstate(over="ignore", invalid="ignore"):  # 0·inf is NaN, as torch gives
        return np.asarray(lam * np.abs(x).sum(dtype=np.float64), dtype=x.dtype)


def l1_penalty_backward(grad_output, input, weight=1.0):
    r"""Gradient of the L1 penalty: λ sign(w) (0 at w = 0, the subgradient torch's abs takes;
    0 at NaN too, as torch's sign(NaN) = 0).

    .. math:: \frac{\partial L}{\partial w_i} = g\,\lambda \operatorname{sign}(w_i)
    """
    x = float_array(input, "input")
    lam = _weight(weight)
    g = _scalar_grad(grad_output, x)
    with np.errstate(invalid="ignore"):
        sign = np.where(np.isnan(x), 0.0, np.sign(x.astype(np.float64)))
        return (float(g) * lam * sign).astype(x.dtype)


def l2_penalty(input, weight=1.0):
    r"""L2 penalty (ridge, weight decay's loss form): half λ times the sum of squares.

    .. math:: R(w) = \frac{\lambda}{2} \sum_i w_i^2

    The ½ makes the gradient λw, so that λ is SGD's ``weight_decay``.
    """
    x = float_array(input, "input")
    lam = _weight(weight)
    w = x.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):  # float32 sums beyond its range round to inf
        return np.asarray(0.5 * lam * np.dot(w.ravel(), w.ravel()), dtype=x.dtype)


def l2_penalty_backward(grad_output, input, weight=1.0):
    r"""Gradient of the L2 penalty.

    .. math:: \frac{\partial L}{\partial w_i} = g\,\lambda\,w_i
    """
    x = float_array(input, "input")
    lam = _weight(weight)
    g = _scalar_grad(grad_output, x)
    with np.errstate(over="ignore", invalid="ignore"):
        return (float(g) * lam * x.astype(np.float64)).astype(x.dtype)

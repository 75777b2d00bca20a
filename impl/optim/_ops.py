"""The update primitives the optimizers share, in place and rounded as torch's kernels round.

torch's ``add_(x, alpha=a)``, ``addcmul_(x, y, value=c)``, ``addcdiv_(x, y, value=c)`` and
``lerp_`` multiply the scalar in first; these functions do the same, so that float32
trajectories stay within rounding of torch's.
"""

from __future__ import annotations

import numpy as np


def regularized(grad: np.ndarray, param: np.ndarray, maximize: bool, weight_decay: float) -> np.ndarray:
    r"""The gradient every optimizer starts from (a new array; ``grad`` is never written).

    .. math:: g \leftarrow \pm\nabla_\theta f, \qquad g \leftarrow g + \lambda\theta

    The sign flips first, so with ``maximize`` the L2 term still pulls θ towards 0.
    """
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param
    return g


def first_moment(m: np.ndarray, g: np.ndarray, beta1: float) -> None:
    r"""m ← β1 m + (1 − β1) g, in place, written as torch's lerp: m + (1 − β1)(g − m)."""
    d = g - m
    d *= 1 - beta1
    m += d


def second_moment(v: np.ndarray, g: np.ndarray, beta2: float) -> np.ndarray:
    r"""v ← β2 v + (1 − β2) g², in place; returns a scratch array shaped like g."""
    v *= beta2
    scratch = g * (1 - beta2)
    scratch *= g
    v += scratch
    return scratch


def decayed(grad: np.ndarray, param: np.ndarray, group: dict) -> np.ndarray:
    r"""The gradient after weight decay: the L2 term g + λθ, or with ``decoupled_weight_decay``
    θ ← (1 − ηλ)θ in place and g untouched (AdamW, NAdamW).

    .. math:: g \leftarrow g + \lambda\theta \quad\text{or}\quad \theta \leftarrow (1 - \eta\lambda)\,\theta
    """
    wd = group["weight_decay"]
    if not group["decoupled_weight_decay"]:
        return regularized(grad, param, group["maximize"], wd)
    if wd != 0:
        param *= 1 - group["lr"] * wd
    return regularized(grad, param, group["maximize"], 0.0)


def apply(param: np.ndarray, value: float, num: np.ndarray, den: np.ndarray, scratch: np.ndarray) -> None:
    """θ += value · num / den, rounded as torch's addcdiv ((value · num) / den), through ``scratch``."""
    np.multiply(num, value, out=scratch)
    scratch /= den
    param += scratch

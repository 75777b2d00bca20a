"""The update primitives the optimizers share, in place and rounded as torch's kernels round.

torch's ``add_(x, alpha=a)``, ``addcmul_(x, y, value=c)``, ``addcdiv_(x, y, value=c)`` and
``lerp_`` multiply the scalar in first; these functions do the same, so that float32
trajectories stay within rounding of torch's.
"""

from __future__ import annotations

import numpy as np


def regularized(grad: np.ndarray, param: np.ndarray, maximize: bool, weight_decay: float,
                out: np.ndarray) -> np.ndarray:
    r"""The gradient every optimizer starts from: ``grad`` itself when nothing changes it,
    else written into ``out`` (``grad`` is never written).

    .. math:: g \leftarrow \pm\nabla_\theta f, \qquad g \leftarrow g + \lambda\theta

    The sign flips first, so with ``maximize`` the L2 term still pulls θ towards 0.  λθ is
    rounded first, then added, as torch's ``add(θ, alpha=λ)``; λθ − g is (−g) + λθ exactly.
    """
    if weight_decay == 0:
        return np.negative(grad, out=out) if maximize else grad
    np.multiply(param, weight_decay, out=out)
    return np.subtract(out, grad, out=out) if maximize else np.add(grad, out, out=out)


def first_moment(m: np.ndarray, g: np.ndarray, beta1: float, work: np.ndarray) -> None:
    r"""m ← β1 m + (1 − β1) g, in place, written as torch's lerp: m + (1 − β1)(g − m).

    ``work`` (shaped like g, not g itself) is overwritten."""
    np.subtract(g, m, out=work)
    work *= 1 - beta1
    m += work


def second_moment(v: np.ndarray, g: np.ndarray, beta2: float, work: np.ndarray) -> np.ndarray:
    r"""v ← β2 v + (1 − β2) g², in place; ``work`` (not g) is overwritten and returned, free to reuse."""
    v *= beta2
    np.multiply(g, 1 - beta2, out=work)
    work *= g
    v += work
    return work


def decayed(grad: np.ndarray, param: np.ndarray, group: dict, out: np.ndarray) -> np.ndarray:
    r"""The gradient after weight decay: the L2 term g + λθ, or with ``decoupled_weight_decay``
    θ ← (1 − ηλ)θ in place and g untouched (AdamW, NAdamW).

    .. math:: g \leftarrow g + \lambda\theta \quad\text{or}\quad \theta \leftarrow (1 - \eta\lambda)\,\theta
    """
    wd = group["weight_decay"]
    if not group["decoupled_weight_decay"]:
        return regularized(grad, param, group["maximize"], wd, out)
    if wd != 0:
        param *= 1 - group["lr"] * wd
    return regularized(grad, param, group["maximize"], 0.0, out)


def apply(param: np.ndarray, value: float, num: np.ndarray, den: np.ndarray, scratch: np.ndarray) -> None:
    """θ += value · num / den, rounded as torch's addcdiv ((value · num) / den), through ``scratch``."""
    np.multiply(num, value, out=scratch)
    scratch /= den
    param += scratch

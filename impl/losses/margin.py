"""Margin losses of labels ±1 (guide §6.3): logistic, hinge, exponential.

Each is a function of the margin m = y·f, the signed agreement of the score f with the
label y ∈ {−1, +1}; labels 0/1 are a ValueError (they would silently give a constant
loss for every y = 0 sample).  torch's ``soft_margin_loss`` is the logistic loss;
torch has no hinge or exponential loss of this form.
"""

from __future__ import annotations

import numpy as np

from impl import activations as A
from impl.losses._common import labels_pm1, narrow, pair, reduce, reduce_backward, reduction_arg, wide


def _margin(input, target, reduction):
    x, t = pair(input, target)
    labels_pm1(t)
    return x, wide(t), wide(t) * wide(x), reduction_arg(reduction)


def _backward(grad_output, x, y, reduction, dloss_dm):
    """∂L/∂f = g · ∂ℓ/∂m · y (the chain through m = y·f)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return narrow(reduce_backward(grad_output, x.shape, reduction) * dloss_dm * y, x.dtype)


def logistic_loss(input, target, reduction="mean"):
    r"""Logistic loss (torch's ``soft_margin_loss``), for labels ±1.

    .. math:: \ell_i = \log\bigl(1 + e^{-y_i f_i}\bigr) = \operatorname{softplus}(-y_i f_i)

    Computed as a softplus that neither overflows (for y f < −709.78 it is ≈ −y f, where
    torch's ``log1p(exp(·))`` returns inf) nor loses the tiny tail for y f ≫ 0.
    """
    x, y, m, r = _margin(input, target, reduction)
    return reduce(A.softplus(-m), r, x.dtype)


def logistic_loss_backward(grad_output, input, target, reduction="mean"):
    r"""Gradient of logistic_loss.

    .. math:: \frac{\partial \ell_i}{\partial f_i} = -y_i\, \sigma(-y_i f_i)
    """
    x, y, m, r = _margin(input, target, reduction)
    return _backward(grad_output, x, y, r, -A.sigmoid(-m))


def hinge_loss(input, target, reduction="mean"):
    r"""Hinge loss (the SVM's), for labels ±1.

    .. math:: \ell_i = \max(0,\ 1 - y_i f_i)
    """
    x, y, m, r = _margin(input, target, reduction)
    with np.errstate(invalid="ignore"):
        return reduce(A.relu(1.0 - m), r, x.dtype)


def hinge_loss_backward(grad_output, input, target, reduction="mean"):
    r"""Gradient of hinge_loss; at the kink y f = 1 it is 0, relu's convention.

    .. math:: \frac{\partial \ell_i}{\partial f_i} = \begin{cases} -y_i & y_i f_i < 1 \\ 0 & y_i f_i \ge 1 \end{cases}
    """
    x, y, m, r = _margin(input, target, reduction)
    with np.errstate(invalid="ignore"):
        slack = 1.0 - m
    return _backward(grad_output, x, y, r, -A.relu_backward(np.ones_like(slack), slack))


def exponential_loss(input, target, reduction="mean"):
    r"""Exponential loss (AdaBoost's), for labels ±1.

    .. math:: \ell_i = e^{-y_i f_i}

    The guide's code sums (``reduction='sum'``); the default here is torch's ``'mean'``.
    """
    x, y, m, r = _margin(input, target, reduction)
    with np.errstate(over="ignore"):
        return reduce(np.exp(-m), r, x.dtype)


def exponential_loss_backward(grad_output, input, target, reduction="mean"):
    r"""Gradient of exponential_loss.

    .. math:: \frac{\partial \ell_i}{\partial f_i} = -y_i\, e^{-y_i f_i}
    """
    x, y, m, r = _margin(input, target, reduction)
    with np.errstate(over="ignore", invalid="ignore"):
        return _backward(grad_output, x, y, r, -np.exp(-m))

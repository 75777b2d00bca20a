"""Adagrad (``torch.optim.Adagrad``): steps scaled by the accumulated squared gradients."""

from __future__ import annotations

import numpy as np

from impl.optim._ops import apply, regularized
from impl.optim.optimizer import Optimizer, flag, nonnegative


class Adagrad(Optimizer):
    r"""Adagrad (Duchi, Hazan & Singer 2011), with torch's learning-rate decay.

    .. math::
        g_t &= \nabla_\theta f(\theta_{t-1}) + \lambda\theta_{t-1}, \qquad
        \tilde\eta_t = \frac{\eta}{1 + (t - 1)\,\eta_{\text{decay}}} \\
        s_t &= s_{t-1} + g_t^2, \qquad s_0 = \text{initial\_accumulator\_value} \\
        \theta_t &= \theta_{t-1} - \tilde\eta_t\, \frac{g_t}{\sqrt{s_t} + \epsilon}

    ε is added outside the root (TensorFlow's ``tf.compat.v1.train.AdagradOptimizer`` has
    no ε and starts the accumulator at 0.1; Keras starts it at 0.1 with ε = 1e-7).
    The accumulator is created at a parameter's first step (torch creates it in the
    constructor: the values are the same, but torch's ``state_dict()`` holds it before
    any step).
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10,
                 *, maximize=False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps, maximize=maximize))

    def _check_group(self, group):
        super()._check_group(group)
        for name in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            nonnegative(group[name], name)
        flag(group["maximize"], "maximize")

    def _update(self, param, grad, state, group):
        if not state:
            state["step"] = 0.0
            state["sum"] = np.full_like(param, group["initial_accumulator_value"])
        state["step"] += 1
        a, scratch, std = self._scratch(param, 3)
        g = regularized(grad, param, group["maximize"], group["weight_decay"], a)
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        np.multiply(g, g, out=scratch)
        state["sum"] += scratch
        np.sqrt(state["sum"], out=std)
        std += group["eps"]
        apply(param, -clr, g, std, scratch)

"""Adamax (``torch.optim.Adamax``): Adam with the infinity norm in place of the RMS."""

from __future__ import annotations

import numpy as np

from impl.optim._ops import apply, first_moment, regularized
from impl.optim.optimizer import Optimizer, betas_pair, flag, nonnegative


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba 2015, §7.1).

    .. math::
        g_t &= \nabla_\theta f(\theta_{t-1}) + \lambda\theta_{t-1}, \qquad
        m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        u_t &= \max(\beta_2 u_{t-1},\ |g_t| + \epsilon) \\
        \theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t}\, \frac{m_t}{u_t}

    The paper has no ε (u_t = max(β2 u, |g|)); torch adds it to |g| inside the max, Keras
    to the denominator (m/(u + ε)).  u needs no bias correction.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize))

    def _check_group(self, group):
        super()._check_group(group)
        group["betas"] = betas_pair(group["betas"])
        nonnegative(group["eps"], "eps")
        nonnegative(group["weight_decay"], "weight_decay")
        flag(group["maximize"], "maximize")

    def _update(self, param, grad, state, group):
        beta1, beta2 = group["betas"]
        if not state:
            state.update(step=0.0, exp_avg=np.zeros_like(param), exp_inf=np.zeros_like(param))
        state["step"] += 1
        a, scratch = self._scratch(param, 2)
        g = regularized(grad, param, group["maximize"], group["weight_decay"], a)
        m, u = state["exp_avg"], state["exp_inf"]
        first_moment(m, g, beta1, scratch)
        u *= beta2
        np.abs(g, out=scratch)
        scratch += group["eps"]
        np.maximum(u, scratch, out=u)
        apply(param, -(group["lr"] / (1 - beta1 ** state["step"])), m, u, scratch)

"""Adadelta (``torch.optim.Adadelta``): Zeiler's unit-corrected steps."""

from __future__ import annotations

import numpy as np

from impl.optim._ops import regularized, second_moment
from impl.optim.optimizer import Optimizer, flag, nonnegative, unit_interval


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler 2012): the step is RMS of past steps over RMS of gradients.

    .. math::
        g_t &= \nabla_\theta f(\theta_{t-1}) + \lambda\theta_{t-1} \\
        v_t &= \rho v_{t-1} + (1 - \rho) g_t^2 \\
        \Delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
        u_t &= \rho u_{t-1} + (1 - \rho) \Delta_t^2 \\
        \theta_t &= \theta_{t-1} - \eta\, \Delta_t

    ε sits inside both roots, as in the paper.  The paper has no learning rate (its
    "units" argument is that Δ already has θ's units); torch multiplies by η, default 1.0,
    which is the paper's rule.
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, *, maximize=False):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize))

    def _check_group(self, group):
        super()._check_group(group)
        unit_interval(group["rho"], "rho", closed=True)
        nonnegative(group["eps"], "eps")
        nonnegative(group["weight_decay"], "weight_decay")
        flag(group["maximize"], "maximize")

    def _update(self, param, grad, state, group):
        if not state:
            state.update(step=0.0, square_avg=np.zeros_like(param), acc_delta=np.zeros_like(param))
        state["step"] += 1
        rho, eps = group["rho"], group["eps"]
        a, std, delta = self._scratch(param, 3)
        g = regularized(grad, param, group["maximize"], group["weight_decay"], a)
        v, u = state["square_avg"], state["acc_delta"]
        second_moment(v, g, rho, std)
        np.add(v, eps, out=std)
        np.sqrt(std, out=std)
        np.add(u, eps, out=delta)
        np.sqrt(delta, out=delta)
        delta /= std
        delta *= g
        scratch = second_moment(u, delta, rho, std)  # std is no longer needed
        np.multiply(delta, -group["lr"], out=scratch)
        param += scratch

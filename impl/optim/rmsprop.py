"""RMSprop (``torch.optim.RMSprop``): steps divided by a running RMS of the gradients."""

from __future__ import annotations

import numpy as np

from impl.optim._ops import apply, first_moment, regularized, second_moment
from impl.optim.optimizer import Optimizer, flag, nonnegative


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e), optionally centred and with momentum.

    .. math::
        g_t &= \nabla_\theta f(\theta_{t-1}) + \lambda\theta_{t-1} \\
        S_t &= \alpha S_{t-1} + (1 - \alpha) g_t^2 \\
        \bar g_t &= \alpha \bar g_{t-1} + (1 - \alpha) g_t \quad\text{(centred only)} \\
        r_t &= \sqrt{S_t - \bar g_t^2} + \epsilon \ \text{(centred)}, \qquad r_t = \sqrt{S_t} + \epsilon \\
        b_t &= \mu b_{t-1} + g_t / r_t, \qquad
        \theta_t = \theta_{t-1} - \eta\, b_t \quad (\theta_t = \theta_{t-1} - \eta\, g_t / r_t \text{ when } \mu = 0)

    The guide's S ← βS + (1 − β)g², θ ← θ − η g/(√S + ε) with β = α.  Conventions:
    torch's α defaults to 0.99 (Hinton and Keras's ``rho``: 0.9); ε is outside the root as
    in the guide and Keras (TensorFlow 1's ``RMSPropOptimizer`` adds it inside: √(S + ε));
    there is no bias correction, so the first steps are large (g/√(1 − α) ≈ 10g at t = 1).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered, maximize=maximize))

    def _check_group(self, group):
        super()._check_group(group)
        for name in ("alpha", "eps", "weight_decay", "momentum"):
            nonnegative(group[name], name)
        flag(group["centered"], "centered")
        flag(group["maximize"], "maximize")

    def _update(self, param, grad, state, group):
        alpha, mu = group["alpha"], group["momentum"]
        if not state:
            state.update(step=0.0, square_avg=np.zeros_like(param))
            if mu > 0:
                state["momentum_buffer"] = np.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param)
        state["step"] += 1
        a, scratch, r = self._scratch(param, 3)
        g = regularized(grad, param, group["maximize"], group["weight_decay"], a)
        second_moment(state["square_avg"], g, alpha, scratch)
        if group["centered"]:
            mean = state["grad_avg"]
            first_moment(mean, g, alpha, scratch)
            np.multiply(mean, -1.0, out=scratch)
            scratch *= mean
            scratch += state["square_avg"]  # S − ḡ², as torch's addcmul(ḡ, ḡ, value=−1)
            with np.errstate(invalid="ignore"):  # S − ḡ² rounded below 0 gives NaN, as in torch
                np.sqrt(scratch, out=r)
        else:
            np.sqrt(state["square_avg"], out=r)
        r += group["eps"]
        if mu > 0:
            buf = state["momentum_buffer"]
            buf *= mu
            np.divide(g, r, out=scratch)
            buf += scratch
            np.multiply(buf, -group["lr"], out=scratch)
            param += scratch
        else:
            apply(param, -group["lr"], g, r, scratch)

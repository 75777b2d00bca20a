"""NAdam (``torch.optim.NAdam``): Adam with Nesterov momentum and Dozat's momentum schedule."""

from __future__ import annotations

import numpy as np

from impl.optim._ops import apply, decayed, first_moment, second_moment
from impl.optim.optimizer import Optimizer, betas_pair, flag, nonnegative


class NAdam(Optimizer):
    r"""NAdam (Dozat 2016), with the momentum schedule of its reference implementation.

    .. math::
        \mu_t &= \beta_1\left(1 - \tfrac12\, 0.96^{t\psi}\right), \qquad \psi = \text{momentum\_decay} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \theta_t &= \theta_{t-1} - \eta \left( \frac{(1 - \mu_t)\, g_t}{1 - \prod_{i \le t}\mu_i}
            + \frac{\mu_{t+1}\, m_t}{1 - \prod_{i \le t+1}\mu_i} \right) \Big/
            \left(\sqrt{v_t / (1 - \beta_2^t)} + \epsilon\right)

    g_t carries the L2 term λθ, or with ``decoupled_weight_decay`` θ is first scaled by
    (1 − ηλ) (NAdamW).  The first moment uses β1, while the bias corrections and the
    Nesterov look-ahead use the scheduled μ_t (ψ = 0.004 makes μ_t rise from ≈ β1/2
    towards β1), as Keras does; the paper's simplified form uses μ_t = β1 and
    1 − β1ᵗ corrections.  ∏μ is a float64 scalar here (torch keeps it in a scalar tensor
    of the default dtype: float32 unless the default is float64).
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))

    def _check_group(self, group):
        super()._check_group(group)
        group["betas"] = betas_pair(group["betas"])
        for name in ("eps", "weight_decay", "momentum_decay"):
            nonnegative(group[name], name)
        flag(group["decoupled_weight_decay"], "decoupled_weight_decay")
        flag(group["maximize"], "maximize")

    def _update(self, param, grad, state, group):
        beta1, beta2 = group["betas"]
        lr, psi = group["lr"], group["momentum_decay"]
        if not state:
            state.update(step=0.0, mu_product=1.0, exp_avg=np.zeros_like(param), exp_avg_sq=np.zeros_like(param))
        state["step"] += 1
        t = state["step"]
        a, b, denom = self._scratch(param, 3)
        g = decayed(grad, param, group, a)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        state["mu_product"] *= mu
        m, v = state["exp_avg"], state["exp_avg_sq"]
        first_moment(m, g, beta1, b)
        scratch = second_moment(v, g, beta2, b)
        np.divide(v, 1 - beta2**t, out=denom)
        np.sqrt(denom, out=denom)
        denom += group["eps"]
        apply(param, -lr * (1.0 - mu) / (1.0 - state["mu_product"]), g, denom, scratch)
        apply(param, -lr * mu_next / (1.0 - state["mu_product"] * mu_next), m, denom, scratch)

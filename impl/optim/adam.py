"""Adam and AdamW (``torch.optim.Adam``, ``torch.optim.AdamW``)."""

from __future__ import annotations

import numpy as np

from impl.optim._ops import apply, decayed, first_moment, second_moment
from impl.optim.optimizer import Optimizer, betas_pair, flag, nonnegative


class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015) with AMSGrad and L2 or decoupled weight decay.

    .. math::
        g_t &= \nabla_\theta f(\theta_{t-1}) + \lambda\theta_{t-1}
            \quad(\text{decoupled: } \theta_{t-1} \leftarrow (1 - \eta\lambda)\theta_{t-1} \text{ instead}) \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \hat v_t &= \max(\hat v_{t-1}, v_t) \text{ (AMSGrad)}, \qquad \hat v_t = v_t \text{ otherwise} \\
        \theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t}\,
            \frac{m_t}{\sqrt{\hat v_t}\,/\sqrt{1 - \beta_2^t} + \epsilon}

    m₀ = v₀ = 0, β1 = 0.9, β2 = 0.999, ε = 1e-8, as in the guide.  Where the conventions part:

    * ε is added after the bias correction of √v (the paper's Algorithm 1).  Keras and
      TensorFlow use the paper's "efficient" form η√(1 − β2ᵗ)/(1 − β1ᵗ)·m/(√v + ε̂): the
      same rule with ε̂ = ε√(1 − β2ᵗ), i.e. a larger effective ε early on.
    * ε is outside the root; √(v̂ + ε) is another optimizer.
    * AMSGrad keeps the maximum of the raw v (not of the bias-corrected v̂) and divides
      it by √(1 − β2ᵗ) afterwards, as torch does; Reddi et al. have no bias correction.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, *,
                 maximize=False, decoupled_weight_decay=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, decoupled_weight_decay=decoupled_weight_decay))

    def _check_group(self, group):
        super()._check_group(group)
        group["betas"] = betas_pair(group["betas"])
        nonnegative(group["eps"], "eps")
        nonnegative(group["weight_decay"], "weight_decay")
        for name in ("amsgrad", "maximize", "decoupled_weight_decay"):
            flag(group[name], name)

    def _update(self, param, grad, state, group):
        beta1, beta2 = group["betas"]
        if not state:
            state.update(step=0.0, exp_avg=np.zeros_like(param), exp_avg_sq=np.zeros_like(param))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(param)
        state["step"] += 1
        t = state["step"]
        a, b = self._scratch(param, 2)
        g = decayed(grad, param, group, a)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        first_moment(m, g, beta1, b)
        scratch = second_moment(v, g, beta2, b)
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        denom = np.sqrt(v, out=a)  # g is no longer needed
        denom /= (1 - beta2**t) ** 0.5
        denom += group["eps"]
        apply(param, -(group["lr"] / (1 - beta1**t)), m, denom, scratch)


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter 2019); ``weight_decay`` defaults to 0.01.

    .. math::
        \theta_{t-1} \leftarrow (1 - \eta\lambda)\,\theta_{t-1}, \qquad
        \text{then Adam's step on } g_t = \nabla_\theta f(\theta_{t-1}) \text{ (no } \lambda\theta \text{ term)}

    The decay multiplies η (torch and Keras); the paper writes it as η_t λθ with η_t the
    schedule multiplier alone, not the learning rate α, so its λ is torch's ηλ.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize, decoupled_weight_decay=True)

    def _check_group(self, group):
        super()._check_group(group)
        if group["decoupled_weight_decay"] is not True:
            raise ValueError("AdamW's weight decay is always decoupled (decoupled_weight_decay=True)")

"""Gradient descent with optional heavy-ball or Nesterov momentum (``torch.optim.SGD``)."""

from __future__ import annotations

import numpy as np

from impl._checks import real
from impl.optim._ops import regularized
from impl.optim.optimizer import Optimizer, flag, nonnegative


class SGD(Optimizer):
    r"""Stochastic gradient descent, with momentum, dampening and Nesterov's variant.

    .. math::
        g_t &= \nabla_\theta f(\theta_{t-1}) + \lambda\theta_{t-1} \\
        b_1 &= g_1, \qquad b_t = \mu b_{t-1} + (1 - \tau) g_t \quad (t > 1) \\
        d_t &= \begin{cases} g_t + \mu b_t & \text{nesterov} \\ b_t & \text{otherwise} \end{cases}
               \qquad (d_t = g_t \text{ when } \mu = 0) \\
        \theta_t &= \theta_{t-1} - \eta\, d_t

    With μ = 0 this is the plain rule θ ← θ − η∇J(θ) of the guide.  Conventions, as torch's:

    * ``dampening`` τ scales the *new* gradient in the buffer; the first step copies the
      gradient undampened (b₁ = g₁), so τ = μ is **not** the exponential average
      v ← μv + (1 − μ)g, v₀ = 0, of Ng's course and of the guide's Adam section (β1 "is the
      momentum β").  That average equals this SGD with learning rate η(1 − μ) and τ = 0.
    * the learning rate multiplies the buffer at each step, outside it (Sutskever et al.
      2013 and some frameworks put η inside: b ← μb + ηg, θ ← θ − b; the two agree while
      η is constant and differ once a schedule changes it).
    * Nesterov is the reformulation of Bengio et al. (2013): the step uses g + μb_t at
      the current θ instead of a gradient taken at the look-ahead point θ − ημb.
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize))

    def _check_group(self, group):
        super()._check_group(group)
        momentum = nonnegative(group["momentum"], "momentum")
        dampening = real(group["dampening"], "dampening")
        nonnegative(group["weight_decay"], "weight_decay")
        flag(group["maximize"], "maximize")
        if flag(group["nesterov"], "nesterov") and (momentum <= 0 or dampening != 0):
            raise ValueError("nesterov requires momentum > 0 and dampening = 0")

    def _update(self, param, grad, state, group):
        a, b = self._scratch(param, 2)
        g = regularized(grad, param, group["maximize"], group["weight_decay"], a)
        mu = group["momentum"]
        if mu != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(g, copy=True)
            else:
                buf *= mu
                np.multiply(g, 1 - group["dampening"], out=b)
                buf += b
            if group["nesterov"]:
                np.multiply(buf, mu, out=b)
                g = np.add(g, b, out=b)
            else:
                g = buf
        np.multiply(g, group["lr"], out=b)
        param -= b  # bit for bit torch's θ + (−η)g

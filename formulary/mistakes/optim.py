"""Known mistakes of the optimisation chapter: what a learner, a paper or another framework writes.

Optimizers are classes, so a mistake is a complete wrong optimizer: a subclass of impl's
with its update rule (``_update``) rewritten the wrong way.  Schedules likewise
rewrite ``get_lr``; the training loops are functions with impl's signature.
"""

from __future__ import annotations

import math
from bisect import bisect_right

import numpy as np

from impl import optim as O
from impl.optim import lr_scheduler as L
from impl.optim._ops import decayed, first_moment, regularized, second_moment


def _adam_moments(state, param, g, beta1, beta2):
    if not state:
        state.update(step=0.0, exp_avg=np.zeros_like(param), exp_avg_sq=np.zeros_like(param))
    state["step"] += 1
    work = np.empty_like(g)
    first_moment(state["exp_avg"], g, beta1, work)
    second_moment(state["exp_avg_sq"], g, beta2, work)
    return state["step"], state["exp_avg"], state["exp_avg_sq"]


def _sgd_gradient(param, grad, group):
    return regularized(grad, param, group["maximize"], group["weight_decay"], np.empty_like(param))


# -- plain gradient descent ------------------------------------------------------------

class SGDAscent(O.SGD):
    """θ ← θ + η g: the sign of the step flipped."""

    def _update(self, param, grad, state, group):
        param += group["lr"] * _sgd_gradient(param, grad, group)


class SGDMaximizeNegatesDecay(O.SGD):
    """maximize negates g + λθ, so the weight decay pushes θ away from 0."""

    def _update(self, param, grad, state, group):
        g = grad + group["weight_decay"] * param
        param += -group["lr"] * (-g if group["maximize"] else g)


class SGDMaximizeInPlace(O.SGD):
    """maximize negates the caller's gradient in place (``np.negative(grad, out=grad)``) to save a copy:
    every step is right, and the gradients the caller still holds are flipped."""

    def _update(self, param, grad, state, group):
        if group["maximize"]:
            np.negative(grad, out=grad)
            group = {**group, "maximize": False}
        super()._update(param, grad, state, group)


class SGDDecayWithoutLR(O.SGD):
    """θ ← θ − ηg − λθ: the L2 term not multiplied by the learning rate."""

    def _update(self, param, grad, state, group):
        g = regularized(grad, param, group["maximize"], 0.0, np.empty_like(param))
        param -= group["lr"] * g + group["weight_decay"] * param


class SGDGroupOptionsIgnored(O.SGD):
    """Every parameter group updated with the constructor's options, not its own."""

    def _update(self, param, grad, state, group):
        super()._update(param, grad, state, {**self.defaults, "params": group["params"]})


# -- momentum ---------------------------------------------------------------------------

class _Momentum(O.SGD):
    def _momentum_update(self, param, g, state, group, first_buffer, nesterov_buffer=None):
        mu, tau = group["momentum"], group["dampening"]
        buf = state.get("momentum_buffer")
        old = buf.copy() if buf is not None else np.zeros_like(g)
        if buf is None:
            buf = state["momentum_buffer"] = first_buffer(g)
        else:
            buf *= mu
            buf += (1 - tau) * g
        if group["nesterov"]:
            g = g + mu * (old if nesterov_buffer == "old" else buf)
        else:
            g = buf
        param += -group["lr"] * g


class MomentumDampenedFirstStep(_Momentum):
    """b₁ = (1 − τ)g₁: dampening applied on the first step too (torch copies g₁)."""

    def _update(self, param, grad, state, group):
        self._momentum_update(param, _sgd_gradient(param, grad, group), state, group,
                              lambda g: (1 - group["dampening"]) * g)


class MomentumEMA(O.SGD):
    """v ← μv + (1 − μ)g from v₀ = 0 (Ng's and the guide's average) in place of torch's b ← μb + g."""

    def _update(self, param, grad, state, group):
        g = _sgd_gradient(param, grad, group)
        mu = group["momentum"]
        v = state.setdefault("momentum_buffer", np.zeros_like(param))
        v *= mu
        v += (1 - mu) * g
        param += -group["lr"] * (g + mu * v if group["nesterov"] else v)


class MomentumIgnored(O.SGD):
    """momentum accepted and ignored: plain gradient descent."""

    def _update(self, param, grad, state, group):
        super()._update(param, grad, state, {**group, "momentum": 0.0, "nesterov": False})


class NesterovIgnored(O.SGD):
    """nesterov=True accepted and ignored: heavy-ball momentum."""

    def _update(self, param, grad, state, group):
        super()._update(param, grad, state, {**group, "nesterov": False})


class NesterovOldBuffer(_Momentum):
    """The Nesterov step g + μb_{t−1} with the buffer before this step's update."""

    def _update(self, param, grad, state, group):
        self._momentum_update(param, _sgd_gradient(param, grad, group), state, group, np.copy, "old")


# -- Adagrad ------------------------------------------------------------------------------

class _AdagradRule(O.Adagrad):
    """Adagrad with a pluggable accumulator start, step size and denominator."""

    start = None
    decay_offset = 1

    def _update(self, param, grad, state, group):
        if not state:
            start = group["initial_accumulator_value"] if self.start is None else self.start
            state.update(step=0.0, sum=np.full_like(param, start))
        state["step"] += 1
        g = _sgd_gradient(param, grad, group)
        clr = group["lr"] / (1 + (state["step"] - self.decay_offset) * group["lr_decay"])
        state["sum"] += g * g
        param += -clr * g / self._denominator(state["sum"], group["eps"])

    def _denominator(self, s, eps):
        return np.sqrt(s) + eps


class AdagradAccumulatorAt01(_AdagradRule):
    """The accumulator started at 0.1 (TensorFlow's default) instead of initial_accumulator_value."""

    start = 0.1


class AdagradEpsInsideRoot(_AdagradRule):
    """√(s + ε) instead of √s + ε."""

    def _denominator(self, s, eps):
        return np.sqrt(s + eps)


class AdagradDecayOffByOne(_AdagradRule):
    """η/(1 + t·decay): the decay already applied on the first step."""

    decay_offset = 0


class AdagradNoRoot(_AdagradRule):
    """Divides by the accumulated squares themselves, not their root."""

    def _denominator(self, s, eps):
        return s + eps


# -- Adadelta ------------------------------------------------------------------------------

class _AdadeltaRule(O.Adadelta):
    def _update(self, param, grad, state, group):
        if not state:
            state.update(step=0.0, square_avg=np.zeros_like(param), acc_delta=np.zeros_like(param))
        state["step"] += 1
        rho, eps = group["rho"], group["eps"]
        g = _sgd_gradient(param, grad, group)
        v, u = state["square_avg"], state["acc_delta"]
        v *= rho
        v += (1 - rho) * g * g
        delta = self._ratio(u, v, eps) * g
        u *= rho
        u += (1 - rho) * self._accumulated(delta, g) ** 2
        param += -self._lr(group) * delta

    def _ratio(self, u, v, eps):
        return np.sqrt(u + eps) / np.sqrt(v + eps)

    def _accumulated(self, delta, g):
        return delta

    def _lr(self, group):
        return group["lr"]


class AdadeltaEpsOutsideRoots(_AdadeltaRule):
    """(√u + ε)/(√v + ε) instead of √(u + ε)/√(v + ε)."""

    def _ratio(self, u, v, eps):
        return (np.sqrt(u) + eps) / (np.sqrt(v) + eps)


class AdadeltaNoLearningRate(_AdadeltaRule):
    """The paper's rule without η: lr accepted and ignored."""

    def _lr(self, group):
        return 1.0


class AdadeltaAccumulatesGradients(_AdadeltaRule):
    """E[Δθ²] accumulated from the gradients instead of the steps."""

    def _accumulated(self, delta, g):
        return g


# -- RMSprop ----------------------------------------------------------------------------------

class _RMSpropRule(O.RMSprop):
    """RMSprop with pluggable pieces: the denominator, the momentum buffer, the centring."""

    def _update(self, param, grad, state, group):
        alpha, mu, eps = self._alpha(group), group["momentum"], group["eps"]
        if not state:
            state.update(step=0.0, square_avg=np.zeros_like(param), grad_avg=np.zeros_like(param),
                         momentum_buffer=np.zeros_like(param))
        state["step"] += 1
        g = _sgd_gradient(param, grad, group)
        s = state["square_avg"]
        s *= alpha
        s += (1 - alpha) * g * g
        mean = state["grad_avg"]
        old_mean = mean.copy()
        mean += (1 - alpha) * (g - mean)
        var = self._variance(s, old_mean if self.stale_mean else mean, group, state["step"], alpha)
        r = self._root(var, eps)
        if mu > 0:
            buf = state["momentum_buffer"]
            buf *= mu
            buf += self._into_buffer(g, r)
            param += -group["lr"] * self._from_buffer(buf, r)
        else:
            param += -group["lr"] * g / r

    stale_mean = False

    def _alpha(self, group):
        return group["alpha"]

    def _variance(self, s, mean, group, t, alpha):
        return s - mean * mean if group["centered"] else s

    def _root(self, var, eps):
        return np.sqrt(var) + eps

    def _into_buffer(self, g, r):
        return g / r

    def _from_buffer(self, buf, r):
        return buf


class RMSpropEpsInsideRoot(_RMSpropRule):
    """√(S + ε) (TensorFlow 1's RMSPropOptimizer) instead of √S + ε."""

    def _root(self, var, eps):
        return np.sqrt(var + eps)


class RMSpropKerasRho(_RMSpropRule):
    """α = 0.9 (Hinton's and Keras's rho) whatever alpha says; torch's default is 0.99."""

    def _alpha(self, group):
        return 0.9


class RMSpropMomentumBeforeScaling(_RMSpropRule):
    """b ← μb + g, then θ ← θ − ηb/r: the raw gradient in the buffer, scaled on the way out."""

    def _into_buffer(self, g, r):
        return g

    def _from_buffer(self, buf, r):
        return buf / r


class RMSpropBiasCorrected(_RMSpropRule):
    """S/(1 − αᵗ) in the root, as Adam corrects its second moment; RMSprop has no correction."""

    def _variance(self, s, mean, group, t, alpha):
        return super()._variance(s, mean, group, t, alpha) / (1 - alpha**t)


class RMSpropCenteredIgnored(_RMSpropRule):
    """centered=True accepted and ignored."""

    def _variance(self, s, mean, group, t, alpha):
        return s


class RMSpropStaleMean(_RMSpropRule):
    """The centred variance S_t − ḡ²_{t−1}, with the mean before this step's update."""

    stale_mean = True


# -- Adam family ---------------------------------------------------------------------------------

class _AdamRule(O.Adam):
    """Adam with a pluggable denominator and step size; weight decay and AMSGrad as torch."""

    def _update(self, param, grad, state, group):
        beta1, beta2 = group["betas"]
        lr = group["lr"]
        g = decayed(grad, param, {**group, "decoupled_weight_decay": self._decoupled(group)}, np.empty_like(param))
        t, m, v = _adam_moments(state, param, g, beta1, beta2)
        bc1, bc2 = 1 - beta1**t, 1 - beta2**t
        if group["amsgrad"]:
            v = self._amsgrad(state, v, bc2)
        param += -self._step_size(lr, bc1, bc2) * m / self._denominator(v, bc2, group["eps"])

    def _decoupled(self, group):
        return group["decoupled_weight_decay"]

    def _amsgrad(self, state, v, bc2):
        vmax = state.setdefault("max_exp_avg_sq", np.zeros_like(v))
        np.maximum(vmax, v, out=vmax)
        return vmax

    def _step_size(self, lr, bc1, bc2):
        return lr / bc1

    def _denominator(self, v, bc2, eps):
        return np.sqrt(v) / math.sqrt(bc2) + eps


class AdamNoBiasCorrection(_AdamRule):
    """m/(√v + ε) without the 1 − βᵗ corrections: tiny steps at the start."""

    def _step_size(self, lr, bc1, bc2):
        return lr

    def _denominator(self, v, bc2, eps):
        return np.sqrt(v) + eps


class AdamEpsInsideRoot(_AdamRule):
    """√(v̂ + ε) instead of √v̂ + ε."""

    def _denominator(self, v, bc2, eps):
        return np.sqrt(v / bc2 + eps)


class AdamKerasEpsilonHat(_AdamRule):
    """Keras/TensorFlow's form: η√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε̂), with ε̂ = ε."""

    def _step_size(self, lr, bc1, bc2):
        return lr * math.sqrt(bc2) / bc1

    def _denominator(self, v, bc2, eps):
        return np.sqrt(v) + eps


class AdamDecoupledDecay(_AdamRule):
    """AdamW's decoupled decay where Adam's weight_decay is an L2 term in the gradient."""

    def _decoupled(self, group):
        return True


class AMSGradMaxOfCorrected(_AdamRule):
    """The maximum kept over the bias-corrected v̂ (then not corrected again)."""

    def _amsgrad(self, state, v, bc2):
        vmax = state.setdefault("max_exp_avg_sq", np.zeros_like(v))
        np.maximum(vmax, v / bc2, out=vmax)
        return vmax * bc2


class AMSGradIgnored(_AdamRule):
    """amsgrad=True accepted and ignored."""

    def _amsgrad(self, state, v, bc2):
        return v


class AMSGradMaxLostOnResume(O.Adam):
    """The checkpoint drops max_exp_avg_sq: a resumed run restarts the maximum from 0."""

    def state_dict(self):
        out = super().state_dict()
        for entry in out["state"].values():
            entry.pop("max_exp_avg_sq", None)
        return out


class AdamWCoupledDecay(_AdamRule, O.AdamW):
    """AdamW with Adam's L2 term λθ in the gradient instead of the decoupled decay."""

    def _decoupled(self, group):
        return False


class AdamWDecayWithoutLR(O.AdamW):
    """θ ← (1 − λ)θ: the paper's λ taken as torch's, not multiplied by η."""

    def _update(self, param, grad, state, group):
        param *= 1 - group["weight_decay"]
        super()._update(param, grad, state, {**group, "weight_decay": 0.0})


class AdamWDecayAfterStep(O.AdamW):
    """θ ← (θ − Adam step)(1 − ηλ): the decay applied to the updated θ."""

    def _update(self, param, grad, state, group):
        super()._update(param, grad, state, {**group, "weight_decay": 0.0})
        param *= 1 - group["lr"] * group["weight_decay"]


class AdamWNoDefaultDecay(O.AdamW):
    """weight_decay defaulting to 0 (Adam's default) instead of AdamW's 0.01."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, *,
                 maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)


class _AdamaxRule(O.Adamax):
    keras_eps = False
    decay_u = True
    corrected = True

    def _update(self, param, grad, state, group):
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        if not state:
            state.update(step=0.0, exp_avg=np.zeros_like(param), exp_inf=np.zeros_like(param))
        state["step"] += 1
        g = _sgd_gradient(param, grad, group)
        m, u = state["exp_avg"], state["exp_inf"]
        m += (1 - beta1) * (g - m)
        if self.decay_u:
            u *= beta2
        np.maximum(u, np.abs(g) + (0.0 if self.keras_eps else eps), out=u)
        clr = group["lr"] / (1 - beta1 ** state["step"]) if self.corrected else group["lr"]
        param += -clr * m / (u + eps if self.keras_eps else u)


class AdamaxKerasEps(_AdamaxRule):
    """u = max(β2u, |g|) and m/(u + ε) (Keras) instead of ε inside the max."""

    keras_eps = True


class AdamaxNoBiasCorrection(_AdamaxRule):
    """η m/u without the 1/(1 − β1ᵗ) correction."""

    corrected = False


class AdamaxUndecayedNorm(_AdamaxRule):
    """u = max(u, |g| + ε): the infinity norm never decays (β2 ignored)."""

    decay_u = False


class _NAdamRule(O.NAdam):
    """NAdam with a pluggable momentum schedule and look-ahead term."""

    def _update(self, param, grad, state, group):
        beta1, beta2 = group["betas"]
        lr, psi = group["lr"], group["momentum_decay"]
        g = decayed(grad, param, {**group, "decoupled_weight_decay": self._decoupled(group)}, np.empty_like(param))
        t, m, v = _adam_moments(state, param, g, beta1, beta2)
        mu, mu_next = self._mu(beta1, t, psi), self._mu(beta1, t + 1, psi)
        product = state["mu_product"] = state.get("mu_product", 1.0) * mu
        denom = np.sqrt(v / (1 - beta2**t)) + group["eps"]
        param += (-lr * (1.0 - mu) / (1.0 - product)) * g / denom
        param += (-lr * self._next(mu, mu_next) / (1.0 - self._next_product(product, mu_next))) * m / denom

    def _decoupled(self, group):
        return group["decoupled_weight_decay"]

    def _mu(self, beta1, t, psi):
        return beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))

    def _next(self, mu, mu_next):
        return mu_next

    def _next_product(self, product, mu_next):
        return product * mu_next


class NAdamConstantMomentum(_NAdamRule):
    """μ_t = β1 for every t: the momentum schedule (momentum_decay) dropped."""

    def _mu(self, beta1, t, psi):
        return beta1


class NAdamMuForMuNext(_NAdamRule):
    """The look-ahead term weighted by μ_t instead of μ_{t+1}."""

    def _next(self, mu, mu_next):
        return mu


class NAdamShortProduct(_NAdamRule):
    """The look-ahead term corrected by 1 − ∏_{i≤t} μ_i instead of 1 − ∏_{i≤t+1} μ_i."""

    def _next_product(self, product, mu_next):
        return product


class NAdamDecoupledIgnored(_NAdamRule):
    """decoupled_weight_decay=True accepted and ignored: always the L2 term."""

    def _decoupled(self, group):
        return False


# -- learning-rate schedules ----------------------------------------------------------------------

class StepLREarly(L.StepLR):
    """Decays at t ≡ −1 (mod step_size): one epoch early."""

    def get_lr(self):
        if (self.last_epoch + 1) % self.step_size != 0 or self._is_initial:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class StepLRCeil(L.StepLR):
    """η₀ γ^⌈t/step⌉: the first decay at t = 1."""

    def get_lr(self):
        return [base * self.gamma ** math.ceil(self.last_epoch / self.step_size) for base in self.base_lrs]


class MultiStepLRSetOfMilestones(L.MultiStepLR):
    """A milestone listed twice decays once (a set, not torch's Counter)."""

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class MultiStepLRLate(L.MultiStepLR):
    """Decays one epoch after each milestone."""

    def get_lr(self):
        passed = sum(n for m, n in self.milestones.items() if m < self.last_epoch)
        return [base * self.gamma**passed for base in self.base_lrs]


class ExponentialLRFromStart(L.ExponentialLR):
    """η_t = η₀ γ^{t+1}: decayed already at construction."""

    def get_lr(self):
        return [base * self.gamma ** (self.last_epoch + 1) for base in self.base_lrs]


class ExponentialLRNotCompounded(L.ExponentialLR):
    """η_t = η₀ γ for every t ≥ 1: the decay not compounded."""

    def get_lr(self):
        return [base * (self.gamma if self.last_epoch > 0 else 1.0) for base in self.base_lrs]


class CosineClamped(L.CosineAnnealingLR):
    """Held at η_min after T_max (torch's schedule climbs back along the cosine)."""

    def get_lr(self):
        t = min(self.last_epoch, self.T_max)
        return [self.eta_min + (b - self.eta_min) * (1 + math.cos(math.pi * t / self.T_max)) / 2 for b in self.base_lrs]


class CosineHalfPeriod(L.CosineAnnealingLR):
    """cos(πt/(2T)): a quarter wave, reaching only halfway down by T_max."""

    def get_lr(self):
        t, low = self.last_epoch, self.eta_min
        return [low + (b - low) * (1 + math.cos(math.pi * t / (2 * self.T_max))) / 2 for b in self.base_lrs]


class CosineEtaMinIgnored(L.CosineAnnealingLR):
    """Anneals to 0 whatever eta_min says."""

    def get_lr(self):
        return [b * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2 for b in self.base_lrs]


class LinearLRLate(L.LinearLR):
    """The factor s + (e − s)(t − 1)/T: warm-up one step late (and s at t = 0 and 1)."""

    def get_lr(self):
        s, e, T = self.start_factor, self.end_factor, self.total_iters
        k = min(max(self.last_epoch - 1, 0), T)
        return [b * (s + (e - s) * k / T) for b in self.base_lrs]


class LinearLRFromZero(L.LinearLR):
    """Warm-up from 0: factor e·min(t, T)/T, start_factor ignored."""

    def get_lr(self):
        return [b * self.end_factor * min(self.last_epoch, self.total_iters) / self.total_iters for b in self.base_lrs]


class LambdaLRMultiplicative(L.LambdaLR):
    """η_t = η_{t−1} λ(t) (MultiplicativeLR) instead of η₀ λ(t)."""

    def get_lr(self):
        if self._is_initial:
            return [b * f(0) for f, b in zip(self.lr_lambdas, self.base_lrs)]
        return [lr * f(self.last_epoch) for f, lr in zip(self.lr_lambdas, self._current())]


class LambdaLRNextEpoch(L.LambdaLR):
    """η₀ λ(t + 1): the function read one epoch ahead."""

    def get_lr(self):
        return [b * f(self.last_epoch + 1) for f, b in zip(self.lr_lambdas, self.base_lrs)]


class ChainedLastOnly(L.ChainedScheduler):
    """Only the last scheduler of the chain is stepped."""

    def step(self):
        self._schedulers[-1].step()
        self._last_lr = self._current()


class ChainedFirstOnly(L.ChainedScheduler):
    """Only the first scheduler of the chain is stepped."""

    def step(self):
        self._schedulers[0].step()
        self._last_lr = self._current()


class SequentialNoRestart(L.SequentialLR):
    """At a milestone the next scheduler just steps on from where its constructor left it."""

    def step(self):
        self.last_epoch += 1
        scheduler = self._schedulers[bisect_right(self._milestones, self.last_epoch)]
        scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class SequentialLateSwitch(L.SequentialLR):
    """Switches one epoch after each milestone."""

    def step(self):
        self._milestones = [m + 1 for m in self._milestones]
        super().step()
        self._milestones = [m - 1 for m in self._milestones]


# -- the batch regimes --------------------------------------------------------------------------

def _descent(input, target, weight, lr, batch_size, epochs, seed, *, orders, scale, drop_last=False):
    X, y, w = np.asarray(input), np.asarray(target), np.array(weight, copy=True)
    n = len(y)
    path = []
    for order in orders(np.random.default_rng(seed), n, epochs):
        stop = n - n % batch_size if drop_last else n
        for start in range(0, stop, batch_size):
            idx = order[start:start + batch_size]
            grad = scale(len(idx), batch_size) * (X[idx].T @ (X[idx] @ w - y[idx]))
            w = w - lr * grad.astype(w.dtype)
            path.append(w.copy())
    return np.array(path, dtype=w.dtype).reshape(len(path), len(w))


def _shuffled(rng, n, epochs):
    return [rng.permutation(n) for _ in range(epochs)]


def _mean(size, b):
    return 2 / size


def descent_unshuffled(input, target, weight, lr, batch_size, epochs=1, seed=0):
    """The samples visited in their stored order every epoch: no shuffling."""
    return _descent(input, target, weight, lr, batch_size, epochs, seed,
                    orders=lambda rng, n, e: [np.arange(n)] * e, scale=_mean)


def descent_shuffled_once(input, target, weight, lr, batch_size, epochs=1, seed=0):
    """One permutation drawn and reused every epoch."""
    return _descent(input, target, weight, lr, batch_size, epochs, seed,
                    orders=lambda rng, n, e: [rng.permutation(n)] * e, scale=_mean)


def descent_summed(input, target, weight, lr, batch_size, epochs=1, seed=0):
    """The batch gradient summed, not averaged: the step grows with the batch."""
    return _descent(input, target, weight, lr, batch_size, epochs, seed, orders=_shuffled, scale=lambda size, b: 2)


def descent_without_two(input, target, weight, lr, batch_size, epochs=1, seed=0):
    """The derivative of (xw − y)² taken as x(xw − y): the factor 2 dropped."""
    return _descent(input, target, weight, lr, batch_size, epochs, seed, orders=_shuffled, scale=lambda size, b: 1
                    / size)


def descent_mean_over_b(input, target, weight, lr, batch_size, epochs=1, seed=0):
    """The short last batch averaged over b instead of its own size."""
    return _descent(input, target, weight, lr, batch_size, epochs, seed, orders=_shuffled, scale=lambda size, b: 2 / b)


def descent_drop_last(input, target, weight, lr, batch_size, epochs=1, seed=0):
    """The short last batch dropped (DataLoader's drop_last=True)."""
    return _descent(input, target, weight, lr, batch_size, epochs, seed, orders=_shuffled, scale=_mean, drop_last=True)

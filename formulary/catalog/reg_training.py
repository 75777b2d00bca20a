"""Catalog records of regularisation in training (issue 17): L1/L2 penalties, weight decay
against L2 for SGD, Adam and AdamW, dropout's effect on over-fitting, and stopping rules."""

from __future__ import annotations

import math

import numpy as np
import torch
from hypothesis import strategies as st

from formulary import edges, figures
from formulary.mistakes import regularization as M
from formulary.record import ErrorInput, Mistake, Record, Sample
from formulary.strategies import arrays, samples
from formulary.verdict import expect

SECTION = "§7 训练过程 (training: regularisation)"


# -- penalties ------------------------------------------------------------------------------

def _penalty(*, id, name, equation, mistakes):
    return Record(
        id=id, kind="F", section=SECTION, equation=equation,
        candidate=f"regularization.{name}", reference=f"regularization.{name}",
        backward=f"regularization.{name}_backward",
        inputs=lambda dt: samples(arrays(dt), optional={"weight": st.sampled_from([0.0, 0.01, 0.5, 2.0])}),
        edges=lambda dt: [Sample((edges.special_values(dt),), {}, "special values"),
                          Sample((np.array([-3.0, 0.0, -0.0, 2.0], dt),), {"weight": 0.1}, "zeros: subgradient 0"),
                          Sample((np.zeros((2, 0), dt),), {"weight": 0.5}, "empty: penalty 0"),
                          Sample((np.array(-2.0, dt),), {"weight": 3.0}, "0-d")],
        mistakes=tuple(mistakes),
        errors=(
            ErrorInput(Sample((np.zeros(3),), {"weight": -1.0}), ValueError, r"\bweight\b.*at least 0"),
            ErrorInput(Sample((np.zeros(3),), {"weight": "1"}), TypeError, r"\bweight\b"),
            ErrorInput(Sample((np.array([1, 2]),)), TypeError, r"\binput\b"),
            ErrorInput(Sample((np.zeros(3), np.zeros(3))), ValueError, r"\bgrad_output\b.*\(\)", "backward"),
            ErrorInput(Sample((np.array(1.0), np.array([1, 2]))), TypeError, r"\binput\b", "backward"),
        ),
    )


# -- weight decay: L2 for SGD, not for Adam --------------------------------------------------

_H = np.array([10.0, 0.1])  # curvatures: a steep and a flat direction
_C = np.array([1.0, 1.0])  # the unregularised minimum
_LAMBDA, _LR, _STEPS = 0.1, 0.05, 120


def _grad(theta):
    return _H * (theta - _C)


def _trajectory(make, extra_grad=None, decay_first=0.0):
    theta = np.zeros(2)
    opt = make([theta])
    path = [theta.copy()]
    for _ in range(_STEPS):
        g = _grad(theta)
        if extra_grad is not None:
            g = g + extra_grad(theta)
        if decay_first:
            theta *= 1.0 - decay_first
        opt.step([g])
        path.append(theta.copy())
    return np.array(path)


def _torch_trajectory(make):
    theta = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = make([theta])
    path = [theta.detach().numpy().copy()]
    for _ in range(_STEPS):
        theta.grad = torch.from_numpy(_grad(theta.detach().numpy()))
        opt.step()
        path.append(theta.detach().numpy().copy())
    return np.array(path)


def _rel(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def _weight_decay(candidate):
    """L = ½Σhᵢ(θᵢ − 1)², h = (10, 0.1), λ = 0.1, η = 0.05, 120 steps from θ = 0."""
    SGD, Adam, AdamW = (candidate.get(f"optim.{n}") for n in ("SGD", "Adam", "AdamW"))
    l2 = candidate.get("regularization.l2_penalty_backward")

    def pen(theta):
        return l2(np.array(1.0), theta, _LAMBDA)

    sgd_wd = _trajectory(lambda p: SGD(p, lr=_LR, weight_decay=_LAMBDA))
    sgd_l2 = _trajectory(lambda p: SGD(p, lr=_LR), pen)
    sgd_decoupled = _trajectory(lambda p: SGD(p, lr=_LR), decay_first=_LR * _LAMBDA)
    adam_wd = _trajectory(lambda p: Adam(p, lr=_LR, weight_decay=_LAMBDA))
    adam_l2 = _trajectory(lambda p: Adam(p, lr=_LR), pen)
    adamw = _trajectory(lambda p: AdamW(p, lr=_LR, weight_decay=_LAMBDA))
    adam_decoupled = _trajectory(lambda p: Adam(p, lr=_LR), decay_first=_LR * _LAMBDA)
    expect(_rel(sgd_wd, sgd_l2) <= 1e-15,
           f"SGD: weight_decay and the L2 penalty's gradient differ by {_rel(sgd_wd, sgd_l2):.2e} (expected equal)")
    expect(_rel(sgd_decoupled, sgd_l2) <= 1e-12,
           f"SGD: decoupled decay θ(1 − ηλ) − ηg differs from L2 by {_rel(sgd_decoupled, sgd_l2):.2e}")
    expect(_rel(adam_wd, adam_l2) <= 1e-15, f"Adam: weight_decay is not the L2 penalty ({_rel(adam_wd, adam_l2):.2e})")
    expect(_rel(adamw, adam_decoupled) <= 1e-12,
           f"AdamW is not Adam with θ ← (1 − ηλ)θ before each step ({_rel(adamw, adam_decoupled):.2e})")
    gap = _rel(adamw, adam_l2)
    expect(gap > 0.05, f"AdamW and Adam + L2 should part ways; they differ by only {gap:.2e}")
    ours = {"SGD": sgd_wd, "Adam": adam_wd, "AdamW": adamw}
    theirs = {"SGD": _torch_trajectory(lambda p: torch.optim.SGD(p, lr=_LR, weight_decay=_LAMBDA)),
              "Adam": _torch_trajectory(lambda p: torch.optim.Adam(p, lr=_LR, weight_decay=_LAMBDA)),
              "AdamW": _torch_trajectory(lambda p: torch.optim.AdamW(p, lr=_LR, weight_decay=_LAMBDA))}
    for name in ours:
        expect(_rel(ours[name], theirs[name]) <= 1e-12,
               f"{name}'s trajectory differs from torch.optim.{name}'s by {_rel(ours[name], theirs[name]):.2e}")
    ridge = _H * _C / (_H + _LAMBDA)  # the minimiser of L + (λ/2)|θ|²
    expect(np.allclose(adam_l2[-1], ridge, atol=2e-2),
           f"Adam + L2 ends at {adam_l2[-1]}, expected near the ridge solution {ridge}")
    shrink_l2, shrink_w = adam_l2[-1] / _C, adamw[-1] / _C

    def draw(ax):
        for path, label in ((sgd_wd, "SGD, weight_decay = L2"), (adam_l2, "Adam, weight_decay (= L2)"),
                            (adamw, "AdamW (decoupled)")):
            ax.plot(path[:, 0], path[:, 1], label=label)
        ax.plot(*ridge, "k*", label="minimum of L + λ/2‖θ‖²")
        ax.set_xlabel("θ₁ (curvature 10)")
        ax.set_ylabel("θ₂ (curvature 0.1)")
        ax.legend(fontsize=8)


    figures.save("reg.weight_decay", draw, title="Weight decay: L2 for SGD, not for Adam")
    return {"sgd_wd_vs_l2": _rel(sgd_wd, sgd_l2), "adam_wd_vs_l2": _rel(adam_wd, adam_l2), "adamw_vs_adam_l2": gap,
            "adam_l2_end": adam_l2[-1].tolist(), "adamw_end": adamw[-1].tolist(), "ridge_solution": ridge.tolist(),
            "adam_l2_shrink_steep_flat": shrink_l2.tolist(), "adamw_shrink_steep_flat": shrink_w.tolist(),
            "max_rel_vs_torch": max(_rel(ours[n], theirs[n]) for n in ours)}


# -- dropout against over-fitting ------------------------------------------------------------

_SEEDS, _DIM, _NTRAIN, _WIDTH, _STEPS_GAP, _P = (0, 1, 2), 30, 40, 64, 150, 0.5


class _Net:
    """30 → 64 → 1 ReLU regression net with dropout on the hidden layer; the candidate's relu,
    dropout and Adam; backprop written out (checked against a central difference)."""

    def __init__(self, candidate, p, seed):
        self.relu, self.drelu = candidate.get("activations.relu"), candidate.get("activations.relu_backward")
        self.drop = candidate.get("regularization.dropout")
        self.ddrop = candidate.get("regularization.dropout_backward")
        self.mask = candidate.get("regularization.dropout_mask")
        init = np.random.default_rng(100 + seed)
        self.params = [init.normal(0, math.sqrt(2 / _DIM), (_DIM, _WIDTH)), np.zeros(_WIDTH),
                       init.normal(0, math.sqrt(1 / _WIDTH), (_WIDTH, 1)), np.zeros(1)]
        self.p, self.rng = p, np.random.default_rng(200 + seed)
        self.opt = candidate.get("optim.Adam")(self.params, lr=1e-2)

    def forward(self, x, train, mask=None):
        W1, b1, W2, b2 = self.params
        z = x @ W1 + b1
        a = self.relu(z)
        m = (self.mask(a, self.p, self.rng) if mask is None else mask) if train else None
        d = self.drop(a, self.p, True, mask=m) if train else self.drop(a, self.p, False)
        return d @ W2 + b2, (z, a, m, d)

    def loss_grad(self, x, y, mask=None):
        out, (z, a, m, d) = self.forward(x, True, mask)
        g = 2 * (out - y) / len(x)
        gz = self.drelu(self.ddrop(g @ self.params[2].T, a, self.p, True, mask=m), z)
        return float(np.mean((out - y) ** 2)), [x.T @ gz, gz.sum(0), d.T @ g, g.sum(0)], m

    def mse(self, x, y):
        return float(np.mean((self.forward(x, False)[0] - y) ** 2))


def _data(seed):
    """y = tanh(2 x·w) + N(0, 0.3²) in 30 dimensions: 40 training points, 500 for validation."""
    rng = np.random.default_rng(seed)
    w = rng.normal(0, 1, (_DIM, 1)) / math.sqrt(_DIM)
    xt, xv = rng.normal(size=(_NTRAIN, _DIM)), rng.normal(size=(500, _DIM))
    return (xt, np.tanh(2 * xt @ w) + rng.normal(0, 0.3, (_NTRAIN, 1)),
            xv, np.tanh(2 * xv @ w) + rng.normal(0, 0.3, (500, 1)))


def _gradient_is_exact(net, x, y):
    """Backprop against a central difference of the loss, the dropout masks held fixed."""
    _, grads, masks = net.loss_grad(x, y)
    W2 = net.params[0]
    for i, j in ((0, 0), (5, 7), (29, 63)):
        old, h = W2[i, j], 1e-6
        W2[i, j] = old + h
        up = net.loss_grad(x, y, masks)[0]
        W2[i, j] = old - h
        down = net.loss_grad(x, y, masks)[0]
        W2[i, j] = old
        fd = (up - down) / (2 * h)
        expect(abs(fd - grads[0][i, j]) <= 1e-6 * max(1.0, abs(fd)),
               f"backprop through dropout gives {grads[0][i, j]:.8g} for W1[{i},{j}], the central difference {fd:.8g}")


def _dropout_gap(candidate):
    """40 noisy points in 30 dimensions, a 30-64-1 ReLU net that interpolates them, Adam (lr 1e-2,
    150 full-batch steps), without dropout and with p = 0.5 on the hidden layer, three seeds:
    the validation − training MSE gap (both in evaluation mode) must shrink by 10 % in each."""
    rows = []
    for seed in _SEEDS:
        xt, yt, xv, yv = _data(seed)
        row = {"seed": seed}
        for p in (0.0, _P):
            net = _Net(candidate, p, seed)
            if p and seed == _SEEDS[0]:
                _gradient_is_exact(net, xt, yt)
            for _ in range(_STEPS_GAP):
                net.opt.step(net.loss_grad(xt, yt)[1])
            tr, va = net.mse(xt, yt), net.mse(xv, yv)
            key = "dropout" if p else "plain"
            row.update({f"{key}_train": tr, f"{key}_val": va, f"{key}_gap": va - tr})
        expect(row["dropout_gap"] < 0.9 * row["plain_gap"],
               f"seed {seed}: gap with dropout {row['dropout_gap']:.4f} is not at least 10% below the gap without, "
               f"{row['plain_gap']:.4f}")
        expect(row["dropout_train"] > row["plain_train"], f"seed {seed}: dropout should cost training fit")
        rows.append(row)

    def draw(ax):
        xs = np.arange(len(rows))
        ax.bar(xs - 0.2, [r["plain_gap"] for r in rows], 0.4, label="no dropout")
        ax.bar(xs + 0.2, [r["dropout_gap"] for r in rows], 0.4, label=f"dropout p = {_P}")
        ax.set_xticks(xs, [f"seed {r['seed']}" for r in rows])
        ax.set_ylabel("validation MSE − training MSE")
        ax.legend()


    figures.save("reg.dropout.gap", draw, title="Dropout narrows the generalisation gap")
    return {"runs": rows, "mean_gap_plain": float(np.mean([r["plain_gap"] for r in rows])),
            "mean_gap_dropout": float(np.mean([r["dropout_gap"] for r in rows]))}


# -- stopping rules ---------------------------------------------------------------------------

def _run(stopper, metrics):
    for t, m in enumerate(metrics):
        if stopper.step(m):
            return t
    return None


def _reference_early_stop(metrics, patience, min_delta):
    """Independent transcription: stop at the first t with t − (last strict improvement) ≥ patience."""
    best, best_t = math.inf, -1
    for t, m in enumerate(metrics):
        if m < best - min_delta:
            best, best_t = m, t
        if t - best_t >= patience:
            return t, best_t
    return None, best_t


def _early_stopping(candidate):
    ES = candidate.get("regularization.EarlyStopping")
    cases = [([1.0, 0.8, 0.81, 0.79, 0.795, 0.80, 0.9, 0.7], 2, 0.0, 5, 3),
             ([1.0, 0.5, 0.7, 0.6, 0.55, 0.52, 0.9, 0.4], 3, 0.0, 4, 1),
             ([1.0, 0.995, 0.99, 0.985, 0.98], 2, 0.01, 2, 0),
             ([float("nan"), float("nan"), 1.0], 2, 0.0, 1, -1)]
    for metrics, patience, delta, stop, best in cases:
        es = ES(patience=patience, min_delta=delta)
        t = _run(es, metrics)
        expect(t == stop and es.best_epoch == best,
               f"{metrics}, patience {patience}, min_delta {delta}: stopped at {t} with best epoch {es.best_epoch}, "
               f"expected {stop} and {best}")
    acc = ES(patience=2, mode="max")
    t = _run(acc, [0.5, 0.7, 0.7, 0.69, 0.9])
    expect(t == 3 and acc.best == 0.7,
           f"mode max: stopped at {t}, best {acc.best}; expected 3 and 0.7 (a tie is no improvement)")
    rng = np.random.default_rng(0)
    curve = (np.arange(120) - 40.0) ** 2 / 1600 + 0.2 + rng.normal(0, 0.02, 120)  # a noisy U-shaped validation loss
    for patience in (1, 5, 10, 20):
        es = ES(patience=patience, min_delta=0.001)
        t = _run(es, curve)
        want, best = _reference_early_stop(curve, patience, 0.001)
        expect((t, es.best_epoch) == (want, best),
               f"U-shaped curve, patience {patience}: ({t}, {es.best_epoch}), expected ({want}, {best})")
    return {"u_curve_true_minimum": 40, "stop_patience_10": _reference_early_stop(curve, 10, 0.001)[0],
            "best_epoch_patience_10": _reference_early_stop(curve, 10, 0.001)[1]}


def _accuracy_stop(candidate):
    """The guide's step 8: check every M iterations, stop once the error meets the target (≤)."""
    Stop = candidate.get("regularization.AccuracyStop")
    errors = [1.0 / t for t in range(1, 200)]  # e_t = 1/t
    for target, every, want in ((0.1, 5, 10), (0.09, 5, 15), (0.1, 1, 10), (0.05, 7, 21), (0.2, 10, 10)):
        t = _run(Stop(target, every), errors)
        expect(t is not None and t + 1 == want,
               f"e_t = 1/t, target {target}, every {every}: stopped at t = {None if t is None else t + 1}, expected "
               f"{want}")
    accs = [0.5, 0.8, 0.95, 0.99, 0.97, 0.99]
    t = _run(Stop(0.97, 2, mode="max"), accs)
    expect(t == 3, f"mode max, every 2: stopped at iteration {None if t is None else t + 1}, expected 4")
    return {"stops_checked": 6}


RECORDS = (
    _penalty(id="reg.l1", name="l1_penalty",
             equation=r"R(w) = \lambda \sum_i |w_i|,\quad \nabla R = \lambda \operatorname{sign}(w)",
             mistakes=[Mistake("squares", "λΣw² under the L1 name", M.l1_squares),
              Mistake("weight-ignored", "Σ|w| without λ", M.l1_weight_ignored),
              Mistake("backward-no-chain", "λ sign(w) without g", M.l1_backward_weight_only, "backward")]),
    _penalty(id="reg.l2", name="l2_penalty",
             equation=r"R(w) = \frac{\lambda}{2} \sum_i w_i^2,\quad \nabla R = \lambda w",
             mistakes=[Mistake("no-half", "λΣw²: gradient 2λw", M.l2_no_half),
              Mistake("norm-not-squared", "λ‖w‖₂", M.l2_norm_not_squared),
              Mistake("backward-doubled", "2λw", M.l2_backward_doubled, "backward")]),
    Record(
        id="reg.weight_decay", kind="C", section=SECTION,
        equation=r"\text{SGD: } \theta - \eta(g + \lambda\theta) = (1 - \eta\lambda)\theta - \eta g;\quad "
                 r"\text{Adam: } \frac{\hat m(g + \lambda\theta)}{\sqrt{\hat v(g + \lambda\theta)}} \ne \frac{\hat "
                 r"m(g)}{\sqrt{\hat v(g)}} + \lambda\theta",
        check=_weight_decay,
        mistakes=(
            Mistake("l2-gradient-doubled", "the L2 penalty's gradient 2λw", M.l2_backward_doubled,
                    "regularization.l2_penalty_backward"),
            Mistake("adamw-coupled", "AdamW adding λθ to the gradient (Adam + L2)", M.AdamWCoupled, "optim.AdamW"),
        ),
        notes="Loshchilov & Hutter (2019). Trajectories of impl's SGD, Adam and AdamW are compared with torch.optim's.",
    ),
    Record(
        id="reg.dropout.gap", kind="C", section=SECTION,
        equation=r"\text{gap} = \mathrm{MSE}_{\text{val}} - \mathrm{MSE}_{\text{train}}:\ \text{gap}_{p = 0.5} < "
                 r"\text{gap}_{p = 0}",
        check=_dropout_gap,
        mistakes=(
            Mistake("identity", "dropout that drops nothing in training", M.dropout_identity, "regularization.dropout"),
            Mistake("backward-no-mask", "dropped units still receive gradient", M.dropout_backward_no_mask,
                    "regularization.dropout_backward"),
        ),
    ),
    Record(
        id="reg.early_stopping", kind="A", section=SECTION,
        equation=r"\text{stop at the first } t \text{ with } t - t^\ast \ge \text{patience},\ t^\ast = \text{last } t "
                 r"\text{ with } m_t < m^\ast - \delta",
        candidate="regularization.EarlyStopping", check=_early_stopping,
        mistakes=(
            Mistake("off-by-one", "stops after patience − 1 evaluations", M.EarlyStoppingOffByOne),
            Mistake("ignores-min-delta", "min_delta accepted and ignored", M.EarlyStoppingIgnoresDelta),
            Mistake("last-not-best", "compares with the previous evaluation, not the best", M.EarlyStoppingLastNotBest),
        ),
        errors=(
            ErrorInput(Sample((-1,)), ValueError, r"\bpatience\b"),
            ErrorInput(Sample((2.5,)), TypeError, r"\bpatience\b"),
            ErrorInput(Sample((2,), {"mode": "avg"}), ValueError, r"\bmode\b"),
            ErrorInput(Sample((2,), {"min_delta": -0.1}), ValueError, r"\bmin_delta\b"),
        ),
    ),
    Record(
        id="reg.accuracy_stop", kind="A", section=SECTION,
        equation=r"\text{stop at the first } t \equiv 0 \pmod M \text{ with } e_t \le \varepsilon",
        candidate="regularization.AccuracyStop", check=_accuracy_stop,
        mistakes=(
            Mistake("every-iteration", "checks at every iteration, not every M", M.AccuracyStopEveryIteration),
            Mistake("strict", "requires e < ε; the guide's 'meets' is e ≤ ε", M.AccuracyStopStrict),
        ),
        errors=(
            ErrorInput(Sample((0.1, 0)), ValueError, r"\bevery\b"),
            ErrorInput(Sample(("0.1", 5)), TypeError, r"\btarget\b"),
            ErrorInput(Sample((0.1, 5), {"mode": "avg"}), ValueError, r"\bmode\b"),
        ),
        notes="The guide's training procedure, step 8: 当经历M后,判断指标是否满足精度要求 (after M iterations, check "
              "whether the error meets the required accuracy; if not, continue).",
    ),
)

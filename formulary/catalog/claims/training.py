"""The guide's claims about training (§7): the training procedure of l.830–870, and batch normalisation (l.800)."""

from __future__ import annotations

import numpy as np
import torch

from formulary import figures
from formulary.compare import assert_close
from formulary.mistakes import basics as MB
from formulary.mistakes import claims as MC
from formulary.mistakes import conv as M
from formulary.record import Deviation, Mistake, Record, Tolerance
from formulary.verdict import expect

S_TRAIN = "§7 6 卷积神经网络训练 (the training procedure), lines 830–870"
S_BN = "§7 5 BN层 (batch normalisation), line 800"
_F64 = Tolerance.default(np.float64)

# -- the training procedure: per-pattern updates, an accuracy-based stop, small random weights ----------

N_PATTERNS, MAX_EPOCHS, TARGET, LR = 20, 15, 0.95, 1.0
SMALL, LARGE = 0.5, 20.0  # initial weights U(−s, s)
SEEDS = (0, 1, 2)


def _patterns():
    """Two Gaussian clouds in the plane, 10 patterns each; targets 0 and 1 for one sigmoid output."""
    rng = np.random.default_rng(0)
    y = np.repeat([0.0, 1.0], N_PATTERNS // 2)[:, None]
    x = rng.normal(0.0, 0.7, (N_PATTERNS, 2)) + np.where(y > 0, 1.0, -1.0) * np.array([1.0, 0.5])
    return x, y


def _init(scale, seed, sizes=(2, 3, 1)):
    rng = np.random.default_rng(seed)
    ws = [rng.uniform(-scale, scale, (o, i)) for i, o in zip(sizes[:-1], sizes[1:], strict=True)]
    return ws, [rng.uniform(-scale, scale, o) for o in sizes[1:]]


def _procedure(candidate, scale, seed, per_pattern=True):
    """Steps 2–8: small random weights; one pattern at a time forward, error, backward, update; after each
    epoch (M = 20 patterns) stop once the accuracy meets TARGET. Returns (epochs, accuracy per epoch, path)."""
    forward, backward = candidate.get("basics.mlp_forward"), candidate.get("basics.mlp_backward")
    x, y = _patterns()
    ws, bs = _init(scale, seed)
    order, accuracy, path = np.random.default_rng(seed + 100), [], []
    for epoch in range(1, MAX_EPOCHS + 1):
        batches = [[i] for i in order.permutation(N_PATTERNS)] if per_pattern else [list(range(N_PATTERNS))]
        for rows in batches:
            out = forward(x[rows], ws, bs, "sigmoid", "sigmoid")
            _, gw, gb = backward(2 * (out - y[rows]) / len(rows), x[rows], ws, bs, "sigmoid", "sigmoid")
            ws = [w - LR * g for w, g in zip(ws, gw, strict=True)]
            bs = [b - LR * g for b, g in zip(bs, gb, strict=True)]
            path.append(ws[0].copy())
        accuracy.append(float(np.mean((forward(x, ws, bs, "sigmoid", "sigmoid") > 0.5) == (y > 0.5))))
        if accuracy[-1] >= TARGET:
            return epoch, accuracy, path
    return None, accuracy, path


def _torch_per_pattern(seed, updates):
    """torch's own loop: one pattern per torch.optim.SGD step, MSE through sigmoids; the first layer's weights."""
    x, y = _patterns()
    ws, bs = _init(SMALL, seed)
    layers = [torch.nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64) for w in ws]
    with torch.no_grad():
        for layer, w, b in zip(layers, ws, bs, strict=True):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
    net = torch.nn.Sequential(layers[0], torch.nn.Sigmoid(), layers[1], torch.nn.Sigmoid())
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    order, path = np.random.default_rng(seed + 100).permutation(N_PATTERNS), []
    for i in order[:updates]:
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(torch.from_numpy(x[i:i + 1])), torch.from_numpy(y[i:i + 1])).backward()
        opt.step()
        path.append(layers[0].weight.detach().numpy().copy())
    return path


def _saturation(candidate, scale, seed):
    """Mean σ′ of the hidden units over the patterns at the initial weights (σ′ ≤ 1/4; near 0 is saturated)."""
    x, _ = _patterns()
    ws, bs = _init(scale, seed)
    z = x @ ws[0].T + bs[0]
    return float(np.mean(candidate.get("activations.sigmoid_backward")(np.ones_like(z), z)))


def _training_procedure(candidate):
    """The guide's procedure on a 2-3-1 sigmoid network (MSE): small against large initial weights,
    per-pattern against whole-batch updates at the same step size."""
    first_epoch = _procedure(candidate, SMALL, 0)[2][:N_PATTERNS]
    assert_close(np.array(first_epoch), np.array(_torch_per_pattern(0, N_PATTERNS)), _F64,
                 names=("first-layer weights after each per-pattern update, against torch.optim.SGD",))
    runs = {(scale, mode): [_procedure(candidate, scale, s, mode == "per pattern")[:2] for s in SEEDS]
            for scale in (SMALL, LARGE) for mode in ("per pattern", "whole batch")}
    epochs = {key: [e for e, _ in v] for key, v in runs.items()}
    small, large, batch = epochs[SMALL, "per pattern"], epochs[LARGE, "per pattern"], epochs[SMALL, "whole batch"]
    expect(all(e is not None and e <= 10 for e in small), f"small initial weights U(±{SMALL}): epochs to {TARGET:.0%} "
                                                          f"{small}, expected ≤ 10 each")
    for (scale, mode), v in runs.items():
        for e, acc in v:
            expect(e is None or (acc[-1] >= TARGET and all(a < TARGET for a in acc[:-1])),
                   f"U(±{scale}), {mode}: the stop must come at the first epoch whose accuracy meets {TARGET:.0%}: "
                   f"{acc}")
    expect(sum(e is not None for e in large) <= 1, f"large initial weights U(±{LARGE}) reached {TARGET:.0%} in {large} "
                                                   "epochs: expected saturation to stall most runs")
    expect(all(b is None or b > s for b, s in zip(batch, small, strict=True)),
           f"whole-batch updates took {batch} epochs, per-pattern {small}: per-pattern should need fewer")
    sat = {scale: _saturation(candidate, scale, 0) for scale in (SMALL, LARGE)}
    expect(sat[SMALL] > 0.2 and sat[LARGE] < 0.05, f"mean σ′ of the hidden units at the start: {sat}, expected > 0.2 "
                                                   "small, < 0.05 large")
    found = {f"epochs to {TARGET:.0%}, U(±{SMALL}), per pattern": small,
             f"epochs to {TARGET:.0%}, U(±{LARGE}), per pattern": large,
             f"epochs to {TARGET:.0%}, U(±{SMALL}), whole batch": batch,
                 f"epochs to {TARGET:.0%}, U(±{LARGE}), whole batch": epochs[LARGE, "whole batch"],
             "mean hidden σ′ at the start, small": round(sat[SMALL], 4),
                     "mean hidden σ′ at the start, large": round(sat[LARGE], 4),
             "max epochs": MAX_EPOCHS}

    def draw(ax):
        for (scale, mode), v in runs.items():
            colour, style = ("tab:blue" if scale == SMALL else "tab:red"), ("-" if mode == "per pattern" else ":")
            for k, (_, acc) in enumerate(v):
                ax.plot(range(1, len(acc) + 1), acc, style, c=colour, alpha=0.8,
                        label=f"U(±{scale:g}), {mode}" if k == 0 else None)
        ax.axhline(TARGET, c="grey", lw=0.6)
        ax.set_xlabel("epoch (20 patterns)")
        ax.set_ylabel("accuracy (training stops at the grey line)")
        ax.legend(fontsize=8)

    figures.save("cnn.train.procedure", draw, title="§7's procedure on a 2-3-1 sigmoid network, three seeds")
    return found


# -- batch normalisation: the range of usable learning rates ----------------------------------------------

BN_N, BN_D, BN_H, BN_K, BN_STEPS = 64, 10, 32, 3, 20
RATES = np.geomspace(0.1, 10.0, 5)  # half-decades
USABLE = 0.1  # the loss after BN_STEPS steps below this share of its start


def _bn_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BN_N, BN_D)) * np.geomspace(0.2, 5.0, BN_D)  # features on scales 0.2 … 5
    return x, np.argmax(x @ rng.normal(size=(BN_D, BN_K)), 1)


def _bn_init():
    rng = np.random.default_rng(1)
    sizes = [BN_D, BN_H, BN_H, BN_K]
    ws = [rng.normal(0.0, np.sqrt(2 / i), (o, i)) for i, o in zip(sizes[:-1], sizes[1:], strict=True)]  # He
    return ws, [np.zeros(o) for o in sizes[1:]], [np.ones(BN_H)] * 2, [np.zeros(BN_H)] * 2


class _Net:
    """linear → [BN] → ReLU, twice, → linear; cross-entropy; every function the candidate's."""

    def __init__(self, candidate, bn):
        g = candidate.get
        self.linear, self.linear_backward = g("conv.linear"), g("conv.linear_backward")
        self.bn, self.bn_backward = g("conv.batch_norm"), g("conv.batch_norm_backward")
        self.relu, self.relu_backward = g("activations.relu"), g("activations.relu_backward")
        self.loss, self.loss_backward = g("losses.cross_entropy"), g("losses.cross_entropy_backward")
        self.use_bn = bn
        self.stats = (np.zeros(BN_H), np.ones(BN_H))

    def loss_and_grads(self, x, t, params):
        ws, bs, gammas, betas = params
        a, cache = x, []
        for k in range(2):
            z = self.linear(a, ws[k], bs[k])
            zn = self.bn(z, *self.stats, gammas[k], betas[k], training=True)[0] if self.use_bn else z
            cache.append((a, z, zn))
            a = self.relu(zn)
        out = self.linear(a, ws[2], bs[2])
        loss = float(self.loss(out, t))
        if not np.isfinite(loss):
            return loss, None
        g, gw, gb = self.linear_backward(self.loss_backward(np.array(1.0), out, t), a, ws[2], bs[2])
        grads = [[None] * 3 for _ in range(4)]
        grads[0][2], grads[1][2] = gw, gb
        for k in (1, 0):
            a_in, z, zn = cache[k]
            g = self.relu_backward(g, zn)
            if self.use_bn:
                g, grads[2][k], grads[3][k] = self.bn_backward(g, z, *self.stats, gammas[k], betas[k], training=True)
            g, grads[0][k], grads[1][k] = self.linear_backward(g, a_in, ws[k], bs[k])
        return loss, grads


def _torch_grads(params, bn):
    x, t = _bn_data()
    ws, bs, gammas, betas = [[torch.tensor(a, requires_grad=True) for a in group] for group in params]
    a = torch.from_numpy(x)
    for k in range(2):
        z = torch.nn.functional.linear(a, ws[k], bs[k])
        if bn:
            z = torch.nn.functional.batch_norm(z, None, None, gammas[k], betas[k], training=True)
        a = torch.relu(z)
    torch.nn.functional.cross_entropy(torch.nn.functional.linear(a, ws[2], bs[2]), torch.from_numpy(t)).backward()
    groups = (ws, bs, gammas, betas) if bn else (ws, bs)
    return [[p.grad.numpy() for p in group] for group in groups]


def _descend(net, lr):
    x, t = _bn_data()
    params = [list(p) for p in _bn_init()]
    losses = []
    for _ in range(BN_STEPS):
        with np.errstate(all="ignore"):
            loss, grads = net.loss_and_grads(x, t, params)
        losses.append(loss)
        if grads is None:
            break
        for group, grad in zip(params, grads, strict=True):
            for k, gk in enumerate(grad):
                if gk is not None and k < len(group):
                    group[k] = group[k] - lr * gk
    return losses


def _batchnorm_rates(candidate):
    """Full-batch gradient descent, 20 steps, at learning rates 0.1 … 10 (half-decades), with and without BN.
    Usable: the loss ends below a tenth of its start."""
    x, t = _bn_data()
    curves, usable, best = {}, {}, {}
    for bn in (False, True):
        net, name = _Net(candidate, bn), "with BN" if bn else "without BN"
        loss, grads = net.loss_and_grads(x, t, [list(p) for p in _bn_init()])
        mine = [[g for g in group if g is not None] for group in grads if any(g is not None for g in group)]
        assert_close(mine, _torch_grads(_bn_init(), bn), _F64,
                     names=(f"{name}: every gradient at the start, against torch.autograd",))
        curves[name] = {lr: _descend(net, lr) for lr in RATES}
        ok = [lr for lr, c in curves[name].items() if np.isfinite(c[-1]) and c[-1] < USABLE * c[0]]
        usable[name] = (min(ok), max(ok)) if ok else None
        best[name] = min(c[-1] for c in curves[name].values())
    plain, normed = usable["without BN"], usable["with BN"]
    expect(plain is not None and normed is not None and normed[1] >= 3 * plain[1],
           f"largest usable learning rate: {normed and normed[1]:.3g} with BN, {plain and plain[1]:.3g} without: "
           "expected BN's larger")
    expect(best["with BN"] < best["without BN"], f"lowest loss after {BN_STEPS} steps: {best['with BN']:.3g} with BN, "
                                                 f"{best['without BN']:.3g} without")
    found = {"usable learning rates without BN": [round(float(v), 3) for v in plain],
             "usable learning rates with BN": [round(float(v), 3) for v in normed],
             f"lowest loss after {BN_STEPS} steps without BN": round(best["without BN"], 4),
             f"lowest loss after {BN_STEPS} steps with BN": round(best["with BN"], 4)}

    def draw(ax):
        for name, colour in (("without BN", "tab:red"), ("with BN", "tab:blue")):
            final = [c[-1] / c[0] if np.isfinite(c[-1]) else np.nan for c in curves[name].values()]
            ax.loglog(RATES, final, "o-", c=colour, label=name)
        ax.axhline(USABLE, c="grey", ls=":", lw=0.8)
        ax.set_xlabel("learning rate")
        ax.set_ylabel(f"loss after {BN_STEPS} steps / initial loss (usable: below the dotted line)")
        ax.legend()

    figures.save("cnn.batchnorm.lr_range", draw, title="10 → 32 → 32 → 3 ReLU net, 20 steps of full-batch GD")
    return found


RECORDS = (
    Record(
        id="cnn.train.procedure", kind="C", section=S_TRAIN,
        equation=r"w \leftarrow w - \eta \nabla_w \tfrac12\bigl(\sigma(\cdot) - y_p\bigr)^2 \text{ per pattern } p;\ "
                 r"\text{stop when accuracy} \ge 95\%;\ w_0 \sim \mathcal U(-s, s)",
        check=_training_procedure,
        mistakes=(Mistake("backward-no-derivative", "backprop without the activations' derivatives",
                          MB.mlp_backward_no_derivative,
                          "basics.mlp_backward"),
                  Mistake("backward-derivative-at-output", "f′ taken at the output instead of the pre-activation",
                          MB.mlp_backward_derivative_at_output,
                          "basics.mlp_backward")),
        notes="Per-pattern updates (steps 3–7), the accuracy test after every M = 20 patterns (step 8), weights "
              "U(±0.5) against U(±20) (step 2), on two Gaussian clouds. Holds: small weights train in a few epochs; "
              "large ones saturate the sigmoids (mean σ′ near 0) and stall. Whole-batch updates at the same step size "
              "need more epochs (one update per epoch instead of 20). The 'different' half of step 2 is "
              "cnn.init.symmetry's.",
    ),
    Record(
        id="cnn.batchnorm.lr_range", kind="C", section=S_BN,
        equation=r"\{\eta : L_{20}(\eta) < \tfrac1{10} L_0\}_\text{BN} \text{ reaches larger } \eta "
                 r"\text{ than without BN}",
        check=_batchnorm_rates,
        deviations=(Deviation("line 800: BN 'makes the setting of the hyperparameters freer' "
                              "(使得网络的超参数的设定更加自由)",
                              'the usable learning rates move up (0.1–0.316 without BN, 1–3.16 with it) rather than '
                              'widen: BN allows larger rates, not a freer choice of them',
                              _batchnorm_rates, source="guide"),),
        mistakes=(Mistake("running-stats-in-training", "training mode normalising with the running statistics",
                          MC.batch_norm_running_stats_in_training,
                          "conv.batch_norm"),
                  Mistake("backward-no-stat-terms", "dx = g·γ/σ: the batch statistics' dependence on x forgotten",
                          M.batch_norm_backward_no_stat_terms,
                          "conv.batch_norm_backward")),
        notes="Holds here: the largest usable learning rate (the loss below a tenth of its start after 20 steps) is "
              "10× larger with BN, and the lowest loss reached is lower. But the usable range moves up rather than "
              "widens: with BN the small rates that train the plain net are too slow in 20 steps. Full-batch descent "
              "on 64 seeded samples whose features span scales 0.2–5; He initialisation; a grid of half-decades.",
    ),
)

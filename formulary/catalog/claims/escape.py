"""The guide's "SGD's noise jumps to better minima" (l.392) and "momentum can leave local optima" (l.431)."""

from __future__ import annotations

import numpy as np
import torch

from formulary import figures
from formulary.compare import assert_close
from formulary.mistakes import optim as M
from formulary.record import Deviation, Mistake, Record, Tolerance
from formulary.verdict import expect

SECTION = "§5 (1) SGD, line 392; 二、Momentum, line 431"
TILT, LR, STEPS, RUNS = 0.2, 0.05, 300, 200
BARRIER = 0.20915  # the local maximum of f: the middle root of x³ − x + 0.2
CONFIGS = ((0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (0.0, 0.9), (1.0, 0.9), (2.0, 0.9))  # (noise s, momentum μ)


def _landscape(x):
    return (x**2 - 1) ** 2 / 4 + TILT * x


def _runs(candidate, noise, momentum):
    """RUNS independent runs as the elements of one parameter vector (SGD acts elementwise); each step's
    gradient is one sample's, f_i′(x) = x³ − x + c_i with c_i ~ N(0.2, s²): the mean is f′, the spread SGD's noise."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0.3, 2.5, RUNS)  # every start right of the barrier, in the upper well's basin
    opt = candidate.get("optim.SGD")([x], lr=LR, momentum=momentum)
    path, grads = np.empty((STEPS + 1, RUNS)), np.empty((STEPS, RUNS))
    path[0] = x
    with np.errstate(over="ignore", invalid="ignore"):  # a wrong optimizer may throw runs to infinity
        for t in range(STEPS):
            grads[t] = x**3 - x + TILT + noise * rng.standard_normal(RUNS)
            opt.step([grads[t].copy()])
            path[t + 1] = x
    return path, grads


def _torch_path(grads, momentum):
    """torch.optim.SGD fed the candidate's gradients (open loop: the noisy closed loop would amplify rounding)."""
    x = torch.tensor(np.random.default_rng(0).uniform(0.3, 2.5, RUNS), requires_grad=True)
    opt = torch.optim.SGD([x], lr=LR, momentum=momentum)
    path = [x.detach().numpy().copy()]
    for g in grads:
        x.grad = torch.from_numpy(g.copy())
        opt.step()
        path.append(x.detach().numpy().copy())
    return np.array(path)


def _escape(candidate):
    """Share of 200 seeded runs started in the upper well that end in the lower one, for gradient noise and momentum."""
    runs = {cfg: _runs(candidate, *cfg) for cfg in CONFIGS}
    for cfg in ((1.0, 0.0), (1.0, 0.9)):
        assert_close(runs[cfg][0], _torch_path(runs[cfg][1], cfg[1]), Tolerance(1e-10, 1e-12),
                     names=(f"SGD (noise {cfg[0]:g}, momentum {cfg[1]:g}) against torch.optim.SGD on the same "
                            "gradients",))
    paths = {cfg: p for cfg, (p, _) in runs.items()}
    end = {cfg: float(np.mean(p[-1] < BARRIER)) for cfg, p in paths.items()}
    ever = {cfg: float(np.mean((p < -0.5).any(0))) for cfg, p in paths.items()}
    expect(end[0.0, 0.0] == 0.0, f"plain gradient descent left its basin in {end[0.0, 0.0]:.0%} of the runs: it cannot")
    expect(end[0.0, 0.9] >= 0.3, f"momentum 0.9 without noise carried {end[0.0, 0.9]:.0%} of the runs into the lower "
                                 "well, expected ≥ 30%")
    expect(0.05 <= end[1.0, 0.0] < end[2.0, 0.0], f"gradient noise 1 and 2 (no momentum): {end[1.0, 0.0]:.0%} and "
                                                  f"{end[2.0, 0.0]:.0%} in the lower well, expected more with more "
                                                  "noise")
    expect(ever[2.0, 0.9] - end[2.0, 0.9] >= 0.2, f"with noise 2 and momentum {ever[2.0, 0.9]:.0%} visited the lower "
                                                  f"well and {end[2.0, 0.9]:.0%} stayed: noise should also throw runs "
                                                  "back out")
    # without noise, momentum cannot create height: a run started below the barrier's level stays in its basin
    heavy, start = paths[0.0, 0.9], paths[0.0, 0.9][0]
    below = _landscape(start) < _landscape(BARRIER)
    crossed = heavy[-1] < BARRIER
    expect(below.any() and not crossed[below].any(), f"momentum without noise carried {int(crossed[below].sum())} runs "
                                                     "started below the barrier's height over it")
    found = {f"noise {s:g}, momentum {m:g}: in the lower basin at the end / ever below x = −0.5":
             [end[s, m], ever[s, m]] for s, m in CONFIGS}
    for lo, hi in ((0.3, 1.0), (1.0, 1.5), (1.5, 2.0), (2.0, 2.5)):
        chosen = (start >= lo) & (start < hi)
        key = f"momentum 0.9, no noise, started in [{lo:g}, {hi:g}): share in the lower basin"
        found[key] = round(float(crossed[chosen].mean()), 3)
    key = "momentum 0.9, no noise, started below the barrier's height: share in the lower basin"
    found[key] = float(crossed[below].mean())
    found["barrier"] = (f"f(x) = (x² − 1)²/4 + 0.2x; wells at x = −1.09 and 0.88 (f = −0.21 and +0.19), barrier at "
                        f"x = 0.209 (f = +0.27), lr {LR}, {STEPS} steps")

    def draw(ax):
        for (s, m), colour in zip(CONFIGS, ("k", "tab:blue", "tab:cyan", "tab:red", "tab:orange", "tab:purple"),
                                  strict=True):
            ax.plot(np.mean(paths[s, m] < BARRIER, axis=1), c=colour, label=f"noise {s:g}, momentum {m:g}")
        ax.set_xlabel("step")
        ax.set_ylabel("share of 200 runs in the lower well")
        ax.legend(fontsize=8)

    figures.save("opt.sgd.escape", draw, title="f = (x² − 1)²/4 + 0.2x, started in the upper well")
    return found


RECORDS = (
    Record(
        id="opt.sgd.escape", kind="C", section=SECTION,
        equation=r"f(x) = \tfrac14(x^2 - 1)^2 + 0.2x,\quad g_t = f'(x_t) + s\,\xi_t,\quad v \leftarrow \mu v + g_t,\ x "
                 r"\leftarrow x - \eta v",
        check=_escape,
        deviations=(Deviation("lines 392 and 431: SGD's fluctuation 'lets it jump to a new, possibly better local "
                              "minimum' (SGD 的波动使它能够跳到新的可能更好的局部最小值) and momentum has 'some "
                              "ability to escape local optima' (还有一定摆脱局部最优的能力)",
                              "conditional: the noise hops both ways (37% of the runs that reached the lower well were "
                              "thrown back out), and momentum escapes only a run that starts above the barrier's "
                              "height; plain gradient descent never leaves",
                              _escape, source="guide"),),
        mistakes=(Mistake("momentum-ignored", "momentum accepted and ignored", M.MomentumIgnored, "optim.SGD"),
                  Mistake("ema-momentum", "v ← μv + (1 − μ)g: no build-up of speed", M.MomentumEMA, "optim.SGD"),
                  Mistake("ascent", "x + ηg", M.SGDAscent, "optim.SGD")),
        notes="Holds, conditionally. Plain gradient descent never leaves the basin it starts in. Momentum 0.9 carries "
              "runs over the barrier only when they start above the barrier's height (it cannot create height): 42 % "
              "of starts uniform in [0.3, 2.5], none below x ≈ 1.2, all from [1.5, 2), about half from [2, 2.5), "
              "which cross back. Gradient noise (a single sample's gradient) moves runs across in proportion to its "
              "size; it does not pick the better minimum, it only crosses more often downhill than uphill, and it "
              "throws runs back out too. Both depend on the step size, the noise (batch size) and the barrier's "
              "height.",
    ),
)

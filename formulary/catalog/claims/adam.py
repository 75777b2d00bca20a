"""The guide's "Adam is RMSprop + Momentum" (§5, l.448), stated exactly.

Every trajectory is the candidate's optimizer's, on one seeded closed loop; the plain ones are
held against torch.optim's first (float64, rtol 1e-10).
"""

from __future__ import annotations

import numpy as np
import torch

from formulary import figures
from formulary.compare import assert_close
from formulary.mistakes import optim as M
from formulary.record import Deviation, Mistake, Record, Tolerance
from formulary.verdict import expect

SECTION = "§5 三、Adam 优化器, line 448"
EXACT = Tolerance(1e-10, 1e-13)
STEPS, LR, ALPHA = 100, 0.01, 0.99
_H = np.array([0.5, 1.0, 2.0, 5.0, 10.0])
_C = np.array([1.0, -1.0, 0.5, -0.5, 0.2])


_NOISE = np.random.default_rng(0).normal(0.0, 0.5, (STEPS, _H.size))


def _gradient(theta, t, scale):
    """A noisy quadratic: h ⊙ (θ − c) + ξ_t, all times ``scale`` (small gradients make ε matter)."""
    return scale * (_H * (theta - _C) + _NOISE[t])


def _run(make, scale, schedule=None):
    """The path of one parameter vector from 0; ``schedule(t, group)`` may set the group's options before step t."""
    theta = np.zeros(_H.size)
    opt = make([theta])
    path = []
    for t in range(STEPS):
        if schedule:
            schedule(t + 1, opt.param_groups[0])
        opt.step([_gradient(theta, t, scale)])
        path.append(theta.copy())
    return np.array(path)


def _torch_run(name, scale, **options):
    theta = torch.zeros(_H.size, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, name)([theta], **options)
    path = []
    for t in range(STEPS):
        theta.grad = torch.from_numpy(_gradient(theta.detach().numpy(), t, scale))
        opt.step()
        path.append(theta.detach().numpy().copy())
    return np.array(path)


def _bias_corrected(lr, eps, scale_eps=True):
    """RMSprop with Adam's correction of the second moment, written as options of plain RMSprop:
    η g/(√(S/(1 − αᵗ)) + ε) = η√(1 − αᵗ) · g/(√S + ε√(1 − αᵗ))."""
    def schedule(t, group):
        c = np.sqrt(1 - ALPHA**t)
        group["lr"], group["eps"] = lr * c, eps * c if scale_eps else eps
    return schedule


def _adam_is_rmsprop(candidate):
    adam, rmsprop = candidate.get("optim.Adam"), candidate.get("optim.RMSprop")
    found, gaps = {}, {}
    for eps, scale in ((1e-8, 1.0), (1e-3, 1e-3)):  # ordinary gradients; gradients of the order of ε
        tag = f"ε = {eps:g}, gradients ×{scale:g}"
        a = _run(lambda p, eps=eps: adam(p, lr=LR, betas=(0.0, ALPHA), eps=eps), scale)
        r = _run(lambda p, eps=eps: rmsprop(p, lr=LR, alpha=ALPHA, eps=eps), scale)
        assert_close(a, _torch_run("Adam", scale, lr=LR, betas=(0.0, ALPHA), eps=eps), EXACT,
                     names=(f"Adam β1 = 0 against torch ({tag})",))
        assert_close(r, _torch_run("RMSprop", scale, lr=LR, alpha=ALPHA, eps=eps), EXACT,
                     names=(f"RMSprop against torch ({tag})",))
        corrected = _run(lambda p, eps=eps: rmsprop(p, lr=LR, alpha=ALPHA, eps=eps), scale, _bias_corrected(LR, eps))
        lr_only = _run(lambda p, eps=eps: rmsprop(p, lr=LR, alpha=ALPHA, eps=eps), scale, _bias_corrected(LR, eps,
                scale_eps=False))
        assert_close(a, corrected, EXACT, names=(f"Adam β1 = 0 against RMSprop with bias correction ({tag})",))
        gaps[tag] = {"torch's RMSprop (no correction)": np.abs(a - r).max(1),
                     "corrected step size, ε not rescaled": np.abs(a - lr_only).max(1),
                     "bias-corrected RMSprop": np.abs(a - corrected).max(1)}
        found[tag] = {k: float(f"{v.max():.3g}") for k, v in gaps[tag].items()}
        first = np.abs(r[0]).max() / np.abs(a[0]).max()
        found[tag]["first step, RMSprop / Adam"] = round(float(first), 4)
        if scale == 1.0:
            expect(abs(first - 1 / np.sqrt(1 - ALPHA)) < 1e-3,
                   f"RMSprop's first step should be 1/√(1 − α) = 10× Adam's (β1 = 0), is {first:.4g}×")
    ordinary, tiny = gaps["ε = 1e-08, gradients ×1"], gaps["ε = 0.001, gradients ×0.001"]
    expect(ordinary["torch's RMSprop (no correction)"].max() > 1e-2,
           "Adam (β1 = 0) and torch's RMSprop should differ: RMSprop has no bias correction")
    lr_only = "corrected step size, ε not rescaled"
    expect(ordinary[lr_only].max() < 1e-6 < tiny[lr_only].max(),
           "where ε is of the gradients' order, correcting the step size alone must not be enough")
    # β1 > 0: Adam normalises the averaged gradient, RMSprop's momentum averages normalised gradients
    b1 = 0.9
    a9 = _run(lambda p: adam(p, lr=LR, betas=(b1, ALPHA)), 1.0)
    heavy = _run(lambda p: rmsprop(p, lr=LR * (1 - b1), alpha=ALPHA, momentum=b1), 1.0, _bias_corrected(LR * (1 - b1),
            1e-8))
    gap9 = np.abs(a9 - heavy).max(1)
    travel = np.abs(a9).max()
    expect(gap9.max() > 1e-2 * travel, "Adam (0.9, 0.99) and bias-corrected RMSprop with momentum 0.9 should differ: "
                                       f"gap {gap9.max():.3g}")
    key = "β1 = 0.9: Adam against bias-corrected RMSprop + momentum 0.9 (lr·0.1), max |Δθ|"
    found[key] = float(f"{gap9.max():.3g}")
    found["β1 = 0.9: same, relative to the distance travelled"] = round(float(gap9.max() / travel), 4)

    def draw(ax):
        styles = {"torch's RMSprop (no correction)": "tab:red", "corrected step size, ε not rescaled": "tab:orange",
                  "bias-corrected RMSprop": "tab:green"}
        for (tag, gap), ls in zip(gaps.items(), ("-", "--"), strict=True):
            for name, colour in styles.items():
                ax.semilogy(np.maximum(gap[name], 1e-18), ls, c=colour, label=f"{name}, {tag}")
        ax.semilogy(np.maximum(gap9, 1e-18), c="tab:purple", label="β1 = 0.9 vs RMSprop + momentum 0.9 (corrected)")
        ax.set_xlabel("step")
        ax.set_ylabel("max |θ_Adam − θ_RMSprop| (0 drawn at 1e-18)")
        ax.legend(fontsize=6)

    figures.save("opt.adam.rmsprop_momentum", draw, title="Adam (β2 = α = 0.99) against RMSprop variants")
    return found


RECORDS = (
    Record(
        id="opt.adam.rmsprop_momentum", kind="C", section=SECTION,
        equation=r"\text{Adam}(\beta_1 = 0, \beta_2 = \alpha, \eta, \epsilon) \equiv \text{RMSprop}\bigl(\alpha,\ "
                 r"\eta_t = \eta\sqrt{1 - \alpha^t},\ \epsilon_t = \epsilon\sqrt{1 - \alpha^t}\bigr)",
        check=_adam_is_rmsprop,
        deviations=(Deviation("line 448: Adam 'is RMSprop + Momentum' (相当于 RMSprop + Momentum)",
                              "an identity only at β1 = 0 and only against RMSprop with bias correction (step η√(1 − "
                              "αᵗ), ε√(1 − αᵗ)); torch's RMSprop has none, and with β1 = 0.9 Adam and RMSprop with "
                              "momentum part (6.5% of the distance travelled here)",
                              _adam_is_rmsprop, source="guide"),),
        mistakes=(Mistake("adam-no-bias-correction", "Adam without the 1 − βᵗ corrections, which β1 = 0 makes torch's "
                                                     "RMSprop",
                          M.AdamNoBiasCorrection, "optim.Adam"),
                  Mistake("rmsprop-bias-corrected", "RMSprop with Adam's correction of S", M.RMSpropBiasCorrected,
                          "optim.RMSprop"),
                  Mistake("adam-eps-inside-root", "√(v̂ + ε) instead of √v̂ + ε", M.AdamEpsInsideRoot, "optim.Adam")),
        notes="Exactly: Adam with β1 = 0 is RMSprop (α = β2) with bias correction, i.e. RMSprop with the step size "
              "η√(1 − αᵗ) and ε√(1 − αᵗ); torch's RMSprop has no correction, so its first step is 1/√(1 − α) = 10× "
              "Adam's and the two paths differ. Rescaling only the step size is not enough once ε is of the "
              "gradients' order. With β1 > 0 there is no exact identity: Adam normalises an average of gradients, "
              "RMSprop with momentum averages normalised gradients. The guide's 'RMSprop + Momentum' (l.448) is a "
              "description, not an identity.",
    ),
)

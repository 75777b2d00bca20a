"""The guide's claims about optimizers: momentum in a ravine, RMSprop's damping."""

from __future__ import annotations

import numpy as np

from formulary import compare, figures, tensors
from formulary.catalog.optim._common import EXACT, SECTION
from formulary.catalog.optim.trajectories import Feed, _optimize
from formulary.mistakes import optim as M
from formulary.record import Mistake, Record, Sample
from formulary.verdict import expect
from reference import optim as R

# -- claims: momentum in a ravine, RMSprop's damping -------------------------------------------------

RAVINE = np.array([1.0, 100.0])  # f(x, y) = (x² + 100 y²)/2: flat along x, steep across y
RAVINE_START = np.array([-4.0, 1.0])


def _ravine_path(candidate, name: str, steps: int, **options) -> np.ndarray:
    """The candidate's path on the ravine from RAVINE_START, checked against torch.optim's to 1e-10."""
    feed = Feed("ravine", 0, objective="quadratic", steps=steps, scale=[RAVINE], center=[np.zeros(2)])
    sample = Sample(([{"params": [RAVINE_START.copy()]}], feed), options)
    theirs = tensors.to_numpy(getattr(R, name)(*tensors.to_torch(sample.args), **options))[0]
    mine = _optimize(candidate.get(f"optim.{name}"), Sample(([{"params": [RAVINE_START.copy()]}], feed), options))[0]
    compare.assert_close(mine, theirs, EXACT[np.float64], names=(f"{name} on the ravine",))
    return np.vstack([RAVINE_START, mine])


def _ravine_value(path: np.ndarray) -> np.ndarray:
    return 0.5 * (path**2 * RAVINE).sum(axis=1)


def _steps_to(path: np.ndarray, fraction: float) -> int:
    """The first step at which f ≤ fraction · f(start) (len(path) if never)."""
    f = _ravine_value(path)
    below = np.flatnonzero(f <= fraction * f[0])
    return int(below[0]) if below.size else len(path)


def _draw_ravine(paths: dict, extent=(-4.5, 1.6, -1.2, 1.2)):
    """Contours of the ravine and each path; ``paths`` maps a label to (path, colour)."""
    def draw(ax):
        x, y = np.meshgrid(np.linspace(*extent[:2], 200), np.linspace(*extent[2:], 200))
        ax.contour(x, y, 0.5 * (x**2 + RAVINE[1] * y**2), levels=np.geomspace(0.01, 60, 12), colors="0.8",
                   linewidths=0.7)
        for label, (path, colour) in paths.items():
            ax.plot(path[:, 0], path[:, 1], ".-", color=colour, markersize=3, linewidth=0.8, label=label)
        ax.plot(0, 0, "k*")
        ax.set_xlabel("x (flat)")
        ax.set_ylabel("y (steep)")
        ax.legend()
    return draw


def _momentum_in_ravine(candidate):
    """At the same η, heavy-ball momentum 0.9 reaches f ≤ 1e-8 f₀ in fewer steps than plain SGD, and
    in fewer than plain SGD at its best step 2/(1 + κ)."""
    eta, limit = 0.015, 600
    plain = _ravine_path(candidate, "SGD", limit, lr=eta)
    heavy = _ravine_path(candidate, "SGD", limit, lr=eta, momentum=0.9)
    best = _ravine_path(candidate, "SGD", limit, lr=2 / (1 + RAVINE[1]))
    n_plain, n_heavy, n_best = (_steps_to(p, 1e-8) for p in (plain, heavy, best))
    expect(n_heavy < limit and 2 * n_heavy < min(n_plain, n_best),
           f"momentum took {n_heavy} steps, plain SGD {n_plain} (and {n_best} at its best step): no clear gain")
    figures.save("opt.momentum.ravine",
                 _draw_ravine({"SGD, η = 0.015": (plain[:80], "tab:orange"),
                               "momentum 0.9, η = 0.015": (heavy[:80], "tab:blue")}),
                 title="f = (x² + 100y²)/2: the first 80 steps")
    return {"steps_sgd": n_plain, "steps_momentum": n_heavy, "steps_sgd_best_lr": n_best, "lr": eta,
            "condition_number": 100}


def _cross_track(path: np.ndarray) -> tuple[float, int]:
    """Oscillation across the ravine: y's travel beyond the net |Δy|, and y's sign changes."""
    y = path[:, 1]
    return float(np.abs(np.diff(y)).sum() - abs(y[-1] - y[0])), int(np.sum(np.diff(np.sign(y)) != 0))


def _rmsprop_damps(candidate):
    """RMSprop (η = 0.05, α = 0.99) crosses the steep direction far less than momentum 0.9 (η = 0.015),
    while reaching f ≤ 1e-4 f₀ about as fast."""
    steps = 100
    heavy = _ravine_path(candidate, "SGD", steps, lr=0.015, momentum=0.9)
    rms = _ravine_path(candidate, "RMSprop", steps, lr=0.05, alpha=0.99)
    (travel_m, flips_m), (travel_r, flips_r) = _cross_track(heavy), _cross_track(rms)
    n_m, n_r = _steps_to(heavy, 1e-4), _steps_to(rms, 1e-4)
    expect(travel_r <= 0.1 * travel_m and flips_r < flips_m,
           f"RMSprop's wasted travel across the ravine {travel_r:.3g} ({flips_r} crossings) against momentum's "
        f"{travel_m:.3g} ({flips_m}): no damping")
    expect(n_r <= 1.5 * n_m, f"RMSprop took {n_r} steps to momentum's {n_m}: damped by crawling")
    figures.save("opt.rmsprop.damping",  # the guide's colours (l.420): momentum blue, RMSprop green
                 _draw_ravine({"momentum 0.9 (η = 0.015)": (heavy[:60], "tab:blue"),
                               "RMSprop (η = 0.05)": (rms[:60], "tab:green")}),
                 title="Across the steep direction: the first 60 steps")
    return {"cross_travel_momentum": travel_m, "crossings_momentum": flips_m, "cross_travel_rmsprop": travel_r,
            "crossings_rmsprop": flips_r, "steps_to_1e-4_momentum": n_m, "steps_to_1e-4_rmsprop": n_r}


CLAIMS = (
    Record(
        id="opt.momentum.ravine", kind="C", section=SECTION,
        equation=r"f(x, y) = \tfrac12(x^2 + 100y^2):\ \text{steps}_{\mu = 0.9} < \text{steps}_{\mu = 0} \text{ at the "
                 r"same } \eta",
        check=_momentum_in_ravine,
        mistakes=(Mistake("ema-momentum", "v ← μv + (1 − μ)g: no acceleration at the same η", M.MomentumEMA,
                          "optim.SGD"),
                  Mistake("momentum-ignored", "momentum accepted and ignored", M.MomentumIgnored, "optim.SGD")),
        notes="The paths are checked against torch.optim's (float64, rtol 1e-10) before the steps are counted.",
    ),
    Record(
        id="opt.rmsprop.damping", kind="C", section=SECTION,
        equation=r"\sum_t |\Delta y_t| - |y_T - y_0|:\ \text{RMSprop} \ll \text{momentum on } f = \tfrac12(x^2 + "
                 r"100y^2)",
        check=_rmsprop_damps,
        mistakes=(Mistake("keras-rho", "α = 0.9 whatever alpha says", M.RMSpropKerasRho, "optim.RMSprop"),
                  Mistake("bias-corrected", "S/(1 − αᵗ) in the root", M.RMSpropBiasCorrected, "optim.RMSprop")),
        notes="The guide (l.420): blue (momentum) zigzags across the ravine, green (RMSprop) does not. "
              "The paths are checked against torch.optim's (float64, rtol 1e-10) before they are measured.",
    ),
)

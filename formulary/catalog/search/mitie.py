"""MITIE's procedure (guide §3.2, method 5) as an experiment: hyperparameters searched by
BOBYQA in log space from a start point, on a real task.

The task: RBF kernel ridge regression on scikit-learn's diabetes data (442 patients, 10
features; the data file is read straight from the installed package, without importing
scikit-learn), 200 patients to fit, 242 to validate, split by a seeded permutation.
The objective is the validation mean squared error of the standardised target as a
function of the regularisation λ and the kernel width γ (:math:`k(x, x') = e^{-\\gamma\\lVert x - x'\\rVert^2}`),
searched on :math:`\\log_{10}\\lambda \\in [-6, 2]`, :math:`\\log_{10}\\gamma \\in [-4, 1]`.

The guide: "MITIE uses BOBYQA with a carefully chosen start. Since BOBYQA only finds the
nearest local optimum, whether the method succeeds depends on a good start ... on the
plus side, it is very good at finding local optima."  Checked: from MITIE's kind of
start (λ = 1, γ = 1/d) BOBYQA reaches the optimum that a grid over the whole box
locates; from a poor start (λ = 10⁻⁵, γ = 10⁻³) it stops at another local optimum, the
one nearer its start, which no small move improves.
"""

from __future__ import annotations

import gzip
import importlib.util
import math
from pathlib import Path

import numpy as np

from formulary import figures
from formulary.catalog.search._shared import SECTION, dims
from formulary.catalog.search.bobyqa_problems import oracle_missing
from formulary.mistakes import search_bobyqa as M
from formulary.record import Mistake, Record
from formulary.verdict import expect

LOG_LAMBDA, LOG_GAMMA = (-6.0, 2.0), (-4.0, 1.0)
GOOD = {"lam": 1.0, "gamma": 0.1}  # MITIE's kind of start: moderate λ, γ = 1 / (number of features)
POOR = {"lam": 1e-5, "gamma": 1e-3}
N_FIT, SEED = 200, 0


def _diabetes():
    """scikit-learn's diabetes data, from the files the package ships (no import of sklearn)."""
    spec = importlib.util.find_spec("sklearn")
    data = Path(spec.submodule_search_locations[0]) / "datasets" / "data"
    with gzip.open(data / "diabetes_data_raw.csv.gz", "rt") as fh:
        x = np.loadtxt(fh)
    with gzip.open(data / "diabetes_target.csv.gz", "rt") as fh:
        y = np.loadtxt(fh)
    return x, y


def _task():
    """The validation error of RBF kernel ridge regression as a function of (λ, γ)."""
    x, y = _diabetes()
    x = (x - x.mean(0)) / x.std(0)
    y = (y - y.mean()) / y.std()
    order = np.random.default_rng(SEED).permutation(len(y))
    fit, val = order[:N_FIT], order[N_FIT:]

    def sqdist(a, b):
        return np.maximum((a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T, 0.0)

    d_fit, d_val = sqdist(x[fit], x[fit]), sqdist(x[val], x[fit])

    def error(lam, gamma):
        alpha = np.linalg.solve(np.exp(-gamma * d_fit) + lam * np.eye(N_FIT), y[fit])
        return float(np.mean((np.exp(-gamma * d_val) @ alpha - y[val]) ** 2))

    return error


def _logs(params):
    return np.array([math.log10(params["lam"]), math.log10(params["gamma"])])


def _probe(error, point, h=1e-3):
    """The least error among the feasible moves of ±h (log10 units) along each axis."""
    best = math.inf
    for axis, (low, high) in enumerate((LOG_LAMBDA, LOG_GAMMA)):
        for step in (-h, h):
            q = point.copy()
            q[axis] = min(max(q[axis] + step, low), high)
            if not np.array_equal(q, point):
                best = min(best, error(10 ** q[0], 10 ** q[1]))
    return best


def _mitie_check(candidate):
    missing = oracle_missing("sklearn")
    expect(missing is None, f"{missing} (the diabetes data ship with scikit-learn)")
    from threadpoolctl import threadpool_limits  # noqa: PLC0415 -- comes with the oracle, which may be missing

    # 200 × 200 solves: BLAS threads only contend for the cores (8 s against 0.5 s on two cores)
    with threadpool_limits(1):
        return _experiment(candidate)


def _experiment(candidate):
    _, _, LogUniform = dims(candidate)
    search = candidate.get("search.trust_region_search")
    error = _task()
    space = {"lam": LogUniform(10 ** LOG_LAMBDA[0], 10 ** LOG_LAMBDA[1]),
             "gamma": LogUniform(10 ** LOG_GAMMA[0], 10 ** LOG_GAMMA[1])}

    def objective(p):
        return error(p["lam"], p["gamma"])

    # the landscape on a grid over the whole box (0.5 apart in log10 λ and log10 γ)
    a_grid, g_grid = np.linspace(*LOG_LAMBDA, 17), np.linspace(*LOG_GAMMA, 11)
    grid = np.array([[error(10**a, 10**g) for g in g_grid] for a in a_grid])
    i, j = np.unravel_index(np.argmin(grid), grid.shape)
    grid_best = np.array([a_grid[i], g_grid[j]])
    runs, findings = {}, {}
    for label, start in (("good start", GOOD), ("poor start", POOR)):
        result = search(objective, space, start, n_trials=150, radius=0.1, min_radius=1e-4)
        end = _logs(result.best.params)
        # a local optimum: no move of 1e-3 (log10 units) along an axis lowers the error
        expect(_probe(error, end) >= result.best.value - 1e-9,
               f"{label}: the search stopped at {end.round(3)} where a small move lowers the error")
        runs[label] = (result, end)
        findings[label] = {"start log10(λ, γ)": _logs(start).round(3).tolist(),
                           "end log10(λ, γ)": end.round(3).tolist(),
                           "validation MSE": float(f"{result.best.value:.6g}"), "evaluations": len(result.trials)}
    good, good_end = runs["good start"]
    poor, poor_end = runs["poor start"]
    # from the good start: the optimum of the whole box (the grid's best cell, refined)
    expect(good.best.value <= grid.min() and np.all(np.abs(good_end - grid_best) <= 0.5),
           f"good start: ends at {good_end.round(3)} with {good.best.value:.6g}; the grid's best is "
           f"{grid.min():.6g} at {grid_best}")
    # from the poor start: a different, worse local optimum, nearer the start than the good one
    expect(poor.best.value > good.best.value + 1e-3,
           f"poor start: ends with {poor.best.value:.6g}, not above the optimum {good.best.value:.6g}")
    start = _logs(POOR)
    expect(np.linalg.norm(poor_end - start) < np.linalg.norm(good_end - start),
           f"poor start {start}: ends at {poor_end.round(3)}, farther than the optimum {good_end.round(3)}")
    findings["grid minimum"] = {"log10(λ, γ)": grid_best.tolist(), "validation MSE": float(f"{grid.min():.6g}")}

    def draw(ax):
        excess = np.log10(grid - grid.min() + 1e-3)  # the basins show; the plateaus do not swamp them
        cs = ax.contourf(g_grid, a_grid, excess, levels=20, cmap="viridis")
        ax.figure.colorbar(cs, ax=ax, label="log10(MSE − grid min + 0.001)")
        for (label, (result, _)), colour in zip(runs.items(), ("w", "r"), strict=True):
            path = np.array([_logs(result.trials[k].params) for k in result.centres])
            ax.plot(path[:, 1], path[:, 0], "-o", color=colour, ms=3, label=f"{label}: BOBYQA's centres")
            ax.plot(path[0, 1], path[0, 0], "s", color=colour, ms=7)
        ax.set_xlabel("log10 γ (kernel width)")
        ax.set_ylabel("log10 λ (regularisation)")
        ax.legend(fontsize=7, loc="upper right")

    figures.save("hp.mitie", draw, title="MITIE: BOBYQA in log space (diabetes, RBF ridge)")
    return findings


RECORDS = (
    Record(
        id="hp.mitie",
        kind="C",
        section=SECTION,
        equation=r"(\log\lambda, \log\gamma)^* = \text{BOBYQA}\bigl(\text{MSE}_\text{val}, \text{start}\bigr):\ "
                 r"\text{good start} \to \text{optimum},\ \text{poor start} \to \text{nearest local optimum}",
        check=_mitie_check,
        mistakes=(
            Mistake("linear-scale", "λ and γ searched on their linear scales", M.trust_region_search_linear_scale,
                    "search.trust_region_search"),
            Mistake("stencil-only", "the best of the initial 2d + 1 points, no iterations",
                    M.trust_region_search_best_first_trial, "search.trust_region_search"),
        ),
        notes="The guide (l.308): MITIE runs BOBYQA from a carefully chosen start; BOBYQA finds the nearest local "
              "optimum, so success depends on the start; it is very good at finding local optima. All three hold "
              "here. The poor start's optimum lies on the box's bound γ = 10⁻⁴: along the valley λ ∝ γ (the "
              "kernel's nearly linear regime) the error keeps falling slowly toward the linear ridge regression's, "
              "separated by a saddle from the RBF optimum near λ = 0.8, γ = 0.027.",
    ),
)

"""The guide's "Bayesian optimisation itself needs many parameters" (line 306), the long form of
hp.bayes/parameters (run by hand, a few minutes):

    .venv/bin/python -m benchmarks.thorough.bayes_parameters [seeds] [budget]

Nine settings of bayes_search's own parameters (kernel, length scale, exploration margin ξ,
initial design) on Branin and Hartmann-3, and parameter-free MaxLIPO+TR beside them: the median
and quartiles of the best gap after the budget, and the spread between the settings.
"""

from __future__ import annotations

import sys

import numpy as np

from benchmarks.thorough.problems import PROBLEMS
from impl.search import Uniform, bayes_search, maxlipo_search

SETTINGS = {
    "default (RBF, ℓ by evidence, ξ = 0, 5 initial)": {},
    "ℓ = 0.02": {"length_scale": 0.02},
    "ℓ = 0.1": {"length_scale": 0.1},
    "ℓ = 2": {"length_scale": 2.0},
    "Matérn 5/2": {"kernel": "matern52"},
    "ξ = 0.5": {"xi": 0.5},
    "ξ = 2": {"xi": 2.0},
    "2 initial": {"n_initial": 2},
    "15 initial": {"n_initial": 15},
}


def main(seeds=20, budget=30):
    for name in ("Branin", "Hartmann-3"):
        f, lo, hi, f_star = PROBLEMS[name]
        space = {f"x{i}": Uniform(a, b) for i, (a, b) in enumerate(zip(lo, hi, strict=True))}

        def objective(p, f=f, d=len(lo)):  # noqa: B008
            return f([p[f"x{i}"] for i in range(d)])

        medians = {}
        for label, kw in SETTINGS.items():
            gaps = [bayes_search(objective, space, n_trials=budget, seed=s, **kw).best.value - f_star
                    for s in range(seeds)]
            medians[label] = np.median(gaps)
            q1, q3 = np.quantile(gaps, [0.25, 0.75])
            print(f"{name:11s} {label:48s} median gap {medians[label]:.3g} (quartiles {q1:.3g}, {q3:.3g})", flush=True)
        gaps = [maxlipo_search(objective, space, n_trials=budget, seed=s).best.value - f_star for s in range(seeds)]
        print(f"{name:11s} {'MaxLIPO+TR (no parameters)':48s} median gap {np.median(gaps):.3g}")
        spread = max(medians.values()) / min(medians.values())
        print(f"{name:11s} spread of BO's settings (max/min median): {spread:.3g}", flush=True)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))

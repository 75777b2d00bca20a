"""The guide's claim "LIPO ... has been verified to be better than random search", measured on
MaxLIPO+TR over many seeds (the long form of hp.lipo.vs_random; run by hand, minutes):

    .venv/bin/python -m benchmarks.thorough.vs_random [seeds] [budget]

Per problem and budget: the best gap after the budget, paired by seed, MaxLIPO+TR against
random search with the same seed; the one-sided exact sign test (ties dropped) and the
one-sided Wilcoxon signed-rank test (SciPy), H1: MaxLIPO+TR's gap is smaller.
"""

from __future__ import annotations

import math
import sys

import numpy as np
from scipy import stats

from benchmarks.thorough.problems import PROBLEMS
from impl.search import Uniform, maxlipo_search, random_search


def sign_test(wins: int, losses: int) -> float:
    """P(X >= wins), X ~ Binomial(wins + losses, 1/2): the one-sided exact sign test."""
    n = wins + losses
    return sum(math.comb(n, k) for k in range(wins, n + 1)) / 2**n if n else 1.0


def main(seeds=30, budgets=(5, 10, 20, 40, 80)):
    for name, (f, lo, hi, f_star) in PROBLEMS.items():
        space = {f"x{i}": Uniform(a, b) for i, (a, b) in enumerate(zip(lo, hi, strict=False))}

        def objective(p, f=f, d=len(lo)):  # noqa: B008
            return f([p[f"x{i}"] for i in range(d)])

        top = max(budgets)
        ml = np.array([np.minimum.accumulate(maxlipo_search(objective, space, n_trials=top, seed=s).values) - f_star
                       for s in range(seeds)])
        rs = np.array([np.minimum.accumulate(random_search(objective, space, n_trials=top, seed=s).values) - f_star
                       for s in range(seeds)])
        for b in budgets:
            a, r = ml[:, b - 1], rs[:, b - 1]
            wins, losses = int((a < r).sum()), int((a > r).sum())
            diff = r - a
            w = stats.wilcoxon(diff, alternative="greater").pvalue if np.any(diff != 0) else 1.0
            print(f"{name:16s} budget {b:3d}: MaxLIPO+TR median gap {np.median(a):.3g}, random {np.median(r):.3g}; "
                  f"wins {wins}, losses {losses}, ties {seeds - wins - losses}; sign p = "
                  f"{sign_test(wins, losses):.2g}, "
                  f"Wilcoxon p = {w:.2g}", flush=True)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))

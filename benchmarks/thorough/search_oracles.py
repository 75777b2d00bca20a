"""The search chapter's methods against their oracles on the standard problems, over many seeds
(the long form of hp.lipo/dlib and hp.bayes/tpe; run by hand, tens of minutes on two cores):

    .venv/bin/python -m benchmarks.thorough.search_oracles maxlipo [seeds]
    .venv/bin/python -m benchmarks.thorough.search_oracles tpe [seeds] [budget]

maxlipo: impl's MaxLIPO+TR (find_min_global) against dlib's global_function_search with the same
seed numbers: evaluations to reach 1e-3 of the optimum (budget + 1 when never), the final best
value, and the Wilcoxon rank-sum test (two-sided) between the two samples of evaluation counts.

tpe: impl's tpe_search against Optuna's TPESampler: the final best gap after the budget, the
one-sided Wilcoxon rank-sum test for "impl worse" and the median ratio.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from scipy import stats

from benchmarks.thorough.problems import PROBLEMS
from impl.search import Uniform, find_min_global, tpe_search
from reference.oracle.search import dlib_search, optuna_tpe

BUDGETS = {"Hartmann-6": 400}
TARGET = 1e-3


def to_target(values, f_star):
    hit = np.minimum.accumulate(values) - f_star <= TARGET
    return int(np.argmax(hit)) + 1 if hit.any() else len(values) + 1


def maxlipo(seeds=10):
    for name, (f, lo, hi, f_star) in PROBLEMS.items():
        n = BUDGETS.get(name, 200)
        t0 = time.perf_counter()
        ours = [find_min_global(f, lo, hi, n, seed=s)[3] for s in range(seeds)]
        t1 = time.perf_counter()
        theirs = [dlib_search(f, lo, hi, n, seed=s)[1] for s in range(seeds)]
        t2 = time.perf_counter()
        e_o, e_t = [to_target(v, f_star) for v in ours], [to_target(v, f_star) for v in theirs]
        p = stats.mannwhitneyu(e_o, e_t, alternative="two-sided").pvalue
        print(f"{name:16s} budget {n}: evaluations to {TARGET}: impl median {np.median(e_o):.0f} {e_o}; dlib median "
              f"{np.median(e_t):.0f} {e_t}; rank-sum p = {p:.2g}; final gap impl median "
              f"{np.median([v.min() - f_star for v in ours]):.2g}, dlib "
              f"{np.median([v.min() - f_star for v in theirs]):.2g}; "
              f"seconds per evaluation impl {(t1 - t0) / (seeds * n) * 1e3:.2f} ms, dlib "
              f"{(t2 - t1) / (seeds * n) * 1e3:.2f} ms",
              flush=True)


def tpe(seeds=30, budget=60):
    for name, (f, lo, hi, f_star) in PROBLEMS.items():
        space = {f"x{i}": Uniform(a, b) for i, (a, b) in enumerate(zip(lo, hi, strict=True))}

        def objective(p, f=f, d=len(lo)):  # noqa: B008
            return f([p[f"x{i}"] for i in range(d)])

        ours = np.array([tpe_search(objective, space, n_trials=budget, seed=s).values.min() - f_star
                         for s in range(seeds)])
        theirs = np.array([optuna_tpe(f, lo, hi, [False] * len(lo), budget, s).min() - f_star for s in range(seeds)])
        p = stats.mannwhitneyu(ours, theirs, alternative="greater").pvalue
        print(f"{name:16s} {budget} trials: best gap impl median {np.median(ours):.3g}, Optuna {np.median(theirs):.3g} "
              f"(ratio {np.median(ours) / max(np.median(theirs), 1e-300):.2f}); rank-sum p (impl worse) = {p:.2g}",
              flush=True)


if __name__ == "__main__":
    what, *rest = sys.argv[1:] or ["maxlipo"]
    {"maxlipo": maxlipo, "tpe": tpe}[what](*(int(a) for a in rest))

"""impl's BOBYQA against NLopt's LN_BOBYQA on random bound-constrained problems: how many
whole evaluation sequences are bit-identical, and where the others part.

    .venv/bin/python scripts/bobyqa_vs_nlopt.py [problems] [seed]

Problems: n = 1..6 variables, a random box, a start drawn in it with each coordinate put
on a bound with probability 0.2 each way, rhobeg = min(0.5, half the narrowest width),
rhoend = 1e-10; the objective is one of an ill-conditioned quadratic, a rippled
Rosenbrock, a scaled bowl times cosines, and Σ|x − 0.1|^1.5 (not smooth at its minimum).
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from formulary.catalog.search.bobyqa_problems import matching_prefix, rosenbrock, run_nlopt
from impl.search.bobyqa import bobyqa


def problem(rng, kind, n):
    if kind == 0:
        a = rng.standard_normal((n, n))
        a = a @ a.T * 10 ** rng.uniform(-3, 3, n)
        c = rng.uniform(-3, 3, n)
        return lambda x: float((x - c) @ a @ (x - c))
    if kind == 1:
        return lambda x: (rosenbrock(x) if len(x) > 1 else float(x[0] ** 2)) + 1e-3 * float(np.sum(np.sin(37 * x)))
    if kind == 2:
        s = 10 ** rng.uniform(-4, 4, n)
        return lambda x: float(np.sum(s * (x - 0.3) ** 2) + np.prod(np.cos(x)))
    return lambda x: float(np.sum(np.abs(x - 0.1) ** 1.5))


def main(count: int = 120, seed: int = 7) -> int:
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(seed)
    identical, parted = 0, []
    for trial in range(count):
        n = int(rng.integers(1, 7))
        f = problem(rng, trial % 4, n)
        lo, hi = -rng.uniform(0.5, 3, n), rng.uniform(0.5, 3, n)
        x0 = rng.uniform(lo, hi)
        on = rng.random(n) < 0.2
        x0[on] = lo[on]
        on = rng.random(n) < 0.2
        x0[on] = hi[on]
        rhobeg = float(min(0.5, 0.5 * np.min(hi - lo)))
        points, _ = run_nlopt(f, x0, lo, hi, rhobeg, rhoend=1e-10, maxfun=3000)
        run = bobyqa(f, x0, lo, hi, rhobeg, 1e-10, 3000)
        if len(points) == run.nfev and np.array_equal(points, run.points):
            identical += 1
        else:
            parted.append((trial, n, matching_prefix(run.points, points), len(points), run.nfev))
    print(f"{identical}/{count} whole sequences bit-identical to NLopt's")
    for trial, n, prefix, theirs, ours in parted:
        print(f"  problem {trial} (n={n}): {prefix} points match to 1e-8; NLopt {theirs}, impl {ours} evaluations")
    return 0


if __name__ == "__main__":
    sys.exit(main(*map(int, sys.argv[1:])))

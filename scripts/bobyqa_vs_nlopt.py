"""impl's BOBYQA against NLopt's LN_BOBYQA on random bound-constrained problems: how many
whole evaluation sequences are bit-identical, and where the others part.

    .venv/bin/python scripts/bobyqa_vs_nlopt.py [problems] [seed]

Problems: :func:`formulary.catalog.search.bobyqa_problems.random_problem`, rhoend = 1e-10.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from formulary.catalog.search.bobyqa_problems import matching_prefix, random_problem, run_nlopt
from impl.search.bobyqa import bobyqa


def main(count: int = 120, seed: int = 7) -> int:
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(seed)
    identical, parted = 0, []
    for trial in range(count):
        f, x0, lo, hi, rhobeg = random_problem(rng, trial)
        n = len(x0)
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

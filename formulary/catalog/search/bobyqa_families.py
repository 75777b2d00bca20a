"""Families of seeded random problems on which BOBYQA must evaluate exactly NLopt's points.

Each family reaches branches the others rarely do: starts on the bounds of boxes only
2 ρ_beg wide (every point on a face, trust-region steps fixed at a bound), budgets that end
the run inside PRELIM or mid-way, plateaus and constant functions (zero gradients, ties,
rejected steps), more variables (TRSBOX's iteration limits), and objectives that return
NaN or ±∞ somewhere (the run must end at the first such value, which NLopt's own C code
does not: it goes on with a model through it, so the comparison stops there).

Each problem is ``(f, x0, lower, upper, rhobeg, rhoend, maxfun)``.
"""

from __future__ import annotations

import math

import numpy as np

from formulary.catalog.search.bobyqa_problems import matching_prefix, random_problem, run_nlopt
from formulary.verdict import expect


def _quadratic(rng, n, decades, spread):
    a = rng.standard_normal((n, n))
    a = a @ a.T * 10 ** rng.uniform(-decades, decades, n)
    c = rng.uniform(-spread, spread, n)
    return lambda x: float((x - c) @ a @ (x - c))


def random_family(rng, trial):
    """random_problem's mix (n = 1..6, starts on bounds), rhoend 1e-10."""
    return (*random_problem(rng, trial), 1e-10, 3000)


def narrow_boxes(rng, trial):
    """Boxes 2 ρ_beg wide in about half the variables, starts on a bound in most, minima outside."""
    n = int(rng.integers(2, 9))
    rhobeg = float(rng.uniform(0.1, 0.5))
    lower = -rng.uniform(0, 2, n)
    upper = lower + np.where(rng.random(n) < 0.5, 2 * rhobeg, rng.uniform(2 * rhobeg, 4, n))
    # rounding can make upper − lower a hair under 2 ρ_beg, which BOBYQA (and NLopt) refuse
    upper = np.where(upper - lower < 2 * rhobeg, np.nextafter(upper, np.inf), upper)
    x0 = rng.uniform(lower, upper)
    side = rng.random(n)
    x0[side < 0.3], x0[side > 0.7] = lower[side < 0.3], upper[side > 0.7]
    return _quadratic(rng, n, 2, 5), x0, lower, upper, rhobeg, 1e-9, 2000


def budgets(rng, trial):
    """random_problem's mix with a budget that ends the run in PRELIM (even trials) or mid-way (odd)."""
    f, x0, lower, upper, rhobeg = random_problem(rng, trial)
    n = len(x0)
    maxfun = int(rng.integers(1, 2 * n + 4)) if trial % 2 == 0 else int(rng.integers(2 * n + 4, 80))
    return f, x0, lower, upper, rhobeg, 1e-10, maxfun


def plateaus(rng, trial):
    """A quadratic rounded to a grid, a constant, and a staircase: flat models and ties."""
    n = int(rng.integers(1, 6))
    g = _quadratic(rng, n, 1, 1)
    step = 10.0 ** int(rng.integers(-3, 1))
    f = ((lambda x: float(np.round(g(x) / step) * step)), (lambda x: 1.0),
         (lambda x: float(np.sum(np.floor(4 * x)))))[trial % 3]
    return f, rng.uniform(-1, 1, n), -np.ones(n), np.ones(n), 0.25, 1e-8, 1500


def more_variables(rng, trial):
    """n = 7..12: TRSBOX's iteration limits and longer sums."""
    n = int(rng.integers(7, 13))
    return _quadratic(rng, n, 3, 1.5), rng.uniform(-1, 1, n), np.full(n, -2.0), np.full(n, 2.0), 0.5, 1e-8, 600


def non_finite(rng, trial):
    """random_problem's mix, NaN, +∞ or −∞ beyond a plane x₁ > c."""
    f, x0, lower, upper, rhobeg = random_problem(rng, trial)
    cut = float(rng.uniform(lower[0], upper[0])) + 0.5
    bad = (math.nan, math.inf, -math.inf)[trial % 3]
    return (lambda x: bad if x[0] > cut else f(x)), x0, lower, upper, rhobeg, 1e-10, 3000


def saddles(rng, trial):
    """Indefinite quadratics plus a quartic in [−1, 1]ⁿ, n = 2..10: negative curvature, so TRSBOX's steps end on
    the trust region's boundary and rotate along it, and the minima lie on faces and corners."""
    n = int(rng.integers(2, 11))
    a, g = rng.standard_normal((n, n)), rng.standard_normal(n)
    a = a + a.T
    f = lambda x: float(g @ x + 0.5 * x @ a @ x + 0.1 * np.sum(x**4))  # noqa: E731 -- one expression
    return f, rng.uniform(-0.8, 0.8, n), -np.ones(n), np.ones(n), float(rng.uniform(0.1, 0.5)), 1e-8, 1500


def badly_scaled(rng, trial):
    """Σ|A diag(s) x|^p with s over seven decades, rhoend 1e-12: rounding cancels BOBYQA's denominators, and
    RESCUE runs (in NLopt's Powell code and in impl alike) once to five times in the chosen trials."""
    n = int(rng.integers(2, 6))
    a, s = rng.standard_normal((n, n)), 10 ** rng.uniform(-4, 3, n)
    p = float(rng.choice([1.5, 2.0, 1.2]))
    lower, upper = -rng.uniform(0.5, 3, n), rng.uniform(0.5, 3, n)
    x0 = rng.uniform(lower, upper)
    rhobeg = float(min(1.0, 0.5 * np.min(upper - lower)) * rng.uniform(0.3, 1))
    return (lambda x: float(np.sum(np.abs(a @ (s * x)) ** p))), x0, lower, upper, rhobeg, 1e-12, 400


# family -> (seed, the problems the ci profile runs: a count, or the chosen trials); the thorough profile runs ten
# times the count, or every trial up to the last chosen
FAMILIES = {random_family: (7, 30), narrow_boxes: (102, 20), budgets: (104, 20), plateaus: (105, 15),
            more_variables: (103, 3), non_finite: (106, 30), saddles: (201, 10),
            badly_scaled: (1, (47, 71, 125, 149, 167, 228, 249, 256))}


def identical_to_nlopt(label: str, run, points: np.ndarray) -> int:
    """Every point impl evaluates is NLopt's, bit for bit, and no more or fewer; returns the matching prefix."""
    prefix = matching_prefix(run.points, points, atol=0.0)
    expect(len(run.points) == len(points) and prefix == len(points),
           f"{label}: impl's evaluations leave NLopt's after {prefix} of its {len(points)} points "
           f"(impl evaluated {len(run.points)})")
    return prefix


def _judge(label, run, points, values, maxfun, needed):
    """The whole run NLopt's (to its first non-finite value), the best finite point returned, the status right."""
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        points, values = points[: bad[0] + 1], values[: bad[0] + 1]
    identical_to_nlopt(label, run, points)
    number = ~np.isnan(values)  # −∞ is a value, the least there is; NaN is none
    if number.any():
        k = int(np.argmin(np.where(number, values, np.inf)))
        expect(run.fun == values[k] and np.array_equal(run.x, points[k]),
               f"{label}: returned f = {run.fun} at {run.x}, the least value (NaN aside) is {values[k]} at {points[k]}")
    if len(bad):
        expect("non-finite" in run.status, f"{label}: ended at the value {values[-1]}, status {run.status!r}")
    elif len(points) == maxfun < needed:
        expect(run.status == "maxfun", f"{label}: the budget of {maxfun} ended it, status {run.status!r}")
    else:  # rhoend reached, or one of Powell's rounding failures (NLopt: roundoff-limited)
        expect(run.status.startswith(("rhoend", "roundoff")), f"{label}: status {run.status!r}")


def families_against_nlopt(bobyqa, scale: int = 1) -> dict:
    """Every family's problems; returns how many of each ran."""
    counts = {}
    for family, (seed, count) in FAMILIES.items():
        rng = np.random.default_rng(seed)
        chosen = set(count) if isinstance(count, tuple) and scale == 1 else None
        last = max(count) + 1 if isinstance(count, tuple) else count * scale
        for trial in range(last):
            f, x0, lower, upper, rhobeg, rhoend, maxfun = family(rng, trial)
            if chosen is not None and trial not in chosen:
                continue
            points, values = run_nlopt(f, x0, lower, upper, rhobeg, rhoend, maxfun)
            # a run that used the whole budget: would NLopt have gone on? (then the budget ended it)
            needed = len(run_nlopt(f, x0, lower, upper, rhobeg, rhoend, maxfun + 1)[0]) if len(points) == maxfun \
                else len(points)
            run = bobyqa(f, x0, lower, upper, rhobeg, rhoend, maxfun)
            _judge(f"{family.__name__} {trial}", run, points, values, maxfun, needed)
        counts[family.__name__] = len(chosen) if chosen is not None else last
    return counts

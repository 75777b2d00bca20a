"""Bound-constrained test problems for BOBYQA and the two oracles that judge it.

Rosenbrock in 2–10 dimensions, Moré–Garbow–Hillstrom problems (Beale, Freudenstein–Roth,
helical valley, Wood, Powell singular; ACM TOMS 7 (1981) 17–41, with their standard
starts), Branin, and problems whose minimum lies on a bound or whose start does.
Each is ``(f, x0, lower, upper, rhobeg)``; every run uses ``rhoend = 1e-8``.

The oracles run on the same box with the same ``rhobeg``/``rhoend``: NLopt's
``LN_BOBYQA`` (``set_initial_step(rhobeg)``, ``set_xtol_abs(rhoend)``, which NLopt turns
into Powell's ``rhoend``) and Py-BOBYQA (``rhobeg``, ``rhoend``).  A missing oracle is
reported by :func:`oracle_missing`, never skipped.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np

RHOEND = 1e-8
MAXFUN = 5000


def rosenbrock(x):
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


def branin(x):
    return ((x[1] - 5.1 / (4 * math.pi**2) * x[0] ** 2 + 5 / math.pi * x[0] - 6) ** 2
            + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x[0]) + 10)


def beale(x):
    return ((1.5 - x[0] + x[0] * x[1]) ** 2 + (2.25 - x[0] + x[0] * x[1] ** 2) ** 2
            + (2.625 - x[0] + x[0] * x[1] ** 3) ** 2)


def freudenstein_roth(x):
    return ((-13 + x[0] + ((5 - x[1]) * x[1] - 2) * x[1]) ** 2
            + (-29 + x[0] + ((x[1] + 1) * x[1] - 14) * x[1]) ** 2)


def helical_valley(x):
    theta = math.atan2(x[1], x[0]) / (2 * math.pi)
    return 100 * (x[2] - 10 * theta) ** 2 + 100 * (math.hypot(x[0], x[1]) - 1) ** 2 + x[2] ** 2


def wood(x):
    return (100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2 + 90 * (x[3] - x[2] ** 2) ** 2 + (1 - x[2]) ** 2
            + 10.1 * ((x[1] - 1) ** 2 + (x[3] - 1) ** 2) + 19.8 * (x[1] - 1) * (x[3] - 1))


def powell_singular(x):
    return ((x[0] + 10 * x[1]) ** 2 + 5 * (x[2] - x[3]) ** 2 + (x[1] - 2 * x[2]) ** 4
            + 10 * (x[0] - x[3]) ** 4)


def bowl_outside(x):
    """Its unconstrained minimum (3, −1) lies outside the box [0, 1]²: the answer is the corner (1, 0)."""
    return (x[0] - 3.0) ** 2 + (x[1] + 1.0) ** 2


def _box(n, lo, hi):
    return np.full(n, float(lo)), np.full(n, float(hi))


def _rosen(n):
    x0 = np.tile([-1.2, 1.0], n)[:n]
    return (rosenbrock, x0, *_box(n, -2, 2), 0.5)


PROBLEMS = {
    "Rosenbrock-2": _rosen(2),
    "Rosenbrock-3": _rosen(3),
    "Rosenbrock-5": _rosen(5),
    "Rosenbrock-10": _rosen(10),
    "Rosenbrock-2, minimum on x ≤ 0.5": (rosenbrock, np.array([-1.2, 1.0]), np.array([-2.0, -2.0]),
                                         np.array([0.5, 2.0]), 0.5),
    "Beale (MGH 5)": (beale, np.array([1.0, 1.0]), *_box(2, -4.5, 4.5), 0.5),
    "Beale, minimum on x₂ ≤ 0.4": (beale, np.array([1.0, 0.0]), np.array([-4.5, -4.5]), np.array([4.5, 0.4]), 0.2),
    "Freudenstein–Roth (MGH 2), local minimum": (freudenstein_roth, np.array([0.5, -2.0]), *_box(2, -20, 20), 1.0),
    "Helical valley (MGH 7)": (helical_valley, np.array([-1.0, 0.0, 0.0]), *_box(3, -10, 10), 0.5),
    "Wood (MGH 14)": (wood, np.array([-3.0, -1.0, -3.0, -1.0]), *_box(4, -4, 4), 0.5),
    "Powell singular (MGH 13)": (powell_singular, np.array([3.0, -1.0, 0.0, 1.0]), *_box(4, -4, 4), 0.5),
    "Branin": (branin, np.array([4.0, 4.0]), np.array([-5.0, 0.0]), np.array([10.0, 15.0]), 1.0),
    "bowl, minimum at a corner": (bowl_outside, np.array([0.5, 0.5]), *_box(2, 0, 1), 0.2),
    "bowl, start on a bound": (bowl_outside, np.array([0.0, 1.0]), *_box(2, 0, 1), 0.2),
    "Rosenbrock-3, start near bounds": (rosenbrock, np.array([-1.95, 1.9, 0.0]), *_box(3, -2, 2), 0.5),
}
# the ci profile's subset (each well under 0.1 s); the rest behind the thorough profile
CI = ("Rosenbrock-2", "Rosenbrock-2, minimum on x ≤ 0.5", "Branin", "bowl, start on a bound",
      "Rosenbrock-3, start near bounds")

# A run in which rounding cancels BOBYQA's denominator twice, so that RESCUE runs inside the loop (after 92
# and 163 evaluations): f(x) = Σ|A diag(s) x|^1.5 with s spanning six decades, rhoend 1e-12, 197 evaluations
# in all.  Found by a random search of 2- and 3-dimensional problems (np.random.default_rng(1), trial 2);
# NLopt's LN_BOBYQA runs Powell's rescue_ at the same two evaluations.
_RESCUE_A = np.array([[0.7753238220475741, 0.1936328483771538], [-1.6308492324351012, -1.1951630801031998]])
_RESCUE_S = np.array([3.1749974481118924e-04, 4.0170062472617275e+02])


def _rescue_run_f(x):
    return float(np.sum(np.abs(_RESCUE_A @ (_RESCUE_S * x)) ** 1.5))


RESCUE_RUN = (_rescue_run_f, np.array([-0.5178540359128906, 0.014890844716921148]),
              np.array([-0.9112681661852533, -1.4378674912416045]), np.array([1.2918454163924107, 2.2283425881943533]),
              0.8812454330310656, 1e-12, 200)  # f, x0, lower, upper, rhobeg, rhoend, maxfun
RESCUE_RUN_AT = (92, 163)  # the evaluations after which impl (and NLopt) rescue


def random_problem(rng: np.random.Generator, trial: int):
    """A random bound-constrained problem ``(f, x0, lower, upper, rhobeg)``: n = 1..6, a random
    box, a start with each coordinate put on a bound with probability 0.2 each way, and one of
    an ill-conditioned quadratic, a rippled Rosenbrock, a scaled bowl times cosines, and
    Σ|x − 0.1|^1.5 (not smooth at its minimum)."""
    n = int(rng.integers(1, 7))
    kind = trial % 4
    if kind == 0:
        a = rng.standard_normal((n, n))
        a = a @ a.T * 10 ** rng.uniform(-3, 3, n)
        c = rng.uniform(-3, 3, n)

        def f(x):
            return float((x - c) @ a @ (x - c))
    elif kind == 1:
        def f(x):
            return (rosenbrock(x) if len(x) > 1 else float(x[0] ** 2)) + 1e-3 * float(np.sum(np.sin(37 * x)))
    elif kind == 2:
        s = 10 ** rng.uniform(-4, 4, n)

        def f(x):
            return float(np.sum(s * (x - 0.3) ** 2) + np.prod(np.cos(x)))
    else:
        def f(x):
            return float(np.sum(np.abs(x - 0.1) ** 1.5))
    lower, upper = -rng.uniform(0.5, 3, n), rng.uniform(0.5, 3, n)
    x0 = rng.uniform(lower, upper)
    on = rng.random(n) < 0.2
    x0[on] = lower[on]
    on = rng.random(n) < 0.2
    x0[on] = upper[on]
    return f, x0, lower, upper, float(min(0.5, 0.5 * np.min(upper - lower)))


def oracle_missing(module: str) -> str | None:
    """A sentence saying the oracle is not installed, or None when it is."""
    if importlib.util.find_spec(module) is None:
        return f"oracle missing: the Python package {module!r} is not installed (pip install -e '.[test]')"
    return None


def run_nlopt(f, x0, lower, upper, rhobeg, rhoend=RHOEND, maxfun=MAXFUN, perturb=False):
    """NLopt's LN_BOBYQA: ``(points, values)`` in the order evaluated. ``perturb`` adds one
    ulp to every value (the control: how far rounding alone moves NLopt's own sequence)."""
    import nlopt  # noqa: PLC0415 -- the oracle may be missing: the record then says so

    points, values = [], []

    def objective(x, grad):
        v = float(f(np.array(x, dtype=float)))
        if perturb:
            v = float(np.nextafter(v, np.inf))
        points.append(np.array(x, dtype=float))
        values.append(v)
        return v

    opt = nlopt.opt(nlopt.LN_BOBYQA, len(x0))
    opt.set_lower_bounds(lower)
    opt.set_upper_bounds(upper)
    opt.set_min_objective(objective)
    opt.set_initial_step(rhobeg)
    opt.set_xtol_abs(rhoend)
    opt.set_maxeval(maxfun)
    try:
        opt.optimize(np.array(x0, dtype=float))
    except nlopt.RoundoffLimited:  # Powell's rounding failures: the points so far are the run
        pass
    return np.array(points), np.array(values)


def run_pybobyqa(f, x0, lower, upper, rhobeg, rhoend=RHOEND, maxfun=MAXFUN):
    """Py-BOBYQA (Cartis et al.'s reimplementation): ``(nfev, x, fun)``."""
    import pybobyqa  # noqa: PLC0415 -- the oracle may be missing; importing it takes ~5 s

    sol = pybobyqa.solve(lambda x: float(f(x)), np.array(x0, dtype=float), bounds=(lower, upper), rhobeg=rhobeg,
                         rhoend=rhoend, maxfun=maxfun)
    return int(sol.nf), np.array(sol.x, dtype=float), float(sol.f)


def matching_prefix(a: np.ndarray, b: np.ndarray, atol: float = 1e-8) -> int:
    """How many leading rows of ``a`` and ``b`` agree to ``atol`` (max-norm)."""
    m = min(len(a), len(b))
    same = np.all(np.abs(a[:m] - b[:m]) <= atol, axis=1)
    return m if same.all() else int(np.argmin(same))


# -- Py-BOBYQA's results, recorded ----------------------------------------------------------------
# Importing Py-BOBYQA costs ~5 s (scipy.stats, pandas), too much for the ci profile, so its results
# on every problem are kept in pybobyqa_results.json; the thorough profile reruns Py-BOBYQA and
# fails if the file is stale.  Regenerate: python -m formulary.catalog.search.bobyqa_problems

RESULTS = Path(__file__).with_name("pybobyqa_results.json")


def pybobyqa_results(fresh: bool = False) -> dict:
    """``{problem: {"nfev", "x", "f"}}``: recorded, or computed now when ``fresh``."""
    if not fresh:
        return json.loads(RESULTS.read_text())
    out = {}
    for name, (f, x0, lower, upper, rhobeg) in PROBLEMS.items():
        nfev, x, fun = run_pybobyqa(f, x0, lower, upper, rhobeg)
        out[name] = {"nfev": nfev, "x": x.tolist(), "f": fun}
    return out


if __name__ == "__main__":
    RESULTS.write_text(json.dumps(pybobyqa_results(fresh=True), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {RESULTS}")

"""BOBYQA at every number of interpolation points m, judged by Powell's own Fortran.

NLopt's LN_BOBYQA (the judge of :mod:`.bobyqa_records` and :mod:`.bobyqa_families`) fixes
m = 2n + 1.  BOBYQA allows n + 2 ≤ m ≤ (n + 1)(n + 2)/2, and several of its parts differ with m:
PRELIM's points on two axes (m > 2n + 1), an axis with one point (m < 2n + 1), RESCUE's
provisional points, and the sizes of every sum.  The judge here is Powell's BOBYQA itself, his
Fortran 77 as built by pdfo 2.2 (``fbobyqa_classical``, called directly, no preprocessing).
At m = 2n + 1 it evaluates NLopt's points bit for bit (checked when recorded).

pdfo is built against NumPy 1, which cannot load beside impl's NumPy 2, so its runs are
recorded (:file:`bobyqa_powell.json`, written by ``scripts/powell_bobyqa.py`` in a venv of its
own; the objective is evaluated in this process and sent to Powell's code, so it is the
objective impl sees).  Each record holds a problem, exactly (floats in their shortest
round-trip form), the number of evaluations Powell's code made, the SHA-256 of every point it
evaluated (little-endian float64, in order), its last point and its exit code.

The objectives use only IEEE-exact operations and :func:`math.fsum` (no BLAS, no libm
``pow``), so their values, and therefore the runs, are the same on every machine.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np

from formulary.catalog.search._shared import SECTION
from formulary.mistakes import search_bobyqa as M
from formulary.record import Mistake, Record
from formulary.verdict import expect

RUNS = Path(__file__).with_name("bobyqa_powell.json")
# Powell's exit codes (pdfo's classical BOBYQA) and impl's statuses for them: 0 rhoend reached (with or without the
# final Newton step), 3 the budget spent, 2 and 4 his rounding failures
STATUS = {0: ("rhoend", "rhoend (final Newton step)"), 3: ("maxfun",),
          2: ("roundoff: trust-region step failed to reduce the model",),
          4: ("roundoff: denominator cancelled",)}


def objective(kind: str, params: dict):
    """The objective of a recorded problem: a quadratic, a badly scaled Σ|A diag(s) x|^p, an indefinite quadratic
    with a quartic, or a quadratic rounded to a grid (plateaus)."""
    if kind == "quadratic":
        a, c = params["a"], params["c"]

        def quadratic(x):
            d = [float(v) - ci for v, ci in zip(x, c, strict=True)]
            return math.fsum(di * aij * dj for di, row in zip(d, a, strict=True)
                             for aij, dj in zip(row, d, strict=True))
        return quadratic
    if kind == "scaled":
        a, s, p = params["a"], params["s"], params["p"]
        power = {1.0: lambda t: t, 1.5: lambda t: t * math.sqrt(t), 2.0: lambda t: t * t}[p]

        def scaled(x):
            sx = [sj * float(v) for sj, v in zip(s, x, strict=True)]
            return math.fsum(power(abs(math.fsum(aij * v for aij, v in zip(row, sx, strict=True)))) for row in a)
        return scaled
    if kind == "saddle":
        a, g = params["a"], params["g"]

        def saddle(x):
            x = [float(v) for v in x]
            return math.fsum([*(gi * xi for gi, xi in zip(g, x, strict=True)),
                              *(0.5 * (xi * aij * xj) for xi, row in zip(x, a, strict=True)
                                for aij, xj in zip(row, x, strict=True)),
                              *(0.1 * (xi * xi * xi * xi) for xi in x)])
        return saddle
    if kind == "plateau":
        inner, step = objective("quadratic", params), params["step"]
        return lambda x: step * round(inner(x) / step)
    raise ValueError(f"unknown kind of problem {kind!r}")


def _box(rng, n, rhobeg):
    """A box with some variables only 2 ρ_beg wide, and a start on a bound in some of them."""
    lower = -rng.uniform(0.5, 2.5, n)
    width = np.where(rng.random(n) < 0.3, 2 * rhobeg, rng.uniform(2 * rhobeg, 4.0, n))
    upper = lower + width
    upper = np.where(upper - lower < 2 * rhobeg, np.nextafter(upper, np.inf), upper)  # a rounded width under 2ρ
    x0 = rng.uniform(lower, upper)
    side = rng.random(n)
    x0[side < 0.2], x0[side > 0.8] = lower[side < 0.2], upper[side > 0.8]
    return x0, lower, upper


def problem(rng: np.random.Generator, trial: int) -> dict:
    """A seeded problem for the recording: n = 2..7, m anywhere in [n + 2, (n + 1)(n + 2)/2], a budget that ends the
    run in PRELIM, mid-way or not at all, and one of the four kinds of :func:`objective`."""
    n = int(rng.integers(2, 8))
    npt = int(rng.integers(n + 2, (n + 1) * (n + 2) // 2 + 1))
    kind = ("quadratic", "scaled", "saddle", "plateau")[trial % 4]
    rhobeg = float(rng.uniform(0.05, 0.5))
    x0, lower, upper = _box(rng, n, rhobeg)
    if kind == "scaled":
        params = {"a": rng.standard_normal((n, n)).tolist(), "s": (10 ** rng.uniform(-4, 3, n)).tolist(),
                  "p": float(rng.choice([1.0, 1.5, 2.0]))}
    elif kind == "saddle":
        a = rng.standard_normal((n, n))
        params = {"a": (a + a.T).tolist(), "g": rng.standard_normal(n).tolist()}
    else:
        a = rng.standard_normal((n, n))
        params = {"a": (a @ a.T * 10 ** rng.uniform(-2, 2, n)).tolist(), "c": rng.uniform(-3, 3, n).tolist()}
        if kind == "plateau":
            params["step"] = 10.0 ** int(rng.integers(-4, 0))
    budget = rng.random()
    maxfun = int(rng.integers(1, npt + 1)) if budget < 0.1 else (
        int(rng.integers(npt + 1, 40 * n)) if budget < 0.3 else 3000)
    return {"label": f"{kind} {trial}", "kind": kind, "params": params, "x0": x0.tolist(), "lower": lower.tolist(),
            "upper": upper.tolist(), "rhobeg": rhobeg, "rhoend": float(10.0 ** -rng.uniform(8, 12)),
            "maxfun": maxfun, "npt": npt}


def exact_problem(rng: np.random.Generator, trial: int) -> dict:
    """A problem whose arithmetic is exact at the start: integer matrices, half-integer centres, boxes [−k, k] or
    [0, k], starts on the half-integer grid and on bounds, ρ_beg a power of two. Gradients, steps and distances come out
    exactly 0, exactly on a bound or exactly tied, the states where BOBYQA's comparisons decide between ≤ and <."""
    n = int(rng.integers(2, 7))
    npt = int(rng.integers(n + 2, (n + 1) * (n + 2) // 2 + 1))
    kind = ("quadratic", "plateau", "saddle")[trial % 3]
    k = float(rng.choice([1.0, 2.0]))
    lower = np.full(n, -k) if rng.random() < 0.6 else np.zeros(n)
    upper = lower + np.where(rng.random(n) < 0.5, 2 * k, k)
    rhobeg = float(rng.choice([0.5, 0.25, 0.125]))
    x0 = np.clip(np.round(rng.uniform(lower, upper) * 2) / 2, lower, upper)
    a = rng.integers(-3, 4, (n, n)).astype(float)
    a = a + a.T
    if kind == "saddle":
        params = {"a": a.tolist(), "g": rng.integers(-2, 3, n).astype(float).tolist()}
    else:
        a = a @ a.T if rng.random() < 0.7 else a
        params = {"a": a.tolist(), "c": (rng.integers(-4, 5, n) / 2).tolist()}
        if kind == "plateau":
            params["step"] = float(rng.choice([0.5, 0.125, 1.0 / 64]))
    maxfun = int(rng.integers(npt + 1, 40 * n)) if rng.random() < 0.2 else 3000
    return {"label": f"exact {kind} {trial}", "kind": kind, "params": params, "x0": x0.tolist(),
            "lower": lower.tolist(), "upper": upper.tolist(), "rhobeg": rhobeg, "rhoend": 2.0**-30, "maxfun": maxfun,
            "npt": npt}


GENERATORS = {"seeded": problem, "exact": exact_problem}


def digest(points) -> str:
    """SHA-256 of the points evaluated, as little-endian float64 in order."""
    return hashlib.sha256(np.ascontiguousarray(points, dtype="<f8").tobytes()).hexdigest()


def recorded() -> dict:
    return json.loads(RUNS.read_text(encoding="utf-8"))


def arguments(run: dict) -> tuple:
    """BOBYQA's arguments for a recorded run: ``(f, x0, lower, upper, rhobeg, rhoend, maxfun, npt)``."""
    return (objective(run["kind"], run["params"]), np.array(run["x0"]), np.array(run["lower"]), np.array(run["upper"]),
            run["rhobeg"], run["rhoend"], run["maxfun"], run["npt"])


def against_powell(bobyqa) -> dict:
    """Every recorded run: impl evaluates Powell's points, bit for bit, no more or fewer, and stops for his reason."""
    runs = sorted(recorded()["runs"], key=lambda run: run["evaluations"])  # short runs first: a wrong one fails fast
    by_m = {"m < 2n + 1": 0, "m = 2n + 1": 0, "m > 2n + 1": 0}
    for run in runs:
        n = len(run["x0"])
        res = bobyqa(*arguments(run))
        label = f"{run['label']} (n = {n}, m = {run['npt']})"
        expect(len(res.points) == run["evaluations"] and digest(res.points) == run["sha256"],
               f"{label}: impl evaluated {len(res.points)} points ending at {res.points[-1].tolist()}; Powell's "
               f"Fortran {run['evaluations']} ending at {run['last']}, and the points differ (SHA-256)")
        expect(res.status in STATUS.get(run["info"], ()),
               f"{label}: status {res.status!r}, Powell's exit code {run['info']}")
        by_m["m < 2n + 1" if run["npt"] < 2 * n + 1 else "m = 2n + 1" if run["npt"] == 2 * n + 1
             else "m > 2n + 1"] += 1
    return {"runs bit-identical to Powell's Fortran": len(runs), **by_m}


def _powell_check(candidate):
    return against_powell(candidate.get("search.bobyqa.bobyqa"))


RECORDS = (
    Record(
        id="hp.bobyqa/npt",
        kind="A",
        section=SECTION,
        equation=r"\min_{x_l \le x \le x_u} f(x) \text{ by BOBYQA with } m \text{ points},\ "
                 r"n + 2 \le m \le \tfrac12 (n + 1)(n + 2)",
        check=_powell_check,
        mistakes=(
            Mistake("npt-ignored", "m = 2n + 1 whatever is asked for", M.bobyqa_npt_ignored, "search.bobyqa.bobyqa"),
            Mistake("rescue-model-not-updated", "RESCUE's provisional points evaluated, the model left as it was",
                    M.bobyqa_rescue_model_not_updated, "search.bobyqa.bobyqa"),
        ),
        notes="Judged by Powell's own BOBYQA (his Fortran 77, pdfo 2.2's classical build), whose runs are recorded "
              "in bobyqa_powell.json by scripts/powell_bobyqa.py (pdfo needs NumPy 1; impl runs on NumPy 2): seeded "
              "problems with n = 2..7 and m anywhere in [n + 2, (n + 1)(n + 2)/2] (quadratics, badly scaled sums "
              "where RESCUE runs and Powell's rounding exits are reached, indefinite saddles, plateaus), boxes 2ρ_beg "
              "wide, starts on bounds, budgets ending in PRELIM or mid-way. Every point impl evaluates must be "
              "Powell's, bit for bit (SHA-256 of the sequence), and it must stop for his reason (exit code). At "
              "m = 2n + 1 the recording also checked Powell's runs against NLopt's: bit-identical. The objectives "
              "use IEEE-exact operations and math.fsum only, so the runs do not depend on the machine's BLAS or libm.",
    ),
)

"""BOBYQA's call: its defaults, judged by NLopt given the same values explicitly, and its bad
arguments, each a clear error naming the argument (the messages matched whole)."""

from __future__ import annotations

import math

import numpy as np

from formulary.catalog.search._shared import SECTION
from formulary.catalog.search.bobyqa_problems import oracle_missing, run_nlopt
from formulary.mistakes import search_bobyqa as M
from formulary.record import ErrorInput, Mistake, Record, Sample
from formulary.verdict import expect


def _bowl(x):
    return float(np.sum((x - 0.7) ** 2) + 0.2 * x[0] * x[-1])


# (x0, lower, upper): the default ρ_beg = min(0.1 max(‖x0‖∞, 1), ½ min(x_u − x_l)) with each part deciding once
DEFAULT_CASES = (
    ([0.2, -0.3], [-5.0, -5.0], [5.0, 5.0]),  # 0.1 · 1
    ([4.0, -3.0], [-10.0, -10.0], [10.0, 10.0]),  # 0.1 · ‖x0‖∞ = 0.4
    ([0.02, 0.5], [0.0, -1.0], [0.1, 1.0]),  # ½ · 0.1, the narrowest side
)


def _defaults_check(candidate):
    missing = oracle_missing("nlopt")
    expect(missing is None, str(missing))
    bobyqa = candidate.get("search.bobyqa.bobyqa")
    seen = {}
    for x0, lower, upper in DEFAULT_CASES:
        x0, lower, upper = (np.array(v) for v in (x0, lower, upper))
        rhobeg = min(0.1 * max(float(np.max(np.abs(x0))), 1.0), 0.5 * float(np.min(upper - lower)))
        points, _ = run_nlopt(_bowl, x0, lower, upper, rhobeg, rhoend=1e-6, maxfun=500 * len(x0))
        run = bobyqa(_bowl, x0, lower, upper)
        expect(np.array_equal(run.points, points),
               f"x0={x0.tolist()} in [{lower.tolist()}, {upper.tolist()}] with the defaults: {len(run.points)} points, "
               f"not NLopt's {len(points)} with rhobeg = {rhobeg}, rhoend = 1e-6, maxfun = 500n")
        seen[str(x0.tolist())] = {"rhobeg": rhobeg, "evaluations": len(points)}
    return {"defaults, judged by NLopt given them": seen}


def _error(args: tuple, kwargs: dict, error: type[Exception], message: str) -> ErrorInput:
    return ErrorInput(Sample((_bowl, *args), kwargs), error, message, "search.bobyqa.bobyqa")


_BOX = ([0.0, 0.0], [-1.0, -1.0], [1.0, 1.0])
ERRORS = (
    _error(([[0.0, 0.0]], [-1.0, -1.0], [1.0, 1.0]), {}, ValueError, r"^x0 must be a vector, got shape \(1, 2\)$"),
    _error(([], [], []), {}, ValueError, r"^x0 must have at least one variable$"),
    _error(([0.0, 0.0], [-1.0, -1.0, -1.0], [1.0, 1.0]), {}, ValueError,
           r"^lower must be a vector of length 2, got shape \(3,\)$"),
    _error(([0.0, 0.0], [-1.0, -1.0], [1.0]), {}, ValueError,
           r"^upper must be a vector of length 2, got shape \(1,\)$"),
    _error(([0.0, 0.0], [-1.0, -1.0], [1.0, math.nan]), {}, ValueError, r"^upper must be finite, got \[ 1\. nan\]$"),
    _error(([0.0, 0.0], [0.0, 1.0], [1.0, 1.0]), {}, ValueError,
           r"^lower must be below upper in every variable, got lower=\[0\. 1\.\], upper=\[1\. 1\.\]$"),
    _error(_BOX, {"npt": 3}, ValueError, r"^npt must be in \[n \+ 2, \(n \+ 1\)\(n \+ 2\)/2\] = \[4, 6\], got 3$"),
    _error(_BOX, {"npt": 7}, ValueError, r"^npt must be in \[n \+ 2, \(n \+ 1\)\(n \+ 2\)/2\] = \[4, 6\], got 7$"),
    _error(_BOX, {"npt": 5.0}, TypeError, r"^npt must be an int, got float$"),
    _error(_BOX, {"rhobeg": "0.1"}, TypeError, r"^rhobeg must be a real number, got str$"),
    _error(_BOX, {"rhobeg": 0.1, "rhoend": "0"}, TypeError, r"^rhoend must be a real number, got str$"),
    _error(_BOX, {"rhobeg": 0.1, "rhoend": 0.0}, ValueError,
           r"^rhobeg and rhoend must satisfy 0 < rhoend <= rhobeg, got rhobeg=0\.1, rhoend=0\.0$"),
    _error(_BOX, {"rhobeg": 0.1, "rhoend": 0.2}, ValueError,
           r"^rhobeg and rhoend must satisfy 0 < rhoend <= rhobeg, got rhobeg=0\.1, rhoend=0\.2$"),
    _error(([0.0, 0.0], [-1.0, -1.0], [1.0, 0.1]), {"rhobeg": 0.6}, ValueError,
           r"^rhobeg=0\.6 is too large: every upper - lower must be at least 2 rhobeg$"),
    _error(_BOX, {"maxfun": 0}, ValueError, r"^maxfun must be at least 1, got 0$"),
    _error(_BOX, {"maxfun": 2.0}, TypeError, r"^maxfun must be an int, got float$"),
)

RECORDS = (
    Record(
        id="hp.bobyqa/arguments",
        kind="A",
        section=SECTION,
        equation=r"\rho_\text{beg} = \min\bigl(0.1 \max(\lVert x_0\rVert_\infty, 1),\ "
                 r"\tfrac12 \min_i (x_{u,i} - x_{l,i})\bigr),\ \rho_\text{end} = 10^{-6},\ \text{maxfun} = 500 n",
        check=_defaults_check,
        errors=ERRORS,
        mistakes=(Mistake("fixed-rhobeg", "rhobeg defaulting to 0.1 whatever the scale and the box",
                          M.bobyqa_fixed_rhobeg, "search.bobyqa.bobyqa"),),
        notes="The defaults are this API's (Powell's BOBYQA asks for every value): a run with them must be NLopt's "
              "run given the same values explicitly. Each bad argument raises an error whose whole message is "
              "matched: it names the argument and the value it got.",
    ),
)

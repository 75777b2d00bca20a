"""TRSBOX, BOBYQA's trust-region step, judged state by state by NLopt's ``trsbox_`` (Powell's
routine in NLopt's C translation), on seeded states and on states built for the ties that runs rarely reach.

A whole run judges TRSBOX only where its step decides a point; a state where a variable sits
exactly on a bound with a zero gradient, a model with negative curvature in a box that cuts
the boundary iterations, or a gradient already tiny leaves some of its branches unjudged (see
the mutation report).  Here TRSBOX is called directly.  NLopt's ``trsbox_`` is a static C
function, so ``scripts/powell_parts.py`` builds it from NLopt's source release on PyPI into a
small library of its own and records its answers in :file:`bobyqa_trsbox.json`: each state
exactly (floats in their shortest round-trip form) and NLopt's output, x_new, d and GNEW as
SHA-256 of their float64 bytes, DSQ and CRVMIN as numbers.  On 1491 TRSBOX calls of real runs
the two agree bit for bit (checked when the library was first built).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from formulary.catalog.search._shared import SECTION
from formulary.catalog.search.bobyqa_powell import digest
from formulary.mistakes import search_bobyqa as M
from formulary.record import Mistake, Record
from formulary.verdict import expect

ROUNDING = (0.1, 0.3, 0.7, 1 / 3, 1.1, 3.7)  # factors whose products round
STATES = Path(__file__).with_name("bobyqa_trsbox.json")


def state(rng: np.random.Generator, case: int) -> dict:
    """A TRSBOX state: points ``xpt`` (m × n) about the base, ``xopt`` in the box [sl, su] (which holds 0), with
    coordinates on a bound, gradients and curvatures exactly zero in places, a model definite or not, a radius Δ.
    Every third state has integer-valued entries, so that ties and zeros come out exact."""
    n = int(rng.integers(2, 7))
    m = int(rng.integers(n + 2, (n + 1) * (n + 2) // 2 + 1))
    exact = case % 3 == 0
    draw = (lambda *shape: rng.integers(-3, 4, shape).astype(float)) if exact else \
        (lambda *shape: rng.standard_normal(shape))
    sl, su = -rng.choice([0.5, 1.0, 2.0], n), rng.choice([0.5, 1.0, 2.0], n)
    xopt = np.clip(draw(n) / 4, sl, su)
    side = rng.random(n)
    xopt[side < 0.25], xopt[side > 0.75] = sl[side < 0.25], su[side > 0.75]
    gopt = draw(n)
    gopt[rng.random(n) < 0.2] = 0.0
    hq = draw(n, n)
    hq = hq + hq.T if case % 2 else hq @ hq.T / n
    pq = draw(m) / 4
    pq[rng.random(m) < 0.3] = 0.0
    return {"xpt": (draw(m, n) / 2).tolist(), "xopt": xopt.tolist(), "gopt": gopt.tolist(), "hq": hq.tolist(),
            "pq": pq.tolist(), "sl": sl.tolist(), "su": su.tolist(), "delta": float(rng.choice([0.25, 0.5, 1.0, 3.0]))}


def tie_state(rng: np.random.Generator, narrow: bool) -> dict:
    """A TRSBOX state built for exact ties: small integers everywhere, equal bounds and equal gradient magnitudes in
    most states, so that two variables meet their bounds at the same step, a free variable ends exactly on a bound,
    or a rotation's best angle is the last; ``narrow`` boxes (widths down to 1/4) let a step cross a whole box."""
    n = int(rng.integers(2, 7))
    m = int(rng.integers(n + 2, (n + 1) * (n + 2) // 2 + 1))
    widths = [0.25, 0.5, 1.0, 2.0] if narrow else [1.0, 2.0]
    k = rng.choice(widths)
    sl = -np.full(n, k) if rng.random() < 0.6 else -rng.choice(widths, n)
    su = np.full(n, k) if rng.random() < 0.6 else rng.choice(widths, n)
    xopt = np.clip(rng.choice([-1.0, 0.0, 1.0], n) * (rng.random(n) < 0.5), sl, su)
    side = rng.random(n)
    xopt[side < 0.2], xopt[side > 0.8] = sl[side < 0.2], su[side > 0.8]
    gopt = rng.choice([-1.0, 1.0], n) * rng.choice([1.0, 2.0]) if rng.random() < 0.5 else \
        rng.integers(-2, 3, n).astype(float)
    family = rng.integers(0, 4)
    if family == 0:
        hq = np.zeros((n, n))
    elif family == 1:
        hq = np.diag(rng.integers(-1, 3, n).astype(float))
    elif family == 2:
        a = rng.integers(-1, 2, (n, n)).astype(float)
        hq = a + a.T
    else:
        hq = np.eye(n) * rng.choice([-1.0, 1.0, 2.0])
    pq = np.zeros(m)
    if rng.random() < 0.3:
        pq[rng.integers(0, m)] = rng.choice([-1.0, 1.0])
    xpt = rng.integers(-1, 2, (m, n)).astype(float)
    return {"xpt": xpt.tolist(), "xopt": xopt.tolist(), "gopt": gopt.tolist(), "hq": hq.tolist(), "pq": pq.tolist(),
            "sl": sl.tolist(), "su": su.tolist(), "delta": float(rng.choice([0.5, 1.0, 2.0, 3.0, 5.0, 1.5]))}


def scaled(s: dict, x: float, g: float, h: float) -> dict:
    """The state with x (points, bounds, Δ) times ``x``, the gradient times ``g`` and the curvature times ``h``."""
    out = {k: (np.array(s[k]) * x).tolist() for k in ("xpt", "xopt", "sl", "su")}
    return {**out, "gopt": (np.array(s["gopt"]) * g).tolist(), "hq": (np.array(s["hq"]) * h).tolist(),
            "pq": (np.array(s["pq"]) * h / x / x).tolist(), "delta": s["delta"] * x}


def tie_states(seed: int, count: int) -> list[dict]:
    """The first ``count`` states of :func:`tie_state` from one seed (odd seeds: narrow boxes).  Seeds 4 to 7 scale
    each state by powers of two from 2^-340 to 1: exact, but products of three or four flush to 0 (none overflows, since
    an inf makes NaNs on which Powell's loops need not end).  Seeds from 8 on scale x by a factor such as 0.1 or 1/3,
    so that a step meant to end on a bound or on the sphere may round past it."""
    rng = np.random.default_rng(seed)
    states = []
    for _ in range(count):
        s = tie_state(rng, narrow=seed % 2 == 1)
        if 4 <= seed < 8:
            s = scaled(s, *(2.0 ** int(v) for v in rng.integers(-340, 1, 3)))
        elif seed >= 8:
            s = scaled(s, float(rng.choice(ROUNDING)), 1.0, 1.0)
        states.append(s)
    return states


# The curvature s^T H s overflows to inf, so the first line search's step GREDSQ/SHS is 0: no variable moves, and
# Powell's start value SDEC = 0 is what ends TRSBOX (its only state where that start value is read).
OVERFLOW = {"xpt": [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "xopt": [0.0, 0.0], "gopt": [2.0, 2.0],
            "hq": [[1e308, 0.0], [0.0, 1e308]], "pq": [0.0, 0.0, 0.0, 0.0], "sl": [-1.0, -1.0], "su": [1.0, 1.0],
            "delta": 1.0}


# An interpolation point so far out that y_kᵀs overflows to -inf, with its pq_k = 0: Powell skips the point, and a
# product 0 * (y_kᵀs) would be NaN
FAR_POINT = {"xpt": [[1e308, 1e308], [0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], "xopt": [0.0, 0.0], "gopt": [1.0, 1.0],
             "hq": [[1.0, 0.0], [0.0, 1.0]], "pq": [0.0, 0.5, 0.0, 0.0], "sl": [-1.0, -1.0], "su": [1.0, 1.0],
             "delta": 1.0}

# A steep indefinite model: on the boundary its gradient overflows, the rotation's step is NaN, and NLopt's
# MIN2(a, b) = a <= b ? a : b puts x_new on the upper bounds (NumPy's minimum would keep the NaN)
_Y, _G, _H = 1.0195788231247695e-56, 8.92029807941225e+43, 8.82504362096318e+217
NAN_STEP = {"xpt": [[-_Y, -_Y], [0.0, 0.0], [_Y, 0.0], [_Y, 0.0], [-_Y, _Y]], "xopt": [0.0, 0.0], "gopt": [-_G, _G],
            "hq": [[0.0, _H], [_H, 0.0]], "pq": [0.0] * 5, "sl": [-2 * _Y, -2 * _Y], "su": [_Y, _Y], "delta": _Y}


def arrays(s: dict) -> tuple:
    """TRSBOX's arguments from a recorded state, in its order."""
    return (np.array(s["xpt"]), np.array(s["xopt"]), np.array(s["gopt"]), np.array(s["hq"]), np.array(s["pq"]),
            np.array(s["sl"]), np.array(s["su"]), s["delta"])


def outcome(xnew, d, dsq, crvmin, gnew) -> dict:
    """What is compared: the arrays' SHA-256 and the numbers, with every NaN as one (IEEE leaves a NaN's sign and
    payload to the machine)."""
    return {"xnew": digest(one_nan(xnew)), "d": digest(one_nan(d)), "gnew": digest(one_nan(gnew)),
            "dsq": number(dsq), "crvmin": number(crvmin)}


def one_nan(a) -> np.ndarray:
    """The array in float64 with every NaN the same NaN."""
    a = np.asarray(a, dtype=np.float64)
    return np.where(np.isnan(a), np.nan, a)


def number(v) -> float | str:
    """A number as JSON keeps it: NaN as the string "nan", which equals itself."""
    return "nan" if math.isnan(v) else float(v)


def against_recorded(path: Path, judge: str, run) -> list[dict]:
    """Every state recorded in ``path`` (by scripts/powell_parts.py): ``run(state)`` gives the candidate's outcome
    and a few words on it, and every entry compared must be NLopt's (``judge``), bit for bit.  Returns the states."""
    states = json.loads(path.read_text(encoding="utf-8"))["states"]
    for s in states:
        got, said = run(s)
        wrong = [k for k in s["nlopt"] if got[k] != s["nlopt"][k]]
        expect(not wrong, f"state {s['case']}: {wrong} differ from NLopt's {judge} ({said})")
    return states


def against_nlopt(trsbox) -> dict:
    """Every recorded state: the candidate's step, its length and CRVMIN are NLopt's, bit for bit."""
    branches = {"on the boundary (crvmin 0)": 0, "inside (crvmin > 0)": 0, "every line search cut (crvmin -1)": 0}

    def run(s):
        args = arrays(s)
        with np.errstate(over="ignore", invalid="ignore"):  # the overflow states overflow by design, as in NLopt's C
            xnew, d, dsq, crvmin, gnew = trsbox(*args)
        branches["on the boundary (crvmin 0)" if crvmin == 0 else "inside (crvmin > 0)" if crvmin > 0
                 else "every line search cut (crvmin -1)"] += 1
        return outcome(xnew, d, dsq, crvmin, gnew), (
            f"n = {len(args[1])}, m = {len(args[0])}, Δ = {args[7]}: d = {np.asarray(d).tolist()}, dsq = {dsq}, "
            f"crvmin = {crvmin}; NLopt's dsq = {s['nlopt']['dsq']}, crvmin = {s['nlopt']['crvmin']}")

    states = against_recorded(STATES, "trsbox_", run)
    return {"states bit-identical to NLopt's trsbox_": len(states), **branches}


def _trsbox_check(candidate):
    return against_nlopt(candidate.get("search.bobyqa.trsbox"))


RECORDS = (
    Record(
        id="hp.bobyqa/trsbox",
        kind="A",
        section=SECTION,
        equation=r"d = \arg\min_{\lVert d\rVert \le \Delta,\ s_l \le x_\text{opt} + d \le s_u} "
                 r"g^\top d + \tfrac12 d^\top \nabla^2 Q\, d \ \text{(truncated CG, then the boundary iterations)}",
        check=_trsbox_check,
        mistakes=(Mistake("steepest-descent", "TRSBOX as a projected steepest-descent step",
                          M.trsbox_steepest_descent, "search.bobyqa.trsbox"),),
        notes="Judged state by state by NLopt's trsbox_ (Powell's TRSBOX in C), built from NLopt's source release by "
              "scripts/powell_parts.py and recorded in bobyqa_trsbox.json: seeded states with n = 2..6, m from n + 2 "
              "to (n + 1)(n + 2)/2, variables on their bounds, zero gradients and curvatures, definite and "
              "indefinite models, and every third state in integers; then tie states of small integers "
              "(tie_state, chosen by scripts/mutant_states.py as those on which a change to impl's TRSBOX shows: "
              "two variables meeting their bounds at one step, a free variable ending exactly on a bound; the same "
              "scaled by powers of two until products underflow, or by 0.1 and 1/3 so that steps round past a bound), "
              "and "
              "three made by hand (a curvature that overflows, a point so far that y_k's product overflows, a NaN "
              "step). x_new, d, GNEW, DSQ and CRVMIN must be NLopt's bit for bit, every NaN as one.",
    ),
)

"""TRSBOX, BOBYQA's trust-region step, judged state by state by NLopt's ``trsbox_`` (Powell's
routine in NLopt's C translation), on seeded states that the runs rarely reach.

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
from pathlib import Path

import numpy as np

from formulary.catalog.search._shared import SECTION
from formulary.catalog.search.bobyqa_powell import digest
from formulary.mistakes import search_bobyqa as M
from formulary.record import Mistake, Record
from formulary.verdict import expect

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


def arrays(s: dict) -> tuple:
    """TRSBOX's arguments from a recorded state, in its order."""
    return (np.array(s["xpt"]), np.array(s["xopt"]), np.array(s["gopt"]), np.array(s["hq"]), np.array(s["pq"]),
            np.array(s["sl"]), np.array(s["su"]), s["delta"])


def outcome(xnew, d, dsq, crvmin, gnew) -> dict:
    return {"xnew": digest(xnew), "d": digest(d), "gnew": digest(gnew), "dsq": float(dsq), "crvmin": float(crvmin)}


def against_nlopt(trsbox) -> dict:
    """Every recorded state: the candidate's step, its length and CRVMIN are NLopt's, bit for bit."""
    data = json.loads(STATES.read_text(encoding="utf-8"))
    branches = {"on the boundary (crvmin 0)": 0, "inside (crvmin > 0)": 0, "every line search cut (crvmin -1)": 0}
    for s in data["states"]:
        args = arrays(s)
        xnew, d, dsq, crvmin, gnew = trsbox(*args)
        got, want = outcome(xnew, d, dsq, crvmin, gnew), s["nlopt"]
        wrong = [k for k in want if got[k] != want[k]]
        expect(not wrong, f"state {s['case']} (n = {len(args[1])}, m = {len(args[0])}, Δ = {args[7]}): {wrong} differ "
               f"from NLopt's trsbox_ (d = {np.asarray(d).tolist()}, dsq = {dsq}, crvmin = {crvmin}; NLopt's dsq = "
               f"{want['dsq']}, crvmin = {want['crvmin']})")
        branches["on the boundary (crvmin 0)" if crvmin == 0 else "inside (crvmin > 0)" if crvmin > 0
                 else "every line search cut (crvmin -1)"] += 1
    return {"states bit-identical to NLopt's trsbox_": len(data["states"]), **branches}


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
              "indefinite models, and every third state in integers (exact ties). x_new, d, GNEW, DSQ and CRVMIN must "
              "be NLopt's bit for bit.",
    ),
)

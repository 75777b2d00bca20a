"""ALTMOV, BOBYQA's geometry step, judged state by state by NLopt's ``altmov_`` (Powell's
routine in NLopt's C translation), on states built for exact ties.

A whole run judges ALTMOV only where its candidate becomes a point, and real runs almost never
put a step exactly on a bound, a line's best point on its limit, or the Cauchy step's fixed
components on the radius (see the mutation report).  Here ALTMOV is called directly on states
of small integers and halves: points on the box's faces, bounds through the points, zero rows
of BMAT and ZMAT.  ``altmov_`` is a static C function, so ``scripts/powell_parts.py`` builds it
from NLopt's source release on PyPI and records its answers in :file:`bobyqa_altmov.json`:
each state exactly and NLopt's XNEW and XALT as SHA-256 of their float64 bytes, ALPHA and
CAUCHY as numbers.  On the ALTMOV calls of real runs the two agree bit for bit (``--check``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from formulary.catalog.search._shared import SECTION
from formulary.catalog.search.bobyqa_powell import digest
from formulary.catalog.search.bobyqa_trsbox import against_recorded, number, one_nan
from formulary.mistakes import search_bobyqa as M
from formulary.record import Mistake, Record

ROUNDING = (0.1, 0.3, 0.7, 1 / 3, 1.1, 3.7)  # factors whose products round
STATES = Path(__file__).with_name("bobyqa_altmov.json")


def tie_state(rng: np.random.Generator, variant: int) -> dict:
    """An ALTMOV state of small integers and halves: m points in a box, x_opt one of them, t (KNEW) another, BMAT and
    ZMAT of multiples of 1/4.  Variant 1 draws narrower boxes; variants 2 and 3 put the bounds through the extreme
    points (many points on a face) and zero ZMAT, or its row t, in some states."""
    n = int(rng.integers(2, 6))
    npt = int(rng.integers(n + 2, min((n + 1) * (n + 2) // 2, 2 * n + 3) + 1))
    w = rng.choice([0.5, 1.0, 2.0]) if variant % 2 else 1.0
    sl, su = -rng.choice([w, 2 * w], n), rng.choice([w, 2 * w], n)
    xpt = np.clip(rng.integers(-2, 3, (npt, n)).astype(float) * rng.choice([0.5, 1.0]), sl, su)
    if variant >= 2:
        sl, su = np.minimum(xpt.min(axis=0), -0.5), np.maximum(xpt.max(axis=0), 0.5)
    kopt = int(rng.integers(0, npt))
    knew = int(rng.integers(0, npt - 1))
    knew += knew >= kopt
    bmat = rng.integers(-2, 3, (npt + n, n)).astype(float) * rng.choice([0.25, 0.5, 1.0])
    zmat = rng.integers(-2, 3, (npt, npt - n - 1)).astype(float) * rng.choice([0.25, 0.5, 1.0])
    if rng.random() < 0.3:
        bmat[knew, :n] = 0.0
    if variant >= 2 and rng.random() < 0.3:
        zmat[:] = 0.0
    if variant >= 2 and rng.random() < 0.3:
        zmat[knew] = 0.0
    return {"xpt": xpt.tolist(), "xopt": xpt[kopt].tolist(), "bmat": bmat.tolist(), "zmat": zmat.tolist(),
            "sl": sl.tolist(), "su": su.tolist(), "kopt": kopt, "knew": knew,
            "adelt": float(rng.choice([0.5, 1.0, 2.0, 1.5, 3.0]))}


def scaled(s: dict, x: float, b: float, z: float) -> dict:
    """The state with x (points, bounds, ADELT) times ``x``, BMAT times ``b`` and ZMAT times ``z``."""
    out = {k: (np.array(s[k]) * x).tolist() for k in ("xpt", "xopt", "sl", "su")}
    return {**s, **out, "bmat": (np.array(s["bmat"]) * b).tolist(),
            "zmat": (np.array(s["zmat"]) * z).tolist(), "adelt": s["adelt"] * x}


def tie_states(seed: int, count: int) -> list[dict]:
    """The first ``count`` states of :func:`tie_state` from one seed (the variant is the seed mod 4).  Seeds 4 to 7
    scale each state by powers of two from 2^-340 to 1 (exact, but products flush to 0; nothing overflows).  Seeds from
    8 on scale x by a factor such as 0.1 or 1/3, so that a step limited by a bound may round past it or short of it."""
    rng = np.random.default_rng(seed)
    states = []
    for _ in range(count):
        s = tie_state(rng, seed % 4)
        if 4 <= seed < 8:
            s = scaled(s, *(2.0 ** int(v) for v in rng.integers(-340, 1, 3)))
        elif seed >= 8:
            s = scaled(s, float(rng.choice(ROUNDING)), 1.0, 1.0)
        states.append(s)
    return states


def arrays(s: dict) -> tuple:
    """ALTMOV's arguments from a recorded state, in its order (KOPT and KNEW 0-based)."""
    return (np.array(s["xpt"]), np.array(s["xopt"]), np.array(s["bmat"]), np.array(s["zmat"]), np.array(s["sl"]),
            np.array(s["su"]), s["kopt"], s["knew"], s["adelt"])


def outcome(xnew, xalt, alpha, cauchy) -> dict:
    """What is compared, as for TRSBOX: the arrays' SHA-256 and the numbers, every NaN as one."""
    return {"xnew": digest(one_nan(xnew)), "xalt": digest(one_nan(xalt)), "alpha": number(alpha),
            "cauchy": number(cauchy)}


def against_nlopt(altmov) -> dict:
    """Every recorded state: the candidate's XNEW, XALT, ALPHA and CAUCHY are NLopt's, bit for bit."""
    def run(s):
        args = arrays(s)
        xnew, xalt, alpha, cauchy = altmov(*args)
        return outcome(xnew, xalt, alpha, cauchy), (
            f"n = {len(args[1])}, m = {len(args[0])}, ADELT = {args[8]}: XNEW = {np.asarray(xnew).tolist()}, "
            f"XALT = {np.asarray(xalt).tolist()}, CAUCHY = {cauchy}; NLopt's CAUCHY = {s['nlopt']['cauchy']}")

    return {"states bit-identical to NLopt's altmov_": len(against_recorded(STATES, "altmov_", run))}


def _altmov_check(candidate):
    return against_nlopt(candidate.get("search.bobyqa.altmov"))


RECORDS = (
    Record(
        id="hp.bobyqa/altmov",
        kind="A",
        section=SECTION,
        equation=r"x_\text{new} = \arg\max_{x_\text{opt} + \lambda (y_k - x_\text{opt})} |\ell_t|, \quad "
                 r"x_\text{alt} = \text{the constrained Cauchy step of } \pm\ell_t \text{ within } \Delta_a",
        check=_altmov_check,
        mistakes=(Mistake("line-only", "ALTMOV without its constrained Cauchy step (XALT = XNEW)",
                          M.altmov_line_only, "search.bobyqa.altmov"),),
        notes="Judged state by state by NLopt's altmov_ (Powell's ALTMOV in C), built from NLopt's source release by "
              "scripts/powell_parts.py and recorded in bobyqa_altmov.json: states of small integers and halves "
              "(formulary.catalog.search.bobyqa_altmov.tie_state), some scaled by powers of two or by factors that "
              "round, chosen by scripts/mutant_states.py as those on "
              "which a change to impl's ALTMOV shows (steps that end exactly on a bound, Cauchy steps whose fixed "
              "components reach the radius). XNEW, XALT, ALPHA and CAUCHY must be NLopt's bit for bit.",
    ),
)

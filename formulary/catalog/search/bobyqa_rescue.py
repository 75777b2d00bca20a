"""RESCUE, BOBYQA's rebuilding of H and the model, judged state by state by NLopt's ``rescue_``
(Powell's routine in NLopt's C translation), on states of real runs.

RESCUE is rare: rounding calls it in a few runs of hp.bobyqa, so a run judges it on a handful of
states.  Here it is called directly on BOBYQA states captured where runs of hp.bobyqa/npt's problem
generators, at every m, were made to call it (``scripts/powell_parts.py --part rescue`` makes a
denominator read as cancelled at chosen iterations, as ``tests/test_bobyqa_rescue_in_loop.py``
does, and keeps the state that RESCUE receives).  NLopt's ``rescue_`` is static C, built as for
:mod:`.bobyqa_trsbox`; :file:`bobyqa_rescue.json` holds each state exactly, the problem whose
objective RESCUE evaluates, and NLopt's result: the SHA-256 of every array it rewrites, KOPT, and
the points and values it evaluated.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from formulary.catalog.search._shared import SECTION
from formulary.catalog.search.bobyqa_powell import digest, objective
from formulary.catalog.search.bobyqa_trsbox import against_recorded, one_nan
from formulary.mistakes import search_bobyqa as M
from formulary.record import Mistake, Record

STATES = Path(__file__).with_name("bobyqa_rescue.json")
ARRAYS = ("xbase", "xpt", "fval", "gopt", "pq", "bmat", "zmat", "sl", "su")  # HQ is compared as Powell packs it


def restore(state_class, s: dict):
    """The BOBYQA state of a recorded case, as the candidate's ``State``."""
    return state_class(**{k: np.array(s[k]) for k in (*ARRAYS, "hq")}, kopt=s["kopt"])


def packed(hq) -> np.ndarray:
    """HQ's upper triangle by columns, Powell's storage (the lower one is never read)."""
    hq = np.asarray(hq)
    return np.array([hq[i, j] for j in range(hq.shape[0]) for i in range(j + 1)])


def outcome(st, points, values) -> dict:
    """What is compared: every array RESCUE rewrites (SHA-256, NaNs as one), KOPT, and what it evaluated."""
    return {**{k: digest(one_nan(getattr(st, k))) for k in ARRAYS}, "hq": digest(one_nan(packed(st.hq))),
            "kopt": int(st.kopt), "points": digest(np.reshape(points, (-1,))), "values": digest(values)}


def run_rescue(rescue, state_class, evaluator, s: dict) -> dict:
    """A candidate's RESCUE on a recorded state, evaluating the state's problem through its Evaluator."""
    st = restore(state_class, s)
    evaluate = evaluator(objective(s["kind"], s["params"]), np.array(s["xl"]), np.array(s["xu"]), 10**6)
    rescue(st, evaluate, np.array(s["xopt"]), s["delta"])
    return outcome(st, evaluate.points, evaluate.values)


def against_nlopt(rescue, state_class, evaluator) -> dict:
    """Every recorded state: the candidate rewrites BMAT, ZMAT, the model and the points as NLopt does, bit for bit,
    and evaluates the same points."""
    def run(s):
        got = run_rescue(rescue, state_class, evaluator, s)
        return got, f"n = {len(s['xbase'])}, m = {len(s['xpt'])}: KOPT {got['kopt']}, NLopt's {s['nlopt']['kopt']}"

    states = against_recorded(STATES, "rescue_", run)
    by_m = {"m < 2n + 1": 0, "m = 2n + 1": 0, "m > 2n + 1": 0}
    for s in states:
        n, m = len(s["xbase"]), len(s["xpt"])
        by_m["m < 2n + 1" if m < 2 * n + 1 else "m = 2n + 1" if m == 2 * n + 1 else "m > 2n + 1"] += 1
    return {"states bit-identical to NLopt's rescue_": len(states), **by_m}


def _rescue_states_check(candidate):
    return against_nlopt(candidate.get("search.bobyqa.rescue"), candidate.get("search.bobyqa.State"),
                         candidate.get("search.bobyqa.Evaluator"))


RECORDS = (
    Record(
        id="hp.bobyqa/rescue_states",
        kind="A",
        section=SECTION,
        equation=r"H^+ = (W^+)^{-1},\ Q^+(y_k) = f(y_k) \text{ after } x_b \leftarrow x_b + x_\text{opt} "
                 r"\text{ and the points re-poised (RESCUE, state by state)}",
        check=_rescue_states_check,
        mistakes=(
            Mistake("no-update", "original points reinstated without updating H", M.rescue_without_update,
                    "search.bobyqa.rescue"),
            Mistake("model-not-updated", "provisional points evaluated but the model left as it was",
                    M.rescue_model_not_updated, "search.bobyqa.rescue"),
        ),
        notes="Judged state by state by NLopt's rescue_ (Powell's RESCUE in C), built from NLopt's source release by "
              "scripts/powell_parts.py and recorded in bobyqa_rescue.json: the states RESCUE receives in runs of "
              "hp.bobyqa/npt's problems at every m, made to call it at chosen iterations, picked by "
              "scripts/mutant_states.py as those on which a change to impl's RESCUE shows. Every array it rewrites, "
              "KOPT and the points and values it evaluates must be NLopt's bit for bit.",
    ),
)

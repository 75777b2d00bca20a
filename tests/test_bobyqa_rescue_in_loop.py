"""RESCUE inside BOBYQA's loop.  Rounding never triggered it on the catalog's problems, so
the test pretends, three times in a run, that a denominator has cancelled; after each
rescue H must be the inverse of the KKT matrix of the points, and the run must still
reach the minimum inside the box."""

import importlib
from unittest import mock

import numpy as np

from formulary.catalog.search.bobyqa_kkt import h_error
from formulary.catalog.search.bobyqa_problems import PROBLEMS
from impl.search.bobyqa import bobyqa

loop = importlib.import_module("impl.search.bobyqa.bobyqb")


def test_forced_rescues_keep_h_exact_and_reach_the_minimum():
    f, x0, lower, upper, rhobeg = PROBLEMS["Rosenbrock-5"]
    errors, calls = [], {"choose": 0}
    real_rescue, real_choose = loop.rescue, loop._choose_knew

    def checked_rescue(st, evaluate, xopt, delta):
        real_rescue(st, evaluate, xopt, delta)
        errors.append(h_error(st.xpt, st.bmat, st.zmat))

    def cancelling(st, vlag, beta, delta, centre, skip):
        out = real_choose(st, vlag, beta, delta, centre, skip)
        calls["choose"] += 1
        return (*out[:2], 0.0, 1.0) if skip >= 0 and calls["choose"] in (8, 25, 60) else out

    with mock.patch.object(loop, "rescue", checked_rescue), mock.patch.object(loop, "_choose_knew", cancelling):
        run = bobyqa(f, x0, lower, upper, rhobeg, 1e-8, 5000)
    assert len(errors) >= 2, f"RESCUE ran {len(errors)} times; the test forces it three times"
    assert max(errors) < 1e-12, f"H after RESCUE differs from W⁻¹ by {max(errors):.2e}"
    assert run.fun < 1e-12 and np.allclose(run.x, 1.0, atol=1e-5), f"ends at {run.x} with f = {run.fun}"
    assert ((run.points >= lower) & (run.points <= upper)).all(), "a point outside the box"


def test_the_catalogs_rescue_run_rescues_where_it_says():
    """hp.bobyqa/rescue judges RESCUE by NLopt on RESCUE_RUN: that run must really call it, where it says."""
    from formulary.catalog.search.bobyqa_problems import RESCUE_RUN, RESCUE_RUN_AT

    at = []
    real_rescue = loop.rescue

    def counted(st, evaluate, xopt, delta):
        at.append(len(evaluate.values))
        real_rescue(st, evaluate, xopt, delta)

    with mock.patch.object(loop, "rescue", counted):
        run = bobyqa(*RESCUE_RUN)
    assert tuple(at) == RESCUE_RUN_AT, at
    assert len(run.points) == 197

"""BOBYQA's own cost per evaluation: impl against NLopt's LN_BOBYQA and Py-BOBYQA.

Each side minimises Rosenbrock in 10 variables from the standard start with rhobeg = 0.5
and is stopped after exactly 200 evaluations (all three are far from converged then), so
the ratio of the runs' medians is the ratio of the costs per evaluation.  The objective
is the same NumPy function on every side (about 10 µs a call); a run's time less 200 of
those is the solver's overhead, and the speed table shows the whole runs.
"""

import numpy as np
import pytest

from formulary.catalog.search.bobyqa_problems import PROBLEMS
from impl.search.bobyqa import bobyqa

EVALS = 200
F, X0, LOWER, UPPER, RHOBEG = PROBLEMS["Rosenbrock-10"]


def _nlopt():
    import nlopt

    opt = nlopt.opt(nlopt.LN_BOBYQA, len(X0))
    opt.set_lower_bounds(LOWER)
    opt.set_upper_bounds(UPPER)
    opt.set_min_objective(lambda x, grad: F(x))
    opt.set_initial_step(RHOBEG)
    opt.set_xtol_abs(1e-8)
    opt.set_maxeval(EVALS)
    opt.optimize(X0.copy())
    return opt.get_numevals()


def _pybobyqa():
    import pybobyqa

    return pybobyqa.solve(F, X0.copy(), bounds=(LOWER, UPPER), rhobeg=RHOBEG, rhoend=1e-8, maxfun=EVALS).nf


def _impl():
    return bobyqa(F, X0, LOWER, UPPER, RHOBEG, 1e-8, EVALS).nfev


ORACLES = {"nlopt": _nlopt, "pybobyqa": _pybobyqa}


@pytest.mark.parametrize("oracle", list(ORACLES))
@pytest.mark.parametrize("side", ["impl", "oracle"])
def test_bobyqa_per_evaluation(benchmark, oracle, side):
    pytest.importorskip(oracle)
    run = _impl if side == "impl" else ORACLES[oracle]
    assert run() == EVALS  # the same number of evaluations on both sides, or the ratio means nothing
    benchmark.group = f"hp.bobyqa: {EVALS} evaluations, Rosenbrock-10 (vs {oracle})"
    benchmark.extra_info.update(side="impl" if side == "impl" else oracle, evaluations=EVALS)
    benchmark.pedantic(run, rounds=5, iterations=1, warmup_rounds=1)


def test_objective_alone(benchmark):
    """The objective's share: 200 calls of the same function (subtract it for the solver's overhead)."""
    benchmark.group = "hp.bobyqa: the objective alone (200 calls)"
    benchmark.extra_info.update(side="objective")
    benchmark(lambda: [F(X0) for _ in range(EVALS)])
    np.testing.assert_allclose(F(np.ones(10)), 0.0)

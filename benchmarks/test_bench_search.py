"""The search methods' own overhead per evaluation against their oracles (issue 15): the objective
is Branin (about a microsecond), so a run's time over its evaluations is the method's overhead.

Each benchmark is a pair in one group, side ``impl`` and side ``oracle`` (extra_info names the
oracle and the evaluations); the speed table divides their medians by the evaluations.

* MaxLIPO+TR: impl's find_min_global against dlib's global_function_search stepped from Python
  (find_min_global itself would switch to random search for so cheap an objective);
* TPE: impl's tpe_search against Optuna's TPESampler (in-memory storage);
* Bayesian optimisation's model, one step: the Gaussian process on 30 trials predicted at 1250
  candidates, impl's gp_posterior against scikit-learn's GaussianProcessRegressor (fit + predict).
"""

import math
import warnings

import numpy as np
import pytest

from impl.search import find_min_global, gp_posterior, tpe_search
from impl.search.space import Uniform
from reference.oracle import search as O


def _branin(x):
    x1, x2 = x
    a = x2 - 5.1 / (4 * math.pi**2) * x1**2 + 5 / math.pi * x1 - 6
    return a**2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


LO, HI = [-5.0, 0.0], [10.0, 15.0]


@pytest.fixture(params=("impl", "oracle"))
def side(request):
    return request.param


def run_oracle_pair(benchmark, side, group, impl_call, oracle_call, oracle, evaluations):
    benchmark.group = group
    benchmark.extra_info.update(side=side, oracle=oracle, evaluations=evaluations)
    benchmark.pedantic(impl_call if side == "impl" else oracle_call, rounds=3, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("n", [40, 100])
def test_maxlipo(benchmark, side, n):
    run_oracle_pair(benchmark, side, f"hp.lipo/maxlipo MaxLIPO+TR, {n} evaluations on Branin",
                    lambda: find_min_global(_branin, LO, HI, n, seed=0),
                    lambda: O.dlib_search(_branin, LO, HI, n, seed=0),
                    "dlib global_function_search", n)


def test_tpe(benchmark, side):
    space = {"x1": Uniform(*(LO[0], HI[0])), "x2": Uniform(LO[1], HI[1])}
    run_oracle_pair(benchmark, side, "hp.bayes/tpe TPE, 60 trials on Branin",
                    lambda: tpe_search(lambda p: _branin((p["x1"], p["x2"])), space, n_trials=60, seed=0),
                    lambda: O.optuna_tpe(_branin, LO, HI, [False, False], 60, 0), "optuna TPESampler", 60)


def test_gp_step(benchmark, side):
    rng = np.random.default_rng(0)
    x, y, cand = rng.random((30, 2)), rng.standard_normal(30), rng.random((1250, 2))

    def oracle_call():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return O.sklearn_gp(x, y, cand, 0.3, 1.0, 1e-6)

    run_oracle_pair(benchmark, side, "hp.bayes/sklearn GP step, 30 trials, 1250 candidates",
                    lambda: gp_posterior(x, y, cand, 0.3, 1.0, 1e-6), oracle_call,
                    "scikit-learn GaussianProcessRegressor", 1)

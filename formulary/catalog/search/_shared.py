"""What the search records share: the section, the candidate's space classes, NaN-returning
objectives, the 2-D test problem and the standard test functions."""

from __future__ import annotations

import math
import re

import numpy as np

from formulary.verdict import expect

SECTION = "§3 超参数 (hyperparameter search)"


def dims(candidate):
    return (candidate.get(f"search.{n}") for n in ("Choice", "Uniform", "LogUniform"))


def flaky(f, bad=(1, 6)):
    """``f``, except that the calls numbered in ``bad`` return NaN (a diverged training run)."""
    calls = []

    def objective(params):
        calls.append(dict(params))
        return math.nan if len(calls) - 1 in bad else f(params)

    objective.calls = calls
    return objective


def raises(error, pattern, call):
    """``call()`` raises ``error`` saying ``pattern``: bad arguments that need the candidate's own
    dimension classes, which a static ErrorInput cannot hold."""
    try:
        call()
    except error as exc:
        expect(re.search(pattern, str(exc)), f"{error.__name__}({exc}) does not match {pattern!r}")
        return
    raise AssertionError(f"expected {error.__name__} matching {pattern!r}; nothing was raised")


def same_trials(a, b) -> bool:
    return len(a.trials) == len(b.trials) and all(
        s.params == t.params and (s.value == t.value or (math.isnan(s.value) and math.isnan(t.value)))
        for s, t in zip(a.trials, b.trials))


def check_nonfinite(result, objective, bad=(1, 6)):
    """Non-finite values recorded where they happened, the search carried on, best finite."""
    values = np.array([t.value for t in result.trials])
    expect([t.params for t in result.trials] == objective.calls, "the trials are not the objective's calls, in order")
    expect(all(math.isnan(values[i]) for i in bad),
           f"the NaN values of calls {bad} were not recorded: {values[list(bad)]}")
    expect(result.best is not None and result.best.value == np.nanmin(values), "best is not the lowest finite value")


# -- the 2-D test problem of the property checks: a learning rate (log scale) and a momentum ----------

def bowl(params):
    """4(u1 − ½)² + (u2 − 0.3)² in unit coordinates: minimum 0 at lr = 1e-2, m = 0.3."""
    return (math.log10(params["lr"]) + 2.0) ** 2 / 4.0 + (params["m"] - 0.3) ** 2


BOWL_LIPSCHITZ = 4.5  # max ‖∇‖ on the unit cube is √(4² + 1.4²) ≈ 4.24


def bowl_space(candidate):
    _, Uniform, LogUniform = dims(candidate)
    return {"lr": LogUniform(1e-4, 1.0), "m": Uniform(0.0, 1.0)}


def bowl_units(result) -> np.ndarray:
    """The trials' unit coordinates, recomputed from their parameters (not from trial.unit)."""
    lr = np.array([t.params["lr"] for t in result.trials])
    m = np.array([t.params["m"] for t in result.trials])
    expect(((lr >= 1e-4) & (lr <= 1.0)).all() and ((m >= 0) & (m <= 1)).all(), "a trial outside the bounds")
    units = np.column_stack([np.log10(lr) / 4.0 + 1.0, m])
    expect(np.allclose(units, result.units, rtol=0, atol=1e-9), "trial.unit does not encode trial.params")
    return units


def reproducible(search, space, **kw):
    a, b = search(bowl, space, seed=3, **kw), search(bowl, space, seed=3, **kw)
    c = search(bowl, space, seed=4, **kw)
    expect(same_trials(a, b), "the same seed gave different trials")
    expect(not same_trials(a, c), "different seeds gave the same trials: the seed is ignored")


def documented_defaults(search, space, **defaults):
    """A call with the defaults left out runs exactly as one that passes the documented values."""
    expect(same_trials(search(bowl, space), search(bowl, space, **defaults)),
           f"the defaults are not the documented {defaults}")


# -- standard test functions (Branin, Hartmann-3, Rosenbrock) ----------------------------------------

def branin(p):
    x1, x2 = p["x1"], p["x2"]
    return ((x2 - 5.1 / (4 * math.pi**2) * x1**2 + 5 / math.pi * x1 - 6) ** 2
            + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10)


_H3_A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
_H3_C = np.array([1.0, 1.2, 3.0, 3.2])
_H3_P = 1e-4 * np.array([[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]])


def hartmann3(p):
    x = np.array([p["x1"], p["x2"], p["x3"]])
    return -float(_H3_C @ np.exp(-np.sum(_H3_A * (x - _H3_P) ** 2, axis=1)))


def rosenbrock(p):
    return (1 - p["x"]) ** 2 + 100 * (p["y"] - p["x"] ** 2) ** 2


def standard_functions(candidate):
    _, Uniform, _ = dims(candidate)
    return {  # name: (f, space, global minimum)
        "Branin": (branin, {"x1": Uniform(-5.0, 10.0), "x2": Uniform(0.0, 15.0)}, 5 / (4 * math.pi)),
        "Hartmann-3": (hartmann3, {f"x{i}": Uniform(0.0, 1.0) for i in (1, 2, 3)}, -3.86278214782076),
        "Rosenbrock-2": (rosenbrock, {"x": Uniform(-2.0, 2.0), "y": Uniform(-2.0, 2.0)}, 0.0),
    }

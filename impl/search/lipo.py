r"""LIPO and AdaLIPO (Malherbe & Vayatis, "Global optimization of Lipschitz functions",
ICML 2017), the guide's §3.2 method 6, written for minimisation.

If the objective is :math:`k`-Lipschitz in the unit-cube coordinates, no point can
go below the lower bound built from the trials so far,

.. math:: f(x) \ge L_t(x) = \max_{i \le t}\bigl(f(x_i) - k\,\lVert x - x_i\rVert_2\bigr),

so a point whose bound is above the best value so far cannot win and is never
evaluated: candidates are drawn uniformly and rejected until one passes
:math:`L_t(x) \le \min_{i \le t} f(x_i)`.  AdaLIPO needs no :math:`k`: it estimates it
from the trials and explores uniformly with probability :math:`p`.

Neither is the method the guide's "this method has no parameters" describes: LIPO needs
:math:`k`, and AdaLIPO trades it for its own :math:`p` and :math:`\alpha`.  The guide's
source (King's 2017 essay) means dlib's MaxLIPO+TR, :mod:`impl.search.maxlipo`, whose only
inputs are the box and the budget.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from impl._checks import real
from impl.search.space import SearchResult, check_space, positive_int

FIRST_BATCH = 64  # candidates drawn at once; doubled while none passes


def lipschitz_lower_bound(candidates: np.ndarray, units: np.ndarray, values: np.ndarray,
                          lipschitz: float) -> np.ndarray:
    r"""The lower bound at each candidate (rows) from the evaluated points.

    .. math:: L(x) = \max_i \bigl(f_i - k\,\lVert x - x_i\rVert_2\bigr)
    """
    diff = candidates[:, None, :] - units[None, :, :]
    dist = np.sqrt(np.einsum("mnd,mnd->mn", diff, diff))
    return np.max(values[None, :] - lipschitz * dist, axis=1)


def lipschitz_estimate(units: np.ndarray, values: np.ndarray, alpha: float = 0.01) -> float:
    r"""AdaLIPO's estimate: the smallest :math:`(1 + \alpha)^i` (:math:`i \in \mathbb Z`)
    at or above the largest slope between two evaluated points (0 before any slope).

    .. math:: \hat k = \inf\Bigl\{(1+\alpha)^i : (1+\alpha)^i \ge \max_{i \ne j}
              \frac{\lvert f_i - f_j\rvert}{\lVert x_i - x_j\rVert_2}\Bigr\}
    """
    i, j = np.triu_indices(len(values), k=1)
    diff = units[i] - units[j]
    dist = np.sqrt(np.einsum("pd,pd->p", diff, diff))
    apart = dist > 0  # a point evaluated twice has no slope
    if not apart.any():
        return 0.0
    slope = float(np.max(np.abs(values[i] - values[j])[apart] / dist[apart]))
    if slope == 0.0:
        return 0.0
    base = 1.0 + alpha
    i = math.ceil(math.log(slope) / math.log(base))
    # the logarithm's rounding may land one step off, either way
    while base ** (i - 1) >= slope:
        i -= 1
    while base**i < slope:
        i += 1
    return base**i


def _draw_passing(rng, d, units, values, k, max_draws, bound):
    """Uniform draws until one can win (its bound at most the best); None if none in max_draws."""
    best, drawn, size = values.min(), 0, FIRST_BATCH
    while drawn < max_draws:
        cand = rng.random((min(size, max_draws - drawn), d))
        passing = np.flatnonzero(bound(cand, units, values, k) <= best)
        if passing.size:
            return cand[passing[0]]  # the first that passes: uniform on the passing set
        drawn, size = drawn + len(cand), 2 * size
    return None


def _search(objective, space, n_trials, seed, lipschitz, p, alpha, max_draws, bound, estimate):
    space = check_space(space, continuous=True)
    n, limit = positive_int(n_trials, "n_trials"), positive_int(max_draws, "max_draws")
    adaptive = lipschitz is None
    if not adaptive and not real(lipschitz, "lipschitz") > 0:
        raise ValueError(f"lipschitz must be positive (or None for AdaLIPO), got {lipschitz}")
    p, alpha = real(p, "p"), real(alpha, "alpha")
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not alpha > 0:
        raise ValueError(f"alpha must be positive, got {alpha}")
    rng = np.random.default_rng(seed)
    d = len(space)
    result = SearchResult(space)
    units, values = np.empty((0, d)), np.empty(0)  # the finite trials, kept as arrays
    for _ in range(n):
        if not len(values):
            trial = result.evaluate(objective, rng.random(d), "initial")
        elif adaptive and rng.random() < p:
            trial = result.evaluate(objective, rng.random(d), "explore")
        else:
            k = estimate(units, values, alpha) if adaptive else float(lipschitz)
            unit = _draw_passing(rng, d, units, values, k, limit, bound)
            if unit is None:  # nothing drawn can win (k too small for the data): explore instead
                trial = result.evaluate(objective, rng.random(d), "fallback")
            else:
                trial = result.evaluate(objective, unit, "exploit" if adaptive else "lipo")
        if math.isfinite(trial.value):
            units, values = np.vstack([units, trial.unit]), np.append(values, trial.value)
    return result


def lipo_search(objective: Callable, space, n_trials=30, seed=0, lipschitz=None, p=0.1, alpha=0.01,
                max_draws=10_000) -> SearchResult:
    r"""LIPO with a known Lipschitz constant ``lipschitz`` (in unit-cube coordinates),
    or AdaLIPO when it is None: the first point uniform, then at each step

    .. math::

        x_{t+1} \sim \mathcal U\bigl\{x : L_t(x) \le \min_{i \le t} f(x_i)\bigr\}
        \quad\text{(LIPO; AdaLIPO with } \hat k_t \text{, or uniform with probability } p)

    by rejection sampling.  Roles: "initial", "lipo" (LIPO), "explore" and "exploit"
    (AdaLIPO), and "fallback" for a uniform point when none of ``max_draws``
    candidates could win.
    """
    return _search(objective, space, n_trials, seed, lipschitz, p, alpha, max_draws,
                   lipschitz_lower_bound, lipschitz_estimate)

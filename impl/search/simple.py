r"""Grid search and random search (guide §3.2, methods 2 and 3)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from impl.search.space import Choice, SearchResult, check_space, positive_int


def grid_units(space: dict, points: int) -> np.ndarray:
    r"""The grid's points in the unit cube, in ``itertools.product`` order (last name fastest).

    A Choice of :math:`k` values contributes its :math:`k` values; a range
    contributes ``points`` evenly spaced values from low to high (both ends
    included; evenly spaced in the logarithm for a LogUniform):

    .. math:: u \in \Bigl\{\tfrac{i + 1/2}{k}\Bigr\}_{i < k} \ \text{(Choice)}, \qquad
              u \in \Bigl\{\tfrac{i}{p - 1}\Bigr\}_{i < p} \ \text{(ranges; } u = 0 \text{ if } p = 1)
    """
    axes = [(np.arange(len(d.values)) + 0.5) / len(d.values) if isinstance(d, Choice)
            else np.linspace(0.0, 1.0, points) for d in space.values()]
    return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(space))


def grid_search(objective: Callable, space, points=5) -> SearchResult:
    r"""Evaluate ``objective`` once at every point of the Cartesian product of the
    dimensions' values: :math:`\prod_j k_j` trials.

    .. math:: \mathcal G = V_1 \times V_2 \times \cdots \times V_d
    """
    space = check_space(space)
    result = SearchResult(space)
    for unit in grid_units(space, positive_int(points, "points")):
        result.evaluate(objective, unit, "grid")
    return result


def random_search(objective: Callable, space, n_trials=20, seed=0) -> SearchResult:
    r"""Evaluate ``objective`` at ``n_trials`` independent uniform points of the unit
    cube (``numpy.random.default_rng(seed)``): uniform on a linear range, log-uniform
    on a LogUniform, each value of a Choice equally likely.

    .. math:: u \sim \mathcal U[0, 1)^d, \qquad
              \log x \sim \mathcal U[\log \text{low}, \log \text{high}) \ \text{(LogUniform)}
    """
    space = check_space(space)
    n = positive_int(n_trials, "n_trials")
    units = np.random.default_rng(seed).random((n, len(space)))
    result = SearchResult(space)
    for unit in units:
        result.evaluate(objective, unit, "random")
    return result

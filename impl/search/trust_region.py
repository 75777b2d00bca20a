r"""The MITIE approach of the guide's §3.2 (method 5): Powell's BOBYQA
(:mod:`impl.search.bobyqa`) run from a well-chosen start over a search space.

The space's ranges become the unit cube (a :class:`~impl.search.space.LogUniform`
range is searched in its logarithm, as MITIE searches ``log C`` and ``log γ``), and
BOBYQA minimises the objective there with trust-region radius ``radius``
(:math:`\rho_\text{beg}`) shrinking to ``min_radius`` (:math:`\rho_\text{end}`).  It is a
local method: it finds the local minimum nearest its start, which is the guide's
caveat that the method succeeds only from a good start.  A non-finite value (a
diverged run) ends the search: BOBYQA's quadratic model cannot pass through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from impl._checks import real
from impl.search.bobyqa.driver import bobyqa
from impl.search.space import SearchResult, check_space, encode, positive_int


@dataclass
class TrustRegionResult(SearchResult):
    """Also lists, in order, the trials that became BOBYQA's centre :math:`x_\\text{opt}`
    (each lower than every earlier one; the start first), and why the search stopped."""

    centres: list[int] = field(default_factory=list)
    status: str = ""


def trust_region_search(objective: Callable, space, start, n_trials=100, radius=0.1,
                        min_radius=1e-6) -> TrustRegionResult:
    r"""Minimise ``objective`` from ``start`` (a dict of parameter values) by BOBYQA in
    the unit cube of ``space``; radii are in unit-cube coordinates.

    .. math:: \min_{u \in [0, 1]^d} f(\text{decode}(u)), \qquad u_0 = \text{encode}(\text{start}),\quad
              \rho_\text{beg} = \texttt{radius},\ \rho_\text{end} = \texttt{min\_radius},\ m = 2d + 1

    At most ``n_trials`` evaluations.  A start within ``radius`` of a bound is moved to
    ``radius`` from it (or onto it), as Powell's BOBYQA does.
    """
    space = check_space(space, continuous=True)
    u0 = encode(space, start)
    n = positive_int(n_trials, "n_trials")
    r, r_min = real(radius, "radius"), real(min_radius, "min_radius")
    if not 0 < r <= 0.5:
        raise ValueError(f"radius must be in (0, 0.5] (unit-cube coordinates), got {radius}")
    if not 0 < r_min <= r:
        raise ValueError(f"min_radius must be in (0, radius], got {min_radius}")
    d = len(space)
    result = TrustRegionResult(space)

    def f(u):
        role = "start" if not result.trials else "initial" if len(result.trials) <= 2 * d else "step"
        return result.evaluate(objective, u, role).value

    run = bobyqa(f, u0, np.zeros(d), np.ones(d), rhobeg=r, rhoend=r_min, maxfun=n)
    result.status = run.status
    best = np.inf
    for i, t in enumerate(result.trials):
        if t.value < best:  # a NaN is never lower
            best = t.value
            result.centres.append(i)
    return result

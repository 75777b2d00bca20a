r"""A derivative-free trust-region search from a start point: the MITIE approach of
the guide's §3.2 (method 5), which runs Powell's BOBYQA from a well-chosen start.

Like BOBYQA (Bound Optimization BY Quadratic Approximation) it fits a quadratic
model of the objective to evaluated points around the current centre, minimises the
model inside the trust region intersected with the bounds, and moves the centre
only to a better point.  Unlike BOBYQA it rebuilds its model from a fresh stencil
of :math:`(d+1)(d+2)/2` points at every step, instead of updating :math:`2d+1`
interpolation points by the least-Frobenius-norm change of the Hessian, and its
trust region is a box, not a ball.  It finds the local minimum nearest its start:
the guide's caveat that success depends on the start point.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from impl._checks import real
from impl.search.space import SearchResult, check_space, encode, positive_int


@dataclass
class TrustRegionResult(SearchResult):
    """Also lists, in order, the trials that became the centre (the start first)."""

    centres: list[int] = field(default_factory=list)


def stencil(center: np.ndarray, radius: float) -> np.ndarray:
    r"""The :math:`(d+1)(d+2)/2 - 1` offsets around ``center`` that determine a quadratic:
    two along each axis and one along each pair of axes, all inside the unit cube
    (``radius`` at most 1/2).

    .. math:: \{a_i e_i,\ b_i e_i\}_{i} \cup \{a_i e_i + a_j e_j\}_{i < j}, \qquad
              a_i = \pm r \text{ (towards the room)}, \quad b_i = -a_i \text{ or } a_i/2
    """
    d = len(center)
    a = np.where(center + radius <= 1.0, radius, -radius)
    b = np.where((center - a >= 0.0) & (center - a <= 1.0), -a, a / 2)
    eye = np.eye(d)
    i, j = np.triu_indices(d, k=1)
    return np.vstack([eye * a[:, None], eye * b[:, None], eye[i] * a[i, None] + eye[j] * a[j, None]])


def quadratic_model(offsets: np.ndarray, values: np.ndarray, f0: float):
    r"""Gradient and Hessian of the quadratic through :math:`(0, f_0)` and the
    ``offsets`` with their ``values``:

    .. math:: m(s) = f_0 + g^\top s + \tfrac12 s^\top H s
    """
    d = offsets.shape[1]
    i, j = np.triu_indices(d)
    # unknowns: g (d) and the upper triangle of H; the diagonal enters as ½H_ii s_i²
    basis = np.hstack([offsets, offsets[:, i] * offsets[:, j] * np.where(i == j, 0.5, 1.0)])
    coef = np.linalg.solve(basis, values - f0)
    H = np.zeros((d, d))
    H[i, j] = coef[d:]
    H[j, i] = coef[d:]
    return coef[:d], H


def box_subproblem(g: np.ndarray, H: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    r"""The minimiser of the quadratic model inside a box (``lower <= 0 <= upper``):

    .. math:: \min_{l \le s \le u}\ g^\top s + \tfrac12 s^\top H s

    solved exactly for any symmetric :math:`H`: the minimum lies at a stationary
    point of some face of the box, so for each set :math:`F` of free coordinates and
    each assignment of the others to a bound, :math:`H_{FF}\,s_F = -(g_F + H_{F\bar F}\,s_{\bar F})`
    is solved, and the best feasible point kept (:math:`3^d` faces, vectorised per
    :math:`F`: the few dimensions of a hyperparameter search).
    """
    d = len(g)
    best, best_m = np.zeros(d), 0.0
    for free in itertools.product((False, True), repeat=d):
        free = np.array(free)
        fixed = np.array(list(itertools.product(*[(lower[i], upper[i]) for i in np.flatnonzero(~free)])))
        s = np.zeros((max(len(fixed), 1), d))
        if (~free).any():
            s[:, ~free] = fixed
        if free.any():
            rhs = -(g[free][None, :] + s[:, ~free] @ H[np.ix_(~free, free)])
            try:
                s[:, free] = np.linalg.solve(H[np.ix_(free, free)], rhs.T).T
            except np.linalg.LinAlgError:  # singular on this face: a lower face holds its minimum
                continue
        inside = np.all((s >= lower - 1e-12) & (s <= upper + 1e-12), axis=1)
        if not inside.any():
            continue
        s = np.clip(s[inside], lower, upper)
        m = s @ g + 0.5 * np.einsum("ki,ij,kj->k", s, H, s)
        k = int(np.argmin(m))
        if m[k] < best_m:
            best, best_m = s[k], float(m[k])
    return best


def radius_update(radius: float, rho: float, step: float) -> float:
    r"""The trust radius after a step of length ``step`` (:math:`\lVert s\rVert_\infty`) and ratio ``rho``.

    .. math::

        r \leftarrow \begin{cases} \min(2r, \tfrac12) & \rho \ge \tfrac34 \text{ and } \lVert s\rVert_\infty \ge 0.99\,r \\
        r/2 & \rho < \tfrac14 \text{ or } \lVert s\rVert_\infty < r/2 \\ r & \text{otherwise} \end{cases}

    A short step halves the radius too, as in BOBYQA: a model fitted at scale :math:`r`
    is only accurate to :math:`O(r^2)` in its gradient, so its own minimum is not the
    objective's until the radius shrinks.
    """
    if rho >= 0.75 and step >= 0.99 * radius:
        return min(2 * radius, 0.5)
    if rho < 0.25 or step < 0.5 * radius:
        return radius / 2
    return radius


def _better(new: float, old: float) -> bool:
    return new < old  # a NaN is never better


def _search(objective, space, start, n_trials, radius, min_radius, model, subproblem, accept, update):
    space = check_space(space, continuous=True)
    center = encode(space, start)
    n = positive_int(n_trials, "n_trials")
    r, r_min = real(radius, "radius"), real(min_radius, "min_radius")
    if not 0 < r <= 0.5:
        raise ValueError(f"radius must be in (0, 0.5] (unit-cube coordinates), got {radius}")
    if not 0 < r_min <= r:
        raise ValueError(f"min_radius must be in (0, radius], got {min_radius}")
    d = len(space)
    result = TrustRegionResult(space)
    f0 = result.evaluate(objective, center, "start").value
    result.centres.append(0)
    while r >= r_min and len(result.trials) + (d + 1) * (d + 2) // 2 <= n:
        offsets = stencil(center, r)
        first = len(result.trials)
        values = np.array([result.evaluate(objective, center + o, "model").value for o in offsets])
        cands = [(v, first + k) for k, v in enumerate(values)]
        if np.isfinite(values).all() and np.isfinite(f0):
            g, H = model(offsets, values, f0)
            s = subproblem(g, H, np.maximum(-r, -center), np.minimum(r, 1.0 - center))
            predicted = -(g @ s + 0.5 * s @ H @ s)
            rho = -np.inf  # no decrease predicted: no step, and a smaller radius
            if predicted > 0:
                f_step = result.evaluate(objective, np.clip(center + s, 0.0, 1.0), "step").value
                rho = (f0 - f_step) / predicted
                cands.append((f_step, len(result.trials) - 1))
            r = update(r, rho, float(np.max(np.abs(s))))
        else:
            r /= 2  # no model through a non-finite value: look closer
        # the new centre: the best point of this step, if it beats the centre (a non-finite centre loses to any)
        f_new, idx = min(cands, key=lambda c: (not np.isfinite(c[0]), c[0]))
        if accept(f_new, f0 if np.isfinite(f0) else np.inf):
            center, f0 = result.trials[idx].unit, result.trials[idx].value
            result.centres.append(idx)
    return result


def trust_region_search(objective: Callable, space, start, n_trials=100, radius=0.1, min_radius=1e-4) -> TrustRegionResult:
    r"""Minimise ``objective`` from ``start`` (a dict of parameter values) by a
    derivative-free trust-region method; radii are in unit-cube coordinates.

    Each step fits :math:`m(s) = f(c) + g^\top s + \tfrac12 s^\top H s` to a stencil
    around the centre :math:`c`, takes :math:`s` minimising :math:`m` in
    :math:`[-r, r]^d \cap [0, 1]^d - c`, evaluates :math:`c + s`, and with
    :math:`\rho = (f(c) - f(c + s)) / (m(0) - m(s))`:

    .. math:: c \leftarrow \arg\min\{f(c), f(c + s), f(\text{stencil})\}

    and the radius updated by :func:`radius_update`,
    until :math:`r` < ``min_radius`` or the next step would exceed ``n_trials``.
    """
    return _search(objective, space, start, n_trials, radius, min_radius, quadratic_model, box_subproblem, _better,
                   radius_update)

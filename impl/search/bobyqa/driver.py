r"""The user-facing call of BOBYQA: checks the arguments, applies Powell's defaults,
adjusts the start at the bounds and runs :func:`~impl.search.bobyqa.bobyqb.bobyqb`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from impl._checks import integer, real
from impl.search.bobyqa.bobyqb import bobyqb
from impl.search.bobyqa.prelim import Evaluator, adjust_start


@dataclass
class BobyqaResult:
    """The best point and value, every evaluated point in order, and why it stopped."""

    x: np.ndarray
    fun: float
    nfev: int
    points: np.ndarray  # nfev × n, in the order evaluated
    values: np.ndarray  # nfev
    status: str


def _vector(value, name, n=None):
    arr = np.asarray(value, dtype=float)
    if arr.ndim != 1 or (n is not None and arr.shape != (n,)):
        raise ValueError(f"{name} must be a vector" + (f" of length {n}" if n is not None else "") +
                         f", got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr}")
    return arr


def bobyqa(fun: Callable[[np.ndarray], float], x0, lower, upper, rhobeg: float | None = None,
           rhoend: float = 1e-6, maxfun: int | None = None, npt: int | None = None) -> BobyqaResult:
    r"""Minimise ``fun`` over the box :math:`[x_l, x_u]` from ``x0`` by BOBYQA.

    .. math:: \min_{x_l \le x \le x_u} f(x), \qquad m = 2n + 1,\quad
              \rho_\text{beg} \le \tfrac12 \min_i (x_{u,i} - x_{l,i}),\quad \rho_\text{end} \le \rho_\text{beg}

    Powell's defaults: ``npt`` :math:`= 2n + 1`; ``rhobeg`` one tenth of the greatest
    expected change, here :math:`\min(0.1 \max_i |x_{0,i}|\ \text{or}\ 0.1,\ \tfrac12\min_i(x_u - x_l))`
    when not given; ``maxfun`` :math:`500 n`.  ``fun`` receives a float64 vector inside
    the box.  ``status`` says why it stopped: ``"rhoend"`` (with or without the final
    Newton step), ``"maxfun"``, a non-finite value (the model cannot pass through it, so
    the run ends there), or a rounding failure as Powell's (RESCUE is called first where
    Powell calls it).
    """
    x0 = _vector(x0, "x0")
    n = len(x0)
    if n < 1:
        raise ValueError("x0 must have at least one variable")
    xl, xu = _vector(lower, "lower", n), _vector(upper, "upper", n)
    if np.any(xl >= xu):
        raise ValueError(f"lower must be below upper in every variable, got lower={xl}, upper={xu}")
    npt = 2 * n + 1 if npt is None else integer(npt, "npt")
    if not n + 2 <= npt <= (n + 1) * (n + 2) // 2:
        raise ValueError(f"npt must be in [n + 2, (n + 1)(n + 2)/2] = [{n + 2}, {(n + 1) * (n + 2) // 2}], got {npt}")
    if rhobeg is None:
        rhobeg = min(0.1 * max(float(np.max(np.abs(x0))), 1.0), 0.5 * float(np.min(xu - xl)))
    rhobeg, rhoend = real(rhobeg, "rhobeg"), real(rhoend, "rhoend")
    if not 0 < rhoend <= rhobeg:
        raise ValueError(f"rhobeg and rhoend must satisfy 0 < rhoend <= rhobeg, got rhobeg={rhobeg}, rhoend={rhoend}")
    if np.any(xu - xl < 2 * rhobeg):
        raise ValueError(f"rhobeg={rhobeg} is too large: every upper - lower must be at least 2 rhobeg")
    maxfun = 500 * n if maxfun is None else integer(maxfun, "maxfun", 1)
    x, sl, su = adjust_start(x0, xl, xu, rhobeg)  # a start outside the box goes onto it there
    evaluate = Evaluator(fun, xl, xu, maxfun)
    status = bobyqb(evaluate, x, sl, su, rhobeg, rhoend, npt)
    values = np.array(evaluate.values)
    points = np.array(evaluate.points).reshape(len(values), n)
    best = int(np.argmin(np.where(np.isnan(values), np.inf, values)))  # PRELIM evaluates x_b first: maxfun >= 1
    return BobyqaResult(x=points[best].copy(), fun=float(values[best]), nfev=len(values), points=points,
                        values=values, status=status)

r"""MaxLIPO+TR (guide §3.2, method 6: "LIPO ... has no parameters"): dlib's
``find_min_global`` (D. King, "A global optimization algorithm worth using", 2017), the
method the guide's source describes, written for minimisation.

Each step is one of:

* **initial**: the centre of the box first, then uniform points until there are
  :math:`\max(3, d)`;
* **trust-region** (every other step, once there are more than :math:`d + 1` points): a
  quadratic fitted to the :math:`(d+1)(d+2)/2` points nearest the best one
  (:func:`fit_quadratic`), minimised in a ball of radius :math:`\Delta` around it
  (:func:`trust_region_subproblem`); :math:`\Delta` halves when the step achieves under a
  quarter of its predicted decrease, doubles above three quarters, and restarts from the
  local spread when a non-trust-region step improves the best point from afar;
* **lipo** (MaxLIPO, otherwise, with probability 0.98): of 5000 uniform candidates, the one
  of lowest lower bound :math:`L` (:func:`maxlipo_lower_bound`, constants fitted by
  :func:`lipschitz_fit`), if that bound is below the best value;
* **random**: otherwise a uniform point.

Integer variables are drawn rounded and left at the best point's value by the
trust-region step; ranges of ratio :math:`\ge 1000` with a positive lower end are searched
in :math:`\log x` (:func:`find_min_global`) or as the space declares (:func:`maxlipo_search`).

The constants (noise :math:`\nu = 10^{-3}`, 5000 candidates, probability 0.02, the radius
rules) are dlib's and are not exposed: the method's only inputs are the box and the
budget.  dlib's ``find_min_global`` also shrinks the 5000 towards pure random search
when the objective is faster to evaluate than the bound (a wall-clock rule); this one
never does, so that a seed decides every step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from impl.search.maxlipo_model import NOISE, fit_quadratic, lipschitz_fit, maxlipo_lower_bound, trust_region_subproblem
from impl.search.space import Choice, SearchResult, Trial, check_space, decode, positive_int

MC_SAMPLES = 5000  # dlib's num_random_samples
RANDOM_PROBABILITY = 0.02  # dlib's pure_random_search_probability
LOG_RATIO = 1000.0  # find_max_global: a range of at least this ratio is searched in log x


@dataclass
class MaxLipo:
    r"""The ask/tell state of MaxLIPO+TR on the box :math:`[l, u]` (dlib's
    ``global_function_search``): :meth:`ask` proposes a point and its role, :meth:`tell`
    records its value.

    .. math:: x_{t+1} = \begin{cases} \arg\min_{\lVert p\rVert \le \Delta} Q(x^* + p) & \text{trust-region} \\
              \arg\min_{c \in C_t} L_t(c) \ \text{if}\ \min L_t < f^* & \text{lipo} \\
              c \sim \mathcal U[l, u] & \text{random} \end{cases}
    """

    lower: np.ndarray
    upper: np.ndarray
    is_integer: np.ndarray
    seed: int = 0
    # the parts, as class attributes so that a variant (a known mistake) can replace one
    fit = staticmethod(lipschitz_fit)
    bound = staticmethod(maxlipo_lower_bound)
    alternate = True  # alternate trust-region and MaxLIPO steps
    x: list = field(default_factory=list)  # the finite evaluations, as dlib's points
    f: list = field(default_factory=list)
    radius: float = 0.0
    best_x: np.ndarray | None = None
    best_f: float = math.inf
    slopes: np.ndarray | None = None
    offsets: np.ndarray | None = None
    _pairs: np.ndarray | None = None
    _tr_next: bool = True
    pending: tuple | None = None  # the trust-region step in flight: (anchor value, predicted decrease)
    _asked_centre: bool = False

    def __post_init__(self):
        self.lower = np.asarray(self.lower, dtype=np.float64)
        self.upper = np.asarray(self.upper, dtype=np.float64)
        self.is_integer = np.asarray(self.is_integer, dtype=bool)
        self.rng = np.random.default_rng(self.seed)

    @property
    def d(self) -> int:
        return len(self.lower)

    def _random(self) -> np.ndarray:
        x = self.lower + self.rng.random(self.d) * (self.upper - self.lower)
        return np.where(self.is_integer, np.round(x), x)

    def ask(self) -> tuple[np.ndarray, str]:
        n = len(self.f)
        if n == 0 and not self._asked_centre:
            self._asked_centre = True
            x = (self.lower + self.upper) / 2
            return np.where(self.is_integer, np.round(x), x), "initial"
        if n < max(3, self.d):
            return self._random(), "initial"
        if self.alternate and self._tr_next and n > self.d + 1:
            step = self._trust_region()
            if step is not None:
                self._tr_next = False
                return step, "trust-region"
        self._tr_next = True
        if self.rng.random() >= RANDOM_PROBABILITY:
            c = self.lower + self.rng.random((MC_SAMPLES, self.d)) * (self.upper - self.lower)
            c = np.where(self.is_integer, np.round(c), c)
            bound = self.bound(c, np.array(self.x), np.array(self.f), self.slopes, self.offsets)
            i = int(np.argmin(bound))
            if bound[i] < self.best_f:  # dlib: predicted improvement > 0
                return c[i], "lipo"
        return self._random(), "random"

    def _trust_region(self):
        free = ~self.is_integer
        dims = int(free.sum())
        if dims == 0:
            return None  # dlib: predicted improvement 0, no step
        x, f = np.array(self.x), np.array(self.f)
        best = self.best_x
        m = min(len(f), (dims + 1) * (dims + 2) // 2)
        dist = np.linalg.norm(x - best, axis=1)
        near = np.lexsort((np.arange(len(f)), dist))[:m]  # std::sort of (distance, index) pairs
        if self.radius == 0:
            self.radius = 0.95 * float(np.max(np.linalg.norm((x[near] - best)[:, free], axis=1)))
        if not self.radius > 0:
            return None
        anchor = best[free]
        h, g, _ = fit_quadratic(x[near][:, free] - anchor, f[near])
        p = trust_region_subproblem(h, g, self.radius, self.lower[free] - anchor, self.upper[free] - anchor)
        length = np.linalg.norm(p)
        if length >= self.radius:
            p *= self.radius / length
        predicted = -(0.5 * p @ h @ p + g @ p)  # the model's decrease of f
        if not predicted > 0:
            return None
        out = best.copy()
        out[free] = np.clip(anchor + p, self.lower[free], self.upper[free])
        self.pending = (self.best_f, predicted)
        return out

    def tell(self, x, value: float, role: str) -> None:
        if role == "trust-region" and self.pending is not None:
            anchor_f, predicted = self.pending
            rho = (anchor_f - value) / abs(predicted) if math.isfinite(value) else -math.inf
            if rho < 0.25:
                self.radius *= 0.5
            elif rho > 0.75:
                self.radius *= 2
        self.pending = None
        if not math.isfinite(value):
            return  # a diverged run is recorded by the caller, never modelled
        x = np.asarray(x, dtype=np.float64)
        self.x.append(x)
        self.f.append(float(value))
        self._refit()
        if value < self.best_f:
            far = self.best_x is not None and np.linalg.norm(x - self.best_x) > self.radius * 1.001
            if role != "trust-region" and far:
                self.radius = 0.0  # a big move: the next trust-region step resizes to the new neighbourhood
            self.best_f, self.best_x = float(value), x

    def _refit(self):
        n = len(self.f)
        x, f = np.array(self.x), np.array(self.f)
        if n <= 4:  # dlib refits on every pair until the fifth point
            self.slopes, self.offsets, self._pairs = self.fit(x, f, NOISE)
            return
        new = np.column_stack([np.arange(n - 1), np.full(n - 1, n - 1)])
        pairs = np.vstack([self._pairs, new])
        self.slopes, self.offsets, self._pairs = self.fit(x, f, NOISE, pairs=pairs)


def _bound(value, name: str) -> np.ndarray:
    """A bound vector as float64 (dlib takes any real numbers, integers included); anything else names the bound."""
    try:
        return np.asarray(value, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be real numbers, got {value!r}") from None


def _box(lower, upper, is_integer):
    lo, hi = _bound(lower, "lower"), _bound(upper, "upper")
    if lo.shape != hi.shape or not len(lo):
        raise ValueError(f"lower and upper must be non-empty and of one length, got {lo.shape} and {hi.shape}")
    if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
        raise ValueError("lower and upper must be finite")
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)  # dlib swaps reversed bounds
    if (lo == hi).any():
        raise ValueError("lower and upper must differ in every dimension")
    ints = np.zeros(len(lo), dtype=bool) if is_integer is None else np.asarray(is_integer, dtype=bool).ravel()
    if ints.shape != lo.shape:
        raise ValueError(f"is_integer must have one flag per dimension ({len(lo)}), got {ints.shape}")
    if (ints & ((np.round(lo) != lo) | (np.round(hi) != hi))).any():
        raise ValueError("an integer variable needs integer lower and upper bounds")
    return lo, hi, ints


def find_min_global(f: Callable, lower, upper, num_function_calls: int, is_integer=None, seed: int = 0):
    r"""Minimise ``f(x)`` (``x`` a float64 vector) over the box, dlib's ``find_min_global``:
    a range with :math:`l > 0` and :math:`u/l \ge 1000` (not integer) is searched in
    :math:`\log x`.  Returns ``(best_x, best_value, xs, values, roles)``, every evaluation
    in order.

    .. math:: \hat x = \arg\min_{t \le T} f(x_t), \quad x_t \ \text{from}\ :class:`MaxLipo`
    """
    lo, hi, ints = _box(lower, upper, is_integer)
    n = positive_int(num_function_calls, "num_function_calls")
    logs = ~ints & (lo > 0) & (hi / np.where(lo > 0, lo, 1.0) >= LOG_RATIO)
    state = MaxLipo(np.where(logs, np.log(np.where(logs, lo, 1.0)), lo),
                    np.where(logs, np.log(np.where(logs, hi, 1.0)), hi), ints, seed)
    xs, values, roles = [], [], []
    for _ in range(n):
        z, role = state.ask()
        x = np.where(logs, np.exp(z), z)
        value = float(f(x))
        state.tell(z, value, role)
        xs.append(x)
        values.append(value)
        roles.append(role)
    values = np.array(values)
    i = int(np.argmin(np.where(np.isfinite(values), values, np.inf)))  # the first point when none is finite
    return xs[i], float(values[i]), np.array(xs), values, roles


def maxlipo_search(objective: Callable, space, n_trials=30, seed=0) -> SearchResult:
    r"""MaxLIPO+TR over a search space: a Uniform searched in :math:`x`, a LogUniform in
    :math:`\log x`, a Choice of :math:`k` values as an integer variable in :math:`[0, k-1]`.
    No parameter besides the budget and the seed.

    .. math:: x_{t+1} = \text{MaxLIPO+TR}\bigl(\{(x_i, f(x_i))\}_{i \le t}\bigr)
    """
    return search_space(MaxLipo, objective, space, n_trials, seed)


def search_space(engine, objective: Callable, space, n_trials: int, seed) -> SearchResult:
    r"""Run an ask/tell ``engine`` class of :class:`MaxLipo`'s interface over a search space, in the
    coordinates :func:`maxlipo_search` describes; each trial's unit point is

    .. math:: u = \frac{z - l}{u - l}\ \text{(ranges)}, \qquad u = \frac{z + \tfrac12}{k}\ \text{(Choice)}
    """
    space = check_space(space)
    n = positive_int(n_trials, "n_trials")
    dims = list(space.values())
    ints = np.array([isinstance(d, Choice) for d in dims])
    lo = np.array([0.0 if isinstance(d, Choice) else (math.log(d.low) if d.log else d.low) for d in dims])
    hi = np.array([len(d.values) - 1.0 if isinstance(d, Choice) else (math.log(d.high) if d.log else d.high)
                   for d in dims])
    flat = lo == hi  # a Choice of one value: nothing to search
    hi = np.where(flat, lo + 1.0, hi)
    state = engine(lo, hi, ints, seed)
    result = SearchResult(space)
    for _ in range(n):
        z, role = state.ask()
        z = np.where(flat, lo, z)
        unit = np.array([(z[j] + 0.5) / len(d.values) if isinstance(d, Choice) else (z[j] - lo[j]) / (hi[j] - lo[j])
                         for j, d in enumerate(dims)])
        params = decode(space, unit[None, :])[0]
        value = objective(dict(params))
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"objective must return a real number, got {type(value).__name__} for {params}") from None
        result.trials.append(Trial(params, value, unit, role))
        state.tell(z, value, role)
    return result

r"""The search space, trials and results shared by every search algorithm.

A space is a dict ``name -> dimension``: :class:`Choice` (a list of values),
:class:`Uniform` (a continuous range) or :class:`LogUniform` (a continuous range on a
log scale, for learning rates and weight decays).  Every algorithm works in the unit
cube :math:`[0, 1]^d` and decodes its points into parameter values:

.. math::

    x = \text{low} + u\,(\text{high} - \text{low}) \ \text{(Uniform)}, \qquad
    x = \text{low}\,(\text{high}/\text{low})^{u} \ \text{(LogUniform)}, \qquad
    x = \text{values}\bigl[\min(\lfloor u k \rfloor, k - 1)\bigr] \ \text{(Choice of } k\text{)}

so a log-scale range is searched uniformly in its logarithm, and distances (LIPO's
Lipschitz bound, the Gaussian process's kernel) are measured in those coordinates.

Every search **minimises** its objective.  A non-finite value (a diverged training
run) is recorded in its trial and the search goes on; it is never the best, and the
model-based searches leave it out of their models.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from impl._checks import positive_int  # noqa: F401  (shared by every chapter)


def _finite_real(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Choice:
    """One of a list of values (a width, an activation's name)."""

    values: tuple

    def __post_init__(self):
        if isinstance(self.values, (str, bytes)) or not isinstance(self.values, Sequence):
            raise TypeError(f"values must be a sequence, got {type(self.values).__name__}")
        if len(self.values) == 0:
            raise ValueError("values must not be empty")
        object.__setattr__(self, "values", tuple(self.values))

    def decode(self, u: np.ndarray) -> list:
        k = len(self.values)
        return [self.values[i] for i in np.minimum((u * k).astype(int), k - 1)]


@dataclass(frozen=True)
class Uniform:
    """A real number in [low, high], searched on a linear scale."""

    low: float
    high: float
    log = False

    def __post_init__(self):
        low, high = _finite_real(self.low, "low"), _finite_real(self.high, "high")
        if not low < high:
            raise ValueError(f"low must be below high, got low={low}, high={high}")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    def decode(self, u: np.ndarray) -> np.ndarray:
        # the ends exactly: a grid's last point is high itself, not high(1 − ε)
        return np.where(u >= 1, self.high, np.clip(self.low + u * (self.high - self.low), self.low, self.high))


@dataclass(frozen=True)
class LogUniform(Uniform):
    """A positive real number in [low, high], searched on a log scale."""

    log = True

    def __post_init__(self):
        super().__post_init__()
        if not self.low > 0:
            raise ValueError(f"low must be positive on a log scale, got low={self.low}")

    def decode(self, u: np.ndarray) -> np.ndarray:
        return np.where(u >= 1, self.high, np.clip(self.low * (self.high / self.low) ** u, self.low, self.high))


DIMENSIONS = (Choice, Uniform, LogUniform)


def check_space(space, continuous: bool = False) -> dict:
    """``space`` validated: a non-empty dict of dimensions (only ranges if ``continuous``)."""
    if not isinstance(space, Mapping):
        raise TypeError(f"space must be a dict of name -> dimension, got {type(space).__name__}")
    if not space:
        raise ValueError("space is empty: give at least one dimension")
    for name, dim in space.items():
        if not isinstance(dim, DIMENSIONS):
            raise TypeError(f"space[{name!r}] must be Choice, Uniform or LogUniform, got {type(dim).__name__}")
        if continuous and isinstance(dim, Choice):
            raise TypeError(f"space[{name!r}] is a Choice; this search needs continuous ranges (Uniform, LogUniform)")
    return dict(space)


def decode(space: dict, units: np.ndarray) -> list[dict]:
    r"""Parameter dicts for the rows of ``units`` (points of the unit cube), dimension by dimension.

    .. math:: u \mapsto \text{low} + u(\text{high} - \text{low}),\quad \text{low}\,(\text{high}/\text{low})^u,\quad
              \text{values}[\min(\lfloor uk \rfloor, k - 1)]
    """
    columns = [dim.decode(units[:, j]) for j, dim in enumerate(space.values())]
    return [{name: _plain(col[i]) for name, col in zip(space, columns)} for i in range(len(units))]


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


@dataclass(frozen=True)
class Trial:
    """One evaluation: the parameters, the objective's value, the point in the unit
    cube, and the role the algorithm gave it ("grid", "random", "explore", ...)."""

    params: dict
    value: float
    unit: np.ndarray
    role: str


@dataclass
class SearchResult:
    """The trials in the order they were evaluated."""

    space: dict
    trials: list[Trial] = field(default_factory=list)

    @property
    def values(self) -> np.ndarray:
        return np.array([t.value for t in self.trials], dtype=float)

    @property
    def units(self) -> np.ndarray:
        return np.array([t.unit for t in self.trials], dtype=float).reshape(len(self.trials), len(self.space))

    @property
    def best(self) -> Trial | None:
        """The trial with the lowest finite value (None if there is none)."""
        finite = [t for t in self.trials if math.isfinite(t.value)]
        return min(finite, key=lambda t: t.value) if finite else None

    def evaluate(self, objective: Callable, unit: np.ndarray, role: str) -> Trial:
        """Evaluate ``objective`` at one point of the unit cube and record the trial."""
        params = decode(self.space, unit[None, :])[0]
        value = objective(dict(params))
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"objective must return a real number, got {type(value).__name__} for {params}") from None
        trial = Trial(params, value, np.array(unit, dtype=float), role)
        self.trials.append(trial)
        return trial


def encode(space: dict, params, name: str = "start") -> np.ndarray:
    r"""The unit-cube point of ``params`` (a dict over a space of ranges), inverse of :func:`decode`.

    .. math:: u = \frac{x - \text{low}}{\text{high} - \text{low}} \ \text{(Uniform)}, \qquad
              u = \frac{\log(x/\text{low})}{\log(\text{high}/\text{low})} \ \text{(LogUniform)}
    """
    if not isinstance(params, Mapping) or set(params) != set(space):
        raise ValueError(f"{name} must give a value for each of {sorted(space)}, got {params!r}")
    unit = []
    for key, dim in space.items():
        x = _finite_real(params[key], f"{name}[{key!r}]")
        if not dim.low <= x <= dim.high:
            raise ValueError(f"{name}[{key!r}]={x} is outside [{dim.low}, {dim.high}]")
        unit.append(math.log(x / dim.low) / math.log(dim.high / dim.low) if dim.log else (x - dim.low)
                    / (dim.high - dim.low))
    return np.clip(np.array(unit), 0.0, 1.0)

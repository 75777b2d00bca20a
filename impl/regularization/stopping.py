"""When to stop training: early stopping with patience, and the guide's accuracy rule."""

from __future__ import annotations

import math

from impl._checks import integer, positive_int, real


def _mode(mode) -> str:
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min' (a loss) or 'max' (an accuracy), got {mode!r}")
    return mode


class EarlyStopping:
    r"""Stop when the monitored metric has not improved for ``patience`` evaluations.

    .. math::
        \text{improved}_t \iff m_t < m^\ast - \delta \ (\text{mode min}),\quad m_t > m^\ast + \delta \ (\text{max});
        \qquad \text{stop at the first } t \text{ with } t - t^\ast \ge \text{patience}

    ``step(metric)`` records one evaluation and returns True when training should stop;
    ``best`` and ``best_epoch`` (0-based) say which weights to restore.  A NaN metric
    never improves.
    """

    def __init__(self, patience=5, min_delta=0.0, mode="min"):
        self.patience = integer(patience, "patience", 0)
        self.min_delta = real(min_delta, "min_delta")
        if self.min_delta < 0:
            raise ValueError(f"min_delta must be at least 0, got {self.min_delta}")
        self.mode = _mode(mode)
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = -1
        self.epoch = -1
        self.stopped = False

    def improved(self, metric: float) -> bool:
        """Whether ``metric`` beats the best so far by more than min_delta (NaN never does)."""
        if self.mode == "min":
            return metric < self.best - self.min_delta
        return metric > self.best + self.min_delta

    def step(self, metric) -> bool:
        """Record one evaluation (epoch 0, 1, …); True when training should stop."""
        m = real(metric, "metric")
        if self.stopped:
            raise RuntimeError("EarlyStopping.step called after it said stop")
        self.epoch += 1
        if self.improved(m):
            self.best, self.best_epoch = m, self.epoch
        self.stopped = self.epoch - self.best_epoch >= self.patience  # best_epoch −1: nothing improved yet
        return self.stopped


class AccuracyStop:
    r"""The guide's rule (§7, training procedure, step 8): every M iterations, check whether
    the error meets the required accuracy; stop as soon as it does.

    .. math:: \text{stop at the first } t \text{ with } t \equiv 0 \pmod M \text{ and } e_t \le \varepsilon
              \quad(\text{mode max: } a_t \ge \varepsilon)

    ``step(metric)`` is called once per iteration (t = 1, 2, …) and returns True when
    training should stop; between checks the metric is not looked at.
    """

    def __init__(self, target, every=1, mode="min"):
        self.target = real(target, "target")
        self.every = positive_int(every, "every")
        self.mode = _mode(mode)
        self.iteration = 0

    def step(self, metric) -> bool:
        """Record one iteration's error (or accuracy); True when training should stop."""
        m = real(metric, "metric")
        self.iteration += 1
        if self.iteration % self.every:
            return False
        return m <= self.target if self.mode == "min" else m >= self.target

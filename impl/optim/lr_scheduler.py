"""Learning-rate schedules (``torch.optim.lr_scheduler``), on impl's optimizers.

A scheduler rewrites ``group["lr"]`` of its optimizer's parameter groups; call
``scheduler.step()`` once per epoch (or iteration), after ``optimizer.step()``.  Like
torch's, every schedule is *chainable*: ``get_lr`` derives the next learning rate from
the current one (not from a closed form in t), so that several schedulers stepping one
optimizer multiply their factors -- which is how ``ChainedScheduler`` combines them.
``SequentialLR`` hands the optimizer from one scheduler to the next at milestones.

Any object with torch's ``param_groups`` (a list of dicts holding ``"lr"``) can be
scheduled; torch insists on an ``Optimizer`` instance.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence

from impl._checks import real
from impl.optim.optimizer import integer


def _param_groups(optimizer) -> list[dict]:
    groups = getattr(optimizer, "param_groups", None)
    if not isinstance(groups, list) or not all(isinstance(g, dict) and "lr" in g for g in groups):
        raise TypeError(f"optimizer must be an optimizer with param_groups holding 'lr', got "
                        f"{type(optimizer).__name__}")
    return groups


class LRScheduler:
    """Base class: subclasses implement ``get_lr`` (and ``_closed_form_lr`` where one exists)."""

    def __init__(self, optimizer, last_epoch: int = -1):
        groups = _param_groups(optimizer)
        self.optimizer = optimizer
        last_epoch = integer(last_epoch, "last_epoch", minimum=-1)
        if last_epoch == -1:
            for group in groups:
                group.setdefault("initial_lr", group["lr"])
        elif any("initial_lr" not in g for g in groups):
            raise ValueError("last_epoch >= 0 resumes a schedule: every param group needs its 'initial_lr'")
        self.base_lrs = [g["initial_lr"] for g in groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """Set t = last_epoch + 1 (0 for a new schedule) and its learning rate."""
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        return list(self._last_lr)

    def _current(self) -> list[float]:
        return [g["lr"] for g in self.optimizer.param_groups]

    def step(self) -> None:
        self._step_count += 1
        self._update_lr()

    def _update_lr(self, epoch: int | None = None) -> None:
        """Advance one epoch, or jump to ``epoch`` through the closed form where there is one."""
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed = getattr(self, "_closed_form_lr", None)
            values = closed() if closed else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = self._current()

    def state_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        self.__dict__.update(state_dict)


class LambdaLR(LRScheduler):
    r"""η_t = η₀ · λ(t), one λ for every group or one per group.

    .. math:: \eta_t = \eta_0\, \lambda(t)
    """

    def __init__(self, optimizer, lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1):
        groups = _param_groups(optimizer)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(groups):
                raise ValueError(f"lr_lambda has {len(lr_lambda)} functions, expected one per param group "
                                 f"({len(groups)})")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(groups)
        if not all(callable(f) for f in self.lr_lambdas):
            raise TypeError("lr_lambda must be a function of the epoch, or a list of them")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base * f(self.last_epoch) for f, base in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict:
        """As torch: the functions themselves are not saved."""
        return {k: v for k, v in super().state_dict().items() if k != "lr_lambdas"}


class StepLR(LRScheduler):
    r"""Multiply by γ every ``step_size`` epochs.

    .. math:: \eta_t = \eta_0\, \gamma^{\lfloor t / \text{step\_size} \rfloor}
    """

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        self.step_size = integer(step_size, "step_size", minimum=1)
        self.gamma = real(gamma, "gamma")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current()
        return [lr * self.gamma for lr in self._current()]

    def _closed_form_lr(self):
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    r"""Multiply by γ at each milestone (by γⁿ at a milestone listed n times).

    .. math:: \eta_t = \eta_0\, \gamma^{\#\{m_i \le t\}}
    """

    def __init__(self, optimizer, milestones: Sequence[int], gamma: float = 0.1, last_epoch: int = -1):
        self.milestones = Counter(integer(m, "milestones[]") for m in milestones)
        self.gamma = real(gamma, "gamma")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return self._current()
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in self._current()]

    def _closed_form_lr(self):
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma**passed for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    r"""Multiply by γ every epoch.

    .. math:: \eta_t = \eta_0\, \gamma^{t}
    """

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1):
        self.gamma = real(gamma, "gamma")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return self._current()
        return [lr * self.gamma for lr in self._current()]

    def _closed_form_lr(self):
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing from η₀ to η_min over ``T_max`` epochs (SGDR without restarts).

    .. math::
        \eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})\left(1 + \cos\frac{\pi t}{T_{\max}}\right)

    computed, as torch does, by the chainable recursion
    η_t = η_min + (η_{t−1} − η_min)(1 + cos(πt/T))/(1 + cos(π(t − 1)/T)), with the trough
    t = T + 1 (mod 2T), where that ratio is 0/0, stepped by the closed form's increment.
    After T_max the learning rate climbs back along the cosine (period 2T_max); it is not
    held at η_min.
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        self.T_max = integer(T_max, "T_max", minimum=1)
        self.eta_min = real(eta_min, "eta_min")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, T, low = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current()
        if self._step_count == 1 and t > 0:  # resumed at t: the closed form
            return self._closed_form_lr()
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (base - low) * (1 - math.cos(math.pi / T)) / 2
                    for base, lr in zip(self.base_lrs, self._current())]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (lr - low) + low for lr in self._current()]

    def _closed_form_lr(self):
        t, T, low = self.last_epoch, self.T_max, self.eta_min
        return [low + (base - low) * (1 + math.cos(math.pi * t / T)) / 2 for base in self.base_lrs]


class LinearLR(LRScheduler):
    r"""Linear warm-up (or decay) of the factor from ``start_factor`` to ``end_factor``.

    .. math::
        \eta_t = \eta_0 \left(s + (e - s)\,\frac{\min(t, T)}{T}\right)

    computed by torch's chainable recursion, the ratio of consecutive factors.
    """

    def __init__(self, optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5,
                 last_epoch: int = -1):
        self.start_factor = real(start_factor, "start_factor")
        self.end_factor = real(end_factor, "end_factor")
        if not 0 < self.start_factor <= 1:
            raise ValueError(f"start_factor must be in (0, 1], got {start_factor!r}")
        if not 0 <= self.end_factor <= 1:
            raise ValueError(f"end_factor must be in [0, 1], got {end_factor!r}")
        self.total_iters = integer(total_iters, "total_iters", minimum=1)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, s, e, T = self.last_epoch, self.start_factor, self.end_factor, self.total_iters
        if t == 0:
            return [lr * s for lr in self._current()]
        if self._is_initial or t > T:
            return self._current()
        ratio = 1.0 + (e - s) / (T * s + (t - 1) * (e - s))
        return [lr * ratio for lr in self._current()]

    def _closed_form_lr(self):
        t, s, e, T = self.last_epoch, self.start_factor, self.end_factor, self.total_iters
        return [base * (s + (e - s) * min(T, t) / T) for base in self.base_lrs]


def _same_optimizer(schedulers: Sequence[LRScheduler], optimizer, who: str):
    if not schedulers:
        raise ValueError(f"{who} needs at least one scheduler")
    optimizer = optimizer if optimizer is not None else schedulers[0].optimizer
    for i, s in enumerate(schedulers):
        if not isinstance(s, LRScheduler):
            raise TypeError(f"schedulers[{i}] must be a learning-rate scheduler, got {type(s).__name__}")
        if s.optimizer is not optimizer:
            raise ValueError(f"schedulers[{i}] steps another optimizer; {who} needs them all on one")
    return optimizer


class _Composite(LRScheduler):
    """A scheduler of schedulers: its checkpoint holds theirs."""

    def state_dict(self) -> dict:
        out = {k: v for k, v in super().state_dict().items() if k != "_schedulers"}
        return {**out, "_schedulers": [s.state_dict() for s in self._schedulers]}

    def load_state_dict(self, state_dict: dict) -> None:
        super().load_state_dict({k: v for k, v in state_dict.items() if k != "_schedulers"})
        for s, saved in zip(self._schedulers, state_dict["_schedulers"]):
            s.load_state_dict(saved)


class ChainedScheduler(_Composite):
    r"""Step several schedulers together: their factors multiply.

    .. math:: \eta_t = \eta_0 \prod_k f_k(t) \quad\text{(for schedules that are pure factors)}
    """

    def __init__(self, schedulers: Sequence[LRScheduler], optimizer=None):
        self.optimizer = _same_optimizer(schedulers, optimizer, "ChainedScheduler")
        self._schedulers = list(schedulers)
        self._last_lr = self._current()

    def step(self) -> None:
        for s in self._schedulers:
            s.step()
        self._last_lr = self._current()


def _undo_initial_step(scheduler) -> None:
    inner = getattr(scheduler, "_schedulers", None)
    if inner is not None:
        for s in inner:
            _undo_initial_step(s)
    else:
        scheduler.last_epoch -= 1


class SequentialLR(_Composite):
    r"""Run ``schedulers[i]`` from ``milestones[i-1]`` on (e.g. a warm-up, then cosine decay).

    .. math:: \eta_t = \eta^{(i)}_{t - m_{i-1}} \quad\text{for } m_{i-1} \le t < m_i \quad (m_0 = 0)

    At each milestone the next scheduler restarts from its own epoch 0 (through its
    closed form where it has one), from the groups' initial learning rates.
    """

    def __init__(self, optimizer, schedulers: Sequence[LRScheduler], milestones: Sequence[int], last_epoch: int = -1):
        _same_optimizer(schedulers, optimizer, "SequentialLR")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"milestones has {len(milestones)} entries, expected one fewer than the "
                             f"{len(schedulers)} schedulers")
        self.optimizer = optimizer
        self._schedulers = list(schedulers)
        self._milestones = [integer(m, "milestones[]") for m in milestones]
        self.last_epoch = integer(last_epoch, "last_epoch", minimum=-1) + 1
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        # every scheduler already took its initial step in its constructor: undo those
        for s in self._schedulers:
            _undo_initial_step(s)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self) -> None:
        self.last_epoch += 1
        i = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[i]
        if i > 0 and self._milestones[i - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


__all__ = ["LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
           "ChainedScheduler", "SequentialLR"]

"""The optimizer base class: parameter groups, per-parameter state, checkpoints.

Mirrors ``torch.optim.Optimizer`` on NumPy arrays.  The differences a torch user meets:

* ``step(grads)`` takes the gradients, one array per parameter in the order of the
  parameter groups, instead of reading ``p.grad``; parameters are updated in place.
* ``state`` is keyed by that position (0, 1, ...), because arrays are not hashable:
  the same keys torch uses in ``state_dict()``.
* every group's options are validated, not only the constructor's defaults (torch
  silently accepts, say, a negative ``lr`` in a parameter group).
* ``state_dict()`` returns copies, so a checkpoint never changes under later steps.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping

import numpy as np

from impl._checks import flag, float_array, integer, real  # noqa: F401  (shared by every chapter)


class Optimizer:
    """Base class: subclasses set ``defaults``, validate options and update one parameter.

    A subclass implements ``_check_group(group)`` (raise on a bad option) and
    ``_update(param, grad, state, group)`` (update ``param`` and ``state`` in place).
    """

    def __init__(self, params, defaults: Mapping):
        self.defaults = dict(defaults)
        self.state: dict[int, dict] = {}
        self.param_groups: list[dict] = []
        self._work: dict[int, list[np.ndarray]] = {}
        if isinstance(params, np.ndarray) or not isinstance(params, Iterable):
            raise TypeError("params must be a list of arrays or of parameter-group dicts, "
                            f"got {type(params).__name__}")
        groups = list(params)
        if not groups:
            raise ValueError("params is an empty list: the optimizer has nothing to optimize")
        if not isinstance(groups[0], Mapping):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # -- parameter groups ------------------------------------------------------------
    def add_param_group(self, param_group: Mapping) -> None:
        """Add a group: its own arrays, and options that override the defaults."""
        if not isinstance(param_group, Mapping) or "params" not in param_group:
            raise TypeError("a parameter group must be a dict with a 'params' list")
        params = param_group["params"]
        params = [params] if isinstance(params, np.ndarray) else list(params)
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray):
                raise TypeError(f"params[{i}] must be a NumPy array (it is updated in place), got {type(p).__name__}")
            float_array(p, f"params[{i}]")
            if not p.flags.writeable:
                raise ValueError(f"params[{i}] is read-only; the optimizer updates parameters in place")
        unknown = set(param_group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise TypeError(f"unknown option(s) {sorted(unknown)} for {type(self).__name__}")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in params}) != len(params) or seen & {id(p) for p in params}:
            raise ValueError("some parameters appear in more than one parameter group (or twice in one)")
        group = {**self.defaults, **param_group, "params": params}
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict) -> None:
        nonnegative(group["lr"], "lr")

    def _params(self) -> list[tuple[np.ndarray, dict]]:
        return [(p, g) for g in self.param_groups for p in g["params"]]

    # -- the update ------------------------------------------------------------------
    def step(self, grads) -> None:
        """Update every parameter in place from its gradient (same order as the groups).

        ``grads`` must be a list with one array per parameter, of its shape and dtype: a
        wrong count or shape is a ValueError, a non-list or another dtype a TypeError,
        each naming ``grads`` (or ``grads[i]``).
        """
        pairs = self._params()
        if isinstance(grads, np.ndarray) or not isinstance(grads, Iterable):
            raise TypeError(f"grads must be a list of arrays, one per parameter, got {type(grads).__name__}")
        grads = list(grads)
        if len(grads) != len(pairs):
            raise ValueError(f"grads has {len(grads)} arrays, expected one per parameter ({len(pairs)})")
        grads = [_gradient(g, p, i) for i, ((p, _), g) in enumerate(zip(pairs, grads))]
        for i, ((p, group), g) in enumerate(zip(pairs, grads)):
            self._update(p, g, self.state.setdefault(i, {}), group)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        raise NotImplementedError

    def _scratch(self, param: np.ndarray, n: int) -> list[np.ndarray]:
        """``n`` work arrays shaped like ``param``, kept from step to step (outside ``state``:
        they are never in a checkpoint).  A fresh full-size temporary per step costs the
        kernel's page zeroing each time; reused buffers cost it once."""
        work = self._work.get(id(param), [])
        if len(work) < n:
            work = self._work[id(param)] = [np.empty_like(param) for _ in range(n)]
        return work

    # -- checkpoints -----------------------------------------------------------------
    def state_dict(self) -> dict:
        """``{"state": {index: {name: value}}, "param_groups": [{option: value, "params": [index]}]}``."""
        groups, start = [], 0
        for g in self.param_groups:
            n = len(g["params"])
            groups.append({**{k: copy.deepcopy(v) for k, v in g.items() if k != "params"},
                           "params": list(range(start, start + n))})
            start += n
        return {"state": copy.deepcopy({i: s for i, s in self.state.items() if s}), "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping) -> None:
        """Restore options and state saved by ``state_dict()`` (ours, or torch's converted to arrays).

        Saved arrays are cast to their parameter's dtype, as torch casts them; ``step``
        and scalar state become Python floats.  A state_dict of other parameter groups
        (their number, or a group's size) is a ValueError naming the parameter groups.
        """
        saved = state_dict["param_groups"]
        if len(saved) != len(self.param_groups):
            raise ValueError(f"state_dict has {len(saved)} parameter groups, the optimizer {len(self.param_groups)}")
        for i, (s, g) in enumerate(zip(saved, self.param_groups)):
            if len(s["params"]) != len(g["params"]):
                raise ValueError(f"parameter group {i} has {len(g['params'])} parameters, the state_dict "
                                 f"{len(s['params'])}")
        params = [p for p, _ in self._params()]
        order = [k for s in saved for k in s["params"]]
        state = {}
        for key, entry in state_dict["state"].items():
            i = order.index(key)
            state[i] = {name: _restored(value, params[i], f"state[{key}][{name!r}]") for name, value in entry.items()}
        new_groups = []
        for s, g in zip(saved, self.param_groups):
            group = {**copy.deepcopy({k: v for k, v in s.items() if k != "params"}), "params": g["params"]}
            if "betas" in group:
                group["betas"] = tuple(group["betas"])
            unknown = set(group) - set(self.defaults) - {"params", "initial_lr"}
            if unknown:
                raise ValueError(f"state_dict has option(s) {sorted(unknown)} that {type(self).__name__} does not know")
            self._check_group(group)
            new_groups.append(group)
        self.param_groups = new_groups
        self.state = state


def _gradient(grad, param: np.ndarray, i: int) -> np.ndarray:
    g = float_array(grad, f"grads[{i}]")
    if g.shape != param.shape:
        raise ValueError(f"grads[{i}] has shape {g.shape}, expected its parameter's shape {param.shape}")
    if g.dtype != param.dtype:
        raise TypeError(f"grads[{i}] has dtype {g.dtype}, expected its parameter's dtype {param.dtype}")
    return g


def _restored(value, param: np.ndarray, name: str):
    arr = np.asarray(value)
    if arr.ndim == 0:
        return float(arr)
    if arr.shape != param.shape:
        raise ValueError(f"{name} has shape {arr.shape}, expected its parameter's shape {param.shape}")
    return arr.astype(param.dtype, copy=True)


# -- option checks shared by the optimizers ----------------------------------------------

def nonnegative(value, name: str) -> float:
    """A real option that must be >= 0 (lr, eps, weight_decay, momentum...)."""
    v = real(value, name)
    if not v >= 0.0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return v


def unit_interval(value, name: str, closed: bool = False) -> float:
    """A decay rate in [0, 1) (or [0, 1] when ``closed``): betas, rho."""
    v = real(value, name)
    if not (0.0 <= v <= 1.0 if closed else 0.0 <= v < 1.0):
        raise ValueError(f"{name} must be in [0, 1{']' if closed else ')'}, got {value!r}")
    return v


def betas_pair(value) -> tuple[float, float]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {value!r}")
    return unit_interval(value[0], "betas[0]"), unit_interval(value[1], "betas[1]")



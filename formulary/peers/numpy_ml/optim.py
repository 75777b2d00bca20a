"""impl.optim's optimizer classes, their updates computed by numpy-ml's optimizers
(``neural_nets/optimizers/optimizers.py``): ``update(param, param_grad, param_name)``
returns the new parameter, written back in place here.

numpy-ml has neither parameter groups nor checkpoints: each group gets a numpy-ml
optimizer of its own options, each parameter its position as ``param_name``, and
``state_dict`` is that optimizer's ``cache`` (numpy-ml's own state: SGD's last update
η·b, AdaGrad's Σg², RMSProp's average of g², Adam's t, mean and var), by position, in
numpy-ml's names.  Option names are torch's, mapped to numpy-ml's (RMSprop's alpha is
its ``decay``, Adam's betas its ``decay1``/``decay2``); torch's defaults are kept.
Options numpy-ml lacks raise NotProvided ("not provided") where they would change the update:
weight_decay, maximize, nesterov, dampening (with momentum), Adagrad's lr_decay and
initial_accumulator_value, RMSprop's momentum and centered, Adam's amsgrad.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import ClassVar

import numpy as np

from formulary.peers.autodiff import NotProvided
from formulary.peers.numpy_ml import load

_O = load("neural_nets/optimizers/optimizers")


class _NumpyMLOptimizer:
    """torch.optim's class API (groups, ``step(grads)``, ``state_dict``) over one numpy-ml optimizer per group."""

    _lacks: ClassVar[dict] = {}  # option -> the value at which it changes nothing

    def __init__(self, params, defaults: Mapping):
        self.defaults = dict(defaults)
        self.param_groups, self._numpy_ml = [], []
        groups = list(params)
        for group in groups if groups and isinstance(groups[0], Mapping) else [{"params": groups}]:
            self.add_param_group(group)

    def add_param_group(self, param_group: Mapping) -> None:
        """A group of arrays with its own options, and its own numpy-ml optimizer."""
        params = param_group["params"]
        group = {**self.defaults, **param_group, "params": [params] if isinstance(params, np.ndarray) else list(params)}
        self._numpy_ml.append(self._make(group))
        self.param_groups.append(group)

    def _make(self, group: dict):
        """numpy-ml's optimizer for ``group``'s options."""
        refused = [k for k, neutral in self._lacks.items() if group.get(k, neutral) != neutral
                   and self._matters(k, group)]
        if refused:
            raise NotProvided(f"numpy-ml's {self._numpy_ml_name} has no {', '.join(refused)}")
        return self._build(group)

    def _matters(self, option: str, group: dict) -> bool:
        return True

    @property
    def state(self) -> dict:
        """numpy-ml's cache entries by parameter position."""
        return {int(k): v for opt in self._numpy_ml for k, v in opt.cache.items()}

    def step(self, grads) -> None:
        """Each parameter ← its group's numpy-ml ``update(param, grad, str(position))``, in place."""
        grads = list(grads)
        i = 0
        for group, opt in zip(self.param_groups, self._numpy_ml):
            for p in group["params"]:
                p[...] = opt.update(p, np.asarray(grads[i]), str(i))  # numpy-ml returns the new parameter
                i += 1

    def state_dict(self) -> dict:
        """``{"state": {position: numpy-ml's cache entry}, "param_groups": [options, "params": positions]}``."""
        groups, start = [], 0
        for g in self.param_groups:
            n = len(g["params"])
            groups.append({**{k: v for k, v in g.items() if k != "params"}, "params": list(range(start, start + n))})
            start += n
        return {"state": copy.deepcopy(self.state), "param_groups": copy.deepcopy(groups)}

    def load_state_dict(self, state_dict: Mapping) -> None:
        """Fresh numpy-ml optimizers with the saved options, their caches refilled."""
        groups = [{**copy.deepcopy({k: v for k, v in s.items() if k != "params"}), "params": g["params"]}
                  for s, g in zip(state_dict["param_groups"], self.param_groups)]
        self.param_groups, self._numpy_ml = groups, [self._make(g) for g in groups]
        owner = [j for j, g in enumerate(groups) for _ in g["params"]]
        for i, entry in state_dict["state"].items():
            self._numpy_ml[owner[int(i)]].cache[str(i)] = copy.deepcopy(entry)


class SGD(_NumpyMLOptimizer):
    """``SGD(lr, momentum)``: U ← μU + ηg, θ ← θ − U (torch's b ← μb + g, θ ← θ − ηb while η is constant)."""

    _numpy_ml_name = "SGD"
    _lacks: ClassVar[dict] = {"dampening": 0.0, "weight_decay": 0.0, "nesterov": False, "maximize": False}

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, *,
                 maximize=False):
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                                  "nesterov": nesterov, "maximize": maximize})

    def _matters(self, option, group):
        return option != "dampening" or group["momentum"] != 0  # torch ignores dampening without momentum

    def _build(self, group):
        return _O.SGD(lr=group["lr"], momentum=group["momentum"])


class Adagrad(_NumpyMLOptimizer):
    """``AdaGrad(lr, eps)``: C ← C + g², θ ← θ − ηg/(√C + ε)."""

    _numpy_ml_name = "AdaGrad"
    _lacks: ClassVar[dict] = {"lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "maximize": False}

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10,
                 *, maximize=False):
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                                  "initial_accumulator_value": initial_accumulator_value, "eps": eps,
                                      "maximize": maximize})

    def _build(self, group):
        return _O.AdaGrad(lr=group["lr"], eps=group["eps"])


class RMSprop(_NumpyMLOptimizer):
    """``RMSProp(lr, decay=alpha, eps)``: C ← αC + (1 − α)g², θ ← θ − ηg/(√C + ε)."""

    _numpy_ml_name = "RMSProp"
    _lacks: ClassVar[dict] = {"weight_decay": 0.0, "momentum": 0.0, "centered": False, "maximize": False}

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, *,
                 maximize=False):
        super().__init__(params,
                         {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay, "momentum": momentum,
                                  "centered": centered, "maximize": maximize})

    def _build(self, group):
        return _O.RMSProp(lr=group["lr"], decay=group["alpha"], eps=group["eps"])


class Adam(_NumpyMLOptimizer):
    """``Adam(lr, decay1=β1, decay2=β2, eps)``: θ ← θ − η m̂/(√v̂ + ε), m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ)."""

    _numpy_ml_name = "Adam"
    # decoupled_weight_decay is moot without weight_decay
    _lacks: ClassVar[dict] = {"weight_decay": 0.0, "amsgrad": False, "maximize": False}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, *,
                 maximize=False, decoupled_weight_decay=False):
        super().__init__(params,
                         {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                                  "maximize": maximize, "decoupled_weight_decay": decoupled_weight_decay})

    def _build(self, group):
        beta1, beta2 = group["betas"]
        return _O.Adam(lr=group["lr"], decay1=beta1, decay2=beta2, eps=group["eps"])

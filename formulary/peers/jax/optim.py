"""impl.optim's optimizer classes over optax: torch's class API (parameter groups, ``step(grads)``,
``state_dict``) around one optax ``GradientTransformation`` per group.

Options map onto optax's own transforms: ``maximize`` is ``optax.scale(-1)`` first,
torch's (coupled) ``weight_decay`` ``optax.add_decayed_weights`` before the optimizer,
Adagrad's ``lr_decay`` a learning-rate schedule lr/(1 + t·decay), Adam's ``amsgrad``
``optax.scale_by_amsgrad``.  RMSprop takes ``eps_in_sqrt=False`` (torch's placement, which
optax offers); Adagrad has no such option, so its ε stays inside the square root (optax's
convention).  ``state_dict`` is the optax state of each group (its own pytree), which only
this adapter reads back.  Each step is one ``jax.jit`` call (the group's float hyperparameters traced,
so that one compilation serves every optimizer of the same kind, options and parameter shapes).
Options with no optax counterpart raise
:class:`~formulary.peers.NotProvided`: SGD's dampening, NAdam's momentum_decay ≠ 0.004
(optax's NAdam has no momentum-decay schedule at all; see the triage).
"""

from __future__ import annotations

import copy
import functools
import importlib
from collections.abc import Mapping

import numpy as np

from formulary.peers.autodiff import NotProvided
from formulary.peers.jax import jax, jnp


def _optax():
    jax()
    return importlib.import_module("optax")


def _real(value) -> bool:
    if isinstance(value, (tuple, list)):
        return bool(value) and all(_real(v) for v in value)
    return isinstance(value, (float, np.floating))


def _nonzero(value) -> bool:
    return any(v != 0 for v in value) if isinstance(value, (tuple, list)) else value != 0


def _split(group):
    """A group's float hyperparameters (traced: a Python float weakly typed, as optax sees it eagerly), and the
    rest with whether each float is nonzero (which transforms the chain has): the key of its compiled step."""
    reals = {k: v for k, v in group.items() if k != "params" and _real(v)}
    static = tuple(sorted((k, v if not isinstance(v, list) else tuple(v)) for k, v in group.items()
                          if k != "params" and k not in reals))
    return reals, static + tuple(sorted((k, _nonzero(v)) for k, v in reals.items()))


@functools.cache
def _compiled_step(cls, static):
    """One ``jax.jit`` step for optimizers of class ``cls`` whose groups share ``static``: the chain is built
    inside the trace from the traced hyperparameters, the update applied to the parameters."""
    flags = dict(static)

    def step(reals, grads, state, params):
        tx = cls._chain({**flags, **reals}, on=flags)
        updates, state = tx.update(grads, state, params)
        return _optax().apply_updates(params, updates), state
    return jax().jit(step)


class _OptaxOptimizer:
    defaults_: dict = {}

    def __init__(self, params, **options):
        self.defaults = {**self.defaults_, **options}
        self.param_groups, self._tx, self._state = [], [], []
        groups = list(params)
        for group in groups if groups and isinstance(groups[0], Mapping) else [{"params": groups}]:
            self.add_param_group(group)

    def add_param_group(self, param_group: Mapping) -> None:
        params = param_group["params"]
        group = {**self.defaults, **param_group, "params": [params] if isinstance(params, np.ndarray) else list(params)}
        tx = self._chain(group, on=dict(_split(group)[1]))
        self._tx.append(tx)
        self._state.append(tx.init([jnp().asarray(p) for p in group["params"]]))
        self.param_groups.append(group)

    @classmethod
    def _chain(cls, group, on):
        """The group's optax chain; ``on[k]``: whether option k is set (nonzero), ``group[k]`` its value."""
        optax = _optax()
        parts = []
        if on.get("maximize"):
            parts.append(optax.scale(-1.0))
        if on.get("weight_decay") and not cls._decoupled(on):
            parts.append(optax.add_decayed_weights(group["weight_decay"]))
        parts.append(cls._build(group, on))
        return optax.chain(*parts)

    @classmethod
    def _decoupled(cls, on) -> bool:
        return False

    def step(self, grads) -> None:
        grads, i = list(grads), 0
        for g, group in enumerate(self.param_groups):
            n = len(group["params"])
            reals, static = _split(group)
            step = _compiled_step(type(self), static)
            new, self._state[g] = step(reals, [np.asarray(x) for x in grads[i:i + n]], self._state[g],
                                       [np.asarray(p) for p in group["params"]])
            for p, q in zip(group["params"], new, strict=False):
                p[...] = np.asarray(q)
            i += n

    def state_dict(self) -> dict:
        groups = [{k: v for k, v in g.items() if k != "params"} for g in self.param_groups]
        return {"state": copy.deepcopy(self._state), "param_groups": copy.deepcopy(groups)}

    def load_state_dict(self, state_dict: Mapping) -> None:
        for g, saved in zip(self.param_groups, state_dict["param_groups"], strict=False):
            g.update(copy.deepcopy(saved))
        self._tx = [self._chain(g, on=dict(_split(g)[1])) for g in self.param_groups]
        self._state = copy.deepcopy(state_dict["state"])


class SGD(_OptaxOptimizer):
    """``optax.sgd(lr, momentum, nesterov)``: t ← g + μt, θ ← θ − ηt (torch's buffer, first step t = g)."""

    defaults_ = {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False,
                 "maximize": False}

    @classmethod
    def _build(cls, group, on):
        if on["dampening"] and on["momentum"]:
            raise NotProvided("optax.sgd has no dampening")
        return _optax().sgd(group["lr"], momentum=group["momentum"] if on["momentum"] else None,
                            nesterov=group["nesterov"])


class Adagrad(_OptaxOptimizer):
    """``optax.adagrad(lr, initial_accumulator_value, eps)``: θ ← θ − η g/√(Σg² + ε) (ε inside the root)."""

    defaults_ = {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10,
                 "maximize": False}

    @classmethod
    def _build(cls, group, on):
        lr, decay = group["lr"], group["lr_decay"]
        rate = (lambda count: lr / (1.0 + count * decay)) if on["lr_decay"] else lr
        return _optax().adagrad(rate, initial_accumulator_value=group["initial_accumulator_value"], eps=group["eps"])


class Adadelta(_OptaxOptimizer):
    """``optax.adadelta(lr, rho, eps)``."""

    defaults_ = {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0, "maximize": False}

    @classmethod
    def _build(cls, group, on):
        return _optax().adadelta(group["lr"], rho=group["rho"], eps=group["eps"])


class RMSprop(_OptaxOptimizer):
    """``optax.rmsprop(lr, decay=alpha, eps, eps_in_sqrt=False, centered, momentum)``."""

    defaults_ = {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False,
                 "maximize": False}

    @classmethod
    def _build(cls, group, on):
        return _optax().rmsprop(group["lr"], decay=group["alpha"], eps=group["eps"], eps_in_sqrt=False,
                                centered=group["centered"], momentum=group["momentum"] if on["momentum"] else None)


class Adam(_OptaxOptimizer):
    """``optax.adam(lr, b1, b2, eps)``; amsgrad: ``optax.amsgrad``; decoupled weight decay: ``optax.adamw``."""

    defaults_ = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False,
                 "maximize": False, "decoupled_weight_decay": False}

    @classmethod
    def _decoupled(cls, on) -> bool:
        return bool(on.get("decoupled_weight_decay"))

    @classmethod
    def _build(cls, group, on):
        optax, (b1, b2) = _optax(), group["betas"]
        if group["amsgrad"]:
            parts = [optax.scale_by_amsgrad(b1=b1, b2=b2, eps=group["eps"])]
        else:
            parts = [optax.scale_by_adam(b1=b1, b2=b2, eps=group["eps"])]
        if cls._decoupled(on) and on["weight_decay"]:
            parts.append(optax.add_decayed_weights(group["weight_decay"]))
        parts.append(optax.scale_by_learning_rate(group["lr"]))
        return optax.chain(*parts)


class AdamW(Adam):
    """``optax.adamw(lr, b1, b2, eps, weight_decay)`` (θ ← θ − η(m̂/(√v̂ + ε) + λθ), torch's AdamW)."""

    defaults_ = {**Adam.defaults_, "weight_decay": 1e-2, "decoupled_weight_decay": True}

    @classmethod
    def _decoupled(cls, on) -> bool:
        return True


class Adamax(_OptaxOptimizer):
    """``optax.adamax(lr, b1, b2, eps)``."""

    defaults_ = {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "maximize": False}

    @classmethod
    def _build(cls, group, on):
        b1, b2 = group["betas"]
        return _optax().adamax(group["lr"], b1=b1, b2=b2, eps=group["eps"])


class NAdam(Adam):
    """``optax.nadam(lr, b1, b2, eps)`` (Dozat's Nesterov Adam, without torch's momentum-decay schedule)."""

    defaults_ = {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "momentum_decay": 4e-3,
                 "decoupled_weight_decay": False, "maximize": False}

    @classmethod
    def _build(cls, group, on):
        optax, (b1, b2) = _optax(), group["betas"]
        parts = [optax.scale_by_adam(b1=b1, b2=b2, eps=group["eps"], nesterov=True)]
        if cls._decoupled(on) and on["weight_decay"]:
            parts.append(optax.add_decayed_weights(group["weight_decay"]))
        parts.append(optax.scale_by_learning_rate(group["lr"]))
        return optax.chain(*parts)

"""impl.optim's optimizer classes over ``keras.optimizers`` (TensorFlow backend): torch's class
API (parameter groups, ``step(grads)``, ``state_dict``) around one Keras optimizer per group,
its parameters ``keras.Variable``s of the parameters' dtype.

Each optimizer is built with Keras's ``floatx`` set to the parameters' dtype (the way
Keras is asked for float64: its learning-rate variable takes ``floatx``).  Options map onto
Keras's: RMSprop's ``alpha`` is ``rho``, Adam's ``betas`` ``beta_1``/``beta_2``,
Adagrad's ``lr_decay`` an ``InverseTimeDecay`` schedule, ``decoupled_weight_decay``
``AdamW``.  Keras's ``weight_decay`` is decoupled, so torch's coupled L2 ``weight_decay``
is added to the gradient here (g + λθ, as ``optax.add_decayed_weights`` does), and
``maximize`` negates the gradient.  Keras's own conventions stay (ε inside the square root
in Adagrad and RMSprop, ε added to √v rather than √v̂ in Adam, Adamax's ε outside the
max; see the triage).  SGD's ``dampening`` and NAdam's ``momentum_decay`` other than
Keras's fixed 0.004 are not provided.  ``state_dict`` holds the Keras optimizer's variables
as arrays, in its order.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

import numpy as np

from formulary.peers.autodiff import NotProvided
from formulary.peers.tensorflow import keras, tf


class _KerasOptimizer:
    defaults_: dict = {}

    def __init__(self, params, **options):
        self.defaults = {**self.defaults_, **options}
        self.param_groups, self._opt, self._vars = [], [], []
        groups = list(params)
        for group in groups if groups and isinstance(groups[0], Mapping) else [{"params": groups}]:
            self.add_param_group(group)

    def add_param_group(self, param_group: Mapping) -> None:
        params = param_group["params"]
        group = {**self.defaults, **param_group, "params": [params] if isinstance(params, np.ndarray) else list(params)}
        self.param_groups.append(group)
        opt, variables = self._make(group)
        self._opt.append(opt)
        self._vars.append(variables)

    def _make(self, group):
        k = keras()
        dtype = group["params"][0].dtype.name
        before = k.config.floatx()
        k.config.set_floatx(dtype)
        try:
            opt = self._build(group)
            opt._formulary_options = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            variables = [k.Variable(p.copy(), dtype=dtype) for p in group["params"]]
            opt.build(variables)
        finally:
            k.config.set_floatx(before)
        return opt, variables

    _OPTIONS = {"eps": ("epsilon",), "momentum": ("momentum",), "betas": ("beta_1", "beta_2")}

    def _sync(self, group, opt) -> None:
        """The group's options as they are now (torch reads its param_groups at each step: a scheduler or a
        claim may change lr or ε between steps) set on the Keras optimizer, where they changed."""
        built = opt._formulary_options
        for key in ("lr", *self._OPTIONS, *self._renamed):
            if key not in group or group[key] == built.get(key, group[key]):
                continue
            if key == "lr":
                if group.get("lr_decay"):
                    raise NotProvided("a learning rate changed under Keras's InverseTimeDecay schedule")
                opt.learning_rate = group["lr"]
            else:
                names = self._renamed.get(key) or self._OPTIONS[key]
                values = group[key] if len(names) > 1 else (group[key],)
                for name, value in zip(names, values, strict=True):
                    setattr(opt, name, value)
            built[key] = group[key]

    _renamed: dict = {}

    def step(self, grads) -> None:
        grads, i = list(grads), 0
        for group, opt, variables in zip(self.param_groups, self._opt, self._vars, strict=False):
            self._sync(group, opt)
            feed = []
            for p, v in zip(group["params"], variables, strict=False):
                g = np.asarray(grads[i], p.dtype)
                if group.get("maximize"):
                    g = -g
                if group.get("weight_decay") and not self._decoupled(group):
                    g = g + p.dtype.type(group["weight_decay"]) * p
                v.assign(p)
                # a tensor of the parameters' dtype: Keras converts a NumPy gradient with floatx (float32)
                feed.append((tf().convert_to_tensor(g), v))
                i += 1
            opt.apply_gradients(feed)
            for p, v in zip(group["params"], variables, strict=False):
                p[...] = np.asarray(v.numpy())

    def _decoupled(self, group) -> bool:
        return False

    def state_dict(self) -> dict:
        groups = [{k: v for k, v in g.items() if k != "params"} for g in self.param_groups]
        state = [[np.array(v.numpy()) for v in opt.variables] for opt in self._opt]
        return {"state": state, "param_groups": copy.deepcopy(groups)}

    def load_state_dict(self, state_dict: Mapping) -> None:
        for g, saved in zip(self.param_groups, state_dict["param_groups"], strict=False):
            g.update(copy.deepcopy(saved))
        made = [self._make(g) for g in self.param_groups]
        self._opt, self._vars = [m[0] for m in made], [m[1] for m in made]
        for opt, values in zip(self._opt, state_dict["state"], strict=False):
            for var, value in zip(opt.variables, values, strict=False):
                var.assign(value)


class SGD(_KerasOptimizer):
    """``keras.optimizers.SGD(lr, momentum, nesterov)``: v ← μv − ηg, θ ← θ + v (torch's b = −v/η)."""

    defaults_ = {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False,
                 "maximize": False}

    def _build(self, group):
        if group["dampening"] and group["momentum"]:
            raise NotProvided("keras.optimizers.SGD has no dampening")
        return keras().optimizers.SGD(group["lr"], momentum=group["momentum"], nesterov=group["nesterov"])


class Adagrad(_KerasOptimizer):
    """``keras.optimizers.Adagrad(lr, initial_accumulator_value, epsilon)``: θ ← θ − ηg/√(Σg² + ε)."""

    defaults_ = {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10,
                 "maximize": False}

    def _build(self, group):
        k, lr = keras(), group["lr"]
        if group["lr_decay"]:
            lr = k.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=group["lr_decay"])
        return k.optimizers.Adagrad(lr, initial_accumulator_value=group["initial_accumulator_value"],
                                    epsilon=group["eps"])


class Adadelta(_KerasOptimizer):
    """``keras.optimizers.Adadelta(lr, rho, epsilon)``."""

    defaults_ = {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0, "maximize": False}

    _renamed = {"rho": ("rho",)}

    def _build(self, group):
        return keras().optimizers.Adadelta(group["lr"], rho=group["rho"], epsilon=group["eps"])


class RMSprop(_KerasOptimizer):
    """``keras.optimizers.RMSprop(lr, rho=alpha, momentum, epsilon, centered)``."""

    _renamed = {"alpha": ("rho",)}

    defaults_ = {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False,
                 "maximize": False}

    def _build(self, group):
        return keras().optimizers.RMSprop(group["lr"], rho=group["alpha"], momentum=group["momentum"],
                                          epsilon=group["eps"], centered=group["centered"])


class Adam(_KerasOptimizer):
    """``keras.optimizers.Adam(lr, beta_1, beta_2, epsilon, amsgrad)``; ``AdamW`` for decoupled weight decay."""

    defaults_ = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False,
                 "maximize": False, "decoupled_weight_decay": False}

    def _decoupled(self, group) -> bool:
        return bool(group.get("decoupled_weight_decay"))

    def _build(self, group):
        (b1, b2), options = group["betas"], {"epsilon": group["eps"], "amsgrad": group["amsgrad"]}
        if self._decoupled(group):
            return keras().optimizers.AdamW(group["lr"], weight_decay=group["weight_decay"], beta_1=b1, beta_2=b2,
                                            **options)
        return keras().optimizers.Adam(group["lr"], beta_1=b1, beta_2=b2, **options)


class AdamW(Adam):
    """``keras.optimizers.AdamW(lr, weight_decay, beta_1, beta_2, epsilon, amsgrad)``."""

    defaults_ = {**Adam.defaults_, "weight_decay": 1e-2, "decoupled_weight_decay": True}

    def _decoupled(self, group) -> bool:
        return True


class Adamax(_KerasOptimizer):
    """``keras.optimizers.Adamax(lr, beta_1, beta_2, epsilon)``."""

    defaults_ = {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "maximize": False}

    def _build(self, group):
        b1, b2 = group["betas"]
        return keras().optimizers.Adamax(group["lr"], beta_1=b1, beta_2=b2, epsilon=group["eps"])


class NAdam(_KerasOptimizer):
    """``keras.optimizers.Nadam(lr, beta_1, beta_2, epsilon)`` (its momentum schedule μ_t = β1(1 − ½·0.96^t) is
    torch's with momentum_decay = 0.004)."""

    defaults_ = {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "momentum_decay": 4e-3,
                 "decoupled_weight_decay": False, "maximize": False}

    def _decoupled(self, group) -> bool:
        return bool(group.get("decoupled_weight_decay"))

    def _build(self, group):
        if group["momentum_decay"] != 4e-3:
            raise NotProvided("keras.optimizers.Nadam fixes torch's momentum_decay at 0.004")
        b1, b2 = group["betas"]
        k = keras()
        if self._decoupled(group) and group["weight_decay"]:
            return k.optimizers.Nadam(group["lr"], beta_1=b1, beta_2=b2, epsilon=group["eps"],
                                      weight_decay=group["weight_decay"])
        return k.optimizers.Nadam(group["lr"], beta_1=b1, beta_2=b2, epsilon=group["eps"])

"""torch.optim on the catalog's samples: the reference for impl.optim.

impl's optimizers are classes driven step by step, so the reference for each is a
*run*: the torch.optim class of the same name over one sample, returning what the
catalog's ``run`` returns for the candidate.

* ``SGD``, ``Adam``, ... ``(groups, feed, **options)``: the parameters after every step,
  one stacked tensor per parameter.  ``groups`` are torch's parameter groups; ``feed``
  is ``{"grads": [one (T, *shape) tensor per parameter]}`` (open loop) or
  ``{"objective": "quadratic", "steps": T, "scale": [h], "center": [c]}`` (closed loop:
  each step's gradients by ``torch.autograd`` at the current parameters), with
  ``"resume_at": k``: after k steps the run continues in a new optimizer on copies of
  the parameters, from the old one's ``state_dict()``.
* ``StepLR``, ``CosineAnnealingLR``, ... ``(lrs, steps, **options)``: the learning rate of
  every group after construction and after each of ``steps`` scheduler steps.
* ``minibatch_descent``: impl's training loop written with ``torch.optim.SGD``,
  ``F.mse_loss`` and autograd, visiting the samples in the same NumPy permutation.

Runs use torch's default dtype set to the parameters' dtype: torch keeps scalar state
(``step``, NAdam's ``mu_product``) in that dtype, so a float64 run is float64 throughout.
Runs are memoized by the content of their arguments: the sharpness suite replays the
same samples for every known mistake, and torch's answer does not change.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
from collections.abc import Mapping

import numpy as np
import torch
import torch.nn.functional as F

# -- memoized runs ------------------------------------------------------------------------

def _key(value):
    """A hashable fingerprint of a run's arguments (tensors by dtype, shape and bytes)."""
    if isinstance(value, torch.Tensor):
        a = value.detach().cpu().numpy()
        return ("tensor", str(a.dtype), a.shape, hashlib.blake2b(a.tobytes(), digest_size=16).digest())
    if isinstance(value, Mapping):
        return ("dict",) + tuple((k, _key(v)) for k, v in sorted(value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__,) + tuple(_key(v) for v in value)
    if callable(value):
        return ("callable", id(value))
    return (type(value).__name__, value)


def memoized(run):
    """Cache ``run``'s tensors by its arguments' content; every caller gets its own copies."""
    cache: dict = {}

    @functools.wraps(run)
    def wrapper(*args, **kwargs):
        key = _key((args, kwargs))
        if key not in cache:
            if len(cache) >= 4096:
                cache.clear()
            cache[key] = run(*args, **kwargs)
        hit = cache[key]
        return tuple(t.clone() for t in hit) if isinstance(hit, tuple) else hit.clone()

    return wrapper


# -- objectives for closed-loop runs -----------------------------------------------------


def quadratic(params, scale, center):
    r"""f(θ) = Σ ½ h ⊙ (θ − c)²: a ravine when the curvatures h differ."""
    return sum((0.5 * h * (p - c) ** 2).sum() for p, h, c in zip(params, scale, center))


def _gradients(feed, params, t):
    if "grads" in feed:
        return [g[t].clone() for g in feed["grads"]]
    return list(torch.autograd.grad(quadratic(params, feed["scale"], feed["center"]), params))


@contextlib.contextmanager
def default_dtype(dtype):
    """torch's default dtype set to ``dtype`` for the block (it is the dtype of torch's scalar state)."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(before)


def _leaves(groups):
    return [[p.detach().clone().requires_grad_(True) for p in g["params"]] for g in groups]


def _trajectory(cls, groups, feed, options):
    steps = len(feed["grads"][0]) if "grads" in feed else feed["steps"]
    leaves = _leaves(groups)
    with default_dtype(leaves[0][0].dtype):
        opt = cls([{**g, "params": ps} for g, ps in zip(groups, leaves)], **options)
        path = []
        for t in range(steps):
            if t == feed.get("resume_at"):
                saved = copy.deepcopy(opt.state_dict())
                leaves = _leaves([{"params": ps} for ps in leaves])
                opt = cls([{**g, "params": ps} for g, ps in zip(groups, leaves)], **options)
                opt.load_state_dict(saved)
            params = [p for ps in leaves for p in ps]
            for p, g in zip(params, _gradients(feed, params, t)):
                p.grad = g
            opt.step()
            path.append([p.detach().clone() for p in params])
    return tuple(torch.stack(column) for column in zip(*path))


def _named(cls, body, what: str):
    """The memoized reference run ``body(cls, *args, options)`` under ``cls``'s name."""
    @memoized
    def run(*args, **options):
        return body(cls, *args, options)

    run.__name__ = run.__qualname__ = cls.__name__
    run.__doc__ = f"{cls.__module__}.{cls.__name__} over a sample: {what}."
    return run


def _runner(cls):
    return _named(cls, _trajectory, "the parameters after every step")


SGD = _runner(torch.optim.SGD)
Adagrad = _runner(torch.optim.Adagrad)
Adadelta = _runner(torch.optim.Adadelta)
RMSprop = _runner(torch.optim.RMSprop)
Adam = _runner(torch.optim.Adam)
AdamW = _runner(torch.optim.AdamW)
Adamax = _runner(torch.optim.Adamax)
NAdam = _runner(torch.optim.NAdam)


# -- learning-rate schedules ---------------------------------------------------------------

def _schedule(cls, lrs, steps, options):
    opt = torch.optim.SGD([{"params": [torch.zeros(1)], "lr": lr} for lr in lrs])
    scheduler = cls(opt, **options)
    path = [scheduler.get_last_lr()]
    for _ in range(steps):
        opt.step()  # no gradients: a no-op that keeps torch's step-order check quiet
        scheduler.step()
        path.append(scheduler.get_last_lr())
    return torch.tensor(path, dtype=torch.float64)


def _scheduler_runner(cls):
    return _named(cls, _schedule, "the learning rates after construction and after each step")


_S = torch.optim.lr_scheduler
LambdaLR = _scheduler_runner(_S.LambdaLR)
StepLR = _scheduler_runner(_S.StepLR)
MultiStepLR = _scheduler_runner(_S.MultiStepLR)
ExponentialLR = _scheduler_runner(_S.ExponentialLR)
CosineAnnealingLR = _scheduler_runner(_S.CosineAnnealingLR)
LinearLR = _scheduler_runner(_S.LinearLR)


# -- the batch regimes ---------------------------------------------------------------------

@memoized
def minibatch_descent(input, target, weight, lr, batch_size, epochs=1, seed=0):
    """The training loop with torch.optim.SGD, F.mse_loss and autograd; NumPy's permutation."""
    w = weight.detach().clone().requires_grad_(True)
    opt = torch.optim.SGD([w], lr=lr)
    rng = np.random.default_rng(seed)
    n = input.shape[0]
    path = []
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(n))
        for batch in order.split(batch_size):
            opt.zero_grad()
            F.mse_loss(input[batch] @ w, target[batch]).backward()
            opt.step()
            path.append(w.detach().clone())
    return torch.stack(path).reshape(len(path), w.shape[0])

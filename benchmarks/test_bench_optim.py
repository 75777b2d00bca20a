"""One optimizer step over 1M float32 parameters in four arrays: impl against torch.optim,
numpy-ml's optimizers (where they have the options) and the floor (a copy of the parameters
and the gradients).

torch runs with its defaults (``foreach=None``: the per-tensor loop on CPU); the state
is created by a first step outside the timing, so the timed step is a steady one.
"""

import numpy as np
import pytest
import torch

from benchmarks.conftest import copy_floor, peer_module, run_pair
from impl import optim as O

SHAPES = ((1000, 500), (400, 1000), (50_000,), (50_000,))  # 1,000,000 parameters
CASES = [
    ("opt.gd", "SGD", {"lr": 0.01}),
    ("opt.momentum", "SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    ("opt.adagrad", "Adagrad", {}),
    ("opt.adadelta", "Adadelta", {}),
    ("opt.rmsprop", "RMSprop", {"momentum": 0.9}),
    ("opt.rmsprop/centered", "RMSprop", {"centered": True}),
    ("opt.adam", "Adam", {}),
    ("opt.adam/amsgrad", "Adam", {"amsgrad": True}),
    ("opt.adamw", "AdamW", {}),
    ("opt.adamax", "Adamax", {}),
    ("opt.nadam", "NAdam", {}),
]


@pytest.mark.parametrize("rid,name,options", CASES, ids=[c[0] for c in CASES])
def test_step(benchmark, side, rid, name, options):
    rng = np.random.default_rng(0)
    params = [rng.standard_normal(s, dtype=np.float32) for s in SHAPES]
    grads = [rng.standard_normal(s, dtype=np.float32) for s in SHAPES]
    mine = getattr(O, name)([p.copy() for p in params], **options)
    leaves = [torch.from_numpy(p.copy()) for p in params]
    for p, g in zip(leaves, grads, strict=True):
        p.grad = torch.from_numpy(g)
    theirs = getattr(torch.optim, name)(leaves, **options)
    mine.step(grads)
    theirs.step()
    peer = peer_module("numpy-ml", "optim")
    peer_step = None
    if peer is not None and side == "numpy-ml" and hasattr(peer, name):
        try:
            peers = getattr(peer, name)([p.copy() for p in params], **options)
            peers.step(grads)
            peer_step = peers.step
        except Exception:  # noqa: BLE001 -- an option numpy-ml lacks: no numpy-ml side
            peer_step = None
    run_pair(benchmark, side, f"{rid} step, 1e6 float32 params in 4 arrays", lambda: mine.step(grads), theirs.step,
             peers=("optim", lambda M: peer_step(grads)) if peer_step else None, floor=copy_floor(*params, *grads))

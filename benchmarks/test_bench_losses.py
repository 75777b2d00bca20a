"""Losses: elementwise ones at 1e6 elements, NLL and cross-entropy at 4096 × 1000 classes.

impl against torch on the same float64 input, forward (reduction 'mean') and backward.
"""

import numpy as np
import pytest
import torch

from benchmarks.conftest import copy_floor, peer_calls, run_pair, run_sides
from impl import losses as L
from reference import losses as R

N = 1_000_000
BATCH, CLASSES = 4096, 1000


def _rng():
    return np.random.default_rng(0)


def _pair(lo=-3.0, hi=3.0, tlo=None, thi=None):
    def make():
        rng = _rng()
        return rng.uniform(lo, hi, N), rng.uniform(lo if tlo is None else tlo, hi if thi is None else thi, N)
    return make


def _labels():
    rng = _rng()
    return rng.uniform(-3, 3, N), np.where(rng.random(N) < 0.5, -1.0, 1.0)


def _classes(probabilities=False):
    def make():
        rng = _rng()
        x = rng.normal(0.0, 2.0, (BATCH, CLASSES))
        if probabilities:
            return x, rng.dirichlet(np.ones(CLASSES), BATCH)
        return x, rng.integers(0, CLASSES, BATCH)
    return make


CASES = [
    ("loss.mse", "mse_loss", _pair(), {}),
    ("loss.mae", "l1_loss", _pair(), {}),
    ("loss.smooth_l1", "smooth_l1_loss", _pair(), {"beta": 0.5}),
    ("loss.smooth_l1/huber", "huber_loss", _pair(), {"delta": 0.5}),
    ("loss.msle", "msle_loss", _pair(0.0, 10.0), {}),
    ("loss.mape", "mape_loss", _pair(tlo=0.5, thi=3.0), {}),
    ("loss.logistic", "logistic_loss", _labels, {}),
    ("loss.hinge", "hinge_loss", _labels, {}),
    ("loss.exponential", "exponential_loss", _labels, {}),
    ("loss.bce", "binary_cross_entropy", _pair(0.0, 1.0), {}),
    ("loss.bce/logits", "binary_cross_entropy_with_logits", _pair(-8.0, 8.0, 0.0, 1.0), {}),
    ("loss.nll", "nll_loss", _classes(), {}),
    ("loss.cross_entropy", "cross_entropy", _classes(), {}),
    ("loss.cross_entropy/smoothing", "cross_entropy", _classes(), {"label_smoothing": 0.1}),
    ("loss.cross_entropy/probs", "cross_entropy", _classes(probabilities=True), {}),
]
IDS = [c[0] for c in CASES]


def _size(name):
    return f"{BATCH}x{CLASSES}" if name in ("nll_loss", "cross_entropy") else "n=1e6"


@pytest.mark.parametrize("rid,name,make,kw", CASES, ids=IDS)
def test_forward(benchmark, side, rid, name, make, kw):
    x, t = make()
    tx, tt = torch.from_numpy(x), torch.from_numpy(t)
    run_pair(benchmark, side, f"{rid} forward {_size(name)} float64",
             lambda: getattr(L, name)(x, t, **kw), lambda: getattr(R, name)(tx, tt, **kw),
             peers=("losses", lambda M: getattr(M, name)(x, t, **kw)), floor=copy_floor(x, t))


@pytest.mark.parametrize("rid,name,make,kw", CASES, ids=IDS)
def test_backward(benchmark, side, rid, name, make, kw):
    x, t = make()
    tx, tt = torch.from_numpy(x).requires_grad_(), torch.from_numpy(t)
    loss = getattr(R, name)(tx, tt, **kw)
    one = np.array(1.0)

    calls = {"impl": lambda: getattr(L, f"{name}_backward")(one, x, t, **kw),
             "torch": lambda: torch.autograd.grad(loss, tx, retain_graph=True), "floor": copy_floor(x, t),
             **peer_calls("losses", lambda M: getattr(M, f"{name}_backward")(one, x, t, **kw))}
    run_sides(benchmark, side, f"{rid} backward {_size(name)} float64", calls)

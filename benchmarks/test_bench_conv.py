"""Convolution and pooling at a realistic size: impl against torch, the peers and the floor, forward and backward.

The conv2d case is a ResNet stage-1 layer: batch 8, 64 → 64 channels, 56×56, 3×3, padding 1,
float32 (as a network would run it).  Pooling runs on the same activations.  conv2d's floor is
the GEMMs of an im2col convolution: (64 × 576)·(576 × 25088) forward; the weight's and the
input's gradients backward, the same FLOPs twice.
"""

import numpy as np
import pytest
import torch

from benchmarks.conftest import copy_floor, peer_calls, run_pair, run_sides
from impl import conv as C
from reference import conv as R

SHAPE = (8, 64, 56, 56)
POOLS = [
    ("cnn.pool.max", "max_pool2d", {"kernel_size": 2}),
    ("cnn.pool.max", "max_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("cnn.pool.avg", "avg_pool2d", {"kernel_size": 2}),
    ("cnn.pool.avg", "avg_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1}),
]


def _arrays(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(np.float32) for s in shapes]


def _gemm_floor(*pairs):
    """``np.matmul`` of each (m, k)·(k, n) float32 pair, into outputs made once."""
    rng = np.random.default_rng(2)
    ops = [(rng.standard_normal((m, k), dtype=np.float32), rng.standard_normal((k, n), dtype=np.float32),
            np.empty((m, n), np.float32)) for m, k, n in pairs]

    def floor():
        for a, b, out in ops:
            np.matmul(a, b, out=out)
    return floor


COLS = 64 * 3 * 3, SHAPE[0] * SHAPE[2] * SHAPE[3]  # im2col rows (C·kh·kw) and columns (N·H·W)


def _label(kw):
    return ", ".join(f"{k}={v}" for k, v in kw.items())


def test_conv2d_forward(benchmark, side):
    x, w, b = _arrays(SHAPE, (64, 64, 3, 3), (64,))
    t = [torch.from_numpy(a) for a in (x, w, b)]
    run_pair(benchmark, side, "cnn.conv2d forward 8×64×56×56, 64 3×3 kernels, padding 1, float32",
             lambda: C.conv2d(x, w, b, padding=1), lambda: R.conv2d(*t, padding=1),
             peers=("conv", lambda M: M.conv2d(x, w, b, padding=1)), floor=_gemm_floor((64, COLS[0], COLS[1])))


def test_conv2d_backward(benchmark, side):
    x, w, b, g = _arrays(SHAPE, (64, 64, 3, 3), (64,), SHAPE)
    t = [torch.from_numpy(a).requires_grad_() for a in (x, w, b)]
    y, gt = R.conv2d(*t, padding=1), torch.from_numpy(g)
    calls = {"impl": lambda: C.conv2d_backward(g, x, w, b, padding=1),
             "torch": lambda: torch.autograd.grad(y, t, gt, retain_graph=True),
             "floor": _gemm_floor((64, COLS[1], COLS[0]), (COLS[0], 64, COLS[1])),
             **peer_calls("conv", lambda M: M.conv2d_backward(g, x, w, b, padding=1))}
    run_sides(benchmark, side, "cnn.conv2d backward 8×64×56×56, 64 3×3 kernels, padding 1, float32", calls)


@pytest.mark.parametrize("rid,name,kw", POOLS, ids=[f"{n} {_label(kw)}" for _, n, kw in POOLS])
def test_pool_forward(benchmark, side, rid, name, kw):
    (x,) = _arrays(SHAPE)
    t = torch.from_numpy(x)
    run_pair(benchmark, side, f"{rid} {name} forward 8×64×56×56 {_label(kw)} float32",
             lambda: getattr(C, name)(x, **kw), lambda: getattr(R, name)(t, **kw),
             peers=("conv", lambda M: getattr(M, name)(x, **kw)), floor=copy_floor(x))


@pytest.mark.parametrize("rid,name,kw", POOLS, ids=[f"{n} {_label(kw)}" for _, n, kw in POOLS])
def test_pool_backward(benchmark, side, rid, name, kw):
    (x,) = _arrays(SHAPE)
    t = torch.from_numpy(x).requires_grad_()
    y = getattr(R, name)(t, **kw)
    (g,) = _arrays(tuple(y.shape), seed=1)
    gt = torch.from_numpy(g)
    calls = {"impl": lambda: getattr(C, f"{name}_backward")(g, x, **kw),
             "torch": lambda: torch.autograd.grad(y, t, gt, retain_graph=True), "floor": copy_floor(g, x),
             **peer_calls("conv", lambda M: getattr(M, f"{name}_backward")(g, x, **kw))}
    run_sides(benchmark, side, f"{rid} {name} backward 8×64×56×56 {_label(kw)} float32", calls)


@pytest.mark.parametrize("kw", [kw for _, n, kw in POOLS if n == "max_pool2d"], ids=_label)
def test_max_pool_backward_given_indices(benchmark, side, kw):
    """As torch's autograd does, the backward pass reuses the forward's indices instead of searching again."""
    (x,) = _arrays(SHAPE)
    t = torch.from_numpy(x).requires_grad_()
    y = R.max_pool2d(t, **kw)
    _, indices = C.max_pool2d(x, return_indices=True, **kw)
    (g,) = _arrays(tuple(y.shape), seed=1)
    gt = torch.from_numpy(g)
    calls = {"impl": lambda: C.max_pool2d_backward(g, x, indices=indices, **kw),
             "torch": lambda: torch.autograd.grad(y, t, gt, retain_graph=True), "floor": copy_floor(g, x)}
    run_sides(benchmark, side, f"cnn.pool.max max_pool2d backward given indices 8×64×56×56 {_label(kw)} float32", calls)

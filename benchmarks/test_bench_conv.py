"""Convolution and pooling at a realistic size: impl against torch, forward and backward.

The conv2d case is a ResNet stage-1 layer: batch 8, 64 → 64 channels, 56×56, 3×3, padding 1,
float32 (as a network would run it).  Pooling runs on the same activations.
"""

import numpy as np
import pytest
import torch

from benchmarks.conftest import run_pair
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


def _label(kw):
    return ", ".join(f"{k}={v}" for k, v in kw.items())


def test_conv2d_forward(benchmark, side):
    x, w, b = _arrays(SHAPE, (64, 64, 3, 3), (64,))
    t = [torch.from_numpy(a) for a in (x, w, b)]
    run_pair(benchmark, side, "cnn.conv2d forward 8×64×56×56, 64 3×3 kernels, padding 1, float32",
             lambda: C.conv2d(x, w, b, padding=1), lambda: R.conv2d(*t, padding=1))


def test_conv2d_backward(benchmark, side):
    x, w, b, g = _arrays(SHAPE, (64, 64, 3, 3), (64,), SHAPE)
    t = [torch.from_numpy(a).requires_grad_() for a in (x, w, b)]
    y, gt = R.conv2d(*t, padding=1), torch.from_numpy(g)
    benchmark.group = "cnn.conv2d backward 8×64×56×56, 64 3×3 kernels, padding 1, float32"
    benchmark.extra_info.update(side=side)
    if side == "impl":
        benchmark(lambda: C.conv2d_backward(g, x, w, b, padding=1))
    else:
        benchmark(lambda: torch.autograd.grad(y, t, gt, retain_graph=True))


@pytest.mark.parametrize("rid,name,kw", POOLS, ids=[f"{n} {_label(kw)}" for _, n, kw in POOLS])
def test_pool_forward(benchmark, side, rid, name, kw):
    (x,) = _arrays(SHAPE)
    t = torch.from_numpy(x)
    run_pair(benchmark, side, f"{rid} {name} forward 8×64×56×56 {_label(kw)} float32",
             lambda: getattr(C, name)(x, **kw), lambda: getattr(R, name)(t, **kw))


@pytest.mark.parametrize("rid,name,kw", POOLS, ids=[f"{n} {_label(kw)}" for _, n, kw in POOLS])
def test_pool_backward(benchmark, side, rid, name, kw):
    (x,) = _arrays(SHAPE)
    t = torch.from_numpy(x).requires_grad_()
    y = getattr(R, name)(t, **kw)
    (g,) = _arrays(tuple(y.shape), seed=1)
    gt = torch.from_numpy(g)
    benchmark.group = f"{rid} {name} backward 8×64×56×56 {_label(kw)} float32"
    benchmark.extra_info.update(side=side)
    if side == "impl":
        benchmark(lambda: getattr(C, f"{name}_backward")(g, x, **kw))
    else:
        benchmark(lambda: torch.autograd.grad(y, t, gt, retain_graph=True))


@pytest.mark.parametrize("kw", [kw for _, n, kw in POOLS if n == "max_pool2d"], ids=_label)
def test_max_pool_backward_given_indices(benchmark, side, kw):
    """As torch's autograd does, the backward pass reuses the forward's indices instead of searching again."""
    (x,) = _arrays(SHAPE)
    t = torch.from_numpy(x).requires_grad_()
    y = R.max_pool2d(t, **kw)
    _, indices = C.max_pool2d(x, return_indices=True, **kw)
    (g,) = _arrays(tuple(y.shape), seed=1)
    gt = torch.from_numpy(g)
    benchmark.group = f"cnn.pool.max max_pool2d backward given indices 8×64×56×56 {_label(kw)} float32"
    benchmark.extra_info.update(side=side)
    if side == "impl":
        benchmark(lambda: C.max_pool2d_backward(g, x, indices=indices, **kw))
    else:
        benchmark(lambda: torch.autograd.grad(y, t, gt, retain_graph=True))

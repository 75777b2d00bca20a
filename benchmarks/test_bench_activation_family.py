"""The rest of the activation family at 1e6 elements: impl against torch, forward (float64,
float32) and backward (float64), as benchmarks/test_bench_activations.py does for the guide's."""

import numpy as np
import pytest
import torch

from benchmarks.conftest import run_pair
from impl import activations as A
from reference import activations as R

N = 1_000_000
CASES = [
    ("act.hardtanh", "hardtanh", {}), ("act.relu6", "relu6", {}),
    ("act.threshold", "threshold", {"threshold": 0.5, "value": -1.0}), ("act.celu", "celu", {}),
    ("act.logsigmoid", "logsigmoid", {}), ("act.mish", "mish", {}), ("act.hardswish", "hardswish", {}),
    ("act.tanhshrink", "tanhshrink", {}), ("act.softshrink", "softshrink", {}), ("act.hardshrink", "hardshrink", {}),
    ("act.glu", "glu", {"dim": -1}), ("act.softmin", "softmin", {"dim": -1}), ("act.rrelu", "rrelu", {}),
]


def _input(dtype, name):
    x = np.random.default_rng(0).uniform(-8, 8, N).astype(dtype)
    return x.reshape(1000, 1000) if name in ("softmin", "glu") else x


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("rid,name,kw", CASES, ids=[c[0] for c in CASES])
def test_forward(benchmark, side, rid, name, kw, dtype):
    x = _input(dtype, name)
    t = torch.from_numpy(x)
    run_pair(benchmark, side, f"{rid} forward n=1e6 {np.dtype(dtype).name}",
             lambda: getattr(A, name)(x, **kw), lambda: getattr(R, name)(t, **kw))


@pytest.mark.parametrize("rid,name,kw", CASES, ids=[c[0] for c in CASES])
def test_backward(benchmark, side, rid, name, kw):
    x = _input(np.float64, name)
    t = torch.from_numpy(x).requires_grad_()
    y = getattr(R, name)(t, **kw)
    g = np.random.default_rng(1).uniform(-1, 1, tuple(y.shape))
    gt = torch.from_numpy(g)

    def torch_backward():
        return torch.autograd.grad(y, t, gt, retain_graph=True)

    benchmark.group = f"{rid} backward n=1e6 float64"
    benchmark.extra_info.update(side=side)
    if side == "impl":
        benchmark(lambda: getattr(A, f"{name}_backward")(g, x, **kw))
    else:
        benchmark(torch_backward)

"""Activations at 1e6 elements, float64 and float32, forward and backward: impl against torch,
the pure-NumPy peers (where they have the op) and the floor, every side timed on its own call."""

import numpy as np
import pytest
import torch

from benchmarks.conftest import copy_floor, peer_calls, run_pair, run_sides
from impl import activations as A
from reference import activations as R

N = 1_000_000
CASES = [
    ("act.sigmoid", "sigmoid", {}), ("act.tanh", "tanh", {}), ("act.relu", "relu", {}),
    ("act.leaky_relu", "leaky_relu", {}), ("act.elu", "elu", {}), ("act.selu", "selu", {}),
    ("act.gelu", "gelu", {}), ("act.gelu/tanh", "gelu", {"approximate": "tanh"}),
    ("act.softplus", "softplus", {"threshold": 20.0}), ("act.softplus/default", "softplus", {}),
    ("act.silu", "silu", {}), ("act.softsign", "softsign", {}), ("act.hardsigmoid", "hardsigmoid", {}),
    ("act.softmax", "softmax", {"dim": -1}), ("act.log_softmax", "log_softmax", {"dim": -1}),
    # the rest of the family
    ("act.hardtanh", "hardtanh", {}), ("act.relu6", "relu6", {}),
    ("act.threshold", "threshold", {"threshold": 0.5, "value": -1.0}), ("act.celu", "celu", {}),
    ("act.logsigmoid", "logsigmoid", {}), ("act.mish", "mish", {}), ("act.hardswish", "hardswish", {}),
    ("act.tanhshrink", "tanhshrink", {}), ("act.softshrink", "softshrink", {}), ("act.hardshrink", "hardshrink", {}),
    ("act.glu", "glu", {"dim": -1}), ("act.softmin", "softmin", {"dim": -1}), ("act.rrelu", "rrelu", {}),
]
ROWWISE = ("softmax", "log_softmax", "softmin", "glu")  # over dim=-1 of a 1000×1000 matrix


def _input(dtype, name):
    x = np.random.default_rng(0).uniform(-8, 8, N).astype(dtype)
    return x.reshape(1000, 1000) if name in ROWWISE else x


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("rid,name,kw", CASES, ids=[c[0] for c in CASES])
def test_forward(benchmark, side, rid, name, kw, dtype):
    x = _input(dtype, name)
    t = torch.from_numpy(x)
    run_pair(benchmark, side, f"{rid} forward n=1e6 {np.dtype(dtype).name}",
             lambda: getattr(A, name)(x, **kw), lambda: getattr(R, name)(t, **kw),
             peers=("activations", lambda M: getattr(M, name)(x, **kw)), floor=copy_floor(x))


@pytest.mark.parametrize("rid,name,kw", CASES, ids=[c[0] for c in CASES])
def test_backward(benchmark, side, rid, name, kw):
    x = _input(np.float64, name)
    t = torch.from_numpy(x).requires_grad_()
    y = getattr(R, name)(t, **kw)
    g = np.random.default_rng(1).uniform(-1, 1, tuple(y.shape))  # glu halves dim
    gt = torch.from_numpy(g)

    def torch_backward():
        return torch.autograd.grad(y, t, gt, retain_graph=True)

    calls = {"impl": lambda: getattr(A, f"{name}_backward")(g, x, **kw), "torch": torch_backward,
             "floor": copy_floor(g, x),
             **peer_calls("activations", lambda M: getattr(M, f"{name}_backward")(g, x, **kw))}
    run_sides(benchmark, side, f"{rid} backward n=1e6 float64", calls)

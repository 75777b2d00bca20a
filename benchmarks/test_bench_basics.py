"""The MLP at an MNIST-sized shape: batch 256, 784-512-256-10, ReLU; impl against torch."""

import numpy as np
import pytest
import torch

from benchmarks.conftest import run_pair, run_sides
from impl import basics as B
from reference import basics as R

SIZES, BATCH = [784, 512, 256, 10], 256


def _net(dtype):
    ws, bs = B.init_mlp(SIZES, seed=0, dtype=dtype)
    x = np.random.default_rng(1).standard_normal((BATCH, SIZES[0])).astype(dtype)
    return x, ws, bs


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_forward(benchmark, side, dtype):
    x, ws, bs = _net(dtype)
    xt, wt, bt = torch.from_numpy(x), [torch.from_numpy(w) for w in ws], [torch.from_numpy(b) for b in bs]
    run_pair(benchmark, side, f"nn.mlp.forward 256x784-512-256-10 relu {np.dtype(dtype).name}",
             lambda: B.mlp_forward(x, ws, bs, "relu"), lambda: R.mlp_forward(xt, wt, bt, "relu"))


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_backward(benchmark, side, dtype):
    """Forward and backward together: impl's mlp_backward recomputes the forward pass, and so
    does torch here (a fresh graph each round), so both sides do the same work."""
    x, ws, bs = _net(dtype)
    g = np.random.default_rng(2).standard_normal((BATCH, SIZES[-1])).astype(dtype)
    leaves = [torch.from_numpy(a).requires_grad_() for a in (x, *ws, *bs)]
    gt = torch.from_numpy(g)

    def torch_backward():
        out = R.mlp_forward(leaves[0], leaves[1:4], leaves[4:], "relu")
        return torch.autograd.grad(out, leaves, gt)

    run_sides(benchmark, side, f"nn.backprop 256x784-512-256-10 relu {np.dtype(dtype).name}",
              {"impl": lambda: B.mlp_backward(g, x, ws, bs, "relu"), "torch": torch_backward})

"""A ResNet basic block (64 channels, 28×28, batch 8, float32): impl against torch,
forward and backward, the same weights on both sides."""

import numpy as np
import pytest
import torch

from benchmarks.conftest import run_pair, run_sides
from impl import networks as N
from reference import networks as R

SHAPE = (8, 64, 28, 28)


@pytest.fixture(scope="module")
def block():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(SHAPE).astype(np.float32)
    params = tuple((rng.standard_normal(s) / np.sqrt(np.prod(s[1:]) if len(s) > 1 else 1)).astype(np.float32)
                   for s in N.weight_shapes(N.basic_block(64, 64, 1)))
    return x, params


def test_basic_block_forward(benchmark, side, block):
    x, params = block
    tx, tp = torch.from_numpy(x), tuple(torch.from_numpy(p) for p in params)
    run_pair(benchmark, side, "arch.resnet/basic-block forward 8x64x28x28 float32",
             lambda: N.basic_block_forward(x, params), lambda: R.basic_block_forward(tx, tp))


def test_basic_block_backward(benchmark, side, block):
    x, params = block
    g = np.random.default_rng(1).standard_normal(SHAPE).astype(np.float32)
    tx = torch.from_numpy(x).requires_grad_()
    tp = tuple(torch.from_numpy(p).requires_grad_() for p in params)
    y = R.basic_block_forward(tx, tp)
    run_sides(benchmark, side, "arch.resnet/basic-block backward 8x64x28x28 float32",
              {"impl": lambda: N.basic_block_backward(g, x, params),
               "torch": lambda: torch.autograd.grad(y, (tx, *tp), torch.from_numpy(g), retain_graph=True)})

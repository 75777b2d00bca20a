"""Cost growth: time against size for a few ops, impl beside torch, for SPEED.md's log–log figure.

A straight line of slope 1 is linear cost; a bend upward at some size shows where impl
leaves the caches (or allocates) worse than torch does.
"""

import numpy as np
import pytest
import torch

from benchmarks.conftest import run_pair
from impl import activations as A
from impl import conv as C
from reference import activations as RA
from reference import conv as RC

SIZES = [10**3, 10**4, 10**5, 10**6, 4 * 10**6]
OPS = [
    ("act.sigmoid forward float64", lambda x: A.sigmoid(x), lambda t: RA.sigmoid(t)),
    ("act.gelu forward float64", lambda x: A.gelu(x), lambda t: RA.gelu(t)),
    ("act.softmax forward float64", lambda x: A.softmax(x.reshape(-1, 1000), dim=-1),
     lambda t: RA.softmax(t.reshape(-1, 1000), dim=-1)),
    ("cnn.pool.max max_pool2d forward float64", lambda x: C.max_pool2d(x.reshape(-1, 1, 20, 50), kernel_size=2),
     lambda t: RC.max_pool2d(t.reshape(-1, 1, 20, 50), kernel_size=2)),
]


@pytest.mark.parametrize("n", SIZES, ids=[f"n={n:.0e}" for n in SIZES])
@pytest.mark.parametrize("op,impl_call,torch_call", OPS, ids=[o[0] for o in OPS])
def test_growth(benchmark, side, op, impl_call, torch_call, n):
    if side not in ("impl", "torch"):
        pytest.skip("the growth figure is impl beside torch")
    x = np.random.default_rng(0).uniform(-8, 8, n)
    t = torch.from_numpy(x)
    run_pair(benchmark, side, f"growth {op} n={n}", lambda: impl_call(x), lambda: torch_call(t), growth=op, n=n)

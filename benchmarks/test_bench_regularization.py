"""Dropout at 1e6 elements, impl against torch: torch draws its own mask, impl is given one
(the draw is the generator's cost, measured separately)."""

import numpy as np
import torch
import torch.nn.functional as F

from benchmarks.conftest import run_pair
from impl import regularization as R

N = 1_000_000


def test_dropout(benchmark, side):
    x = np.random.default_rng(0).uniform(-8, 8, N)
    mask = R.dropout_mask(x, 0.5, np.random.default_rng(1))
    t = torch.from_numpy(x)
    run_pair(benchmark, side, "reg.dropout forward n=1e6 float64 (impl: mask given)",
             lambda: R.dropout(x, 0.5, True, mask=mask), lambda: F.dropout(t, 0.5, True))


def test_dropout_drawn(benchmark, side):
    x = np.random.default_rng(0).uniform(-8, 8, N)
    t = torch.from_numpy(x)
    rng = np.random.default_rng(1)
    run_pair(benchmark, side, "reg.dropout forward n=1e6 float64 (both draw their mask)",
             lambda: R.dropout(x, 0.5, True, generator=rng), lambda: F.dropout(t, 0.5, True))

"""An LSTM over sequence 50, batch 32, input 128, hidden 256: impl against torch.nn.LSTM.

Forward in float32 and float64; forward + backward through time (impl's lstm_backward
recomputes the forward, so torch's side is its forward and autograd together).
"""

import numpy as np
import pytest
import torch

from benchmarks.conftest import run_pair
from impl import recurrent as R
from reference import recurrent as T

LENGTH, BATCH, INPUT, HIDDEN = 50, 32, 128, 256
SIZES = f"L={LENGTH} N={BATCH} I={INPUT} H={HIDDEN}"
DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])


def _problem(dtype):
    rng = np.random.default_rng(0)
    bound = 1 / np.sqrt(HIDDEN)  # torch's initialisation
    shapes = [(4 * HIDDEN, INPUT), (4 * HIDDEN, HIDDEN), (4 * HIDDEN,), (4 * HIDDEN,)]
    weights = [rng.uniform(-bound, bound, s).astype(dtype) for s in shapes]
    x = rng.normal(size=(LENGTH, BATCH, INPUT)).astype(dtype)
    return x, weights


@DTYPES
def test_lstm_forward(benchmark, side, dtype):
    x, weights = _problem(dtype)
    xt, wt = torch.from_numpy(x), [torch.from_numpy(w) for w in weights]
    run_pair(benchmark, side, f"lstm.sequence forward {SIZES} {np.dtype(dtype).name}",
             lambda: R.lstm(x, None, weights), lambda: T.lstm(xt, None, wt))


@DTYPES
def test_lstm_backward(benchmark, side, dtype):
    x, weights = _problem(dtype)
    rng = np.random.default_rng(1)
    g_out = rng.normal(size=(LENGTH, BATCH, HIDDEN)).astype(dtype)
    g_h, g_c = (rng.normal(size=(1, BATCH, HIDDEN)).astype(dtype) for _ in range(2))

    def torch_forward_backward():
        xt = torch.from_numpy(x).requires_grad_()
        wt = [torch.from_numpy(w).requires_grad_() for w in weights]
        out, (h, c) = T.lstm(xt, None, wt)
        return torch.autograd.grad((out, h, c), [xt, *wt], [torch.from_numpy(a) for a in (g_out, g_h, g_c)])

    benchmark.group = f"lstm.sequence forward+backward {SIZES} {np.dtype(dtype).name}"
    benchmark.extra_info.update(side=side)
    if side == "impl":
        benchmark(lambda: R.lstm_backward((g_out, (g_h, g_c)), x, None, weights))
    else:
        benchmark(torch_forward_backward)

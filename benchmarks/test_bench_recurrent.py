"""LSTM and GRU over sequence 50, batch 32, input 128, hidden 256: impl against torch.nn.LSTM/GRU,
ONNX's reference evaluator (forward) and the GEMM floor.

Forward in float32 and float64; forward + backward through time (impl's lstm_backward
recomputes the forward, so torch's side is its forward and autograd together).  The floor
is the matmuls a sequence cannot avoid: the input projection of all steps at once and one
(N × H)·(H × gH) per step forward; backward adds one (N × gH)·(gH × H) per step and the
three all-steps GEMMs of the weights' and the input's gradients.
"""

import numpy as np
import pytest
import torch

from benchmarks.conftest import peer_calls, run_pair, run_sides
from impl import recurrent as R
from reference import recurrent as T

LENGTH, BATCH, INPUT, HIDDEN = 50, 32, 128, 256
SIZES = f"L={LENGTH} N={BATCH} I={INPUT} H={HIDDEN}"
DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
KINDS = pytest.mark.parametrize("kind,gates", [("lstm", 4), ("gru", 3)], ids=["lstm", "gru"])


def _problem(dtype, gates):
    rng = np.random.default_rng(0)
    bound = 1 / np.sqrt(HIDDEN)  # torch's initialisation
    shapes = [(gates * HIDDEN, INPUT), (gates * HIDDEN, HIDDEN), (gates * HIDDEN,), (gates * HIDDEN,)]
    weights = [rng.uniform(-bound, bound, s).astype(dtype) for s in shapes]
    x = rng.normal(size=(LENGTH, BATCH, INPUT)).astype(dtype)
    return x, weights


def _gemm_floor(dtype, gates, backward):
    rng = np.random.default_rng(2)
    gh, steps = gates * HIDDEN, LENGTH * BATCH
    once = [(steps, INPUT, gh)]
    per_step = [(BATCH, HIDDEN, gh)]
    if backward:
        once += [(gh, steps, HIDDEN), (gh, steps, INPUT), (steps, gh, INPUT)]
        per_step += [(BATCH, gh, HIDDEN)]

    def operands(m, k, n):
        a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
        return a, b, np.empty((m, n), dtype)

    ops = [operands(*s) for s in once] + [operands(*s) for s in per_step] * LENGTH

    def floor():
        for a, b, out in ops:
            np.matmul(a, b, out=out)
    return floor


@KINDS
@DTYPES
def test_forward(benchmark, side, kind, gates, dtype):
    x, weights = _problem(dtype, gates)
    xt, wt = torch.from_numpy(x), [torch.from_numpy(w) for w in weights]
    run_pair(benchmark, side, f"{kind}.sequence forward {SIZES} {np.dtype(dtype).name}",
             lambda: getattr(R, kind)(x, None, weights), lambda: getattr(T, kind)(xt, None, wt),
             peers=("recurrent", lambda M: getattr(M, kind)(x, None, weights)),
             floor=_gemm_floor(dtype, gates, backward=False))


@KINDS
@DTYPES
def test_backward(benchmark, side, kind, gates, dtype):
    x, weights = _problem(dtype, gates)
    rng = np.random.default_rng(1)
    g_out = rng.normal(size=(LENGTH, BATCH, HIDDEN)).astype(dtype)
    g_h, g_c = (rng.normal(size=(1, BATCH, HIDDEN)).astype(dtype) for _ in range(2))
    g_state = (g_h, g_c) if kind == "lstm" else g_h

    def torch_forward_backward():
        xt = torch.from_numpy(x).requires_grad_()
        wt = [torch.from_numpy(w).requires_grad_() for w in weights]
        out, state = getattr(T, kind)(xt, None, wt)
        state = state if kind == "lstm" else (state,)
        grads = [torch.from_numpy(a) for a in ((g_out, g_h, g_c) if kind == "lstm" else (g_out, g_h))]
        return torch.autograd.grad((out, *state), [xt, *wt], grads)

    calls = {"impl": lambda: getattr(R, f"{kind}_backward")((g_out, g_state), x, None, weights),
             "torch": torch_forward_backward, "floor": _gemm_floor(dtype, gates, backward=True),
             **peer_calls("recurrent", lambda M: getattr(M, f"{kind}_backward")((g_out, g_state), x, None, weights))}
    run_sides(benchmark, side, f"{kind}.sequence forward+backward {SIZES} {np.dtype(dtype).name}", calls)

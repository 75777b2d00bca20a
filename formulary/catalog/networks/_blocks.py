"""Executable blocks (LeNet, residual, inception) run forward and backward against torch's modules."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import torch
from hypothesis import strategies as st

from formulary.candidate import reference
from formulary.catalog.networks._common import SECTION
from formulary.record import ErrorInput, Record, Sample, Tolerance

# -- executable blocks --------------------------------------------------------------------------

@cache
def _layout(module: str, args: tuple) -> tuple:
    """(shape, kind) of each parameter of the torch module ``module(*args)``, in
    named_parameters order; kind is "gamma"/"beta" for BatchNorm's, else "tensor"."""
    with torch.device("meta"):
        built = reference(f"networks.{module}")(*args)
    return tuple((tuple(p.shape), ("gamma" if name == "weight" else "beta") if isinstance(m, torch.nn.BatchNorm2d)
                  else "tensor")
                 for m in built.modules() for name, p in m.named_parameters(recurse=False))


def _weights(module: str, args: tuple, seed: int, dt) -> tuple:
    """The block's weights in torch's named_parameters order: kernels and matrices
    uniform with variance ~ 1/fan-in (torch's init scale), biases in [-1, 1], and
    BatchNorm's γ in [0.5, 1.5] and β in [-0.5, 0.5] -- a γ near 0 would leave the next
    BatchNorm a near-constant channel whose 1/σ amplifies float32 rounding by hundreds."""
    rng = np.random.default_rng(seed)
    out = []
    for shape, kind in _layout(module, args):
        if kind == "tensor":
            hi = math.sqrt(3.0 / math.prod(shape[1:])) if len(shape) > 1 else 1.0
            lo = -hi
        else:
            lo, hi = (0.5, 1.5) if kind == "gamma" else (-0.5, 0.5)
        out.append(rng.uniform(lo, hi, shape).astype(dt))
    return tuple(out)


def _block_sample(module: str, args: tuple, x_shape, kwargs, seed: int, dt, note: str = "") -> Sample:
    x = np.random.default_rng(seed + 1).uniform(-2.0, 2.0, x_shape).astype(dt)
    return Sample((x, _weights(module, args, seed, dt)), kwargs, note)


def _lenet(n, seed, dt, note=""):
    return _block_sample("lenet5_modern_module", (), (n, 1, 32, 32), {}, seed, dt, note)


def _stride(s: int) -> dict:
    """The block's options: stride 1 is left to the default, so that the default is judged too."""
    return {"stride": s} if s != 1 else {}


def _basic(c, p, s, x_shape, seed, dt, note=""):
    return _block_sample("BasicBlock", (c, p, s), x_shape, _stride(s), seed, dt, note)


def _bottleneck(c, p, s, x_shape, seed, dt, note=""):
    return _block_sample("Bottleneck", (c, p, s), x_shape, _stride(s), seed, dt, note)


def _inception(c, widths, k, x_shape, seed, dt, note=""):
    return _block_sample("Inception", (c, *widths, k), x_shape, {}, seed, dt, note)


_SEED = st.integers(0, 2**32 - 1)
# BatchNorm's batch statistics need more than one value per channel; over two or three
# its backward (∝ 1/σ of those few values) is too ill-conditioned to compare in float32.
# A batch of 2-3 and maps of at least 3×3 (2×2 after a stride of 2) give at least 8.
_BATCH = st.integers(2, 3)
_SIDE = st.integers(3, 6)


def _lenet_inputs(dt):
    return st.builds(lambda n, seed: _lenet(n, seed, dt), st.integers(1, 2), _SEED)


def _residual_inputs(make, dt):
    return st.builds(lambda c, p, s, n, h, w, seed: make(c, p, s, (n, c, h, w), seed, dt),
                     st.integers(1, 6), st.integers(1, 4), st.sampled_from([1, 2]), _BATCH, _SIDE, _SIDE, _SEED)


def _inception_inputs(dt):
    return st.builds(lambda c, widths, k, n, h, w, seed: _inception(c, widths, k, (n, c, h, w), seed, dt),
                     st.integers(1, 5), st.tuples(*[st.integers(1, 4)] * 6), st.sampled_from([3, 5]), _BATCH,
                     _SIDE, _SIDE, _SEED)


def _basic_edges(dt):
    return [
        _basic(4, 4, 1, (2, 4, 5, 5), 11, dt, "identity shortcut"),
        _basic(3, 5, 1, (2, 3, 4, 6), 12, dt, "projection, stride 1"),
        _basic(3, 6, 2, (2, 3, 7, 7), 13, dt, "projection, stride 2, odd size"),
        _basic(2, 2, 2, (8, 2, 1, 1), 14, dt, "1×1 maps, stride 2, batch 8"),
    ]


def _bottleneck_edges(dt):
    return [
        _bottleneck(8, 2, 1, (2, 8, 5, 5), 21, dt, "identity shortcut"),
        _bottleneck(3, 2, 1, (2, 3, 4, 6), 22, dt, "projection, stride 1"),
        _bottleneck(4, 3, 2, (2, 4, 7, 6), 23, dt, "projection, stride 2"),
    ]


def _inception_edges(dt):
    return [
        _inception(3, (2, 2, 3, 1, 2, 2), 3, (2, 3, 5, 5), 31, dt, "torchvision's 3×3 branch"),
        _inception(4, (1, 2, 2, 3, 3, 1), 5, (2, 4, 6, 4), 32, dt, "the paper's 5×5 branch"),
        _inception(2, (2, 1, 1, 1, 1, 2), 3, (8, 2, 1, 1), 33, dt, "1×1 maps, batch 8"),
    ]


def _lenet_edges(dt):
    return [_lenet(1, 41, dt, "one image"), _lenet(3, 42, dt, "a batch of three")]


def _block_errors(sample_fn, stride_kw, out_shape, *, checks_weights_first=True, needs_batch=False):
    """Bad inputs of an executable block, each named in the error: an integer input; params
    not a sequence, empty, short of a weight, with an integer or a 2-D first weight, or in
    float32 for a float64 input; a grad_output of the wrong shape, of integers, or of the
    wrong float type (``out_shape`` is the output's shape on ``sample_fn``'s sample).  A
    block (``checks_weights_first``) reads its first weight's shape before the rest; one that
    reads its input's channels (``needs_batch``) rejects an unbatched input."""
    good = sample_fn(np.float64)
    x, params = good.args
    first = np.zeros(params[0].shape, np.int64)
    empty = (r"^params has 0 arrays; the block's weights start with at least 1$" if checks_weights_first
             else r"^params has 0 arrays, the network takes \d+")
    flat = (r"^params\[0\] must be a 4-D convolution weight, got shape \(3, 3\)$" if checks_weights_first
            else r"^params\[0\] is float64 \(3, 3\), expected float64")
    unbatched = (ErrorInput(Sample((x[0], params), stride_kw, "an unbatched input"), ValueError,
                            rf"^input must be \(N, C, H, W\), got shape \({', '.join(map(str, x.shape[1:]))}\)$"),)
    return (*(unbatched if needs_batch else ()),
        ErrorInput(Sample((x.astype(np.int64), params), stride_kw, "integer input"), TypeError,
                   r"^input must be a float32 or float64 array"),
        ErrorInput(Sample((x, np.zeros(3)), stride_kw, "params an array"), TypeError,
                   r"^params must be a tuple or list of arrays, got ndarray$"),
        ErrorInput(Sample((x, ()), stride_kw, "no weights"), ValueError, empty),
        ErrorInput(Sample((x, params[:-1]), stride_kw, "a weight missing"), ValueError, r"^params has \d+ arrays"),
        ErrorInput(Sample((x, (first, *params[1:])), stride_kw, "integer weights"), TypeError,
                   r"^params\[0\] must be a float32 or float64 array"),
        ErrorInput(Sample((x, (np.zeros((3, 3)), *params[1:])), stride_kw, "a 2-D first weight"), ValueError, flat),
        ErrorInput(Sample((x, tuple(p.astype(np.float32) for p in params)), stride_kw,
                          "float32 weights, float64 input"),
                   ValueError, r"^params\[0\] is float32"),
        ErrorInput(Sample((np.zeros((1, 1)), x, params), stride_kw, "grad_output of the wrong shape"), ValueError,
                   r"^grad_output is float64 \(1, 1\), expected the output's float64", "backward"),
        ErrorInput(Sample((np.zeros(out_shape, np.int64), x, params), stride_kw, "integer grad_output"), TypeError,
                   r"^grad_output must be a float32 or float64 array", "backward"),
        ErrorInput(Sample((np.zeros(out_shape, np.float32), x, params), stride_kw, "float32 grad_output"), ValueError,
                   r"^grad_output is float32 .*, expected the output's float64", "backward"),
    )


def _block_record(*, id, name, equation, inputs, edge_bank, mistakes, errors, tolerances=None, check=None, notes=""):
    return Record(
        id=id, kind="E", section=SECTION, equation=equation,  # the inventory's kind for arch.*
        candidate=f"networks.{name}_forward", reference=f"networks.{name}_forward",
            backward=f"networks.{name}_backward",
        grad_args=(0, 1), inputs=inputs, edges=edge_bank, mistakes=tuple(mistakes), errors=errors,
        tolerances=tolerances or {}, check=check, notes=notes,
    )


_BN_NOTE = ("BatchNorm in training mode (batch statistics) on both sides; "
            "torch runs its modules via torch.func.functional_call")
_BN_FLOAT32 = {np.float32: Tolerance(1e-4, 1e-4, (
    "BatchNorm's backward subtracts a channel's means of g and g·x̂ and divides by the batch's σ, so float32 rounding "
    "in the convolutions around it (torch's and impl's alike) comes back amplified: over 300 draws per block "
    "|impl − torch| stayed within 1e-4·|torch| + 2e-5; float64 is held to the default"))}

# mistakes of counting that any network's table must catch

"""Max and average pooling, forward and backward, against torch."""

from __future__ import annotations

import numpy as np
import torch.nn.functional as F
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from formulary.catalog.conv._common import EXACT, S_POOL, _compact, _ints, _values
from formulary.catalog.conv.convolution import _torch
from formulary.compare import assert_close
from formulary.mistakes import conv as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample
from formulary.strategies import floats
from formulary.verdict import expect

# -- pooling samples ---------------------------------------------------------------------------

def _window_hits(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> bool:
    """Every window touches the input (torch mis-indexes a dilated window that misses it: see the deviation)."""
    span = n + 2 * p - d * (k - 1) - 1
    if span < 0 and not ceil_mode:
        return False
    out = (span // s if not ceil_mode else -(-span // s)) + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out >= 1 and all(any(0 <= i * s - p + d * u < n for u in range(k)) for i in range(out))


@st.composite
def pool_samples(draw, dt, *, avg: bool):
    k = (draw(_ints(1, 3)), draw(_ints(1, 3)))
    s = None if draw(st.booleans()) else (draw(_ints(1, 3)), draw(_ints(1, 3)))
    p = (draw(_ints(0, k[0] // 2)), draw(_ints(0, k[1] // 2)))
    d = (1, 1) if avg else (draw(_ints(1, 2)), draw(_ints(1, 2)))
    ceil_mode = draw(st.booleans())
    hw = (draw(_ints(1, 6)), draw(_ints(1, 6)))
    stride = s or k
    if not all(_window_hits(*a, ceil_mode) for a in zip(hw, k, stride, p, d)):
        hw = tuple(max(h, dd * (kk - 1) + 1) for h, kk, dd in zip(hw, k, d))
    if not all(_window_hits(*a, ceil_mode) for a in zip(hw, k, stride, p, d)):
        p = (0, 0)
    ties = draw(st.booleans())  # small integers: ties in the windows (torch keeps the first maximum)
    elements = st.sampled_from([-2.0, -1.0, 0.0, 1.0]) if ties else floats(dt, -2.0, 2.0)
    x = draw(hnp.arrays(np.dtype(dt), (draw(_ints(1, 2)), draw(_ints(1, 2)), *hw), elements=elements,
                        fill=st.nothing()))
    kwargs = {"kernel_size": _compact(k), "stride": None if s is None else _compact(s), "padding": _compact(p),
              "ceil_mode": ceil_mode}
    if avg:
        kwargs["count_include_pad"] = draw(st.booleans())
        kwargs["divisor_override"] = draw(st.sampled_from([None, None, 3, -2]))
    else:
        kwargs["dilation"] = _compact(d)
    if x.shape[0] == 1 and draw(st.booleans()):
        x = x[0]  # torch's unbatched (C, H, W)
    return Sample((x,), kwargs)


def _pool_edges(dt, avg: bool) -> list[Sample]:
    ties = np.ones((1, 2, 4, 5), dt)
    negative = -1.0 - np.abs(_values(dt, (2, 1, 5, 4), 41))
    with_nan = _values(dt, (1, 1, 4, 4), 42)
    with_nan[0, 0, 1, 2] = np.nan
    ragged = _values(dt, (1, 2, 5, 7), 43)
    cancelling = np.array([[[[1e8, 1.0], [-1e8, 1.0]]]], dt)
    big = np.finfo(dt).max
    extremes = np.array([[[[np.inf, -np.inf, big, big], [1.0, 1.0, 1.0, 1.0]]]], dt)
    surface = [  # torch's input forms (docs/input-surface.md)
        Sample((ragged[0],), {"kernel_size": 3, "stride": 2, "padding": 1}, "unbatched (C, H, W)"),
        Sample((ragged[0],), {"kernel_size": 2, "ceil_mode": True}, "unbatched, ceil_mode"),
        Sample((ragged,), {"kernel_size": (2,), "stride": (1,), "padding": (1,)},
               "1-sequences: kernel_size=(2,), stride=(1,), padding=(1,)"),
        Sample((ragged,), {"kernel_size": [3, 2], "stride": ()}, "stride=(): the default, the kernel size"),
        Sample((ragged,), {"kernel_size": 2, "stride": []}, "stride=[]: the default"),
        Sample((np.zeros((0, 2, 5, 7), dt),), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
               "empty batch, padded, ceil_mode"),
    ]
    if avg:
        return [
            Sample((ragged,), {"kernel_size": 3, "stride": 2, "padding": 1}, "padding counted (torch's default)"),
            Sample((ragged,), {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
                   "padding not counted"),
            Sample((ragged,), {"kernel_size": 2, "stride": 2, "ceil_mode": True}, "ceil_mode: clipped last windows"),
            Sample((ragged,),
                   {"kernel_size": (2, 3), "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": True},
                   "ceil_mode window overhanging the padding"),
            Sample((ragged,), {"kernel_size": 2, "divisor_override": 3}, "divisor_override"),
            Sample((ragged,), {"kernel_size": 2, "divisor_override": -1000}, "divisor_override = -1000"),
            Sample((ragged,), {"kernel_size": 2, "divisor_override": 1000}, "divisor_override = 1000"),
            Sample((cancelling,), {"kernel_size": 2}, "1e8 + 1 − 1e8 + 1: summed in the input's dtype, row by row "
                   "(float32: 1/4, as torch)"),
            Sample((extremes,), {"kernel_size": 2}, "inf − inf (NaN) in one window, max + max (overflow, inf) in "
                   "another"),
            Sample((np.zeros((0, 2, 4, 4), dt),), {"kernel_size": 2}, "empty batch"),
            Sample((ragged[0],), {"kernel_size": 3, "padding": 1, "count_include_pad": False},
                   "unbatched, padding not counted"),
            Sample((ragged[0],), {"kernel_size": (2,), "divisor_override": 3}, "unbatched, divisor_override"),
        ] + surface  # after the bank's own samples: a known mistake may not take torch's forms
    return [
        Sample((ties,), {"kernel_size": 2, "stride": 1}, "all ties, overlapping windows: the first maximum"),
        Sample((negative,), {"kernel_size": 3, "stride": 2, "padding": 1}, "negatives at the padded border"),
        Sample((with_nan,), {"kernel_size": 2, "stride": 1}, "a NaN in four windows"),
        Sample((ragged,), {"kernel_size": 2, "stride": 2, "ceil_mode": True}, "ceil_mode"),
        Sample((ragged,), {"kernel_size": 2, "stride": 1, "dilation": 2, "padding": 1}, "dilation"),
        Sample((np.zeros((0, 2, 4, 4), dt),), {"kernel_size": 2}, "empty batch"),
        Sample((ragged,), {"kernel_size": 2, "stride": 1, "dilation": (2,), "padding": (1,)}, "dilation=(2,)"),
        Sample((ties[0],), {"kernel_size": 2, "stride": 1}, "unbatched, all ties"),
    ] + surface


def _check_max_indices(candidate):
    """return_indices: the flat index into each H·W plane that torch returns, on ties too; the
    backward pass given those indices equals the one that searches the maxima again."""
    pool, backward = candidate.get("conv.max_pool2d"), candidate.get("conv.max_pool2d_backward")
    batch = np.round(_values(np.float64, (2, 3, 6, 7), 44))  # integers in [-2, 2]: many ties
    for x, kw in ((batch, {"kernel_size": 3, "stride": 2, "padding": 1}),
                  (batch, {"kernel_size": 2, "stride": 1, "dilation": 2, "ceil_mode": True}),
                  (batch[1],
                   {"kernel_size": (3,), "stride": (2, 1), "padding": (1,)})):  # unbatched: indices (C, H_out, W_out)
        out, idx = pool(x, return_indices=True, **kw)
        t_out, t_idx = F.max_pool2d(_torch(x), return_indices=True, **kw)
        assert_close((out, idx), (t_out.numpy(), t_idx.numpy()), EXACT, names=("output", "indices"))
        g = _values(np.float64, out.shape, 45)
        assert_close(backward(g, x, indices=idx, **kw), backward(g, x, **kw), EXACT, names=("backward given indices",))
    _check_signed_zeros(pool, backward, F.max_pool2d,
                        ({"kernel_size": 2, "stride": 1}, {"kernel_size": 3, "stride": 2, "padding": 1},
                         {"kernel_size": 2, "stride": 1, "dilation": 2}, {"kernel_size": 2}))
    return {"index dtype": str(idx.dtype)}


def _check_signed_zeros(pool, backward, theirs, options):
    """Signs of zero, which assert_close does not see: on windows of ±0 the output is the element torch takes
    (max: the first of tied maxima, bit for bit), and an upstream gradient of −0 gives +0, as torch's 0 + g does
    (the non-overlapping windows of ``kernel_size=2`` take a direct scatter instead of a sum)."""
    zeros = np.where(np.random.default_rng(46).random((2, 3, 5, 6)) < 0.5, -0.0, 0.0)
    for kw in options:
        out = pool(zeros, **kw)
        t_x = _torch(zeros).requires_grad_()
        t_out = theirs(t_x, **kw)
        t_out.backward(_torch(np.full(tuple(t_out.shape), -0.0)))
        mine = backward(np.full(out.shape, -0.0), zeros, **kw)
        for name, a, e in (("output", out, t_out.detach().numpy()), ("grad_input", mine, t_x.grad.numpy())):
            where = np.argwhere(np.signbit(a) != np.signbit(e))[:3].tolist()
            expect(not where, f"{kw}: the {name}'s signs of zero differ from torch's at {where}")


def _check_avg_signed_zeros(candidate):
    """Average pooling's signs of zero: +0 from windows of ±0 and from an upstream gradient of −0, as torch."""
    _check_signed_zeros(candidate.get("conv.avg_pool2d"), candidate.get("conv.avg_pool2d_backward"), F.avg_pool2d,
                        ({"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1}))


def _torch_pool_misses_input(candidate):
    """A dilated window that misses the input: torch's index points past the H·W plane."""
    x = np.arange(1.0, 9.0).reshape(2, 1, 2, 2)
    kw = {"kernel_size": (2, 1), "stride": 1, "padding": (1, 0), "dilation": (3, 1)}
    t_out, t_idx = F.max_pool2d(_torch(x), return_indices=True,
                                **kw)  # forward only: torch's backward writes out of bounds
    expect((t_idx.numpy() >= 4).all() and np.isneginf(t_out.numpy()).all(),
           f"torch now gives {t_idx}: drop the deviation")
    out, idx = candidate.get("conv.max_pool2d")(x, return_indices=True, **kw)
    expect(np.isneginf(out).all() and (idx == -1).all(), f"candidate gives {out}, {idx}")
    grad = candidate.get("conv.max_pool2d_backward")(np.ones_like(out), x, **kw)
    expect(not grad.any(), f"a window that misses the input sends no gradient, candidate gives {grad}")
    # the same across the columns (the window's second column lands just past the right edge), and for an
    # unbatched input whose indices are given to the backward pass
    xt = x.transpose(0, 1, 3, 2).copy()
    kw = {"kernel_size": (1, 2), "stride": 1, "padding": (0, 1), "dilation": (1, 3)}
    out, idx = candidate.get("conv.max_pool2d")(xt, return_indices=True, **kw)
    expect(np.isneginf(out).all() and (idx == -1).all(), f"columns: candidate gives {out}, {idx}")
    unbatched = xt.reshape(2, 2, 2)
    out, idx = candidate.get("conv.max_pool2d")(unbatched, return_indices=True, **kw)
    grad = candidate.get("conv.max_pool2d_backward")(np.ones_like(out), unbatched, indices=idx, **kw)
    expect(idx.shape == (2, 2, 1) and (idx == -1).all() and grad.shape == unbatched.shape and not grad.any(),
           f"unbatched, indices given: candidate gives indices {idx}, gradient {grad}")

_X4 = np.zeros((1, 1, 4, 4))
POOL_ERRORS = (
    ErrorInput(Sample((_X4,), {"kernel_size": 2, "padding": 2}, "padding above half the kernel"), ValueError,
               r"\bpadding\b"),
    ErrorInput(Sample((_X4,), {"kernel_size": 2, "stride": 0}, "stride 0"), ValueError, r"\bstride\b"),
    ErrorInput(Sample((np.zeros((1, 1, 2, 2)),), {"kernel_size": 3}, "a kernel larger than the input"), ValueError,
               r"\bkernel_size\b"),
    # each option's name and minimum, anchored, so that a message naming another argument does not pass
    ErrorInput(Sample((_X4,), {"kernel_size": 0}), ValueError, r"\bkernel_size\b must be at least 1"),
    ErrorInput(Sample((_X4,), {"kernel_size": 2, "stride": "2"}), TypeError, r"\bstride\b must be an int"),
    ErrorInput(Sample((_X4,), {"kernel_size": 2, "padding": -1}), ValueError, r"\bpadding\b must be at least 0"),
    ErrorInput(Sample((_X4,), {"kernel_size": 2, "ceil_mode": 1}), TypeError, r"\bceil_mode\b must be a bool"),
    ErrorInput(Sample((np.zeros((1, 1, 3, 3)), _X4), {"kernel_size": 2}), ValueError,
               r"\bgrad_output\b has shape \(1, 1, 3, 3\), expected the output's shape", "backward"),
    ErrorInput(Sample((np.zeros((1, 1, 2, 2), np.float32), _X4), {"kernel_size": 2}), TypeError,
               r"\bgrad_output\b has dtype float32", "backward"),
    ErrorInput(Sample((np.zeros((1, 1, 2, 2), np.int64), _X4), {"kernel_size": 2}), TypeError,
               r"\bgrad_output\b must be a float32 or float64", "backward"),
    ErrorInput(Sample((np.zeros((4, 4)),), {"kernel_size": 2}), ValueError, r"input.*4-D"),
    ErrorInput(Sample((np.zeros((1, 1, 1, 4, 4)),), {"kernel_size": 2}, "5-D input"), ValueError,
               r"input.*4-D.*3-D unbatched"),
    ErrorInput(Sample((np.zeros((1, 0, 4, 4)),), {"kernel_size": 2}, "no channels (torch: only N may be empty)"),
               ValueError, r"input.*only the batch"),
    ErrorInput(Sample((np.zeros((0, 4, 4)),), {"kernel_size": 2}, "unbatched, no channels"), ValueError,
               r"input.*only the batch"),
    ErrorInput(Sample((np.zeros((1, 1, 4, 4)),), {"kernel_size": ()}, "kernel_size=()"), ValueError,
               r"kernel_size.*0 values"),
    ErrorInput(Sample((np.zeros((1, 1, 4, 4)),), {"kernel_size": 2, "padding": ()}, "padding=()"), ValueError,
               r"padding.*0 values"),
    ErrorInput(Sample((np.zeros((1, 1, 4, 4)),), {"kernel_size": 2, "stride": (1, 1, 1)}, "three strides"), ValueError,
               r"stride.*3 values"),
    ErrorInput(Sample((np.zeros((1, 1, 4, 4)),), {"kernel_size": 2.0}, "float kernel_size"), TypeError,
               r"kernel_size.*int"),
    ErrorInput(Sample((np.zeros((1, 1, 4, 4), np.int64),), {"kernel_size": 2}, "integer input (out of impl's scope)"),
               TypeError, r"\binput\b must be a float32 or float64"),
)
MAX_POOL_ERRORS = (
    ErrorInput(Sample((_X4,), {"kernel_size": 2, "dilation": 0}), ValueError, r"\bdilation\b must be at least 1"),
    ErrorInput(Sample((_X4,), {"kernel_size": 2, "return_indices": 1}), TypeError,
               r"\breturn_indices\b must be a bool"),
    ErrorInput(Sample((np.zeros((1, 1, 4, 4)),), {"kernel_size": 2, "dilation": ()}, "dilation=()"), ValueError,
               r"dilation.*0 values"),
    ErrorInput(Sample((np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 4, 4))),
                      {"kernel_size": 2, "indices": np.zeros((1, 1, 2, 2))},
                      "float indices"), ValueError, r"indices", "backward"),
)


def _pooling_saves_downstream(candidate):
    """Against lines 739/743: the conv's count is the same at stride 1 and 2; what shrinks is the fc layer after it."""
    conv_params, fc_params = candidate.get("counting.conv2d_params"), candidate.get("counting.linear_params")
    pool = candidate.get("conv.max_pool2d")
    maps = np.zeros((1, 8, 16, 16))
    pooled = pool(maps, 2)
    before, after = fc_params(8 * 16 * 16, 10), fc_params(int(np.prod(pooled.shape[1:])), 10)
    expect(conv_params(3, 8, 3) == 224 and pooled.shape == (1, 8, 8, 8)
           and (before, after) == (2048 * 10 + 10, 512 * 10 + 10),
           f"conv params {conv_params(3, 8, 3)} (224 at any stride), pooled shape {pooled.shape}, "
           f"fc params {before} → {after}")
    return {"conv 3→8, 3×3 parameters (any stride)": conv_params(3, 8, 3), "pooling layer parameters": 0,
            "fc 8×16×16 → 10 parameters": before, "fc after 2×2 pooling": after}

RECORDS = (
    Record(
        id="cnn.pool.max", kind="F", section=S_POOL,
        equation=r"y_{n,c,i,j} = \max_{u,v} \tilde x_{n,c,\,s_h i + d_h u - p_h,\,s_w j + d_w v - p_w}\quad(\tilde x = "
                 r"-\infty \text{ outside})",
        candidate="conv.max_pool2d", reference="conv.max_pool2d", backward="conv.max_pool2d_backward",
        inputs=lambda dt: pool_samples(dt, avg=False), edges=lambda dt: _pool_edges(dt, avg=False),
        check=_check_max_indices,
        mistakes=(Mistake("zero-padding", "padded with zeros instead of −∞", M.max_pool2d_zero_padding),
                  Mistake("ceil-mode-ignored", "ceil_mode accepted and ignored", M.max_pool2d_ceil_ignored),
                  Mistake("nan-skipped", "NaN skipped (nanmax) where torch propagates it", M.max_pool2d_nan_skipped),
                  Mistake("backward-all-ties", "the gradient to every tied maximum", M.max_pool2d_backward_all_ties,
                          "backward"),
                  Mistake("backward-last-tie", "ties broken toward the last maximum", M.max_pool2d_backward_last_tie,
                          "backward")),
        errors=POOL_ERRORS + MAX_POOL_ERRORS,
        deviations=(Deviation(
            "a dilated window that misses the input altogether (e.g. 2 rows, padding 1, dilation 3): torch returns an "
            "index past the H·W plane and its backward writes the gradient there (into the next image's plane, or past "
            "the tensor: heap corruption); impl returns index -1, output -inf and no gradient",
            "torch's CPU kernel starts its argmax at the first in-bounds row without checking it is inside the input; "
            "such windows are kept out of the drawn samples",
            _torch_pool_misses_input),
                    Deviation(
            "lines 739 and 743: pooling 'reduces the number of parameters' (减少参数数量) and a convolution's stride "
            "'reduces the network's parameters' (降低了网络的参数量)",
                "neither has parameters to reduce: a pooling layer "
            "has none, and a convolution's count does not depend on its stride; both shrink the feature map, and so "
            "the "
            "parameters of a fully connected layer that follows", _pooling_saves_downstream, source="guide")),
    ),
    Record(
        id="cnn.pool.avg", kind="F", section=S_POOL,
        equation=r"y_{n,c,i,j} = \frac{1}{D_{ij}} \sum_{u,v} \tilde x_{n,c,\,s_h i + u - p_h,\,s_w j + v - p_w},\ "
                 r"D = \text{divisor\_override or the window's size inside the padded input (count\_include\_pad) or "
                 r"the input}",
        candidate="conv.avg_pool2d", reference="conv.avg_pool2d", backward="conv.avg_pool2d_backward",
        inputs=lambda dt: pool_samples(dt, avg=True), edges=lambda dt: _pool_edges(dt, avg=True),
        check=_check_avg_signed_zeros,
        mistakes=(Mistake("padding-always-counted", "count_include_pad ignored: padding always counted",
                          M.avg_pool2d_padding_always_counted),
                  Mistake("padding-never-counted", "count_include_pad ignored: padding never counted",
                          M.avg_pool2d_padding_never_counted),
                  Mistake("kernel-area", "always divided by k_h·k_w", M.avg_pool2d_kernel_area),
                  Mistake("override-ignored", "divisor_override accepted and ignored", M.avg_pool2d_override_ignored),
                  Mistake("backward-undivided", "the gradient copied without 1/D", M.avg_pool2d_backward_undivided,
                          "backward")),
        errors=(*POOL_ERRORS,
                ErrorInput(Sample((_X4,), {"kernel_size": 2, "divisor_override": 0}, "divisor_override=0"), ValueError,
                           r"\bdivisor_override\b must be non-zero"),
                ErrorInput(Sample((_X4,), {"kernel_size": 2, "divisor_override": -(2**63) - 1},
                                  "divisor_override below int64's range"),
                           ValueError, r"\bdivisor_override\b must be at least -9223372036854775808"),
                ErrorInput(Sample((_X4,), {"kernel_size": 2, "divisor_override": 2**63}, "divisor_override past int64"),
                           ValueError, r"\bdivisor_override\b must be non-zero and below 2\*\*63"),
                ErrorInput(Sample((_X4,), {"kernel_size": 2, "divisor_override": "2"}), TypeError,
                           r"\bdivisor_override\b must be an int"),
                ErrorInput(Sample((_X4,), {"kernel_size": 2, "count_include_pad": 1}), TypeError,
                           r"\bcount_include_pad\b must be a bool"),
                ErrorInput(Sample((np.zeros((1, 1, 2, 2)), _X4), {"kernel_size": 2, "count_include_pad": 1}),
                           TypeError, r"\bcount_include_pad\b must be a bool", "backward")),
    ),

)

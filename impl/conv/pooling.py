"""Max and average pooling over NCHW batches (guide §7 2), with torch's options.

Signatures follow ``torch.nn.functional.max_pool2d`` / ``avg_pool2d``: kernel, stride
(default: the kernel), symmetric zero padding of at most half the (dilated) kernel,
dilation (max pooling only, as in torch), ``ceil_mode``, ``count_include_pad`` and
``divisor_override``.  As in torch, the input may be unbatched (C, H, W) (the result
then is too), an int option may be a 1-sequence (``padding=(1,)``) and ``stride=()``
means the default.  Windows are reduced one kernel offset at a time, each offset a
strided view of the whole batch (``impl.conv._windows.taps``); the backward passes
scatter through ``np.bincount`` (max) and col2im (average).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from impl._args import ntuple, with_batch, without_batch
from impl._checks import float_array
from impl.conv._args import flag, integer
from impl.conv._windows import crop, fold, pad, taps
from impl.conv.conv2d import _array
from impl.conv.sizes import _output_length


class _Pool(NamedTuple):
    kernel: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    padding: tuple[int, int]
    pads: tuple[int, int, int, int]  # as laid out: the padding, plus what ceil_mode's last window needs
    out: tuple[int, int]


def _geometry(x: np.ndarray, kernel_size, stride, padding, dilation, ceil_mode) -> _Pool:
    kernel = ntuple(kernel_size, "kernel_size", 2, 1)
    stride = kernel if stride is None else ntuple(stride, "stride", 2, 1, empty=kernel)  # torch: () is the default
    padding, dilation = ntuple(padding, "padding", 2, 0), ntuple(dilation, "dilation", 2, 1)
    ceil_mode = flag(ceil_mode, "ceil_mode")
    out, pads = [], []
    for size, k, s, p, d in zip(x.shape[2:], kernel, stride, padding, dilation):
        if 2 * p > k:  # torch's rule, on the kernel itself even when dilated
            raise ValueError(f"padding={p} must be at most half of kernel_size={k}")
        extent = d * (k - 1) + 1
        n = _output_length(size, k, s, p, p, d, ceil_mode)
        out.append(n)
        pads += [p, max(p, (n - 1) * s + extent - size - p)]  # a ceil_mode window may overhang the padding
    return _Pool(kernel, stride, dilation, padding, tuple(pads), tuple(out))


def _pooled_input(input) -> tuple[np.ndarray, bool]:
    """(N, C, H, W), or unbatched (C, H, W) as a batch of one; and whether it was unbatched."""
    x, unbatched = with_batch(float_array(input, "input"), 4)
    if 0 in x.shape[1:]:  # torch's rule: only the batch may be empty
        raise ValueError(f"input has shape {x.shape[unbatched:]}: only the batch dimension N may be empty")
    return x, unbatched


def _grad(grad_output, x: np.ndarray, geo: _Pool, unbatched: bool) -> np.ndarray:
    g = _array(grad_output, "grad_output", 4 - unbatched, x.dtype)
    expected = (*x.shape[:2], *geo.out)[unbatched:]
    if g.shape != expected:
        raise ValueError(f"grad_output has shape {g.shape}, expected the output's shape {expected}")
    return g[None] if unbatched else g


# -- max pooling -----------------------------------------------------------------------

def _argmax(x: np.ndarray, geo: _Pool) -> tuple[np.ndarray, np.ndarray]:
    """Every window's maximum and its flat index (into each H·W plane), chosen as torch chooses.

    torch scans a window row by row over the real (unpadded) elements, starting from the
    first, and takes an element that is greater than the best so far, or NaN (so the
    first of tied maxima wins, and the last NaN).  Here the scan runs over the kernel
    offsets, each a whole-batch view; padding is -inf and never chosen once a real
    element has been.  A dilated window can miss the input altogether: its index is -1
    and its maximum -inf.
    """
    h, w = x.shape[2:]
    (_, kw), (sh, sw), (dh, dw), (ho, wo) = geo.kernel, geo.stride, geo.dilation, geo.out
    top, left = geo.pads[0], geo.pads[2]
    values = pad(x, geo.pads, -np.inf)
    row0 = (np.arange(ho) * sh - top).reshape(-1, 1)  # each window's first input row and column
    col0 = (np.arange(wo) * sw - left).reshape(1, -1)
    has_nan, padded = bool(np.isnan(x).any()), any(geo.pads)
    seen = np.zeros((ho, wo), dtype=bool)  # has the scan met a real element yet (the same for every image)
    best = tap = scratch = None
    for t, (u, v, (rows, cols)) in enumerate(taps(geo.kernel, geo.stride, geo.dilation, geo.out)):
        value = values[:, :, rows, cols]
        real = (0 <= row0 + u * dh) & (row0 + u * dh < h) & (0 <= col0 + v * dw) & (col0 + v * dw < w)
        if best is None:
            best, tap = value.copy(), np.zeros(value.shape, dtype=np.int32)
            scratch = np.empty_like(tap)
        else:
            with np.errstate(invalid="ignore"):
                take = value > best
                if has_nan:
                    take |= np.isnan(value)
                if padded:
                    take |= real & ~seen
                # masked copies cost 10x these passes: best becomes the running maximum (NaN kept),
                # which compares exactly as the chosen elements do; tap takes t where taken, as t
                # exceeds every earlier tap: max(tap, t·take)
                np.maximum(best, value, out=best)
            np.multiply(take, t, out=scratch)
            np.maximum(tap, scratch, out=tap)
        seen |= real
    u, v = np.divmod(tap, kw)
    if has_nan or not best.all():
        # where the maximum could have kept the other of two equal elements (±0) or another NaN,
        # the result is the chosen element itself, bit for bit
        fix = np.flatnonzero((best == 0) | np.isnan(best))
        i, c, r, q = np.unravel_index(fix, best.shape)
        best.reshape(-1)[fix] = values[i, c, r * sh + u.reshape(-1)[fix] * dh, q * sw + v.reshape(-1)[fix] * dw]
    index = (row0 + u * dh) * w + (col0 + v * dw)
    return best, (index if seen.all() else np.where(seen, index, -1)).astype(np.int64)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    r"""Max pooling: the largest element of each (dilated) window; NaN if the window holds one.

    .. math:: y_{n,c,i,j} = \max_{u < k_h,\ v < k_w} \tilde x_{n,c,\; s_h i + d_h u - p_h,\; s_w j + d_w v - p_w}

    where x̃ is -∞ outside the input.  With ``return_indices`` also returns, as torch
    does, each maximum's flat index into its H·W input plane (int64); -1 for a dilated
    window that misses the input (torch returns an index past the plane there).
    """
    x, unbatched = _pooled_input(input)
    geo = _geometry(x, kernel_size, stride, padding, dilation, ceil_mode)
    out, index = _argmax(x, geo)
    return without_batch((out, index) if flag(return_indices, "return_indices") else out, unbatched)


def max_pool2d_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                        indices=None):
    r"""Gradient of :func:`max_pool2d`: each window's gradient goes to its maximum (torch's choice on ties).

    ``indices`` (optional) are the ones ``max_pool2d(..., return_indices=True)`` returned
    for this input; given, the maxima are not searched again (torch's autograd keeps
    them from the forward pass the same way).

    .. math:: \frac{\partial L}{\partial x_{n,c,p,q}} = \sum_{(i,j):\ \operatorname{argmax}_{ij} = (p,q)} g_{n,c,i,j}
    """
    x, unbatched = _pooled_input(input)
    geo = _geometry(x, kernel_size, stride, padding, dilation, ceil_mode)
    g = _grad(grad_output, x, geo, unbatched)
    n, c, h, w = x.shape
    if indices is None:
        index = _argmax(x, geo)[1]
    else:
        index = np.asarray(indices)
        if index.shape != g.shape[unbatched:] or index.dtype.kind not in "iu":
            raise ValueError(f"indices must be max_pool2d's integer indices of shape {g.shape[unbatched:]}, "
                             f"got {index.dtype} {index.shape}")
        index = index.reshape(g.shape)
    plane = (np.arange(n * c, dtype=np.int64) * (h * w)).reshape(n, c, 1, 1)
    flat, weights = index + plane, g
    hit = index >= 0  # a window that misses the input (index -1) has no input to send its gradient to
    if not hit.all():
        flat, weights = flat[hit], g[hit]
    if all(s >= d * (k - 1) + 1 for k, s, d in zip(geo.kernel, geo.stride, geo.dilation, strict=True)):
        # windows do not overlap: each input element takes at most one gradient, and a plain
        # scatter gives what bincount's float64 0 + g would (+ 0.0 turns −0 into +0 as that sum does)
        grad = np.zeros(x.size, x.dtype)
        grad[flat.reshape(-1)] = weights.reshape(-1) + x.dtype.type(0)
        return without_batch(grad.reshape(x.shape), unbatched)
    grad = np.bincount(flat.reshape(-1), weights=weights.reshape(-1), minlength=x.size)
    return without_batch(grad.reshape(x.shape).astype(x.dtype), unbatched)


# -- average pooling ---------------------------------------------------------------------

def _divisor(x: np.ndarray, geo: _Pool, count_include_pad: bool, divisor_override) -> np.ndarray:
    """torch's divisor per output position, (H_out, W_out).

    With padding counted, a window is clipped to the padded input (a ceil_mode window
    overhanging it counts only its part inside); without, to the input itself.
    """
    if divisor_override is not None:
        d = integer(divisor_override, "divisor_override", -(2**63))
        if d == 0 or d >= 2**63:  # torch reads it as an int64
            raise ValueError(f"divisor_override must be non-zero and below 2**63 (an int64), got {d}")
        return np.full(geo.out, d, dtype=np.int64)
    counts = []
    for size, k, s, p, n in zip(x.shape[2:], geo.kernel, geo.stride, geo.padding, geo.out):
        start = np.arange(n) * s - p
        end = np.minimum(start + k, size + p)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, size)
        counts.append(end - start)
    return np.outer(*counts)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    r"""Average pooling: each window's sum divided by its size (torch's counting rules).

    .. math:: y_{n,c,i,j} = \frac{1}{D_{ij}} \sum_{u < k_h,\ v < k_w} \tilde x_{n,c,\; s_h i + u - p_h,\; s_w j + v -
    p_w}

    x̃ is 0 outside the input; D is ``divisor_override`` if given, else the number of
    window elements inside the padded input (``count_include_pad=True``) or inside
    the input itself (``False``).
    """
    x, unbatched = _pooled_input(input)
    geo = _geometry(x, kernel_size, stride, padding, 1, ceil_mode)
    div = _divisor(x, geo, flag(count_include_pad, "count_include_pad"), divisor_override)
    xp = pad(x, geo.pads)
    total = np.zeros((*x.shape[:2], *geo.out), dtype=x.dtype)
    with np.errstate(invalid="ignore", over="ignore"):  # inf − inf is NaN, as in torch
        for _, _, (rows, cols) in taps(geo.kernel, geo.stride, geo.dilation, geo.out):
            total += xp[:, :, rows, cols]
        return without_batch((total / div).astype(x.dtype), unbatched)


def avg_pool2d_backward(grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False,
                        count_include_pad=True, divisor_override=None):
    r"""Gradient of :func:`avg_pool2d`: each window spreads g/D over its elements (col2im).

    .. math:: \frac{\partial L}{\partial x_{n,c,p,q}} = \sum_{(i,j):\ (p,q) \in \text{window}_{ij}}
    \frac{g_{n,c,i,j}}{D_{ij}}
    """
    x, unbatched = _pooled_input(input)
    geo = _geometry(x, kernel_size, stride, padding, 1, ceil_mode)
    g = _grad(grad_output, x, geo, unbatched)
    share = (g / _divisor(x, geo, flag(count_include_pad, "count_include_pad"), divisor_override)).astype(x.dtype)
    padded_hw = (x.shape[2] + geo.pads[0] + geo.pads[1], x.shape[3] + geo.pads[2] + geo.pads[3])
    if not any(geo.pads) and all(s >= k for k, s in zip(geo.kernel, geo.stride, strict=True)):
        # windows neither overlap nor reach padding: each element takes one share (or none), written
        # directly; + 0.0 gives what fold's 0 + share gives (−0 becomes +0)
        grad = np.zeros(x.shape, dtype=x.dtype)
        share = share + x.dtype.type(0)
        for _, _, (rows, cols) in taps(geo.kernel, geo.stride, geo.dilation, geo.out):
            grad[:, :, rows, cols] = share
        return without_batch(grad, unbatched)
    cols = np.broadcast_to(share[:, :, None, None], (*x.shape[:2], *geo.kernel, *geo.out))
    return without_batch(np.ascontiguousarray(crop(fold(cols, padded_hw, geo.stride, geo.dilation), geo.pads)),
                         unbatched)

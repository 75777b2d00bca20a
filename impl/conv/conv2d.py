"""2-D convolution (cross-correlation, as every framework computes it; guide §7 1.1-1.4).

NCHW with torch's signature (``torch.nn.functional.conv2d``): weight (C_out, C_in/g,
k_h, k_w), stride, padding, dilation, groups.  ``padding`` also takes the guide's
TensorFlow modes: ``'valid'``, ``'same'`` at any stride (extra row/column at the
bottom/right) and an explicit (top, bottom, left, right).  :func:`conv2d_nhwc` is the
guide's TensorFlow layout: X (N, H, W, C), W (k_h, k_w, C_in, C_out).

Vectorised as im2col: a strided view of every window (no copy), one copy into a
contiguous (N, g, C_in/g·k_h·k_w, H_out·W_out) block, then one stacked matmul (a GEMM
per image and group, no Python loop) whose result is already NCHW; the backward pass
is two more stacked matmuls and a col2im that loops over the k_h·k_w kernel offsets only.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from impl._args import ntuple, with_batch, without_batch
from impl._checks import float_array
from impl.conv._args import integer
from impl.conv._windows import crop, fold, pad, windows
from impl.conv.sizes import _output_length, conv_padding


class _Geometry(NamedTuple):
    kernel: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    pads: tuple[int, int, int, int]  # top, bottom, left, right
    out: tuple[int, int]
    groups: int


def _array(value, name: str, ndim: int, dtype=None) -> np.ndarray:
    arr = float_array(value, name)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if dtype is not None and arr.dtype != dtype:
        raise TypeError(f"{name} has dtype {arr.dtype}, expected the input's dtype {dtype}")
    return arr


def _bias(bias, out_channels: int, dtype) -> np.ndarray | None:
    if bias is None:
        return None
    b = _array(bias, "bias", 1, dtype)
    if b.shape[0] != out_channels:
        raise ValueError(f"bias has {b.shape[0]} elements, expected one per output channel ({out_channels})")
    return b


def _geometry(hw, kernel, stride, padding, dilation, groups) -> _Geometry:
    stride, dilation = ntuple(stride, "stride", 2, 1), ntuple(dilation, "dilation", 2, 1)
    pads = conv_padding(padding, hw, kernel, stride, dilation)
    out = (_output_length(hw[0], kernel[0], stride[0], pads[0], pads[1], dilation[0]),
           _output_length(hw[1], kernel[1], stride[1], pads[2], pads[3], dilation[1]))
    return _Geometry(kernel, stride, dilation, pads, out, groups)


def _unbatched(input) -> tuple[np.ndarray, bool]:
    """(N, C, H, W), or torch's unbatched (C, H, W) as a batch of one; and whether it was unbatched."""
    x, unbatched = with_batch(float_array(input, "input"), 4)
    if 0 in x.shape[2:]:  # torch's rule: only the batch or the channels may be empty
        raise ValueError(f"input has shape {x.shape[unbatched:]}: only the batch N or the channels C may be empty")
    return x, unbatched


def _prepare(input, weight, bias, stride, padding, dilation, groups):
    x = _array(input, "input", 4)
    w = _array(weight, "weight", 4, x.dtype)
    if w.shape[0] == 0:
        raise ValueError(f"weight has shape {w.shape}: at least 1 output channel (kernel) is needed")
    g = integer(groups, "groups", 1)
    c_in, c_out = x.shape[1], w.shape[0]
    if c_in % g or c_out % g:
        raise ValueError(f"groups={g} must divide the input's {c_in} channels and the weight's {c_out} kernels")
    if w.shape[1] * g != c_in:
        raise ValueError(f"weight has {w.shape[1]} input channels per group, but the input has {c_in} channels "
                         f"and groups={g} (expected {c_in // g})")
    b = _bias(bias, c_out, x.dtype)
    return x, w, b, _geometry(x.shape[2:], w.shape[2:], stride, padding, dilation, g)


def _columns(x: np.ndarray, geo: _Geometry, out: np.ndarray | None = None) -> np.ndarray:
    """im2col: (N, g, C_in/g·k_h·k_w, H_out·W_out), contiguous, so that each image and group is one GEMM
    (written into ``out``, a buffer of that many elements, when one is given)."""
    n, c = x.shape[:2]
    view = windows(pad(x, geo.pads), geo.kernel, geo.stride, geo.dilation, geo.out)  # N, C, H_out, W_out, k_h, k_w
    shape = (n, c, *geo.kernel, *geo.out)
    cols = np.empty(shape, dtype=x.dtype) if out is None else out.reshape(-1)[: np.prod(shape)].reshape(shape)
    np.copyto(cols, view.transpose(0, 1, 4, 5, 2, 3))  # copyto streams this gather far faster than ascontiguousarray
    return cols.reshape(n, geo.groups, (c // geo.groups) * geo.kernel[0] * geo.kernel[1], geo.out[0] * geo.out[1])


_CHUNK_BYTES = 8 << 20  # im2col columns made for this many bytes of images at a time, the buffer reused


def _chunks(x: np.ndarray, geo: _Geometry):
    """Slices of the batch whose columns fit in _CHUNK_BYTES (at least one image each), and a buffer for them.

    Each image's GEMMs are the same whether its columns were made with the whole batch's or
    alone (matmul over a stack is one GEMM per image and group), so results do not change;
    what changes is a 58 MB im2col per call (ResNet's 8×64×56×56, 3×3) becoming one 7 MB buffer.
    """
    n, c = x.shape[:2]
    per_image = c * geo.kernel[0] * geo.kernel[1] * geo.out[0] * geo.out[1] * x.dtype.itemsize
    step = max(1, _CHUNK_BYTES // max(per_image, 1))
    buffer = np.empty(min(step, n) * per_image // x.dtype.itemsize, dtype=x.dtype)
    return [slice(i, i + step) for i in range(0, n, step)], buffer


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""2-D convolution over an NCHW batch, torch's ``F.conv2d`` plus the guide's padding modes.

    .. math::
        y_{n, o, i, j} = b_o + \sum_{c \in \text{group}(o)} \sum_{u=0}^{k_h - 1} \sum_{v=0}^{k_w - 1}
            w_{o, c, u, v}\; \tilde x_{n, c,\; s_h i + d_h u,\; s_w j + d_w v}

    where x̃ is the input padded by ``padding`` (int, (h, w), (top, bottom, left,
    right), ``'valid'`` or TensorFlow's ``'same'`` at any stride).  As in torch, the input
    may be unbatched (C, H, W), and an int option a 1-sequence (``stride=(2,)``).
    """
    x, unbatched = _unbatched(input)
    x, w, b, geo = _prepare(x, weight, bias, stride, padding, dilation, groups)
    n, c_out = x.shape[0], w.shape[0]
    kernels = w.reshape(geo.groups, c_out // geo.groups, -1)  # g, C_out/g, C_in/g·k_h·k_w
    out = np.empty((n, geo.groups, c_out // geo.groups, geo.out[0] * geo.out[1]), dtype=x.dtype)
    chunks, buffer = _chunks(x, geo)
    with np.errstate(invalid="ignore", over="ignore"):  # inf·0 is NaN and overflow is ±inf, as in torch
        for part in chunks:
            np.matmul(kernels, _columns(x[part], geo, buffer), out=out[part])
    out = out.reshape(n, c_out, *geo.out)  # (N, g, C_out/g, L) is NCHW already
    if b is not None:
        with np.errstate(invalid="ignore"):
            out += b.reshape(1, -1, 1, 1)
    return without_batch(out, unbatched)


def conv2d_backward(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""Gradients of :func:`conv2d`: (grad_input, grad_weight, grad_bias).

    .. math::
        \frac{\partial L}{\partial w_{o,c,u,v}} = \sum_{n,i,j} g_{n,o,i,j}\,\tilde x_{n,c,s_h i + d_h u, s_w j + d_w v}
        \qquad \frac{\partial L}{\partial b_o} = \sum_{n,i,j} g_{n,o,i,j}

        \frac{\partial L}{\partial \tilde x_{n,c,p,q}} = \sum_{o,u,v,i,j:\ s_h i + d_h u = p,\ s_w j + d_w v = q}
        g_{n,o,i,j}\, w_{o,c,u,v}

    grad_input is the padded input's gradient with the padding cropped (col2im).
    grad_bias is None when ``bias`` is None.  An unbatched input takes an unbatched grad_output.
    """
    x, unbatched = _unbatched(input)
    x, w, b, geo = _prepare(x, weight, bias, stride, padding, dilation, groups)
    n, c_in = x.shape[:2]
    c_out, kh, kw = w.shape[0], *geo.kernel
    g = _array(grad_output, "grad_output", 4 - unbatched, x.dtype)
    if g.shape != (n, c_out, *geo.out)[unbatched:]:
        raise ValueError(f"grad_output has shape {g.shape}, "
                         f"expected the output's shape {(n, c_out, *geo.out)[unbatched:]}")
    g = g.reshape(n, c_out, *geo.out)
    gg = g.reshape(n, geo.groups, c_out // geo.groups, geo.out[0] * geo.out[1])  # N, g, C_out/g, L
    kernels_t = np.ascontiguousarray(w.reshape(geo.groups, c_out // geo.groups, -1).swapaxes(-1, -2))
    padded_hw = (x.shape[2] + geo.pads[0] + geo.pads[1], x.shape[3] + geo.pads[2] + geo.pads[3])
    grad_padded = np.empty((n, c_in, *padded_hw), dtype=x.dtype)
    grad_weight = None
    chunks, buffer = _chunks(x, geo)
    with np.errstate(invalid="ignore", over="ignore"):
        for part in chunks:
            # per image (N, g, C_out/g, C_in/g·k_h·k_w), summed over the images in order, as .sum(axis=0) adds
            per_image = np.matmul(gg[part], _columns(x[part], geo, buffer).swapaxes(-1, -2))
            for term in per_image:
                grad_weight = term.copy() if grad_weight is None else np.add(grad_weight, term, out=grad_weight)
            # the columns' gradient reuses the buffer: (images, g, C_in/g·k_h·k_w, L)
            images = gg[part].shape[0]
            grad_cols = np.matmul(kernels_t, gg[part], out=buffer[: images * c_in * kh * kw * geo.out[0] * geo.out[1]]
                                  .reshape(images, geo.groups, (c_in // geo.groups) * kh * kw, -1))
            grad_padded[part] = fold(grad_cols.reshape(images, c_in, kh, kw, *geo.out), padded_hw, geo.stride,
                                     geo.dilation)
    if grad_weight is None:  # an empty batch: the sum over no images
        grad_weight = np.zeros(w.shape, dtype=x.dtype)
    grad_weight = grad_weight.reshape(w.shape)
    grad_input = crop(grad_padded, geo.pads)
    grad_bias = g.sum(axis=(0, 2, 3)) if b is not None else None
    return without_batch(np.ascontiguousarray(grad_input), unbatched), grad_weight, grad_bias


def conv2d_nhwc(input, filters, bias=None, strides=1, padding="valid", dilations=1):
    r"""The guide's TensorFlow layout: X (N, H, W, C_in), W (k_h, k_w, C_in, C_out) -> (N, H_out, W_out, C_out).

    The same numbers as :func:`conv2d` on the transposed arrays; computed natively in
    this layout (windows as (N·H_out·W_out, k_h·k_w·C_in) rows times the filters as a
    (k_h·k_w·C_in, C_out) matrix).  ``padding`` as in :func:`conv2d`; TensorFlow's
    default is ``'valid'``.

    .. math:: y_{n, i, j, o} = b_o + \sum_{u, v, c} \tilde x_{n,\; s_h i + d_h u,\; s_w j + d_w v,\; c}\; W_{u, v, c, o}
    """
    x = _array(input, "input", 4)
    f = _array(filters, "filters", 4, x.dtype)
    if f.shape[2] != x.shape[3]:
        raise ValueError(f"filters have {f.shape[2]} input channels (axis 2), the input has {x.shape[3]} (axis 3)")
    b = _bias(bias, f.shape[3], x.dtype)
    # validated here under TensorFlow's names, so that an error names the argument the caller wrote
    strides, dilations = ntuple(strides, "strides", 2, 1), ntuple(dilations, "dilations", 2, 1)
    geo = _geometry(x.shape[1:3], f.shape[:2], strides, padding, dilations, 1)
    n = x.shape[0]
    view = windows(pad(x.transpose(0, 3, 1, 2), geo.pads), geo.kernel, geo.stride, geo.dilation, geo.out)
    depth = f.shape[0] * f.shape[1] * f.shape[2]
    rows = view.transpose(0, 2, 3, 4, 5, 1).reshape(n * geo.out[0] * geo.out[1], depth)  # (n, i, j) x (u, v, c)
    with np.errstate(invalid="ignore", over="ignore"):
        out = (rows @ f.reshape(-1, f.shape[3])).reshape(n, *geo.out, f.shape[3])
        if b is not None:
            out += b
    return out

"""im2col and col2im: the sliding windows of a padded NCHW batch, and their adjoint.

``windows`` is a strided view (no copy) built on
``numpy.lib.stride_tricks.sliding_window_view``.  ``taps`` walks the k_h·k_w kernel
offsets, each a strided (N, C, H_out, W_out) view of the padded input: ``fold`` adds
window-shaped values back into the padded input that way, and pooling reduces its
windows that way -- a loop over kernel offsets only, never over pixels or channels.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def pad(x: np.ndarray, pads: tuple[int, int, int, int], value: float = 0.0) -> np.ndarray:
    """x (N, C, H, W) with (top, bottom, left, right) rows and columns of ``value``."""
    top, bottom, left, right = pads
    if not any(pads):
        return x
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=value)


def windows(xp: np.ndarray, kernel, stride, dilation, out_hw) -> np.ndarray:
    """The view (N, C, H_out, W_out, k_h, k_w) of every window of the padded ``xp``."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_hw
    view = sliding_window_view(xp, (dh * (kh - 1) + 1, dw * (kw - 1) + 1), axis=(2, 3))
    return view[:, :, : (ho - 1) * sh + 1 : sh, : (wo - 1) * sw + 1 : sw, ::dh, ::dw]


def taps(kernel, stride, dilation, out_hw):
    """For each kernel offset (u, v), row-major: the (rows, columns) slices of the padded input
    that the windows read at that offset, one element per output position."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_hw
    for u in range(kh):
        for v in range(kw):
            yield u, v, (slice(u * dh, u * dh + (ho - 1) * sh + 1, sh), slice(v * dw, v * dw + (wo - 1) * sw + 1, sw))


def fold(cols: np.ndarray, padded_hw, stride, dilation) -> np.ndarray:
    """The adjoint of ``windows``: cols (N, C, k_h, k_w, H_out, W_out) summed into (N, C, H_p, W_p)."""
    n, c, kh, kw, ho, wo = cols.shape
    out = np.zeros((n, c, *padded_hw), dtype=cols.dtype)
    for u, v, (rows, columns) in taps((kh, kw), stride, dilation, (ho, wo)):  # overlapping windows accumulate
        out[:, :, rows, columns] += cols[:, :, u, v]
    return out


def crop(xp: np.ndarray, pads: tuple[int, int, int, int]) -> np.ndarray:
    """The inverse of ``pad``: the interior of a padded (N, C, H_p, W_p) array."""
    top, bottom, left, right = pads
    return xp[:, :, top : xp.shape[2] - bottom, left : xp.shape[3] - right]

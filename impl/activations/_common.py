"""What the activation modules share: the float64 working copy, an overflow-free logistic
and blockwise evaluation."""

from __future__ import annotations

import numpy as np

# 32768 elements: a float64 block is 256 KiB, so a kernel's few temporaries stay in the L2
# cache and are recycled by the allocator instead of being fresh, page-faulted megabytes
BLOCK = 1 << 15


def _wide(x: np.ndarray) -> np.ndarray:
    """float64 working copy: float32 formulas are computed wide and rounded once."""
    return x.astype(np.float64, copy=True)


def _exp_neg_abs(z: np.ndarray) -> np.ndarray:
    """e = exp(−|z|) into a new float64 buffer (≤ 1: never overflows)."""
    e = np.abs(z, out=np.empty(np.shape(z)))  # out=: a 0-d input stays an array
    np.negative(e, out=e)
    return np.exp(e, out=e)


def _select_divide(e: np.ndarray, d: np.ndarray, ones: np.ndarray) -> np.ndarray:
    """(1 where ``ones`` is 1.0, else e) / d, with one division and no np.where.

    fmax(e, 1) = 1 and fmax(e, 0) = e since 0 ≤ e ≤ 1 (NaN: e is NaN, d too, the result NaN).
    ``ones`` is overwritten.
    """
    np.fmax(e, ones, out=ones)
    return np.divide(ones, d, out=ones)


def _indicator(condition_ufunc, z: np.ndarray) -> np.ndarray:
    """1.0 where ``condition_ufunc(z, 0)``, else 0.0 (NaN: 0.0), as float64."""
    return condition_ufunc(z, 0.0, out=np.empty(np.shape(z)), casting="unsafe")


def _logistic(z: np.ndarray) -> np.ndarray:
    """σ(z) for a float64 array without overflow: from e = exp(-|z|),
    1/(1 + e) where z ≥ 0 and e/(1 + e) elsewhere (NaN included)."""
    e = _exp_neg_abs(z)
    d = np.add(e, 1.0, out=np.empty_like(e))
    return _select_divide(e, d, _indicator(np.greater_equal, z))


def _logistic_pair(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(σ(z), σ(−z)) from one exp, each exactly as ``_logistic`` gives it."""
    e = _exp_neg_abs(z)
    d = np.add(e, 1.0, out=np.empty_like(e))
    # σ(−z) takes 1/(1 + e) where −z ≥ 0, i.e. z ≤ 0 (−0.0 and +0.0 alike)
    return _select_divide(e, d, _indicator(np.greater_equal, z)), _select_divide(e, d, _indicator(np.less_equal, z))


def blockwise(kernel, dtype, *arrays):
    """``kernel(*float64 arrays).astype(dtype)``, evaluated in blocks of BLOCK elements.

    ``kernel`` must be elementwise (each output element depends on the same element of
    each input only): then every block gives exactly the elements the whole array would,
    and the result is bit for bit the unblocked one (tests/test_accuracy.py checks it).
    The arrays share one shape.  Small inputs take the unblocked path.
    """
    n = arrays[0].size
    if n <= BLOCK:
        return kernel(*(_wide(a) for a in arrays)).astype(dtype)
    out = np.empty(arrays[0].shape, dtype)
    flat_out = out.reshape(-1)
    flats = [np.ravel(a) for a in arrays]
    for start in range(0, n, BLOCK):
        flat_out[start:start + BLOCK] = kernel(*(f[start:start + BLOCK].astype(np.float64) for f in flats))
    return out

"""The fixed edge bank: inputs that random drawing rarely reaches.

Signed zeros, subnormals, the largest finite values, infinities, NaN, empty and 0-d
shapes, the overflow thresholds of ``exp``, and ties at a formula's kinks (with their
float neighbours on either side).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from formulary.record import Sample


def special_values(dtype) -> np.ndarray:
    """±0, subnormals, smallest normal, max finite, ±inf, NaN and exp's overflow edges."""
    dtype = np.dtype(dtype)
    info = np.finfo(dtype)
    tiny_sub = np.nextafter(dtype.type(0), dtype.type(1))
    exp_edge = np.log(info.max)  # ~709.78 (float64), ~88.72 (float32)
    values = [
        0.0, -0.0, tiny_sub, -tiny_sub, info.smallest_normal, -info.smallest_normal,
        info.eps, -info.eps, 1.0, -1.0,
        exp_edge, -exp_edge, exp_edge + 1, -(exp_edge + 1), 1e4, -1e4,
        info.max, -info.max, np.inf, -np.inf, np.nan,
    ]
    if dtype == np.float64:
        values += [1e308, -1e308, 1e154, -1e154, 38.0, -38.0, 750.0, -750.0]
    return np.array(values, dtype=dtype)


def around(points: Iterable[float], dtype) -> np.ndarray:
    """Each point with its two float neighbours: the ties at a kink."""
    dtype = np.dtype(dtype)
    out = []
    for p in points:
        p = dtype.type(p)
        out += [np.nextafter(p, dtype.type(-np.inf)), p, np.nextafter(p, dtype.type(np.inf))]
    return np.array(out, dtype=dtype)


def elementwise(dtype, kinks: Sequence[float] = (), kwargs: Sequence[Mapping] = ({},),
                drop: Sequence[float] = ()) -> list[Sample]:
    """The edge bank of an elementwise function of one array, for each kwargs variant.

    ``drop`` removes special values that the record judges separately (where the
    reference is wrong and a deviation says so).
    """
    dtype = np.dtype(dtype)
    values = special_values(dtype)
    values = values[~np.isin(values, np.array(drop, dtype=dtype))]
    arrays = [
        (values, "special values"),
        (np.array(0.5, dtype=dtype), "0-d array"),
        (np.array(-0.0, dtype=dtype), "0-d negative zero"),
        (np.zeros((0,), dtype=dtype), "empty"),
        (np.zeros((2, 0, 3), dtype=dtype), "empty, 3-d"),
    ]
    if kinks:
        arrays.append((around(kinks, dtype), "ties at kinks"))
    return [Sample((a,), dict(kw), note) for kw in kwargs for a, note in arrays]

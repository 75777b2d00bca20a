"""Small composable hypothesis strategies for records' inputs.

Built on ``hypothesis.extra.numpy``; every strategy takes the dtype under test, so one
record definition serves float32 and float64.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from formulary.record import Sample


def width(dtype) -> Literal[16, 32, 64]:
    bits = np.dtype(dtype).itemsize * 8
    if bits not in (16, 32, 64):
        raise ValueError(f"dtype must be a 16-, 32- or 64-bit float, got {np.dtype(dtype)}")
    return bits


def floats(dtype, min_value: float = -10.0, max_value: float = 10.0, **kw) -> st.SearchStrategy[float]:
    """Finite floats representable in ``dtype``, inside [min_value, max_value]."""
    return st.floats(min_value, max_value, width=width(dtype), allow_nan=False, allow_infinity=False, **kw)


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 0, max_side: int = 5) -> st.SearchStrategy[tuple]:
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def arrays(dtype, shape=None, min_value: float = -10.0, max_value: float = 10.0,
           **shape_kw) -> st.SearchStrategy[np.ndarray]:
    """Arrays of ``dtype``; ``shape`` a tuple or strategy (default: 0-3 dims, sides 0-5)."""
    if shape is None:
        shape = shapes(**shape_kw)
    # fill=nothing: every element drawn, not a background of one repeated value, which
    # would make sums and orderings nearly trivial and let mistakes slip through
    return hnp.arrays(np.dtype(dtype), shape, elements=floats(dtype, min_value, max_value), fill=st.nothing())


def samples(*args: st.SearchStrategy, kwargs: Mapping[str, st.SearchStrategy] | None = None,
            optional: Mapping[str, st.SearchStrategy] | None = None, note: str = "") -> st.SearchStrategy[Sample]:
    """Samples with positional args drawn from ``args``; ``kwargs`` always given;
    ``optional`` kwargs sometimes given, sometimes left to the function's default."""
    kw = st.fixed_dictionaries(dict(kwargs or {}), optional=dict(optional or {}))
    return st.builds(lambda a, k: Sample(tuple(a), k, note), st.tuples(*args), kw)


def grad_like(dtype, shape) -> st.SearchStrategy[np.ndarray]:
    """An upstream gradient for an output of ``shape``: mixed signs, moderate size."""
    return hnp.arrays(np.dtype(dtype), shape, elements=floats(dtype, -2.0, 2.0))


def unit_mixed(shape, dtype, seed: int = 0) -> np.ndarray:
    """A fixed upstream gradient for the edge bank: mixed signs, never all ones."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-2.0, 2.0, size=shape).astype(dtype)

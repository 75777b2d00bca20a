"""Argument checks shared by the impl modules: clear errors that name the argument."""

from __future__ import annotations

import numbers

import numpy as np

FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def float_array(value, name: str) -> np.ndarray:
    """``value`` as a float32/float64 array; anything else is a TypeError naming ``name``."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a float32 or float64 array, got {type(value).__name__}")
    arr = np.asarray(value)
    if arr.dtype not in FLOATS:
        raise TypeError(f"{name} must be a float32 or float64 array, got dtype {arr.dtype} "
                        "(integer and other dtypes are outside impl's scope; see impl's package docstring)")
    return arr


def same_shape(grad_output, input: np.ndarray, name: str = "grad_output") -> np.ndarray:
    """The upstream gradient of an elementwise op: a float array shaped like ``input``."""
    g = float_array(grad_output, name)
    if g.shape != input.shape:
        raise ValueError(f"{name} has shape {g.shape}, expected the input's shape {input.shape}")
    return g


def real(value, name: str) -> float:
    """A real scalar option (slope, alpha, beta...); bools and strings are TypeErrors."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def flag(value, name: str) -> bool:
    """A yes/no option: a Python or NumPy bool (0 and 1 are not accepted: torch's flags are bools)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool (True or False), got {type(value).__name__}")
    return bool(value)


def integer(value, name: str, minimum: int | None = None) -> int:
    """An int option (bools are not ints here), at least ``minimum`` when one is given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def positive_int(value, name: str) -> int:
    """A count: an int of at least 1."""
    return integer(value, name, 1)


def axis(dim, ndim: int, name: str = "dim") -> int:
    """A dimension index in [-ndim, ndim) (0-d counts as 1-d, as torch does)."""
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(dim).__name__}")
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise ValueError(f"{name}={dim} is out of range for an input with {ndim} dimensions (expected [{-n}, {n - 1}])")
    return int(dim) % n

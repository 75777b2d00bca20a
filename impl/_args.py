"""torch's argument forms, normalised once at each function's entry.

torch's functional API takes several spellings of one argument; these helpers turn
each into the single form impl computes with, and refuse (naming the argument) what
torch refuses:

* an int-list option (``kernel_size``, ``stride``, ``padding``, ``dilation``): an int,
  or a sequence of 1 value (repeated, as torch's ``IntArrayRef`` expansion does) or of
  n values; an empty sequence means "the default" where torch says so (pooling's
  ``stride=()``) and is an error elsewhere;
* an unbatched input: ``(C, H, W)`` where ``(N, C, H, W)`` is expected, computed as a
  batch of one and returned without the batch axis (torch's conv2d and pooling).
"""

from __future__ import annotations

import numpy as np

from impl._checks import integer


def ntuple(value, name: str, n: int, minimum: int, *, empty=None) -> tuple[int, ...]:
    """An int, or a list/tuple of 1 or ``n`` ints, each at least ``minimum``, as an ``n``-tuple.

    ``empty`` is what an empty sequence stands for (pooling's ``stride=()`` is the
    kernel size); without it an empty sequence is an error, as in torch.
    """
    if isinstance(value, (tuple, list)):
        if len(value) == 0 and empty is not None:
            return tuple(empty)
        if len(value) not in (1, n):
            raise ValueError(f"{name} must be an int or a sequence of 1 or {n} ints, got {len(value)} values: "
                             f"{value!r}")
        values = tuple(integer(v, name, minimum) for v in value)
        return values * n if len(values) == 1 else values
    return (integer(value, name, minimum),) * n


def with_batch(x: np.ndarray, ndim: int, name: str = "input", *, layout: str = "(N, C, H, W)") -> tuple[np.ndarray,
                                                                                                        bool]:
    """``x`` with ``ndim`` dimensions, a batch of one prepended to an unbatched (``ndim`` − 1)-D input.

    Returns the batched array (a view) and whether it was unbatched, for :func:`without_batch`.
    """
    if x.ndim == ndim:
        return x, False
    if x.ndim == ndim - 1:
        return x[None], True
    unbatched = "(" + layout[1:].split(",", 1)[1].strip()
    raise ValueError(f"{name} must be {ndim}-D {layout} or {ndim - 1}-D unbatched {unbatched}, got shape {x.shape}")


def without_batch(value, unbatched: bool):
    """The batch axis of a result computed by :func:`with_batch` removed again (arrays, tuples of them)."""
    if not unbatched:
        return value
    if isinstance(value, tuple):
        return tuple(without_batch(v, True) for v in value)
    return value[0]


def float_dtype(dtype, name: str = "dtype") -> np.dtype:
    """A ``dtype=`` option: float32 or float64 in any NumPy spelling (integer dtypes are out of impl's scope)."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be a NumPy float dtype (np.float32 or np.float64), got {dtype!r}") from None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"{name} must be float32 or float64 (impl computes in floating point only), got {dt}")
    return dt

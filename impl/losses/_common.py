"""What every loss shares: argument checks, the three reductions and their gradients.

Losses are computed in float64 and rounded once to the input's dtype.  A reduction
turns the elementwise losses into the output (``'none'``: as they are; ``'sum'``;
``'mean'``: the sum over a denominator, the element count unless a loss says
otherwise).  Its gradient is the scale that multiplies each element's derivative.
"""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, real

REDUCTIONS = ("none", "mean", "sum")


def wide(x: np.ndarray) -> np.ndarray:
    """float64 view (float32 is converted): losses are computed wide and rounded once; never written into."""
    return x.astype(np.float64, copy=False)


def reduction_arg(reduction) -> str:
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    return reduction


def like(value, x: np.ndarray, name: str) -> np.ndarray:
    """A float array of the input's dtype (a TypeError naming ``name`` otherwise)."""
    arr = float_array(value, name)
    if arr.dtype != x.dtype:
        raise TypeError(f"{name} has dtype {arr.dtype}, expected the input's dtype {x.dtype}")
    return arr


def pair(input, target) -> tuple[np.ndarray, np.ndarray]:
    """Prediction and target: float arrays of one dtype and one shape.

    torch broadcasts mismatched shapes with a warning; here they are an error.
    """
    x = float_array(input, "input")
    t = like(target, x, "target")
    if t.shape != x.shape:
        raise ValueError(f"target has shape {t.shape}, expected the input's shape {x.shape}")
    return x, t


def optional_weight(weight, x: np.ndarray, name: str = "weight", broadcast: bool = False):
    """None, or a float64 weight of the input's shape (or broadcastable to it)."""
    if weight is None:
        return None
    w = like(weight, x, name)
    if broadcast:
        try:
            return wide(np.broadcast_to(w, x.shape))
        except ValueError:
            raise ValueError(f"{name} has shape {w.shape}, which does not broadcast to the input's shape "
                             f"{x.shape}") from None
    if w.shape != x.shape:
        raise ValueError(f"{name} has shape {w.shape}, expected the input's shape {x.shape}")
    return wide(w)


def non_negative(value, name: str) -> float:
    v = real(value, name)
    if not v >= 0:
        raise ValueError(f"{name} must be non-negative, got {value!r}")
    return v


def labels_pm1(target: np.ndarray) -> None:
    """Margin losses need labels −1 and +1 (0/1 labels silently give a wrong loss)."""
    bad = (target != 1) & (target != -1)
    if bad.any():
        raise ValueError(f"target must hold the labels -1 and +1, got {target[bad].ravel()[0]!r}")


def narrow(value, dtype) -> np.ndarray:
    """float64 rounded once to ``dtype``; beyond float32's range that is ±inf, as torch gives."""
    with np.errstate(over="ignore"):
        return np.asarray(value).astype(dtype)


def reduce(loss: np.ndarray, reduction: str, dtype, denominator=None) -> np.ndarray:
    """The reduced loss in ``dtype``; ``'mean'`` divides by ``denominator`` (default: the count).

    An empty mean is 0/0 = NaN, as torch gives.
    """
    if reduction == "none":
        return narrow(loss, dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        total = loss.sum()
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            total = total / (loss.size if denominator is None else denominator)
    return narrow(total, dtype)


def reduce_backward(grad_output, shape: tuple, reduction: str, denominator=None) -> np.ndarray:
    """d(reduced loss)/d(elementwise loss) times the upstream gradient, float64.

    ``grad_output`` has the loss's output shape: ``shape`` for ``'none'``, 0-d otherwise.
    """
    g = float_array(grad_output, "grad_output")
    expected = shape if reduction == "none" else ()
    if g.shape != expected:
        raise ValueError(f"grad_output has shape {g.shape}, expected the loss's output shape {expected}")
    g = wide(g)
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            g = g / (int(np.prod(shape)) if denominator is None else denominator)
    return g


def sign(d: np.ndarray) -> np.ndarray:
    """sign(d), with sign(NaN) = 0 as ``torch.sign`` defines it (the gradient of |d|)."""
    return np.where(np.isnan(d), 0.0, np.sign(d))


def times(c: np.ndarray, s: np.ndarray) -> np.ndarray:
    """c·s with 0·s = 0 even where s is infinite: a term whose coefficient vanishes is absent."""
    with np.errstate(invalid="ignore"):
        return np.where(c == 0, 0.0, c * s)

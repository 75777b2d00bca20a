"""Comparison: the tolerance policy, NaN and inf semantics, error statistics, ULPs.

``assert_close`` follows ``torch.testing.assert_close``: an element passes when
``|actual - expected| <= atol + rtol * |expected|``; NaN must meet NaN (same
positions); an infinity must meet the same infinity.  Shapes must agree, and so must
dtypes -- a float32 formula that answers in float64 is wrong.  Nested tuples, lists
and dicts are compared component by component, and a failure names the component.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Number

import mpmath
import numpy as np

from formulary.tolerance import Tolerance


class Mismatch(AssertionError):
    """The candidate's value differs from the expected one beyond tolerance."""

    def __init__(self, message: str, component: str = "", index=None, actual=None, expected=None):
        super().__init__(message)
        self.component = component
        self.index = index
        self.actual = actual
        self.expected = expected


@dataclass
class Stats:
    """What one record's comparisons saw, accumulated over every example."""

    examples: int = 0
    max_abs: float = 0.0
    max_rel: float = 0.0
    worst: str = ""  # the input that came closest to (or went past) the tolerance
    worst_ratio: float = -1.0
    tolerance: dict = field(default_factory=dict)  # dtype name -> (rtol, atol)
    findings: dict = field(default_factory=dict)  # what a property check measured, for the report

    def merge(self, other: Stats) -> None:
        self.examples += other.examples
        self.max_abs = max(self.max_abs, other.max_abs)
        self.max_rel = max(self.max_rel, other.max_rel)
        if other.worst_ratio > self.worst_ratio:
            self.worst_ratio, self.worst = other.worst_ratio, other.worst
        self.tolerance.update(other.tolerance)
        self.findings.update(other.findings)

    def as_dict(self) -> dict:
        return {
            "examples": self.examples,
            "max_abs_error": self.max_abs,
            "max_rel_error": self.max_rel,
            "worst_input": self.worst,
            "tolerance": self.tolerance,
            **({"findings": self.findings} if self.findings else {}),
        }


def short_repr(value, limit: int = 12) -> str:
    """Exact, round-trippable text for small arrays; a summary for large ones."""
    if isinstance(value, np.ndarray):
        if value.size <= limit:
            body = np.array2string(value, separator=", ", floatmode="unique", threshold=limit)
            return f"array({body}, dtype={value.dtype})"
        flat = value.ravel()
        head = ", ".join(repr(v.item()) for v in flat[:4])
        return f"array(shape={value.shape}, dtype={value.dtype}, first=[{head}, ...])"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(short_repr(v, limit) for v in value)
        return f"({inner},)" if isinstance(value, tuple) and len(value) == 1 else (f"({inner})"
                                                                                   if isinstance(value, tuple)
                                                                                       else f"[{inner}]")
    if hasattr(value, "detach"):  # a torch tensor in a message
        return short_repr(value.detach().cpu().numpy(), limit)
    if callable(value) and hasattr(value, "__qualname__"):  # by name: its address would make reports differ per run
        return f"<{type(value).__name__} {value.__qualname__}>"
    return repr(value)


def _leaves(tree, path=""):
    if isinstance(tree, Mapping):
        for k in tree:
            yield from _leaves(tree[k], f"{path}[{k!r}]")
    elif isinstance(tree, (tuple, list)):
        for i, v in enumerate(tree):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, tree


def _structure(tree):
    if isinstance(tree, Mapping):
        return {k: _structure(v) for k, v in tree.items()}
    if isinstance(tree, (tuple, list)):
        return tuple(_structure(v) for v in tree)
    return None


def assert_close(actual, expected, tol: Tolerance, *, names: tuple[str, ...] | None = None,
                 check_dtype: bool = True) -> Stats:
    """Compare ``actual`` with ``expected`` leaf by leaf; return the error statistics.

    Raises :class:`Mismatch` naming the component, the worst element, expected and got.
    """
    if _structure(actual) != _structure(expected):
        raise Mismatch(f"structure differs: expected {short_repr(expected)}, got {short_repr(actual)}")
    stats = Stats()
    for (path, a), (_, e) in zip(_leaves(actual), _leaves(expected)):
        label = path
        if names and path.startswith("[") and path[1:].split("]")[0].isdigit():
            i = int(path[1:].split("]")[0])
            if i < len(names):
                label = names[i] + path[len(f"[{i}]"):]
        _compare_leaf(a, e, tol, label or "output", stats, check_dtype)
    return stats


def _compare_leaf(a, e, tol: Tolerance, label: str, stats: Stats, check_dtype: bool) -> None:
    if e is None or isinstance(e, (str, bool)) or (isinstance(e, Number) and not isinstance(e, (float, np.floating))):
        if isinstance(e, Number) and not isinstance(a, Number):
            raise Mismatch(f"{label}: expected {e!r}, got {short_repr(a)}", label, None, a, e)
        if a != e:
            raise Mismatch(f"{label}: expected {e!r}, got {a!r}", label, None, a, e)
        return
    if not isinstance(a, (np.ndarray, np.generic, float, int)):
        raise Mismatch(f"{label}: expected an array, got {type(a).__name__}", label, None, a, e)
    a_arr, e_arr = np.asarray(a), np.asarray(e)
    if a_arr.shape != e_arr.shape:
        raise Mismatch(f"{label}: shape {a_arr.shape} differs from expected {e_arr.shape}", label, None, a, e)
    if check_dtype and isinstance(e, (np.ndarray, np.generic)) and a_arr.dtype != e_arr.dtype:
        raise Mismatch(f"{label}: dtype {a_arr.dtype} differs from expected {e_arr.dtype}", label, None, a, e)
    if e_arr.dtype.kind in "biu" and a_arr.dtype.kind in "biu":
        bad = a_arr != e_arr
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            raise Mismatch(f"{label}: at index {idx} expected {e_arr[idx]}, got {a_arr[idx]}", label, idx, a, e)
        return
    a64, e64 = a_arr.astype(np.float64), e_arr.astype(np.float64)
    a_nan, e_nan = np.isnan(a64), np.isnan(e64)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        diff = np.abs(a64 - e64)
        allowed = tol.atol + tol.rtol * np.abs(e64)
        both_inf = np.isinf(a64) & np.isinf(e64) & (a64 == e64)
        diff = np.where(both_inf | (a_nan & e_nan), 0.0, diff)
        diff = np.where(a_nan ^ e_nan, np.inf, diff)
        ratio = np.where(diff == 0, 0.0, diff / allowed)
        # relative error where it means something; abs error covers expected zeros
        rel = np.where((e64 != 0) & np.isfinite(e64), diff / np.abs(e64), 0.0)
    if a64.size:
        stats.max_abs = max(stats.max_abs, float(np.max(diff)))
        stats.max_rel = max(stats.max_rel, float(np.max(rel)))
        stats.worst_ratio = max(stats.worst_ratio, float(np.max(ratio)))
        if not np.all(ratio <= 1.0):
            idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(ratio)), ratio.shape))
            nbad = int(np.sum(~(ratio <= 1.0)))
            # a NaN on one side only, or an infinity of the wrong sign, is no matter of tolerance
            why = ("only one side is NaN" if a_nan[idx] != e_nan[idx] else
                   f"abs error {diff[idx]:.3g}, allowed {allowed[idx]:.3g}")
            raise Mismatch(
                f"{label}: {nbad} of {a64.size} elements differ beyond rtol={tol.rtol:g}, atol={tol.atol:g}; "
                f"worst at index {idx}: expected {e_arr[idx]!r}, got {a_arr[idx]!r} "
                f"({why})",
                label, idx, a, e,
            )


# -- ULPs against the oracle ------------------------------------------------------

def ulp_error(computed: np.ndarray, truth: list, dtype=np.float64) -> np.ndarray:
    """|computed - truth| in units of the last place of the true value rounded to ``dtype``
    (float64, or float32 for float32 results).

    ``truth`` holds mpmath numbers (or floats) of much higher precision.  Where the true
    value is exactly 0 the result is the absolute error in units of the smallest
    subnormal, which any error makes huge: callers report absolute error there.
    """
    computed = np.asarray(computed, dtype=np.float64).ravel()
    out = np.empty(computed.size)
    with mpmath.workdps(60):  # or the truth would be rounded to 53 bits before the subtraction
        for i, (c, t) in enumerate(zip(computed, truth)):
            out[i] = _ulps(c, t, np.dtype(dtype).type)
    return out


def _ulps(c: float, t, kind=np.float64) -> float:
    with np.errstate(over="ignore"):  # a truth beyond float32's range rounds to ±inf there
        tf = float(kind(float(t)))
    if np.isnan(c) or np.isnan(tf):
        return 0.0 if (np.isnan(c) and np.isnan(tf)) else np.inf
    if np.isinf(c) or np.isinf(tf):
        return 0.0 if c == tf else np.inf
    err = abs(mpmath.mpf(c) - mpmath.mpf(t))
    return float(err / mpmath.mpf(float(np.spacing(kind(abs(tf))) if tf != 0 else np.spacing(kind(0.0)))))

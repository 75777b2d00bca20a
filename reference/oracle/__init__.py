"""The mpmath oracle: the same formulas at high precision, for accuracy in ULPs.

An oracle takes the float64 NumPy input and the formula's options and returns the true
values, flattened in C order, as mpmath numbers.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import numpy as np

DPS = 50  # decimal digits: far beyond float64's 17, so the oracle's own rounding is invisible


def elementwise(f: Callable) -> Callable:
    """Lift ``f(x: mpf, **options) -> mpf`` to the oracle signature."""

    def oracle(x: np.ndarray, **options) -> list:
        with mpmath.workdps(DPS):
            return [f(mpmath.mpf(float(v)), **options) for v in np.asarray(x, dtype=np.float64).ravel()]

    oracle.__doc__ = f.__doc__
    oracle.__name__ = f.__name__
    return oracle

"""The two-sample Kolmogorov–Smirnov test, for judging a sampler against torch's samples.

scipy is not a dependency of the project, so the test is written here: the statistic
D = sup |F₁ − F₂| of the two empirical distribution functions, and its p-value from the
asymptotic Kolmogorov distribution Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}, summed with
mpmath, at λ = (√nₑ + 0.12 + 0.11/√nₑ)·D, nₑ = n₁n₂/(n₁ + n₂) (Stephens' small-sample
correction, as in Numerical Recipes' ``kstwo``).  For the sample sizes used here (≥ 1000
a side) the asymptotic p-value is accurate to a few parts in a thousand.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np


def ks_statistic(a, b) -> float:
    """D = max |F_a(x) − F_b(x)| over the pooled sample."""
    a, b = np.sort(np.ravel(a)), np.sort(np.ravel(b))
    pooled = np.concatenate([a, b])
    fa = np.searchsorted(a, pooled, side="right") / a.size
    fb = np.searchsorted(b, pooled, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


def kolmogorov_sf(lam: float) -> float:
    """Q(λ) = P(K > λ) for the Kolmogorov distribution."""
    if lam <= 0:
        return 1.0
    with mpmath.workdps(30):
        q = 2 * mpmath.nsum(lambda k: (-1) ** (k - 1) * mpmath.exp(-2 * k * k * lam * lam), [1, mpmath.inf])
    return float(min(max(q, 0), 1))


def ks_2samp(a, b) -> tuple[float, float]:
    """(D, p): the two-sample KS statistic and its asymptotic p-value."""
    d = ks_statistic(a, b)
    ne = np.size(a) * np.size(b) / (np.size(a) + np.size(b))
    lam = (math.sqrt(ne) + 0.12 + 0.11 / math.sqrt(ne)) * d
    return d, kolmogorov_sf(lam)

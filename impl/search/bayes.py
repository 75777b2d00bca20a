r"""Bayesian optimisation (guide §3.2, method 4): a Gaussian-process model of the
objective and the expected improvement as the rule for where to look next.

The model is a zero-mean Gaussian process with the squared-exponential kernel on the
unit cube (or the Matérn 5/2 kernel), fitted to the standardised finite values; its
length scale is given, or the one of a fixed grid with the highest marginal
likelihood -- among the "parameters of the optimiser itself" that the guide warns
about, with the kernel, the exploration margin and the initial design.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from impl._checks import float_array, real
from impl._special import erfc
from impl.search.space import SearchResult, check_space, positive_int

LENGTH_SCALES = np.geomspace(0.05, 2.0, 10)  # the grid the search picks its length scale from
NOISE = 1e-6  # on standardised values: keeps the kernel matrix positive definite
_LOG_2PI = math.log(2 * math.pi)


def _positive(value, name: str) -> float:
    v = real(value, name)
    if not v > 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return v


def _gp_args(x_train, y_train, length_scale, signal_variance, noise):
    x = float_array(x_train, "x_train")
    y = float_array(y_train, "y_train")
    if x.ndim != 2:
        raise ValueError(f"x_train must be (n, d), got shape {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"y_train has shape {y.shape}, expected ({x.shape[0]},)")
    ell, s2 = _positive(length_scale, "length_scale"), _positive(signal_variance, "signal_variance")
    sn2 = real(noise, "noise")
    if not sn2 >= 0:
        raise ValueError(f"noise must be non-negative, got {noise}")
    return x.astype(np.float64), y.astype(np.float64), ell, s2, sn2, x.dtype


def rbf_kernel(x1: np.ndarray, x2: np.ndarray, length_scale: float, signal_variance: float) -> np.ndarray:
    r"""The squared-exponential kernel between the rows of ``x1`` and ``x2``.

    .. math:: k(a, b) = \sigma_f^2 \exp\Bigl(-\frac{\lVert a - b\rVert^2}{2\ell^2}\Bigr)
    """
    d2 = np.sum((x1[:, None, :] - x2[None, :, :]) ** 2, axis=-1)  # differences, not the |a|²+|b|²−2ab shortcut
    return signal_variance * np.exp(-0.5 * d2 / length_scale**2)


def matern52_kernel(x1: np.ndarray, x2: np.ndarray, length_scale: float, signal_variance: float) -> np.ndarray:
    r"""The Matérn kernel of smoothness :math:`\nu = 5/2` between the rows of ``x1`` and ``x2``.

    .. math:: k(a, b) = \sigma_f^2 \Bigl(1 + \sqrt5\,r + \tfrac53 r^2\Bigr) e^{-\sqrt5\,r},
              \qquad r = \lVert a - b\rVert / \ell
    """
    r = np.sqrt(np.sum((x1[:, None, :] - x2[None, :, :]) ** 2, axis=-1)) / length_scale
    return signal_variance * (1.0 + math.sqrt(5.0) * r + 5.0 / 3.0 * r * r) * np.exp(-math.sqrt(5.0) * r)


KERNELS = {"rbf": rbf_kernel, "matern52": matern52_kernel}


def _kernel(name):
    if name not in KERNELS:
        raise ValueError(f"kernel must be one of {sorted(KERNELS)}, got {name!r}")
    return KERNELS[name]


def _cholesky(x, ell, s2, sn2, kernel):
    return np.linalg.cholesky(_kernel(kernel)(x, x, ell, s2) + sn2 * np.eye(len(x)))


def gp_posterior(x_train, y_train, x_test, length_scale=0.2, signal_variance=1.0, noise=1e-6, kernel="rbf"):
    r"""Posterior mean and variance of a zero-mean Gaussian process at ``x_test``.

    With :math:`K = k(X, X) + \sigma_n^2 I = L L^\top`, :math:`k_* = k(X, x_*)`:

    .. math::

        \mu(x_*) = k_*^\top K^{-1} y, \qquad
        \sigma^2(x_*) = k(x_*, x_*) - k_*^\top K^{-1} k_* = \sigma_f^2 - \lVert L^{-1} k_*\rVert^2

    (the variance of the latent function, without the observation noise; rounding
    below zero is clipped to zero).  ``kernel`` is "rbf" (:func:`rbf_kernel`) or
    "matern52" (:func:`matern52_kernel`).  Computed in float64, returned in the input's dtype.
    """
    x, y, ell, s2, sn2, dtype = _gp_args(x_train, y_train, length_scale, signal_variance, noise)
    xs = float_array(x_test, "x_test")
    if xs.ndim != 2 or xs.shape[1] != x.shape[1]:
        raise ValueError(f"x_test must be (m, {x.shape[1]}) like x_train, got shape {xs.shape}")
    L = _cholesky(x, ell, s2, sn2, kernel)
    ks = _kernel(kernel)(x, xs.astype(np.float64), ell, s2)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    v = np.linalg.solve(L, ks)
    mean = ks.T @ alpha
    var = np.maximum(s2 - np.sum(v * v, axis=0), 0.0)
    return mean.astype(dtype), var.astype(dtype)


def gp_log_marginal_likelihood(x_train, y_train, length_scale=0.2, signal_variance=1.0, noise=1e-6, kernel="rbf"):
    r"""The log evidence of ``y_train`` under the Gaussian process, :math:`\log \mathcal N(y; 0, K)`:

    .. math:: \log p(y) = -\tfrac12 y^\top K^{-1} y - \sum_i \log L_{ii} - \tfrac n2 \log 2\pi
    """
    x, y, ell, s2, sn2, dtype = _gp_args(x_train, y_train, length_scale, signal_variance, noise)
    L = _cholesky(x, ell, s2, sn2, kernel)
    w = np.linalg.solve(L, y)
    return dtype.type(-0.5 * (w @ w) - np.sum(np.log(np.diag(L))) - 0.5 * len(y) * _LOG_2PI)


def expected_improvement(mean, std, best, xi=0.0):
    r"""Expected improvement below ``best`` of a normal prediction (for minimisation).

    With :math:`I = f^* - \mu - \xi` and :math:`z = I/\sigma`:

    .. math::

        \operatorname{EI} = \mathbb E\bigl[\max(f^* - \xi - Y, 0)\bigr]
        = I\,\Phi(z) + \sigma\,\varphi(z), \qquad Y \sim \mathcal N(\mu, \sigma^2)

    and :math:`\max(I, 0)` where :math:`\sigma = 0`.  Computed in float64, returned in
    the input's dtype.
    """
    mu = float_array(mean, "mean")
    sd = float_array(std, "std")
    if sd.shape != mu.shape:
        raise ValueError(f"std has shape {sd.shape}, expected mean's shape {mu.shape}")
    if (sd < 0).any():
        raise ValueError("std must be non-negative")
    imp = real(best, "best") - mu.astype(np.float64) - real(xi, "xi")
    s = sd.astype(np.float64)
    pos = s > 0
    with np.errstate(over="ignore"):  # σ ≪ |I|: z (or z²) overflows to ±inf, and Φ, φ take their exact limits
        z = np.divide(imp, s, out=np.zeros_like(imp), where=pos)
        pdf = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    cdf = 0.5 * erfc(-z / math.sqrt(2.0))
    return np.where(pos, imp * cdf + s * pdf, np.maximum(imp, 0.0)).astype(mu.dtype)


def _fit(units: np.ndarray, values: np.ndarray, kernel, length_scale):
    """Standardised values and the length scale: the given one, or the grid's of highest marginal likelihood."""
    scale = values.std() or 1.0
    y = (values - values.mean()) / scale
    if length_scale is not None:
        return y, float(length_scale)
    ell = max(LENGTH_SCALES, key=lambda s: gp_log_marginal_likelihood(units, y, s, 1.0, NOISE, kernel))
    return y, float(ell)


def _search(objective, space, n_trials, seed, n_initial, n_candidates, xi, acquisition, kernel, length_scale):
    space = check_space(space, continuous=True)
    n, n0 = positive_int(n_trials, "n_trials"), positive_int(n_initial, "n_initial")
    m = positive_int(n_candidates, "n_candidates")
    xi = real(xi, "xi")
    _kernel(kernel)
    if length_scale is not None:
        length_scale = _positive(length_scale, "length_scale")
    rng = np.random.default_rng(seed)
    d = len(space)
    result = SearchResult(space)
    for t in range(n):
        finite = np.isfinite(result.values)
        if t < n0 or finite.sum() < 2:
            result.evaluate(objective, rng.random(d), "initial")
            continue
        units, values = result.units[finite], result.values[finite]
        y, ell = _fit(units, values, kernel, length_scale)
        best = units[np.argmin(y)]
        # candidates: uniform over the cube, and a quarter close to the best point
        cand = np.vstack([rng.random((m, d)), np.clip(best + 0.05 * rng.standard_normal((m // 4, d)), 0.0, 1.0)])
        mean, var = gp_posterior(units, y, cand, ell, 1.0, NOISE, kernel)
        ei = acquisition(mean, np.sqrt(var), y.min(), xi)
        result.evaluate(objective, cand[np.argmax(ei)], "ei")
    return result


def bayes_search(objective: Callable, space, n_trials=30, seed=0, n_initial=5, n_candidates=1000, xi=0.0, kernel="rbf",
                 length_scale=None) -> SearchResult:
    r"""Bayesian optimisation: ``n_initial`` uniform points, then at each step the
    point of largest expected improvement among ``n_candidates`` uniform points (and a
    quarter as many near the best one) under the Gaussian-process posterior of the
    trials so far.

    .. math:: x_{t+1} = \arg\max_{x \in C_t} \operatorname{EI}\bigl(\mu_t(x), \sigma_t(x), \min_{i \le t} y_i\bigr)

    Its own parameters (the guide: "Bayesian optimisation itself needs many parameters"):
    ``n_initial``, ``n_candidates``, the exploration margin ``xi``, the ``kernel`` ("rbf" or
    "matern52") and its ``length_scale`` (None: chosen by the evidence from a fixed grid).
    """
    return _search(objective, space, n_trials, seed, n_initial, n_candidates, xi, expected_improvement, kernel,
                   length_scale)

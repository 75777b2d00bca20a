"""Known mistakes of Bayesian optimisation judged by its oracles (scikit-learn, mpmath): a Matérn
kernel of the wrong smoothness, the search's own parameters accepted and ignored, EI's tail
computed by a cancelling formula.

Each is a complete wrong implementation with impl's signature, built from impl's public parts.
"""

from __future__ import annotations

import math
import time

import numpy as np

from impl.search import bayes_search, gp_log_marginal_likelihood, gp_posterior
from impl.search.bayes import KERNELS


def _matern32(x1, x2, length_scale, signal_variance):
    r = np.sqrt(np.sum((x1[:, None, :] - x2[None, :, :]) ** 2, axis=-1)) / length_scale
    return signal_variance * (1.0 + math.sqrt(3.0) * r) * np.exp(-math.sqrt(3.0) * r)


def gp_posterior_matern32(x_train, y_train, x_test, length_scale=0.2, signal_variance=1.0, noise=1e-6, kernel="rbf"):
    """"matern52" computed with the ν = 3/2 formula (1 + √3 r) e^{−√3 r}."""
    if kernel != "matern52":
        return gp_posterior(x_train, y_train, x_test, length_scale, signal_variance, noise, kernel)
    x, y, xs = (np.asarray(a, dtype=np.float64) for a in (x_train, y_train, x_test))
    K = _matern32(x, x, length_scale, signal_variance) + noise * np.eye(len(x))
    ks = _matern32(x, xs, length_scale, signal_variance)
    mean = ks.T @ np.linalg.solve(K, y)
    var = np.maximum(signal_variance - np.sum(ks * np.linalg.solve(K, ks), 0), 0.0)
    return mean, var


def gp_log_marginal_likelihood_noise_twice(x_train, y_train, length_scale=0.2, signal_variance=1.0, noise=1e-6,
                                           kernel="rbf"):
    """The noise added twice to the diagonal (once as a kernel term, once as alpha)."""
    return gp_log_marginal_likelihood(x_train, y_train, length_scale, signal_variance, 2 * noise, kernel)


def expected_improvement_erf_cdf(mean, std, best, xi=0.0):
    """Φ(z) as ½(1 + erf(z/√2)): exact in the body, 0 below z ≈ −8.3 where EI is still positive."""
    mu, sd = np.asarray(mean, np.float64), np.asarray(std, np.float64)
    imp = best - mu - xi
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, imp / np.where(sd > 0, sd, 1.0), 0.0)
    cdf = 0.5 * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2.0)))
    pdf = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    out = np.where(sd > 0, imp * cdf + sd * pdf, np.maximum(imp, 0.0))
    return np.maximum(out, 0.0).astype(np.asarray(mean).dtype)


def bayes_search_length_scale_ignored(objective, space, n_trials=30, seed=0, n_initial=5, n_candidates=1000, xi=0.0,
                                      kernel="rbf", length_scale=None):
    """``length_scale`` accepted and ignored: always chosen by the evidence."""
    return bayes_search(objective, space, n_trials, seed, n_initial, n_candidates, xi, kernel, None)


def bayes_search_kernel_ignored(objective, space, n_trials=30, seed=0, n_initial=5, n_candidates=1000, xi=0.0,
                                kernel="rbf", length_scale=None):
    """``kernel`` accepted and ignored: always the squared exponential."""
    return bayes_search(objective, space, n_trials, seed, n_initial, n_candidates, xi, "rbf", length_scale)


def bayes_search_xi_ignored(objective, space, n_trials=30, seed=0, n_initial=5, n_candidates=1000, xi=0.0,
                            kernel="rbf", length_scale=None):
    """``xi`` accepted and ignored."""
    return bayes_search(objective, space, n_trials, seed, n_initial, n_candidates, 0.0, kernel, length_scale)


def bayes_search_clock_seeded(objective, space, n_trials=30, seed=0, n_initial=5, n_candidates=1000, xi=0.0,
                              kernel="rbf", length_scale=None):
    """The candidates' generator seeded from the clock as well: decisions that no seed reproduces."""
    return bayes_search(objective, space, n_trials, [seed, time.perf_counter_ns()], n_initial, n_candidates, xi, kernel,
                        length_scale)


def gp_posterior_noise_dropped(x_train, y_train, x_test, length_scale=0.2, signal_variance=1.0, noise=1e-6,
                               kernel="rbf"):
    """K⁻¹ of the noise-free kernel matrix (either kernel): the noise left out."""
    k = KERNELS[kernel]
    x, y, xs = (np.asarray(a, dtype=np.float64) for a in (x_train, y_train, x_test))
    K_inv = np.linalg.pinv(k(x, x, length_scale, signal_variance))
    ks = k(x, xs, length_scale, signal_variance)
    return ks.T @ K_inv @ y, np.maximum(signal_variance - np.sum(ks * (K_inv @ ks), 0), 0.0)


def gp_log_marginal_likelihood_without_logdet(x_train, y_train, length_scale=0.2, signal_variance=1.0, noise=1e-6,
                                              kernel="rbf"):
    """−½ yᵀK⁻¹y − n/2 log 2π (either kernel): the complexity term −½ log|K| forgotten."""
    x, y = np.asarray(x_train, np.float64), np.asarray(y_train, np.float64)
    K = KERNELS[kernel](x, x, length_scale, signal_variance) + noise * np.eye(len(x))
    return -0.5 * y @ np.linalg.solve(K, y) - 0.5 * len(y) * math.log(2 * math.pi)

"""Known mistakes of MaxLIPO+TR (dlib's find_min_global): one Lipschitz constant for every
dimension, the noise offset on the wrong point, no standardisation, no noise term, no trust
region, the bound maximised, and a log-scale range searched linearly.

Each is a complete wrong implementation with impl's signature, built from impl's public parts
(:class:`impl.search.MaxLipo` takes its fit, bound and alternation as class attributes).
"""

from __future__ import annotations

import numpy as np

from impl.search import LogUniform, Uniform
from impl.search.maxlipo import MaxLipo, search_space
from impl.search.maxlipo_model import NOISE, nnls, quadratic_least_squares, trust_region_subproblem

# -- the bound's quadratic programme ---------------------------------------------------------------


def _ldp(feats, h):
    """min ½‖w‖² s.t. feats w ≥ h, w ≥ 0 (the least-distance programme impl solves)."""
    e = np.vstack([feats.T, h[None, :]])
    target = np.zeros(len(e))
    target[-1] = 1.0
    u = nnls(e, target)
    r = e @ u - target
    return np.maximum(-r[:-1] / r[-1], 0.0), u


def _fit_with(x, f, noise, pairs, *, one_k=False, better=False, scaled=True):
    x, f = np.asarray(x, float), np.asarray(f, float)
    n, d = x.shape
    i, j = np.triu_indices(n, k=1) if pairs is None else np.asarray(pairs, int).reshape(-1, 2).T
    if n < 2 or len(i) == 0:
        return np.zeros(d), np.zeros(n), np.zeros((0, 2), dtype=int)
    if scaled:
        sx = np.std(x, axis=0, ddof=1)
        sx = np.where(sx > 0, sx, 1.0)
        sf = float(np.std(f, ddof=1)) or 1.0
    else:
        sx, sf = np.ones(d), 1.0
    sq = ((x[i] - x[j]) / sx) ** 2
    dk = 1 if one_k else d
    feats = np.zeros((len(i), dk + n))
    feats[:, :dk] = sq.sum(1, keepdims=True) if one_k else sq
    owner = np.where(f[i] > f[j], j, i) if better else np.where(f[i] > f[j], i, j)
    feats[np.arange(len(i)), dk + owner] = noise
    w, u = _ldp(feats, ((f[i] - f[j]) / sf) ** 2)
    k = np.full(d, w[0]) if one_k else w[:d]
    return k * sf**2 / sx**2, w[dk:] * noise, np.column_stack([i, j])[u > 0]


def lipschitz_fit_one_k(x, f, noise=NOISE, pairs=None):
    """One Lipschitz constant shared by every dimension (LIPO's k‖x − x_i‖), not one per dimension."""
    return _fit_with(x, f, noise, pairs, one_k=True)


def lipschitz_fit_offset_on_better(x, f, noise=NOISE, pairs=None):
    """The noise offset σ given to the better point of each pair instead of the worse."""
    return _fit_with(x, f, noise, pairs, better=True)


def lipschitz_fit_unscaled(x, f, noise=NOISE, pairs=None):
    """The programme solved in raw coordinates: ‖w‖² then depends on the units of x and f."""
    return _fit_with(x, f, noise, pairs, scaled=False)


def lipschitz_fit_no_noise(x, f, noise=NOISE, pairs=None):
    """No noise term (σ = 0): every pair must be explained by the slopes alone."""
    return _fit_with(x, f, 1e-12, pairs)


# -- the search ------------------------------------------------------------------------------------


class _NoTrustRegion(MaxLipo):
    alternate = False


class _BoundMaximised(MaxLipo):
    @staticmethod
    def bound(c, x, f, slopes, offsets):
        d2 = np.einsum("mnd,d->mn", (c[:, None, :] - x[None, :, :]) ** 2, slopes)
        return -np.max(f[None, :] - np.sqrt(offsets[None, :] + d2), axis=1)  # argmin of −L: the highest bound


class _OneK(MaxLipo):
    fit = staticmethod(lipschitz_fit_one_k)


def maxlipo_search_no_trust_region(objective, space, n_trials=30, seed=0):
    """Pure MaxLIPO: the trust-region steps never taken (slow to refine a minimum)."""
    return search_space(_NoTrustRegion, objective, space, n_trials, seed)


def maxlipo_search_bound_maximised(objective, space, n_trials=30, seed=0):
    """The candidate of highest lower bound evaluated: the least promising region."""
    return search_space(_BoundMaximised, objective, space, n_trials, seed)


def maxlipo_search_one_k(objective, space, n_trials=30, seed=0):
    """MaxLIPO+TR with one global Lipschitz constant."""
    return search_space(_OneK, objective, space, n_trials, seed)


def maxlipo_search_log_ignored(objective, space, n_trials=30, seed=0):
    """A LogUniform range searched on the linear scale (dlib would search it in log x)."""
    linear = {k: Uniform(d.low, d.high) if isinstance(d, LogUniform) else d for k, d in dict(space).items()}
    return search_space(MaxLipo, objective, linear, n_trials, seed)


# -- the bound -------------------------------------------------------------------------------------

def maxlipo_lower_bound_min(candidates, x, f, slopes, offsets):
    """min_i instead of max_i: the loosest cone, not the tightest."""
    d2 = np.einsum("mnd,d->mn", (np.asarray(candidates)[:, None, :] - x[None, :, :]) ** 2, slopes)
    return np.min(f[None, :] - np.sqrt(offsets[None, :] + d2), axis=1)


def maxlipo_lower_bound_offset_outside(candidates, x, f, slopes, offsets):
    """σ_i added outside the square root: f_i − σ_i − √(Σ k_d δ_d²)."""
    d2 = np.einsum("mnd,d->mn", (np.asarray(candidates)[:, None, :] - x[None, :, :]) ** 2, slopes)
    return np.max(f[None, :] - offsets[None, :] - np.sqrt(d2), axis=1)


def trust_region_subproblem_clipped(b, g, radius, lower, upper):
    """The ball step clipped to the box, where dlib fixes the most violated variable at its bound and solves the
    rest again in the smaller ball."""
    big = np.full(len(g), np.inf)
    return np.clip(trust_region_subproblem(b, g, radius, -big, big), lower, upper)


def fit_quadratic_least_norm(x, y):
    """Least squares in the monomial basis with fewer points than coefficients: pinv's least-norm coefficients
    (g and c penalised too), where dlib takes the interpolant of least Frobenius norm Hessian."""
    return quadratic_least_squares(x, y)

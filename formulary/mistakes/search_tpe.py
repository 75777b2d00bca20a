"""Known mistakes of TPE: l and g swapped, no prior component, bandwidths
from the nearer neighbour, no magic clip, hyperopt's γ for Optuna's, the weights' ramp reversed.

Each is a complete wrong implementation with impl's signature, built from impl's public parts.
"""

from __future__ import annotations

import math

import numpy as np

from impl.search.space import SearchResult, check_space, positive_int
from impl.search.tpe import parzen_bandwidths, parzen_log_pdf, parzen_sample, tpe_gamma, tpe_split, tpe_weights

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _mixture(obs, lows, highs, x, *, prior=True, bandwidth=parzen_bandwidths, weights=None):
    obs = np.asarray(obs, float).reshape(-1, len(lows))
    x = np.asarray(x, float).reshape(-1, len(lows))
    n = len(obs)
    w = tpe_weights(n) if weights is None else weights
    pi = np.append(w, 1.0) if prior or not n else np.asarray(w, float)
    mus = np.vstack([obs, (lows + highs) / 2]) if prior or not n else obs
    sig = (np.column_stack([bandwidth(obs[:, k], lows[k], highs[k]) for k in range(len(lows))]) if n
           else np.zeros((0, len(lows))))
    sigmas = np.vstack([sig, (highs - lows)[None]]) if prior or not n else sig
    pi = pi / pi.sum()
    z = (x[:, None, :] - mus[None]) / sigmas[None]
    ncdf = lambda v: 0.5 * np.vectorize(math.erfc)(-v / math.sqrt(2.0))  # noqa: E731
    log_mass = np.log(ncdf((highs - mus) / sigmas) - ncdf((lows - mus) / sigmas))
    comp = np.sum(-0.5 * z * z - _LOG_SQRT_2PI - np.log(sigmas)[None] - log_mass[None], -1) + np.log(pi)[None]
    top = comp.max(1, keepdims=True)
    return (top + np.log(np.exp(comp - top).sum(1, keepdims=True)))[:, 0]


def parzen_log_pdf_no_prior(observations, lows, highs, points, weights=None):
    """The mixture without its prior component: zero density far from every trial."""
    return _mixture(observations, np.asarray(lows, float), np.asarray(highs, float), points, prior=False,
                    weights=weights)


def _nearer_gap(mus, low, high):
    n = len(mus)
    order = np.argsort(mus)
    ends = np.concatenate([[low], mus[order], [high]])
    sig = np.minimum(ends[1:-1] - ends[:-2], ends[2:] - ends[1:-1])
    out = np.empty(n)
    out[order] = sig
    return np.clip(out, (high - low) / min(100.0, n + 2.0), high - low)


def parzen_log_pdf_nearer_gap(observations, lows, highs, points, weights=None):
    """Each bandwidth the nearer neighbour's gap, not the larger: too narrow kernels."""
    return _mixture(observations, np.asarray(lows, float), np.asarray(highs, float), points, bandwidth=_nearer_gap,
                    weights=weights)


def _unclipped(mus, low, high):
    n = len(mus)
    order = np.argsort(mus)
    ends = np.concatenate([[low], mus[order], [high]])
    sig = np.maximum(ends[1:-1] - ends[:-2], ends[2:] - ends[1:-1])
    if n >= 2:
        sig[0], sig[-1] = ends[2] - ends[1], ends[-2] - ends[-3]
    out = np.empty(n)
    out[order] = sig
    return np.maximum(out, 1e-12)


def parzen_log_pdf_no_magic_clip(observations, lows, highs, points, weights=None):
    """Bandwidths not clipped below by (b − a)/min(100, n + 2): a repeated trial gets a spike."""
    return _mixture(observations, np.asarray(lows, float), np.asarray(highs, float), points, bandwidth=_unclipped,
                    weights=weights)


def tpe_gamma_hyperopt(n):
    """hyperopt's γ, ⌈¼√n⌉, where Optuna's default is min(⌈0.1 n⌉, 25)."""
    return min(math.ceil(0.25 * n**0.5), 25)


def tpe_weights_reversed(n):
    """The ramp on the newest trials instead of the oldest."""
    return tpe_weights(n)[::-1].copy()


def _search_with(score_fn):
    def tpe_search(objective, space, n_trials=30, seed=0, n_startup_trials=10, n_ei_candidates=24):
        space = check_space(space, continuous=True)
        n, n0, m = (positive_int(v, k) for v, k in ((n_trials, "n_trials"), (n_startup_trials, "n_startup_trials"),
                                                      (n_ei_candidates, "n_ei_candidates")))
        dims = list(space.values())
        lows = np.array([math.log(d.low) if d.log else d.low for d in dims])
        highs = np.array([math.log(d.high) if d.log else d.high for d in dims])
        rng = np.random.default_rng(seed)
        result = SearchResult(space)
        for t in range(n):
            values = result.values
            finite = np.isfinite(values)
            if t < n0 or not finite.any():
                result.evaluate(objective, rng.random(len(dims)), "startup")
                continue
            z = lows + result.units[finite] * (highs - lows)
            below, above = tpe_split(values[finite], tpe_gamma(int(finite.sum())))
            cand = parzen_sample(rng, z[below], lows, highs, m)
            score = score_fn(parzen_log_pdf(z[below], lows, highs, cand), parzen_log_pdf(z[above], lows, highs, cand))
            result.evaluate(objective, np.clip((cand[int(np.argmax(score))] - lows) / (highs - lows), 0, 1), "tpe")
        return result
    return tpe_search


tpe_search_l_g_swapped = _search_with(lambda log_l, log_g: log_g - log_l)
tpe_search_l_g_swapped.__doc__ = "log g − log l maximised: l and g swapped, the worst region sought"

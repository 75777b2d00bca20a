r"""The tree-structured Parzen estimator (Bergstra, Bardenet, Bengio & Kégl, "Algorithms for
hyper-parameter optimization", NeurIPS 2011), as Optuna's default ``TPESampler`` runs it (the
multivariate form, Optuna ≥ 4): the guide's "heuristic intelligent search" (§3.3), written for
minimisation.

After ``n_startup_trials`` uniform trials, the :math:`n` finished trials are split by value: the
best :math:`n_\ell = \gamma(n) = \min(\lceil 0.1\,n\rceil, 25)` are "below", the rest "above".
Each group defines a density on the search coordinates (:math:`\log x` for a LogUniform), a
mixture of truncated normals, one per trial plus a prior,

.. math::

    \ell(x) = \sum_{i \in \text{below}} w_i \prod_d \mathcal{TN}(x_d; \mu_{id}, \sigma_{id}, [a_d, b_d])
              + w_0 \prod_d \mathcal{TN}\bigl(x_d; \tfrac{a_d + b_d}{2}, b_d - a_d\bigr),

and :math:`g(x)` likewise from "above".  The next trial is, of ``n_ei_candidates`` draws from
:math:`\ell`, the one of largest :math:`\log \ell(x) - \log g(x)` (Bergstra et al. show that
this ratio orders points as expected improvement does).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from impl._checks import float_array
from impl._special import erfc
from impl.search.space import SearchResult, check_space, positive_int

PRIOR_WEIGHT = 1.0
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def tpe_gamma(n: int) -> int:
    r"""How many of :math:`n` finished trials form the "below" group (Optuna's ``default_gamma``).

    .. math:: \gamma(n) = \min(\lceil 0.1\,n \rceil, 25)
    """
    return min(math.ceil(0.1 * n), 25)


def tpe_weights(n: int) -> np.ndarray:
    r"""The weights of :math:`n` trials in trial order (Optuna's ``default_weights``): equal below
    25 trials; beyond, the last 25 weigh 1 and the older ones ramp up from :math:`1/n`.

    .. math:: w = \bigl(\operatorname{linspace}(1/n, 1, n - 25), \underbrace{1, \dots, 1}_{25}\bigr)
    """
    if n < 25:
        return np.ones(n)
    return np.concatenate([np.linspace(1.0 / n, 1.0, n - 25), np.ones(25)])


def tpe_split(values, n_below: int) -> tuple[np.ndarray, np.ndarray]:
    r"""The indices of the "below" and "above" trials, each in trial order: the ``n_below``
    lowest values (ties by trial order) and the rest.

    .. math:: \text{below} = \operatorname{argsort}(f)_{:n_\ell}, \quad
              \text{above} = \operatorname{argsort}(f)_{n_\ell:}
    """
    order = np.argsort(np.asarray(values, dtype=np.float64), kind="stable")
    return np.sort(order[:n_below]), np.sort(order[n_below:])


def parzen_bandwidths(mus: np.ndarray, low: float, high: float) -> np.ndarray:
    r"""Each kernel's :math:`\sigma` in one dimension: the larger gap to its neighbours among the
    sorted centres (the box's ends as outer neighbours; at the two extreme centres the inner gap
    only), clipped to :math:`[(b - a)/\min(100, n + 2),\ b - a]` (Optuna's "magic clip").

    .. math:: \sigma_i = \operatorname{clip}\bigl(\max(\mu_{(i)} - \mu_{(i-1)},\ \mu_{(i+1)} - \mu_{(i)}),\
              \tfrac{b - a}{\min(100,\, n + 2)},\ b - a\bigr)
    """
    n = len(mus)
    order = np.argsort(mus)
    ends = np.concatenate([[low], mus[order], [high]])
    sig = np.maximum(ends[1:-1] - ends[:-2], ends[2:] - ends[1:-1])
    if n + 2 >= 4:  # Optuna's consider_endpoints=False: the extreme centres ignore the box's ends
        sig[0] = ends[2] - ends[1]
        sig[-1] = ends[-2] - ends[-3]
    out = np.empty(n)
    out[order] = sig
    return np.clip(out, (high - low) / min(100.0, 1.0 + (n + 1)), high - low)


def _log_ncdf_diff(a, b):
    """log(Φ(b) − Φ(a)) for a ≤ b, by whichever tail keeps the difference exact."""
    upper = a > 0  # both in the upper tail: Φ(b) − Φ(a) = Q(a) − Q(b)
    pa = np.where(upper, 0.5 * erfc(a / math.sqrt(2.0)), 0.5 * erfc(-a / math.sqrt(2.0)))
    pb = np.where(upper, 0.5 * erfc(b / math.sqrt(2.0)), 0.5 * erfc(-b / math.sqrt(2.0)))
    return np.log(np.where(upper, pa - pb, pb - pa))


def parzen_log_pdf(observations, lows, highs, points, weights=None) -> np.ndarray:
    r"""The log density at ``points`` (m, d) of the Parzen mixture built on ``observations`` (n, d),
    in the search coordinates (a LogUniform's :math:`\log x`, as ``lows``, ``highs`` give them):
    one product of truncated normals per observation, centred on it with
    :func:`parzen_bandwidths`, and a prior centred on the box of width :math:`b - a`; weights
    ``weights`` (default :func:`tpe_weights`) and the prior's 1, normalised.

    .. math::

        \log p(x) = \log \sum_j \pi_j \prod_d \frac{\varphi\bigl((x_d - \mu_{jd})/\sigma_{jd}\bigr)}
        {\sigma_{jd}\,\bigl(\Phi(\frac{b_d - \mu_{jd}}{\sigma_{jd}}) - \Phi(\frac{a_d - \mu_{jd}}{\sigma_{jd}})\bigr)}
    """
    obs = float_array(observations, "observations").astype(np.float64, copy=False)
    lows, highs = np.asarray(lows, dtype=np.float64), np.asarray(highs, dtype=np.float64)
    d = len(lows)
    obs = obs.reshape(-1, d)
    x = np.asarray(points, dtype=np.float64).reshape(-1, d)
    n = len(obs)
    w = tpe_weights(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n,):
        raise ValueError(f"weights must have one entry per observation ({n}), got shape {w.shape}")
    # with no observations (n = 0) these are the prior's row alone
    pi = np.append(w, PRIOR_WEIGHT)
    pi = pi / pi.sum()
    mus = np.vstack([obs, (lows + highs) / 2])
    sigmas = np.vstack([np.column_stack([parzen_bandwidths(obs[:, k], lows[k], highs[k]) for k in range(d)]),
                        (highs - lows)[None, :]])
    z = (x[:, None, :] - mus[None, :, :]) / sigmas[None, :, :]
    log_mass = _log_ncdf_diff((lows - mus) / sigmas, (highs - mus) / sigmas)
    comp = np.sum(-0.5 * z * z - _LOG_SQRT_2PI - np.log(sigmas)[None] - log_mass[None], axis=-1) + np.log(pi)[None, :]
    top = np.max(comp, axis=1, keepdims=True)
    return (top + np.log(np.sum(np.exp(comp - top), axis=1, keepdims=True)))[:, 0]


def parzen_sample(rng: np.random.Generator, observations, lows, highs, size: int, weights=None) -> np.ndarray:
    r"""``size`` draws from the mixture of :func:`parzen_log_pdf`: a component by its weight, then
    each coordinate from its truncated normal (by rejection from the normal).

    .. math:: j \sim \operatorname{Cat}(\pi), \quad
              x_d \sim \mathcal N(\mu_{jd}, \sigma_{jd}^2)\ \big|\ a_d \le x_d \le b_d
    """
    obs = float_array(observations, "observations").astype(np.float64, copy=False).reshape(-1, len(lows))
    n, d = obs.shape
    w = tpe_weights(n) if weights is None else np.asarray(weights, dtype=np.float64)
    pi = np.append(w, PRIOR_WEIGHT)
    pi = pi / pi.sum()
    mus = np.vstack([obs, (lows + highs) / 2])
    sigmas = np.vstack([np.column_stack([parzen_bandwidths(obs[:, k], lows[k], highs[k]) for k in range(d)]),
                        (highs - lows)[None, :]])  # with no observations, the prior's row alone
    j = rng.choice(len(pi), size=size, p=pi)
    out = np.empty((size, d))
    todo = np.ones((size, d), dtype=bool)
    while todo.any():  # every proposal lands inside with probability >= Φ(1) − Φ(0) > 1/3
        draw = mus[j] + sigmas[j] * rng.standard_normal((size, d))
        ok = todo & (draw >= lows) & (draw <= highs)
        out[ok] = draw[ok]
        todo &= ~ok
    return out


def tpe_search(objective: Callable, space, n_trials=30, seed=0, n_startup_trials=10,
               n_ei_candidates=24) -> SearchResult:
    r"""TPE with Optuna's defaults: ``n_startup_trials`` uniform trials (role "startup"), then each
    trial the candidate of largest :math:`\log \ell - \log g` of ``n_ei_candidates`` draws from
    :math:`\ell` (role "tpe").  Trials of non-finite value are recorded but left out of both groups.

    .. math:: x_{t+1} = \arg\max_{x^{(k)} \sim \ell,\ k \le 24} \bigl(\log \ell(x^{(k)}) - \log g(x^{(k)})\bigr)
    """
    space = check_space(space, continuous=True)
    n = positive_int(n_trials, "n_trials")
    n0 = positive_int(n_startup_trials, "n_startup_trials")
    m = positive_int(n_ei_candidates, "n_ei_candidates")
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
        z = lows + result.units[finite] * (highs - lows)  # the search coordinates of the finished trials
        below, above = tpe_split(values[finite], tpe_gamma(int(finite.sum())))
        cand = parzen_sample(rng, z[below], lows, highs, m)
        score = parzen_log_pdf(z[below], lows, highs, cand) - parzen_log_pdf(z[above], lows, highs, cand)
        best = cand[int(np.argmax(score))]
        # best lies in [lows, highs] (parzen_sample keeps only such draws), and a correctly rounded difference and
        # quotient are monotone: the unit point is in [0, 1] without a clip
        result.evaluate(objective, (best - lows) / (highs - lows), "tpe")
    return result

"""Known mistakes of hyperparameter search: grids, samplers, Gaussian processes, LIPO,
trust regions and data splits, as a learner or a careless library writes them.

Each is a complete wrong implementation with impl's signature (built from impl's sound
parts where only one part is wrong); the suite proves that the record's checks reject it.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from impl._special import erfc
from impl.search import bayes, lipo, split
from impl.search.space import Choice, SearchResult, check_space, positive_int

# -- grid search ----------------------------------------------------------------------------

def _grid_with(axis, combine=itertools.product):
    def grid_search(objective, space, points=5):
        space = check_space(space)
        p = positive_int(points, "points")
        axes = [(np.arange(len(d.values)) + 0.5) / len(d.values) if isinstance(d, Choice) else axis(d, p)
                for d in space.values()]
        result = SearchResult(space)
        for unit in combine(*axes):
            result.evaluate(objective, np.array(unit, dtype=float), "grid")
        return result
    return grid_search


grid_search_endpoint_dropped = _grid_with(lambda d, p: np.linspace(0.0, 1.0, p, endpoint=False))
grid_search_endpoint_dropped.__doc__ = "np.linspace(low, high, n, endpoint=False): high never tried"
grid_search_log_as_linear = _grid_with(
    lambda d, p: np.log(np.linspace(d.low, d.high, p) / d.low) / np.log(d.high / d.low) if d.log
        else np.linspace(0.0, 1.0, p))
grid_search_log_as_linear.__doc__ = "a log-scale range gridded evenly on the linear scale"
grid_search_diagonal = _grid_with(lambda d, p: np.linspace(0.0, 1.0, p), combine=zip)
grid_search_diagonal.__doc__ = "zip instead of product: only the diagonal of the grid"


# -- random search --------------------------------------------------------------------------

def _random_with(draw, seeded=True):
    def random_search(objective, space, n_trials=20, seed=0):
        space = check_space(space)
        n = positive_int(n_trials, "n_trials")
        rng = np.random.default_rng(seed if seeded else None)
        units = np.column_stack([draw(rng, dim, n) for dim in space.values()])
        result = SearchResult(space)
        for unit in units:
            result.evaluate(objective, unit, "random")
        return result
    return random_search


def _uniform_unit(rng, dim, n):
    return rng.random(n)


def _log_ignored(rng, dim, n):
    if isinstance(dim, Choice) or not dim.log:
        return rng.random(n)
    x = rng.uniform(dim.low, dim.high, n)  # uniform in x, not in log x
    return np.log(x / dim.low) / np.log(dim.high / dim.low)


def _last_choice_never(rng, dim, n):
    if not isinstance(dim, Choice):
        return rng.random(n)
    k = len(dim.values)
    return (rng.integers(0, max(k - 1, 1), n) + 0.5) / k  # integers' high is exclusive


random_search_log_ignored = _random_with(_log_ignored)
random_search_log_ignored.__doc__ = "a LogUniform sampled uniformly between low and high"
random_search_seed_ignored = _random_with(_uniform_unit, seeded=False)
random_search_seed_ignored.__doc__ = "the seed accepted and ignored: a fresh generator each call"
random_search_last_choice_never = _random_with(_last_choice_never)
random_search_last_choice_never.__doc__ = "rng.integers(0, k - 1): the last value of a Choice never drawn"


# -- Gaussian process and expected improvement --------------------------------------------------

def _gp(x_train, y_train, x_test, length_scale, signal_variance, noise, *, with_noise=True, subtract=True, square=True):
    x, y, xs = (np.asarray(a, dtype=np.float64) for a in (x_train, y_train, x_test))
    scale = length_scale**2 if square else length_scale

    def k(a, b):
        return signal_variance * np.exp(-0.5 * np.sum((a[:, None] - b[None]) ** 2, -1) / scale)

    K_inv = np.linalg.pinv(k(x, x) + (noise if with_noise else 0.0) * np.eye(len(x)))
    ks = k(x, xs)
    var = signal_variance - (np.sum(ks * (K_inv @ ks), 0) if subtract else np.zeros(len(xs)))
    return (ks.T @ K_inv @ y).astype(np.asarray(x_train).dtype), np.maximum(var, 0.0).astype(np.asarray(x_train).dtype)


def gp_posterior_noise_dropped(x_train, y_train, x_test, length_scale=0.2, signal_variance=1.0, noise=1e-6):
    """K⁻¹ of the noise-free kernel matrix: the noise left out."""
    return _gp(x_train, y_train, x_test, length_scale, signal_variance, noise, with_noise=False)


def gp_posterior_prior_variance(x_train, y_train, x_test, length_scale=0.2, signal_variance=1.0, noise=1e-6):
    """The variance left at its prior σ_f²: the data never reduce the uncertainty."""
    return _gp(x_train, y_train, x_test, length_scale, signal_variance, noise, subtract=False)


def gp_posterior_length_not_squared(x_train, y_train, x_test, length_scale=0.2, signal_variance=1.0, noise=1e-6):
    """exp(−‖a − b‖²/(2ℓ)): the length scale not squared."""
    return _gp(x_train, y_train, x_test, length_scale, signal_variance, noise, square=False)


def gp_log_marginal_likelihood_without_logdet(x_train, y_train, length_scale=0.2, signal_variance=1.0, noise=1e-6):
    """−½ yᵀK⁻¹y − n/2 log 2π: the complexity term −½ log|K| forgotten."""
    x, y, *_, dtype = bayes._gp_args(x_train, y_train, length_scale, signal_variance, noise)
    K = bayes.rbf_kernel(x, x, length_scale, signal_variance) + noise * np.eye(len(x))
    return dtype.type(-0.5 * y @ np.linalg.solve(K, y) - 0.5 * len(y) * math.log(2 * math.pi))


def gp_log_marginal_likelihood_without_half(x_train, y_train, length_scale=0.2, signal_variance=1.0, noise=1e-6):
    """−yᵀK⁻¹y − ½ log|K| − n/2 log 2π: the ½ of the quadratic term dropped."""
    x, y, *_, dtype = bayes._gp_args(x_train, y_train, length_scale, signal_variance, noise)
    K = bayes.rbf_kernel(x, x, length_scale, signal_variance) + noise * np.eye(len(x))
    return dtype.type(-(y @ np.linalg.solve(K, y)) - 0.5 * np.linalg.slogdet(K)[1] - 0.5 * len(y)
                      * math.log(2 * math.pi))


def _ei(mean, std, best, xi, *, sign=1.0, sigma_term=True, xi_sign=-1.0):
    mu, s = np.asarray(mean), np.asarray(std)
    imp = sign * (best - mu.astype(np.float64)) + xi_sign * xi
    pos = s > 0
    z = np.divide(imp, s, out=np.zeros_like(imp), where=pos)
    cdf, pdf = 0.5 * erfc(-z / math.sqrt(2)), np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    return np.where(pos, imp * cdf + (s * pdf if sigma_term else 0.0), np.maximum(imp, 0.0)).astype(mu.dtype)


def expected_improvement_sign_flipped(mean, std, best, xi=0.0):
    """I = μ − f* (the maximisation formula used to minimise)."""
    return _ei(mean, std, best, -xi, sign=-1.0)


def expected_improvement_without_sigma_term(mean, std, best, xi=0.0):
    """I·Φ(z) alone: the σφ(z) term that rewards uncertainty dropped."""
    return _ei(mean, std, best, xi, sigma_term=False)


def expected_improvement_xi_added(mean, std, best, xi=0.0):
    """I = f* − μ + ξ: the exploration margin with the wrong sign."""
    return _ei(mean, std, best, xi, xi_sign=1.0)


def bayes_search_ei_sign_flipped(objective, space, n_trials=30, seed=0, n_initial=5, n_candidates=1000, xi=0.0):
    """Bayesian optimisation driven by the maximisation EI: it hunts for high values."""
    return bayes._search(objective, space, n_trials, seed, n_initial, n_candidates, xi,
                         expected_improvement_sign_flipped, "rbf", None)


def bayes_search_ei_minimised(objective, space, n_trials=30, seed=0, n_initial=5, n_candidates=1000, xi=0.0):
    """argmin instead of argmax of the expected improvement."""
    return bayes._search(objective, space, n_trials, seed, n_initial, n_candidates, xi,
                         lambda *a: -bayes.expected_improvement(*a), "rbf", None)


# -- LIPO -----------------------------------------------------------------------------------------

def lipschitz_lower_bound_min(candidates, units, values, lipschitz):
    """min_i instead of max_i: the loosest of the bounds, not the tightest."""
    d = np.sqrt(np.sum((candidates[:, None] - units[None]) ** 2, -1))
    return np.min(values[None] - lipschitz * d, axis=1)


def lipschitz_lower_bound_squared(candidates, units, values, lipschitz):
    """f_i − k‖x − x_i‖²: a squared distance, not a Lipschitz bound."""
    d2 = np.sum((candidates[:, None] - units[None]) ** 2, -1)
    return np.max(values[None] - lipschitz * d2, axis=1)


def _bound_against_worst(candidates, units, values, lipschitz):
    """L(x) compared with the worst value so far instead of the best."""
    return lipo.lipschitz_lower_bound(candidates, units, values, lipschitz) - (values.max() - values.min())


def _slopes(units, values):
    i, j = np.triu_indices(len(values), k=1)
    d = np.sqrt(np.sum((units[i] - units[j]) ** 2, -1))
    return np.abs(values[i] - values[j])[d > 0] / d[d > 0]


def lipschitz_estimate_mean_slope(units, values, alpha=0.01):
    """The mean slope rounded up: an underestimate of the Lipschitz constant."""
    s = _slopes(np.asarray(units), np.asarray(values))
    if not s.size or s.mean() == 0:
        return 0.0
    return (1 + alpha) ** math.ceil(math.log(s.mean()) / math.log(1 + alpha))


def lipschitz_estimate_unrounded(units, values, alpha=0.01):
    """The largest slope itself, not rounded up the (1 + α)^i grid."""
    s = _slopes(np.asarray(units), np.asarray(values))
    return float(s.max()) if s.size else 0.0


def lipschitz_estimate_rounded_down(units, values, alpha=0.01):
    """The largest (1 + α)^i at or *below* the slope."""
    s = _slopes(np.asarray(units), np.asarray(values))
    if not s.size or s.max() == 0:
        return 0.0
    return (1 + alpha) ** math.floor(math.log(s.max()) / math.log(1 + alpha))


def _lipo_with(bound, explore=True):
    def lipo_search(objective, space, n_trials=30, seed=0, lipschitz=None, p=0.1, alpha=0.01, max_draws=10_000):
        return lipo._search(objective, space, n_trials, seed, lipschitz, p if explore else 0.0, alpha, max_draws,
                            bound, lipo.lipschitz_estimate)
    return lipo_search


lipo_search_accepts_any = _lipo_with(lambda c, u, v, k: np.full(len(c), -np.inf))
lipo_search_accepts_any.__doc__ = "no rejection at all: every uniform draw is evaluated (random search)"
lipo_search_against_worst = _lipo_with(_bound_against_worst)
lipo_search_against_worst.__doc__ = "a point accepted when its bound beats the worst value so far"
lipo_search_min_bound = _lipo_with(lipschitz_lower_bound_min)
lipo_search_min_bound.__doc__ = "the bound min_i(f_i − k‖x − x_i‖): accepts points that cannot win"
adalipo_no_exploration = _lipo_with(lipo.lipschitz_lower_bound, explore=False)
adalipo_no_exploration.__doc__ = "AdaLIPO with p ignored: it never explores"


# -- splits and the holdout procedure ---------------------------------------------------------------

def split_lengths_remainder_last(n, lengths):
    """The remainder of the floors all given to the last part."""
    sizes = split.split_lengths(n, lengths)
    if all(isinstance(v, int) for v in lengths):
        return sizes
    floors = [math.floor(n * f) for f in lengths]
    floors[-1] += n - sum(floors)
    return floors


def split_lengths_rounded(n, lengths):
    """round(n·f) for every part but the last, which takes the rest."""
    sizes = split.split_lengths(n, lengths)
    if all(isinstance(v, int) for v in lengths):
        return sizes
    out = [int(round(n * f)) for f in lengths[:-1]]
    return [*out, n - sum(out)]


def random_split_overlapping(n, lengths, seed=0):
    """Each part drawn on its own: the parts overlap."""
    sizes = split._sizes(n, lengths)
    rng = np.random.default_rng(seed)
    return tuple(rng.choice(n, size, replace=False) for size in sizes)


def random_split_seed_ignored(n, lengths, seed=0):
    """The seed accepted and ignored."""
    sizes = split._sizes(n, lengths)
    return tuple(np.split(np.random.default_rng().permutation(n), np.cumsum(sizes)[:-1]))


def holdout_search_selects_on_test(search, space, fit, score, train, validation, test, **search_options):
    """Hyperparameters chosen by their test score: the test set leaks into the choice."""
    result = search(lambda params: score(fit(train, params), test), space, **search_options)
    params = result.best.params
    return split.HoldoutResult(result, params, float(score(fit(train, params), test)))


def holdout_search_reports_validation(search, space, fit, score, train, validation, test, **search_options):
    """The best validation score reported as the final score: the test set never used."""
    result = search(lambda params: score(fit(train, params), validation), space, **search_options)
    return split.HoldoutResult(result, result.best.params, float(result.best.value))


def holdout_search_peeks_every_trial(search, space, fit, score, train, validation, test, **search_options):
    """The test score computed for every trial 'for information', the chosen one reported."""
    tests = {}

    def objective(params):
        model = fit(train, params)
        tests[repr(params)] = score(model, test)
        return score(model, validation)

    result = search(objective, space, **search_options)
    return split.HoldoutResult(result, result.best.params, float(tests[repr(result.best.params)]))

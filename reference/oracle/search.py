"""Independent oracles of the search chapter: other people's implementations, called as they are.

* dlib's ``global_function_search`` (the engine of ``find_min_global``, MaxLIPO+TR), stepped by
  hand so that its wall-clock rule (fewer Monte Carlo samples for a cheap objective) never
  applies, and ``find_min_global`` itself;
* the bound's quadratic programme solved in its primal form by SciPy's SLSQP (the candidate
  solves the dual through non-negative least squares: a different route to one optimum);
* scikit-learn's ``GaussianProcessRegressor`` with a fixed kernel (``optimizer=None``);
* expected improvement in closed form with mpmath at 50 digits;
* Optuna's ``TPESampler`` and its Parzen estimator.

Each import is inside its function: a missing oracle raises :class:`OracleMissing`, which a
record reports as a failure naming the package (``pip install -e '.[test]'``), never a pass.
"""

from __future__ import annotations

import importlib
import inspect
import math

import numpy as np


class OracleMissing(AssertionError):
    """An oracle package is not installed: the check cannot judge, and says so."""


def need(module: str, package: str):
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise OracleMissing(f"oracle {package!r} is not installed ({exc}); install the test extra: "
                            f"pip install -e '.[test]'") from None


# -- dlib: MaxLIPO+TR ---------------------------------------------------------------------------

def dlib_search(f, lower, upper, n, seed=0, is_integer=None):
    """The values of ``n`` evaluations of dlib's global_function_search minimising ``f`` (x a list)."""
    dlib = need("dlib", "dlib-bin")
    spec = dlib.function_spec(list(map(float, lower)), list(map(float, upper)),
                              [bool(b) for b in (is_integer or [False] * len(lower))])
    opt = dlib.global_function_search(spec)
    opt.set_seed(int(seed))
    xs, values = [], []
    for _ in range(n):
        req = opt.get_next_x()
        x = list(req.x)
        y = float(f(x))
        req.set(-y)  # dlib maximises
        xs.append(x)
        values.append(y)
    return np.array(xs), np.array(values)


def dlib_find_min_global(f, lower, upper, n):
    """dlib.find_min_global as a user calls it: (x, value)."""
    dlib = need("dlib", "dlib-bin")
    x, y = dlib.find_min_global(lambda *a: f(list(a)), list(map(float, lower)), list(map(float, upper)), n)
    return list(x), float(y)


# -- the bound's quadratic programme, primal, by SLSQP ---------------------------------------------

def maxlipo_qp(x, f, noise=1e-3):
    r"""(slopes, offsets) of dlib's bound: min ½‖w‖² s.t. Σ_d w_d δ_d² + ν w_σ(worse) ≥ Δ², w ≥ 0,
    in coordinates standardised by the sample standard deviations; then k_d = w_d s_f²/s_d², offset ν w_σ."""
    optimize = need("scipy.optimize", "scipy")
    x, f = np.asarray(x, float), np.asarray(f, float)
    n, d = x.shape
    sx = np.std(x, axis=0, ddof=1)
    sx = np.where(sx > 0, sx, 1.0)
    sf = float(np.std(f, ddof=1)) or 1.0
    rows, rhs = [], []
    for i in range(n):
        for j in range(i + 1, n):
            a = np.zeros(d + n)
            a[:d] = ((x[i] - x[j]) / sx) ** 2
            a[d + (i if f[i] > f[j] else j)] = noise
            rows.append(a)
            rhs.append(((f[i] - f[j]) / sf) ** 2)
    a, h = np.array(rows), np.array(rhs)
    start = np.concatenate([np.full(d, max(h.max(), 1.0) / max(a[:, :d].sum(1).min(), 1e-3)),
                            np.full(n, h.max() / noise)])
    res = optimize.minimize(lambda w: 0.5 * w @ w, start, jac=lambda w: w, method="SLSQP",
                            bounds=[(0, None)] * (d + n),
                            constraints=[{"type": "ineq", "fun": lambda w: a @ w - h, "jac": lambda w: a}],
                            options={"ftol": 1e-15, "maxiter": 1000})
    w = res.x
    return w[:d] * sf**2 / sx**2, w[d:] * noise, 0.5 * float(w @ w)


# -- scikit-learn: the Gaussian process ------------------------------------------------------------

def sklearn_gp(x_train, y_train, x_test, length_scale, signal_variance, noise, kernel="rbf", nu=2.5):
    """scikit-learn's posterior mean, variance (latent, without the noise) and log marginal likelihood,
    with the kernel fixed: ``optimizer=None``, ``alpha=noise``, ``normalize_y=False``."""
    gp = need("sklearn.gaussian_process", "scikit-learn")
    kernels = need("sklearn.gaussian_process.kernels", "scikit-learn")
    base = kernels.RBF(length_scale, "fixed") if kernel == "rbf" else kernels.Matern(length_scale, "fixed", nu=nu)
    k = kernels.ConstantKernel(signal_variance, "fixed") * base
    model = gp.GaussianProcessRegressor(k, alpha=noise, optimizer=None, normalize_y=False)
    model.fit(np.asarray(x_train, float), np.asarray(y_train, float))
    mean, std = model.predict(np.asarray(x_test, float), return_std=True)
    return mean, std**2, float(model.log_marginal_likelihood_value_)


# -- mpmath: expected improvement ------------------------------------------------------------------

def expected_improvement_mp(mean, std, best, xi=0.0, dps=50):
    """E[max(best − ξ − Y, 0)], Y ~ N(mean, std²), as (I Φ(I/σ) + σ φ(I/σ)) in 50-digit arithmetic."""
    mpmath = need("mpmath", "mpmath")
    out = []
    with mpmath.workdps(dps):
        for m, s in zip(np.ravel(mean), np.ravel(std), strict=False):
            imp = mpmath.mpf(best) - mpmath.mpf(float(m)) - mpmath.mpf(xi)
            if s == 0:
                out.append(float(max(imp, 0)))
                continue
            z = imp / mpmath.mpf(float(s))
            cdf = mpmath.ncdf(z)
            pdf = mpmath.npdf(z)
            out.append(float(imp * cdf + mpmath.mpf(float(s)) * pdf))
    return np.array(out).reshape(np.shape(mean))


# -- Optuna: TPE -----------------------------------------------------------------------------------

def _optuna_parzen(observations, weights, lows, highs, logs):
    """Optuna's _ParzenEstimator as TPESampler builds it (prior weight 1, magic clip, no endpoints,
    default_weights unless ``weights`` are given as its predetermined weights) over float ranges."""
    need("optuna", "optuna")
    pe = importlib.import_module("optuna.samplers._tpe.parzen_estimator")
    sampler = importlib.import_module("optuna.samplers._tpe.sampler")
    dists = importlib.import_module("optuna.distributions")
    space = {f"x{i}": dists.FloatDistribution(float(lo), float(hi), log=bool(lg))
             for i, (lo, hi, lg) in enumerate(zip(lows, highs, logs, strict=True))}
    params = pe._ParzenEstimatorParameters(prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False,
                                           weights=sampler.default_weights, multivariate=True)
    obs = np.asarray(observations, float).reshape(-1, len(space))
    w = None if weights is None else np.asarray(weights, float)
    return pe._ParzenEstimator({k: obs[:, i] for i, k in enumerate(space)}, space, params, w), space


def optuna_parzen_log_pdf(observations, weights, lows, highs, logs, points):
    """log density of Optuna's Parzen estimator (prior weight 1, magic clip, no endpoints; Optuna's
    default_weights, or ``weights`` as its predetermined weights) built on ``observations`` (n, d)
    over float ranges, at ``points`` (m, d)."""
    est, space = _optuna_parzen(observations, weights, lows, highs, logs)
    pts = np.asarray(points, float).reshape(-1, len(space))
    return est.log_pdf({k: pts[:, i] for i, k in enumerate(space)})


def optuna_split(values, n_below):
    """Optuna's single-objective split (``_split_trials`` of a minimising study) of finished trials of
    ``values``: the indices below and above, each in trial order."""
    optuna = need("optuna", "optuna")
    sampler = importlib.import_module("optuna.samplers._tpe.sampler")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(direction="minimize")
    study.add_trials([optuna.trial.create_trial(value=v) for v in values])
    below, above = sampler._split_trials(study, study.get_trials(deepcopy=False), n_below)
    return [t.number for t in below], [t.number for t in above]


def optuna_tpe_rank(params, values, lows, highs, logs, chosen, draws=400, seed=0):
    """How TPE's choice ranks: Optuna splits the finished trials (``params`` (n, d) in parameter
    values, ``values``) by default_gamma and builds its l and g as TPESampler does; the result is
    the fraction of ``draws`` points drawn from Optuna's l whose log l − log g is below that of
    ``chosen`` (d,).  TPE's pick, the best of 24 draws from l, ranks above ~96% on average."""
    sampler = importlib.import_module("optuna.samplers._tpe.sampler")
    params = np.asarray(params, float).reshape(len(values), -1)
    below, above = optuna_split(values, sampler.default_gamma(len(values)))
    l_est, space = _optuna_parzen(params[below], None, lows, highs, logs)
    g_est, _ = _optuna_parzen(params[above], None, lows, highs, logs)
    fresh = l_est.sample(np.random.RandomState(seed), draws)
    pick = {k: np.array([float(c)]) for k, c in zip(space, chosen, strict=True)}
    score = lambda x: l_est.log_pdf(x) - g_est.log_pdf(x)  # noqa: E731
    return float(np.mean(score(fresh) < score(pick)[0]))


def optuna_gamma(n):
    need("optuna", "optuna")
    return importlib.import_module("optuna.samplers._tpe.sampler").default_gamma(n)


def optuna_weights(n):
    need("optuna", "optuna")
    return np.asarray(importlib.import_module("optuna.samplers._tpe.sampler").default_weights(n), float)


def optuna_tpe_defaults():
    """TPESampler's defaults for the two counts TPE adds: n_startup_trials and n_ei_candidates."""
    optuna = need("optuna", "optuna")
    sig = inspect.signature(optuna.samplers.TPESampler)
    return {k: sig.parameters[k].default for k in ("n_startup_trials", "n_ei_candidates")}


def optuna_tpe(f, lows, highs, logs, n, seed):
    """The values of ``n`` trials of Optuna's default TPESampler (seeded) minimising ``f`` (x a list)."""
    optuna = need("optuna", "optuna")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=int(seed)))

    def objective(trial):
        x = [trial.suggest_float(f"x{i}", lo, hi, log=bool(lg))
             for i, (lo, hi, lg) in enumerate(zip(lows, highs, logs, strict=True))]
        return f(x)

    study.optimize(objective, n_trials=n)
    return np.array([t.value for t in study.trials])


def norm_cdf(z):
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


# -- SciPy: the trust-region subproblem ------------------------------------------------------------------

def trust_region_qp(b, g, radius, lower, upper, starts=48, seed=0):
    r"""The global minimum of :math:`\tfrac12 p^\top B p + g^\top p` over :math:`\lVert p\rVert \le \Delta`,
    :math:`l \le p \le u` (B may be indefinite): SciPy's SLSQP from ``starts`` feasible points (the origin, the
    ball's points along B's eigenvectors, uniform draws), the lowest objective kept.  Returns (p, objective)."""
    optimize = need("scipy.optimize", "scipy")
    b, g = np.asarray(b, float), np.asarray(g, float)
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    n = len(g)
    rng = np.random.default_rng(seed)
    _, vecs = np.linalg.eigh(b)
    tries = [np.zeros(n)] + [s * radius * v for v in vecs.T for s in (1.0, -1.0)]
    tries += [rng.uniform(-radius, radius, n) for _ in range(starts)]

    def objective(p):
        return 0.5 * p @ b @ p + g @ p

    best = None
    for p0 in tries:
        p0 = np.clip(p0, lower, upper)
        res = optimize.minimize(objective, p0, jac=lambda p: b @ p + g, method="SLSQP",
                                bounds=list(zip(lower, upper, strict=True)),
                                constraints=[{"type": "ineq", "fun": lambda p: radius**2 - p @ p,
                                              "jac": lambda p: -2 * p}],
                                options={"ftol": 1e-15, "maxiter": 500})
        p = res.x
        if p @ p <= radius**2 * (1 + 1e-9) and (best is None or objective(p) < best[1]):
            best = (p, float(objective(p)))
    return best


def min_frobenius_quadratic(x, y):
    r"""dlib's fit_quadratic_to_points as the programme it states: :math:`\min \lVert H\rVert_F^2` over symmetric
    H, g, c with :math:`\tfrac12 x_i^\top H x_i + g^\top x_i + c = y_i` for every row (SciPy's SLSQP); when there
    are at least (d+1)(d+2)/2 rows, the least-squares quadratic instead (numpy's lstsq).  Returns (H, g, c)."""
    optimize = need("scipy.optimize", "scipy")
    x, y = np.asarray(x, float), np.asarray(y, float)
    m, d = x.shape
    r, s = np.triu_indices(d)
    basis = np.hstack([x[:, r] * x[:, s] * np.where(r == s, 0.5, 1.0), x, np.ones((m, 1))])
    k = len(r)
    if m >= (d + 1) * (d + 2) // 2:
        z = np.linalg.lstsq(basis, y, rcond=None)[0]
    else:
        # a repeated point is the same constraint twice, which SLSQP's equality solver does not take: once
        _, once = np.unique(x, axis=0, return_index=True)
        basis, y = basis[np.sort(once)], y[np.sort(once)]
        weight = np.concatenate([np.where(r == s, 1.0, 2.0), np.zeros(d + 1)])
        res = optimize.minimize(lambda z: z @ (weight * z), np.linalg.lstsq(basis, y, rcond=None)[0],
                                jac=lambda z: 2 * weight * z, method="SLSQP",
                                constraints=[{"type": "eq", "fun": lambda z: basis @ z - y, "jac": lambda z: basis}],
                                options={"ftol": 1e-16, "maxiter": 1000})
        z = res.x
    h = np.zeros((d, d))
    h[r, s] = z[:k]
    h[s, r] = z[:k]
    return h, z[k:k + d], float(z[-1])

"""Bayesian optimisation judged by independent implementations (guide §3.2, method 4): the Gaussian
process against scikit-learn's GaussianProcessRegressor, expected improvement against mpmath at 50
digits, the loop's decisions by their reproducibility, and the guide's "Bayesian optimisation itself
needs many parameters" as an experiment."""

from __future__ import annotations

import math
import warnings

import numpy as np

from formulary import figures
from formulary.candidate import oracle
from formulary.catalog.search._shared import SECTION, branin, dims, same_trials
from formulary.mistakes import search as MS
from formulary.mistakes import search_bayes as M
from formulary.record import Mistake, Record
from formulary.verdict import expect

TOL = 1e-9  # the bar: relative to 1 + |value|


def _gp_problems():
    """Seeded problems: 1–8 points in 1–3 dimensions, test points new and repeated, noise 1e-6 to 0.1,
    both kernels."""
    rng = np.random.default_rng(4)
    for t in range(12):
        n, d = int(rng.integers(1, 9)), int(rng.integers(1, 4))
        x = rng.random((n, d))
        if t == 5 and n > 1:
            x[1] = x[0]  # a repeated point
        yield (x, rng.standard_normal(n), np.vstack([rng.random((5, d)), x[:2], x[:1] + 3.0]),
               float(rng.uniform(0.05, 2.0)), float(rng.uniform(0.5, 2.0)), float(10 ** rng.uniform(-6, -1)),
               ("rbf", "matern52")[t % 2])


def _sklearn_check(candidate):
    posterior = candidate.get("search.gp_posterior")
    evidence = candidate.get("search.gp_log_marginal_likelihood")
    sk = oracle("search.sklearn_gp")
    worst = {"mean": 0.0, "variance": 0.0, "log marginal likelihood": 0.0}
    for x, y, xs, ell, s2, noise, kernel in _gp_problems():
        mean, var = posterior(x, y, xs, ell, s2, noise, kernel=kernel)
        lml = evidence(x, y, ell, s2, noise, kernel=kernel)
        with warnings.catch_warnings():  # scikit-learn warns when it clips a rounded-negative variance to 0
            warnings.simplefilter("ignore")
            want = sk(x, y, xs, ell, s2, noise, kernel=kernel)
        for name, got, ref in zip(worst, (mean, var, lml), want, strict=False):
            err = float(np.max(np.abs(np.asarray(got, float) - ref) / (1.0 + np.abs(ref))))
            worst[name] = max(worst[name], err)
            expect(err <= TOL, f"{name} with the {kernel} kernel (ℓ = {ell:.3g}, σ_f² = {s2:.3g}, σ_n² = {noise:.2g}, "
                   f"{len(x)} points) differs from scikit-learn's GaussianProcessRegressor(optimizer=None) by "
                   f"{err:.2e} "
                   f"relative to 1 + |value|, expected <= {TOL}: got {np.round(got, 8)}, scikit-learn "
                   f"{np.round(ref, 8)}")
    x, y, xs, ell, s2, noise, kernel = next(_gp_problems())
    out = posterior(*(a.astype(np.float32) for a in (x, y, xs)), ell, s2, noise, kernel=kernel)
    expect([o.dtype for o in out] == [np.float32] * 2, f"float32 inputs gave {[o.dtype for o in out]} (float64 inside, "
                                                       "the input's dtype out)")
    return {f"worst {k}": float(f"{v:.2g}") for k, v in worst.items()}


def _ei_check(candidate):
    ei = candidate.get("search.expected_improvement")
    mp = oracle("search.expected_improvement_mp")
    z = np.concatenate([np.linspace(-37.0, 8.0, 91), [0.0]])  # I/σ from the far tail (EI ~ 1e-300) to well inside
    worst = 0.0
    for std, xi in ((1.0, 0.0), (0.3, 0.1), (2.5, 0.0)):
        mean = 0.5 - xi - z * std  # best = 0.5, so (best − μ − ξ)/σ = z
        got = np.asarray(ei(mean, np.full_like(mean, std), 0.5, xi=xi), float)
        want = mp(mean, np.full_like(mean, std), 0.5, xi)
        rel = np.abs(got - want) / np.maximum(np.abs(want), np.finfo(float).tiny)
        worst = max(worst, float(rel.max()))
        i = int(np.argmax(rel))
        expect(rel.max() <= TOL, f"EI at z = {z[i]:.3g} (σ = {std}, ξ = {xi}) is {got[i]:.17g}, the 50-digit "
                                 f"closed form "
               f"I Φ(z) + σ φ(z) is {want[i]:.17g}: relative error {rel[i]:.2e}, expected <= {TOL}")
    zero = np.asarray(ei(np.array([0.7, 0.2]), np.zeros(2), 0.5), float)
    expect(zero[0] == 0.0 and abs(zero[1] - 0.3) <= 1e-15, f"σ = 0: EI must be max(f* − μ, 0) = [0, 0.3], got {zero}")
    return {"z from": -37.0, "z to": 8.0, "worst relative error": float(f"{worst:.2g}")}


def _loop_check(candidate):
    bayes_search = candidate.get("search.bayes_search")
    _, Uniform, _ = dims(candidate)
    space = {"x1": Uniform(-5.0, 10.0), "x2": Uniform(0.0, 15.0)}
    a, b = (bayes_search(branin, space, n_trials=12, seed=7) for _ in range(2))
    c = bayes_search(branin, space, n_trials=12, seed=8)
    expect(same_trials(a, b), "the same seed gave different decisions: the loop is not reproducible")
    expect(not same_trials(a, c), "seeds 7 and 8 gave the same trials: the seed is ignored")
    _defaults(bayes_search, space)
    _invariance(bayes_search, space)
    _evidence_chooses(candidate, space)
    rbf, matern = (bayes_search(branin, space, n_trials=8, seed=7, kernel=k, length_scale=0.3)
                   for k in ("rbf", "matern52"))
    expect(not same_trials(rbf, matern), "the RBF and Matérn 5/2 kernels with the same length scale 0.3 gave the same "
                                         "trials: the kernel does not reach the posterior")
    return {"decisions compared": 12}


def _defaults(bayes_search, space):
    """The documented defaults: 30 trials, seed 0, 5 initial points."""
    d = bayes_search(branin, space)
    roles = [t.role for t in d.trials]
    expect(roles == ["initial"] * 5 + ["ei"] * 25, f"bayes_search's defaults (30 trials, 5 initial) gave roles {roles}")
    first = bayes_search(branin, space, n_trials=5, seed=0)
    expect([t.params for t in d.trials[:5]] == [t.params for t in first.trials],
           "the default run's initial points are not seed 0's")


def _invariance(bayes_search, space):
    """The model is fitted to standardised values, so the decisions do not depend on the objective's scale (/1024:
    exact in binary) or offset (+1000: to rounding)."""
    a = bayes_search(branin, space, n_trials=10, seed=3)
    scaled = bayes_search(lambda p: branin(p) / 1024.0, space, n_trials=10, seed=3)
    shifted = bayes_search(lambda p: branin(p) + 1000.0, space, n_trials=10, seed=3)
    expect(np.array_equal(a.units, scaled.units), "the objective / 1024 gave other decisions: the values are not "
                                                  f"standardised (units {a.units[5:]} against {scaled.units[5:]})")
    expect(np.allclose(a.units, shifted.units, rtol=0, atol=1e-9), "the objective + 1000 gave other decisions: the "
           f"values are not standardised (units {a.units[5:]} against {shifted.units[5:]})")


def _evidence_chooses(candidate, space):
    """length_scale=None: the length scale of the grid with the highest evidence of the standardised values under the
    search's own kernel; the first EI decision must be the one that length scale, given, makes."""
    bayes_search, evidence = candidate.get("search.bayes_search"), candidate.get("search.gp_log_marginal_likelihood")
    grid = candidate.get("search.bayes.LENGTH_SCALES")
    for kernel in ("rbf", "matern52"):
        auto = bayes_search(branin, space, n_trials=6, seed=7, kernel=kernel)
        u, v = auto.units[:5], auto.values[:5]
        y = (v - v.mean()) / v.std()
        ell = float(max(grid, key=lambda s: evidence(u, y, s, 1.0, 1e-6, kernel=kernel)))
        given = bayes_search(branin, space, n_trials=6, seed=7, kernel=kernel, length_scale=ell)
        expect(same_trials(auto, given), f"{kernel}: the length scale of highest evidence on the initial points is "
                                         f"{ell:.3g}, yet the search with it given decided otherwise")


# -- the guide's claim: Bayesian optimisation needs many parameters of its own ------------------------

SETTINGS = {  # name: bayes_search's own parameters
    "default (RBF, ℓ by evidence, ξ = 0, 5 initial)": {},
    "ℓ = 2 fixed": {"length_scale": 2.0},
    "Matérn 5/2": {"kernel": "matern52"},
    "ξ = 2": {"xi": 2.0},
    "15 initial": {"n_initial": 15},
}
P_SEEDS, P_BUDGET = 3, 20


def _parameters(candidate):
    """Branin, 20 evaluations, 3 seeds: each of five settings of BO's own parameters; the median best gap.
    Every parameter must change the decisions, and the settings' medians must span a factor >= 5."""
    bayes_search = candidate.get("search.bayes_search")
    _, Uniform, _ = dims(candidate)
    space = {"x1": Uniform(-5.0, 10.0), "x2": Uniform(0.0, 15.0)}
    f_star = 5 / (4 * math.pi)
    runs = {}
    for name, kw in SETTINGS.items():  # each setting judged as soon as it has run
        runs[name] = [bayes_search(branin, space, n_trials=P_BUDGET, seed=s, **kw) for s in range(P_SEEDS)]
        default = runs[next(iter(SETTINGS))]
        expect(not kw or not all(same_trials(r, d) for r, d in zip(runs[name], default, strict=True)),
               f"setting {name!r} gave exactly the default's trials on every seed: the parameter is ignored")
    medians = {name: float(np.median([r.best.value - f_star for r in rs])) for name, rs in runs.items()}
    spread = max(medians.values()) / max(min(medians.values()), 1e-12)
    expect(spread >= 5, f"the median best gaps of the settings {medians} span a factor {spread:.3g}, expected >= 5: "
           "the parameters did not matter")

    def draw(ax):
        t = np.arange(1, P_BUDGET + 1)
        for i, (name, rs) in enumerate(runs.items()):
            curve = np.median([np.minimum.accumulate(r.values) - f_star for r in rs], axis=0)
            ax.semilogy(t, np.maximum(curve, 1e-9), color=f"C{i}", label=name)
        ax.set_xlabel("evaluations")
        ax.set_ylabel(f"median best gap ({P_SEEDS} seeds)")
        ax.legend(fontsize=7)

    figures.save("hp.bayes.parameters", draw, title="Branin: Bayesian optimisation under its own parameters")
    return {**{f"median gap, {k}": float(f"{v:.3g}") for k, v in medians.items()},
            "spread (max/min)": float(f"{spread:.3g}")}


RECORDS = (
    Record(
        id="hp.bayes/sklearn",
        kind="A",
        section=SECTION,
        equation=r"(\mu, \sigma^2, \log p(y))_{\text{candidate}} = (\mu, \sigma^2, \log "
                 r"p(y))_{\text{GaussianProcessRegressor}}"
                 r"\ \pm 10^{-9}",
        check=_sklearn_check,
        mistakes=(
            Mistake("noise-dropped", "K⁻¹ without the noise term", M.gp_posterior_noise_dropped,
                    "search.gp_posterior"),
            Mistake("matern-3/2", "Matérn 5/2 computed with the ν = 3/2 formula", M.gp_posterior_matern32,
                    "search.gp_posterior"),
            Mistake("logdet-dropped", "evidence without −½ log|K|", M.gp_log_marginal_likelihood_without_logdet,
                    "search.gp_log_marginal_likelihood"),
            Mistake("noise-twice", "evidence with the noise added twice", M.gp_log_marginal_likelihood_noise_twice,
                    "search.gp_log_marginal_likelihood"),
        ),
        notes="scikit-learn's GaussianProcessRegressor(ConstantKernel(σ_f², 'fixed') × RBF or Matern(ν = 5/2) with "
              "ℓ 'fixed', alpha = σ_n², optimizer=None, normalize_y=False): its predicted std² (the latent variance, "
              "alpha not added) and log_marginal_likelihood_value_. Without scikit-learn the record fails and says so.",
    ),
    Record(
        id="hp.bayes/ei_mpmath",
        kind="A",
        section=SECTION,
        equation=r"\operatorname{EI} = I\,\Phi(I/\sigma) + \sigma\,\varphi(I/\sigma),\ I = f^* - \mu - \xi\ "
                 r"\text{(mpmath, 50 digits)}",
        check=_ei_check,
        mistakes=(
            Mistake("improvement-sign-flipped", "I = μ − f*", MS.expected_improvement_sign_flipped,
                    "search.expected_improvement"),
            Mistake("erf-cdf", "Φ as ½(1 + erf): 0 in the tail", M.expected_improvement_erf_cdf,
                    "search.expected_improvement"),
        ),
        notes="z = I/σ from −37 (EI ≈ 1e-300, where I Φ(z) and σ φ(z) cancel to about 1/z² of each) to 8, relative "
              "error at most 1e-9.",
    ),
    Record(
        id="hp.bayes/decisions",
        kind="A",
        section=SECTION,
        equation=r"\text{seed } s \Rightarrow (x_1, \dots, x_T)\ \text{identical on every run}",
        check=_loop_check,
        mistakes=(
            Mistake("seed-ignored", "random search without its seed", MS.random_search_seed_ignored,
                    "search.bayes_search"),
            Mistake("clock-seeded", "the candidates seeded from the clock too", M.bayes_search_clock_seeded,
                    "search.bayes_search"),
        ),
    ),
    Record(
        id="hp.bayes/parameters",
        kind="A",
        section=SECTION,
        equation=r"\max_s \operatorname{median} \text{gap}_s / \min_s \operatorname{median} \text{gap}_s \ge 5",
        check=_parameters,
        mistakes=(
            Mistake("length-scale-ignored", "length_scale accepted and ignored", M.bayes_search_length_scale_ignored,
                    "search.bayes_search"),
            Mistake("kernel-ignored", "kernel accepted and ignored", M.bayes_search_kernel_ignored,
                    "search.bayes_search"),
            Mistake("xi-ignored", "xi accepted and ignored", M.bayes_search_xi_ignored, "search.bayes_search"),
        ),
        notes="The guide (line 306): Bayesian optimisation 'itself needs many parameters' "
              "(贝叶斯优化算法本身就需要很多的参数). "
              "Five settings of its own parameters on Branin (20 evaluations, 3 seeds); the long form (nine settings, "
              "20 seeds, against parameter-free MaxLIPO+TR) is benchmarks/thorough/bayes_parameters.py.",
    ),
)

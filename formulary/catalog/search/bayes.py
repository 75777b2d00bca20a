"""Bayesian optimisation (guide §3.2, method 4): the Gaussian-process posterior, its evidence and
the expected improvement against torch, and the search loop by its properties."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from formulary.catalog._arguments import named_errors
from formulary.catalog.search._shared import SECTION, bowl, bowl_space, bowl_units, check_nonfinite, dims, flaky, raises
from formulary.mistakes import search as M
from formulary.record import ErrorInput, Mistake, Record, Sample
from formulary.strategies import arrays, floats, samples
from formulary.verdict import expect


def _gp_inputs(dt):
    return st.tuples(st.integers(0, 6), st.integers(1, 3), st.integers(0, 5)).flatmap(lambda s: samples(
        arrays(dt, (s[0], s[1]), 0.0, 1.0), arrays(dt, (s[0],), -3.0, 3.0), arrays(dt, (s[2], s[1]), 0.0, 1.0),
        floats(np.float64, 0.1, 2.0), floats(np.float64, 0.5, 2.0), floats(np.float64, 1e-3, 0.1)))


def _gp_edges(dt):
    x = np.array([[0.1, 0.2], [0.1, 0.2], [0.8, 0.5], [0.4, 0.9]], dt)  # a repeated point
    y = np.array([1.0, 1.2, -0.5, 2.0], dt)
    test = np.vstack([x, [[5.0, 5.0], [0.45, 0.55]]]).astype(dt)  # at the data, far away, in between
    return [
        Sample((x, y, test, 0.3, 1.5, 0.05), {}, "a repeated point; test at, far from and between the data"),
        Sample((x, y, test, 1.7, 0.8, 0.002), {}, "long length scale, little noise"),
        Sample((np.zeros((0, 2), dt), np.zeros(0, dt), test, 0.3, 1.5, 0.05), {}, "no data: the prior"),
        Sample((x, y, np.zeros((0, 2), dt), 0.3, 1.5, 0.05), {}, "no test points"),
        Sample((x, y, test), {}, "the defaults: ℓ = 0.2, σ_f² = 1, σ_n² = 1e-6"),
        Sample((x[2:], y[2:], test, 0.3, 1.5, 0.0), {}, "no noise (σ_n² = 0 is allowed), two distinct points"),
    ]


def _lml_edges(dt):
    x, y, _, *params = _gp_edges(dt)[0].args
    return [Sample((x, y, *params), {}, "a repeated point"), Sample((x[:1], y[:1], 0.3, 1.5, 0.05), {}, "one point"),
            Sample((x, y), {}, "the defaults: ℓ = 0.2, σ_f² = 1, σ_n² = 1e-6")]


def _lml_inputs(dt):
    return st.tuples(st.integers(1, 6), st.integers(1, 3)).flatmap(lambda s: samples(
        arrays(dt, (s[0], s[1]), 0.0, 1.0), arrays(dt, (s[0],), -3.0, 3.0),
        floats(np.float64, 0.1, 2.0), floats(np.float64, 0.5, 2.0), floats(np.float64, 1e-3, 0.1)))


def _ei_inputs(dt):
    shape = st.sampled_from([(), (3,), (2, 4)])
    return shape.flatmap(lambda s: samples(
        arrays(dt, s, -3.0, 3.0), arrays(dt, s, 0.0, 2.0), floats(np.float64, -3.0, 3.0),
        optional={"xi": floats(np.float64, 0.0, 0.5)}))


def _ei_edges(dt):
    mean = np.array([-2.0, 0.0, 0.5, 1.0, 3.0, 40.0, -40.0], dt)
    return [
        Sample((mean, np.zeros_like(mean), 0.5), {}, "std 0: the improvement itself, or 0"),
        Sample((mean, np.full_like(mean, 0.7), 0.5), {"xi": 0.1}, "with an exploration margin"),
        Sample((mean, np.full_like(mean, 0.05), 0.5), {}, "|z| up to 800"),
        Sample((np.zeros((0,), dt), np.zeros((0,), dt), 0.0), {}, "empty"),
    ]


def _bayes_search_check(candidate):
    bayes_search, random_search = candidate.get("search.bayes_search"), candidate.get("search.random_search")
    space = bowl_space(candidate)
    objective = flaky(bowl)
    result = bayes_search(objective, space, n_trials=20, seed=0, n_initial=5)
    expect([t.role for t in result.trials] == ["initial"] * 5 + ["ei"] * 15, f"roles {[t.role for t in result.trials]}")
    bowl_units(result)
    check_nonfinite(result, objective)
    randoms = [random_search(bowl, space, n_trials=20, seed=s).best.value for s in range(10)]
    expect(result.best.value < min(randoms),
           f"Bayesian optimisation's best {result.best.value:.2e} after 20 trials does not beat the best of 10 random "
        f"searches of 20 trials ({min(randoms):.2e})")
    expect(result.best.value < 1e-3, f"best value {result.best.value:.2e} after 20 trials, expected < 1e-3")
    Choice, _, _ = dims(candidate)
    raises(TypeError, r"continuous", lambda: bayes_search(bowl, {**space, "act": Choice(("relu",))}))
    for name, bad, error in (("n_trials", 0, ValueError), ("n_initial", 0, ValueError), ("n_candidates", 0, ValueError),
                             ("xi", "0.1", TypeError), ("length_scale", 0.0, ValueError)):
        raises(error, rf"\b{name}\b", lambda name=name, bad=bad: bayes_search(bowl, space, **{name: bad}))
    # the model needs two finite values: with one initial point the second is drawn uniformly too, the third by EI
    for n0, roles in ((1, ["initial"] * 2 + ["ei"] * 2), (2, ["initial"] * 2 + ["ei"] * 2)):
        got = [t.role for t in bayes_search(bowl, space, n_trials=4, n_initial=n0, n_candidates=40).trials]
        expect(got == roles, f"n_initial={n0}, all values finite: roles {got}, expected {roles}")
    corners = _corners(candidate)
    return {"best after 20 trials": float(f"{result.best.value:.3g}"), **corners,
            "random search, median best of 20": float(f"{np.median(randoms):.3g}")}


def _corners(candidate):
    """A slope down to a corner of the cube: the candidates near the best point are clipped onto the cube's faces,
    so the search reaches the corner itself (value 0) and never leaves the cube."""
    bayes_search = candidate.get("search.bayes_search")
    _, Uniform, _ = dims(candidate)
    square = {"a": Uniform(0.0, 1.0), "b": Uniform(0.0, 1.0)}
    out = {}
    for corner, f in (("(0, 0)", lambda p: p["a"] + p["b"]), ("(1, 1)", lambda p: 2.0 - p["a"] - p["b"])):
        for seed in range(3):
            r = bayes_search(f, square, n_trials=15, seed=seed)
            u = r.units
            expect(((u >= 0) & (u <= 1)).all(), f"corner {corner}, seed {seed}: trials outside the unit cube, "
                                                f"units from {u.min():.3g} to {u.max():.3g}")
            expect(r.best.value < 1e-9, f"corner {corner}, seed {seed}: best {r.best.value:.2e} after 15 trials: the "
                                        "corner itself was never tried")
        out[f"corner {corner} reached"] = True
    return out


RECORDS = (
    Record(
        id="hp.bayes",
        kind="A",
        section=SECTION,
        equation=r"\mu = k_*^\top (K + \sigma_n^2 I)^{-1} y,\ \sigma^2 = k_{**} - k_*^\top (K + \sigma_n^2 I)^{-1} "
                 r"k_*,\ "
                 r"k = \sigma_f^2 e^{-\lVert a - b\rVert^2 / 2\ell^2}",
        candidate="search.gp_posterior",
        reference="search.gp_posterior",
        inputs=_gp_inputs,
        edges=_gp_edges,
        dtypes=(np.float64,),
        output_names=("mean", "variance"),
        mistakes=(
            Mistake("noise-dropped", "K⁻¹ without the noise term", M.gp_posterior_noise_dropped),
            Mistake("prior-variance", "the variance never reduced by the data", M.gp_posterior_prior_variance),
            Mistake("length-not-squared", "exp(−d²/2ℓ)", M.gp_posterior_length_not_squared),
        ),
        errors=(
            ErrorInput(Sample((np.zeros((3, 2)), np.zeros(3), np.zeros((2, 3)))), ValueError, r"x_test"),
            ErrorInput(Sample((np.zeros((3, 2)), np.zeros(2), np.zeros((2, 2)))), ValueError, r"y_train"),
            ErrorInput(Sample((np.zeros((3, 2)), np.zeros(3), np.zeros((2, 2))), {"length_scale": 0.0}), ValueError,
                       r"length_scale"),
            ErrorInput(Sample((np.zeros((3, 2)), np.zeros(3), np.zeros((2, 2))), {"noise": -1.0}), ValueError,
                       r"^noise must be non-negative"),
            ErrorInput(Sample((np.zeros((3, 2)), np.zeros(2), np.zeros((2, 2)))), ValueError,
                       r"^y_train has shape \(2,\), expected \(3,\)"),
            ErrorInput(Sample((np.zeros(3), np.zeros(3), np.zeros((2, 1)))), ValueError, r"^x_train must be \(n, d\)"),
            ErrorInput(Sample((np.zeros((3, 2)), np.zeros(3), np.zeros((2, 2))), {"kernel": "cubic"}), ValueError,
                       r"^kernel must be one of \['matern52', 'rbf'\], got 'cubic'"),
            *named_errors(("x_train", "y_train", "x_test", "length_scale", "signal_variance", "noise"),
                          (np.zeros((3, 2)), np.zeros(3), np.zeros((2, 2))), {}, (
                ("x_train", "0.5", TypeError), ("y_train", "0.5", TypeError), ("x_test", "0.5", TypeError),
                ("length_scale", "0.2", TypeError), ("length_scale", 0.0), ("signal_variance", 0.0),
                ("noise", "0", TypeError))),
        ),
        notes="float64 only: a Gaussian process is conditioned on a kernel matrix whose condition number reaches "
              "(n σ_f² + σ_n²)/σ_n² (here up to 10⁴); in float32 that leaves about three correct digits, in torch "
              "as in NumPy, and the comparison would judge two rounding errors. Bayesian optimisation libraries "
              "(scikit-learn, BoTorch) compute it in float64 for the same reason.",
    ),
    Record(
        id="hp.bayes/likelihood",
        kind="A",
        section=SECTION,
        equation=r"\log p(y) = -\tfrac12 y^\top K^{-1} y - \tfrac12 \log\lvert K\rvert - \tfrac n2 \log 2\pi",
        candidate="search.gp_log_marginal_likelihood",
        reference="search.gp_log_marginal_likelihood",
        inputs=_lml_inputs,
        edges=_lml_edges,
        dtypes=(np.float64,),
        mistakes=(
            Mistake("logdet-dropped", "without −½ log|K|", M.gp_log_marginal_likelihood_without_logdet),
            Mistake("half-dropped", "−yᵀK⁻¹y instead of −½yᵀK⁻¹y", M.gp_log_marginal_likelihood_without_half),
        ),
        errors=(ErrorInput(Sample((np.zeros((3, 2)), np.zeros(3)), {"signal_variance": -1.0}), ValueError,
                           r"signal_variance"),),
        notes="float64 only, as hp.bayes. Bayesian search picks its length scale by this evidence.",
    ),
    Record(
        id="hp.bayes/ei",
        kind="A",
        section=SECTION,
        equation=r"\operatorname{EI} = (f^* - \mu - \xi)\,\Phi(z) + \sigma\,\varphi(z),\ z = (f^* - \mu - \xi)/\sigma",
        candidate="search.expected_improvement",
        reference="search.expected_improvement",
        inputs=_ei_inputs,
        edges=_ei_edges,
        mistakes=(
            Mistake("improvement-sign-flipped", "I = μ − f*: the maximisation formula",
                    M.expected_improvement_sign_flipped),
            Mistake("sigma-term-dropped", "I·Φ(z) alone", M.expected_improvement_without_sigma_term),
            Mistake("xi-added", "I = f* − μ + ξ", M.expected_improvement_xi_added),
        ),
        errors=(
            ErrorInput(Sample((np.zeros(2), -np.ones(2), 0.0)), ValueError, r"\bstd must be non-negative"),
            ErrorInput(Sample((np.zeros(2), np.ones(3), 0.0)), ValueError, r"\bstd has shape"),
            *named_errors(("mean", "std", "best", "xi"), (np.zeros(2), np.ones(2), 0.0), {}, (
                ("mean", "0.5", TypeError), ("std", None, TypeError), ("best", "0.5", TypeError),
                ("xi", "0.1", TypeError))),
        ),
    ),
    Record(
        id="hp.bayes/search",
        kind="A",
        section=SECTION,
        equation=r"x_{t+1} = \arg\max_x \operatorname{EI}(\mu_t(x), \sigma_t(x), \min_{i \le t} y_i)",
        check=_bayes_search_check,
        mistakes=(
            Mistake("ei-sign-flipped", "driven by the maximisation EI", M.bayes_search_ei_sign_flipped,
                    "search.bayes_search"),
            Mistake("ei-minimised", "argmin of EI", M.bayes_search_ei_minimised, "search.bayes_search"),
        ),
        errors=(ErrorInput(Sample((bowl, {"c": None})), TypeError, r"space\['c'\]", "search.bayes_search"),),
    ),
)

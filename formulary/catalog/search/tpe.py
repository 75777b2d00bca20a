"""TPE (Bergstra et al. 2011), the guide's "heuristic intelligent search" (§3.3) as Optuna's default
sampler runs it: its densities l(x), g(x), the γ split and the weights against Optuna's own
``_ParzenEstimator`` and ``default_gamma``/``default_weights``, and the search against
``TPESampler`` over seeds on the same function.

Filed under hp.bayes (sequential model-based optimisation) until the inventory has an ID of its
own for the guide's heuristic search."""

from __future__ import annotations

import math

import numpy as np

from formulary import figures
from formulary.candidate import oracle
from formulary.catalog._arguments import named_errors
from formulary.catalog.search._shared import (
    SECTION,
    bowl,
    bowl_space,
    branin,
    check_nonfinite,
    dims,
    flaky,
    raises,
    same_trials,
)
from formulary.catalog.search.lipo_claim import sign_test
from formulary.mistakes import search as MS
from formulary.mistakes import search_tpe as M
from formulary.record import Mistake, Record
from formulary.verdict import expect

PDF, SEARCH = "search.tpe.parzen_log_pdf", "search.tpe.tpe_search"
SAMPLE = "search.tpe.parzen_sample"


def _density_sets():
    """Seeded observation sets: 0–40 trials in 1–3 dimensions, linear and log ranges, a repeated trial."""
    rng = np.random.default_rng(5)
    for t in range(12):
        n, d = int(rng.integers(0, 41)) if t else 0, int(rng.integers(1, 4))
        logs = rng.random(d) < 0.4
        lows, highs = np.where(logs, 1e-3, -2.0), np.where(logs, 10.0, 3.0)
        # log where the range is log (np.abs: np.where evaluates both branches)
        lo, hi = np.where(logs, np.log(np.abs(lows)), lows), np.where(logs, np.log(np.abs(highs)), highs)
        obs = lo + rng.random((n, d)) * (hi - lo)
        if n > 3:
            obs[2] = obs[1]
        pts = np.vstack([lo + rng.random((6, d)) * (hi - lo), obs[:2], lo[None], hi[None]])
        yield obs, pts, lo, hi, lows, highs, logs


def _density_check(candidate):
    log_pdf = candidate.get(PDF)
    gamma, weights, split = (candidate.get(f"search.tpe.{n}") for n in ("tpe_gamma", "tpe_weights", "tpe_split"))
    ref_pdf, ref_gamma = oracle("search.optuna_parzen_log_pdf"), oracle("search.optuna_gamma")
    worst = 0.0
    for obs, pts, lo, hi, lows, highs, logs in _density_sets():
        got = np.asarray(log_pdf(obs, lo, hi, pts), float)
        raw = lambda a, logs=logs: np.where(logs, np.exp(a), a)  # noqa: E731  (Optuna takes the parameters' values)
        want = ref_pdf(raw(obs), None, lows, highs, logs, raw(pts))
        err = float(np.max(np.abs(got - want) / (1.0 + np.abs(want))))
        worst = max(worst, err)
        expect(err <= 1e-12, f"log density of the Parzen mixture on {len(obs)} trials in {len(lo)} dimensions (log: "
               f"{logs.tolist()}) differs from Optuna's _ParzenEstimator.log_pdf by {err:.2e}: "
               f"{np.round(got, 6)} against "
               f"{np.round(want, 6)}, expected within 1e-12 relative to 1 + |value|")
    for n in range(0, 301):
        expect(gamma(n) == ref_gamma(n), f"γ({n}) = {gamma(n)}, Optuna's default_gamma gives {ref_gamma(n)}")
    default_weights = oracle("search.optuna_weights")
    for n in (0, 1, 24, 25, 26, 60):
        expect(np.allclose(weights(n), default_weights(n), rtol=0, atol=1e-15),
               f"weights({n}) = {np.round(weights(n), 4)}, Optuna's default_weights gives "
               f"{np.round(default_weights(n), 4)}")
    worst = max(worst, _density_edges(log_pdf, ref_pdf))
    _split_against_optuna(split)
    draws = _sample_check(candidate.get("search.tpe.parzen_sample"))
    return {"observation sets against Optuna": 12 + len(EDGE_SETS) + 1,
            "worst relative difference": float(f"{worst:.2g}"), "sampler draws binned against Optuna's density": draws}


EDGE_LO, EDGE_HI, EDGE_LOGS = np.array([-2.0, math.log(1e-2)]), np.array([3.0, math.log(10.0)]), np.array([False, True])


def _edge_sets():
    """Few trials (1–5: the extreme centres' rule starts at 2), many (120: the clip's 1/100 floor), trials
    outside the box (a narrowed space: kernels whose whole mass lies in one tail, bandwidths clipped
    from above), and given weights (float64 and float32)."""
    rng = np.random.default_rng(11)
    lo, hi = EDGE_LO, EDGE_HI
    inside = lambda n: lo + rng.random((n, 2)) * (hi - lo)  # noqa: E731
    for n in (1, 2, 3, 4, 5, 120):
        yield f"{n} trials", inside(n), None
    yield "2 close trials (the extreme centres' rule at n = 2)", lo + np.array([[0.4], [0.5]]) * (hi - lo), None
    for n in (1, 2, 3, 8):
        obs = lo + (3 * rng.random((n, 2)) - 1) * (hi - lo)  # from a box three times as wide
        obs[0] = lo - 12 * (hi - lo) if n % 2 else hi + 12 * (hi - lo)
        yield f"{n} trials, some outside the box", obs, None
    yield "7 trials, given weights", inside(7), 3 * rng.random(7)
    yield "7 trials, given float32 weights", inside(7), (3 * rng.random(7)).astype(np.float32)
    yield "30 trials, given weights", inside(30), rng.random(30) + 0.1


EDGE_SETS = tuple(_edge_sets())


def _density_edges(log_pdf, ref_pdf):
    lo, hi, logs = EDGE_LO, EDGE_HI, EDGE_LOGS
    raw = lambda a: np.where(logs, np.exp(np.asarray(a, float)), np.asarray(a, float))  # noqa: E731
    pts = np.vstack([lo + np.random.default_rng(12).random((8, 2)) * (hi - lo), lo[None], hi[None]])
    worst = 0.0
    for name, obs, weights in EDGE_SETS:
        got = np.asarray(log_pdf(obs, lo, hi, pts) if weights is None else log_pdf(obs, lo, hi, pts, weights), float)
        want = ref_pdf(raw(obs), None if weights is None else np.asarray(weights, float), raw(lo), raw(hi), logs,
                       raw(pts))
        err = float(np.max(np.abs(got - want) / (1.0 + np.abs(want))))
        worst = max(worst, err)
        expect(err <= 1e-12, f"log density of the Parzen mixture, {name}: differs from Optuna's _ParzenEstimator by "
               f"{err:.2e}: {np.round(got, 6)} against {np.round(want, 6)}, expected within 1e-12 relative to "
               f"1 + |value|")
    # 12 dimensions, the prior's weight ~1e-308: log densities ~750 apart, each point's own log-sum-exp
    d, n = 12, 120
    rng = np.random.default_rng(16)
    obs, w = rng.random((n, d)), np.full(n, 1e306)
    pts = np.vstack([obs[:1], np.zeros((1, d)), np.full((1, d), 0.5)])
    got = np.asarray(log_pdf(obs, np.zeros(d), np.ones(d), pts, w), float)
    want = ref_pdf(obs, w, np.zeros(d), np.ones(d), np.zeros(d, bool), pts)
    err = float(np.max(np.abs(got - want) / (1.0 + np.abs(want))))
    expect(err <= 1e-12, f"log density of 120 trials in 12 dimensions, weights 1e306 (prior weight ~1e-308), at a "
           f"trial, a corner and the centre: {np.round(got, 6)} against Optuna's {np.round(want, 6)} (differs by "
           f"{err:.2e}, expected within 1e-12 relative to 1 + |value|)")
    return max(worst, err)


def _split_against_optuna(split):
    """Optuna's own split (``_split_trials`` of a minimising study): ties by trial order, past the
    insertion-sort size of an unstable sort."""
    ref_split = oracle("search.optuna_split")
    rng = np.random.default_rng(13)
    for values, n_below in (([3.0, 1.0, 2.0, 1.0, 5.0, 0.5], 3), (rng.integers(0, 3, 200).astype(float), 70),
                            (np.repeat([2.0, 1.0], 40), 25)):
        below, above = split(np.asarray(values), n_below)
        want = ref_split(list(values), n_below)
        expect((list(below), list(above)) == want,
               f"split of {len(values)} values ({len(set(values))} distinct) into {n_below} below: got "
               f"{list(below)} / {list(above)}, Optuna's _split_trials gives {want[0]} / {want[1]}")


def _sample_check(sample):
    """parzen_sample against Optuna's density: every draw inside the box, and each coordinate's draws
    binned (8 bins) against the bins' mass under Optuna's marginal (the 1-D estimator on that
    coordinate, same weights), a chi-squared statistic at most 40 (7 degrees of freedom: p ≈ 1e-6)."""
    ref_pdf = oracle("search.optuna_parzen_log_pdf")
    rng = np.random.default_rng(14)
    cases = (("the prior alone", np.zeros((0, 1)), np.array([10.0]), np.array([10.5]), None),
             ("2 trials, given weights", np.array([[10.2], [10.9]]), np.array([10.0]), np.array([11.0]),
              np.array([5.0, 0.2])),
             ("1 trial of weight 0.02 (the prior's bandwidth)", np.array([[10.1]]), np.array([10.0]), np.array([10.5]),
              np.array([0.02])),
             ("30 trials in 2 dimensions (the weights' ramp)", rng.random((30, 2)) ** 3 * [4.0, 2.0] + [-1.0, 5.0],
              np.array([-1.0, 5.0]), np.array([3.0, 7.0]), None))
    total = 0
    for name, obs, lows, highs, weights in cases:
        n_draws = 40000
        kw = {} if weights is None else {"weights": weights}
        x = np.asarray(sample(np.random.default_rng(15), obs, lows, highs, n_draws, **kw), float)
        expect(x.shape == (n_draws, len(lows)), f"{name}: {n_draws} draws in {len(lows)} dimensions have shape "
               f"{x.shape}")
        expect(bool(((x >= lows) & (x <= highs)).all()), f"{name}: draws outside the box {lows}..{highs}")
        for k in range(len(lows)):
            edges = np.linspace(lows[k], highs[k], 9)
            grid = np.linspace(lows[k], highs[k], 8 * 400 + 1)
            dens = np.exp(ref_pdf(obs[:, k], weights, [lows[k]], [highs[k]], [False], grid[:, None]))
            cum = np.concatenate([[0.0], np.cumsum((dens[1:] + dens[:-1]) / 2 * np.diff(grid))])
            mass = np.diff(cum[::400])
            counts = np.histogram(x[:, k], edges)[0]
            chi2 = float(np.sum((counts - n_draws * mass) ** 2 / (n_draws * mass)))
            expect(chi2 <= 40.0, f"{name}, coordinate {k}: draws binned {counts.tolist()} against Optuna's density's "
                   f"{np.round(n_draws * mass).astype(int).tolist()}: chi-squared {chi2:.1f}, expected at most 40")
        total += n_draws
    return total


# -- the search against Optuna's TPESampler ---------------------------------------------------------

SEEDS, BUDGET, MARGIN = 6, 25, 3.0


def _search_check(candidate):
    search = candidate.get(SEARCH)
    objective = flaky(bowl)
    result = search(objective, bowl_space(candidate), n_trials=16, seed=2)
    roles = [t.role for t in result.trials]
    expect(roles == ["startup"] * 10 + ["tpe"] * 6, f"roles: 10 startup trials then TPE's, got {roles}")
    check_nonfinite(result, objective)
    a, b, c = (search(bowl, bowl_space(candidate), n_trials=14, seed=s) for s in (3, 3, 4))
    expect(same_trials(a, b), "the same seed gave different trials")
    expect(not same_trials(a, c), "different seeds gave the same trials: the seed is ignored")
    ranks = _step_ranks(candidate, search)
    _defaults_and_errors(candidate, search)
    # against Optuna: Branin, the same budget and seeds 0..5 on each side
    _, Uniform, _ = dims(candidate)
    f_star = 5 / (4 * math.pi)
    ours = np.array([np.minimum.accumulate(search(branin, {"x1": Uniform(-5.0, 10.0), "x2": Uniform(0.0, 15.0)},
                                                  n_trials=BUDGET, seed=s).values) - f_star for s in range(SEEDS)])
    tpe = oracle("search.optuna_tpe")
    theirs = np.array([np.minimum.accumulate(tpe(lambda v: branin({"x1": v[0], "x2": v[1]}), [-5.0, 0.0], [10.0, 15.0],
                                                 [False, False], BUDGET, s)) - f_star for s in range(SEEDS)])
    worse, better = int((ours[:, -1] > theirs[:, -1]).sum()), int((ours[:, -1] < theirs[:, -1]).sum())
    p = sign_test(worse, better)
    med, med_o = float(np.median(ours[:, -1])), float(np.median(theirs[:, -1]))
    expect(p > 0.05 and med <= MARGIN * med_o,
           f"Branin, {BUDGET} trials, seeds 0..{SEEDS - 1}: impl's best gap is worse than Optuna's in {worse} seeds, "
           f"better in {better} (one-sided sign test for 'worse': p = {p:.3g}, expected > 0.05); median gap {med:.3g} "
           f"against Optuna's {med_o:.3g}, expected at most {MARGIN}x")

    def draw(ax):
        t = np.arange(1, BUDGET + 1)
        for i, (name, g) in enumerate((("impl TPE", ours), ("Optuna TPESampler", theirs))):
            ax.semilogy(t, np.maximum(np.median(g, axis=0), 1e-9), color=f"C{i}", label=f"{name}, median")
            ax.fill_between(t, np.maximum(g.min(0), 1e-9), np.maximum(g.max(0), 1e-9), color=f"C{i}", alpha=0.15)
        ax.axvline(10.5, color="k", lw=0.8, ls=":")
        ax.set_xlabel("trials (10 startup)")
        ax.set_ylabel(f"best gap on Branin ({SEEDS} seeds, range)")
        ax.legend(fontsize=8)

    figures.save("hp.heuristic", draw, title="TPE: impl against Optuna's TPESampler")
    return {"TPE steps ranked by Optuna's l and g": len(ranks), "lowest rank": float(f"{min(ranks):.3g}"),
            "mean rank": float(f"{np.mean(ranks):.3g}"),
            "impl worse / better than Optuna (seeds)": f"{worse}/{better}",
            "sign test p (impl worse)": float(f"{p:.3g}"),
            "median gap impl": float(f"{med:.3g}"), "median gap Optuna": float(f"{med_o:.3g}")}


def _tilted(p):
    """A bowl off the centre of a linear and a log range: minimum 0 at x = 2, lr = 0.1."""
    return (p["x"] - 2.0) ** 2 / 25.0 + (math.log10(p["lr"]) + 1.0) ** 2


def _step_ranks(candidate, search):
    """Each TPE step judged by Optuna: from the trials before it, Optuna's split and Parzen estimators
    give log l − log g; the step's point must beat at least half of 400 fresh draws from Optuna's l
    (the best of 24 draws beats that many except with probability ~2⁻²⁴), and 85% on average (~96%)."""
    _, Uniform, LogUniform = dims(candidate)
    rank = oracle("search.optuna_tpe_rank")
    lows, highs, logs = [-5.0, 1e-3], [10.0, 10.0], [False, True]
    found: list[float] = []
    for seed in (0, 1):
        result = search(_tilted, {"x": Uniform(-5.0, 10.0), "lr": LogUniform(1e-3, 10.0)}, n_trials=26, seed=seed)
        params = np.array([[t.params["x"], t.params["lr"]] for t in result.trials])
        values = np.array([t.value for t in result.trials])
        for t in range(10, len(params)):
            found.append(rank(params[:t], values[:t], lows, highs, logs, params[t], 400, seed * 100 + t))
    ranks = np.array(found)
    expect(ranks.min() >= 0.5 and ranks.mean() >= 0.85,
           f"TPE's points ranked among 400 draws from Optuna's l by Optuna's log l − log g (the trials before "
           f"each step split by Optuna): {np.round(ranks, 2).tolist()}, expected every one at least 0.5 and a mean "
           f"at least 0.85 (the best of 24 draws: ~0.96)")
    return ranks


def _defaults_and_errors(candidate, search):
    """The defaults are TPESampler's (10 startup trials, 24 candidates) with 30 trials and seed 0; bad
    counts and a Choice dimension are errors that name their argument."""
    Choice, Uniform, _ = dims(candidate)
    space = bowl_space(candidate)
    defaults = oracle("search.optuna_tpe_defaults")()
    plain = search(bowl, space)
    spelled = search(bowl, space, n_trials=30, seed=0, **defaults)
    expect(len(plain.trials) == 30 and same_trials(plain, spelled),
           f"search(f, space) is not search(f, space, n_trials=30, seed=0, {defaults}) (TPESampler's defaults): "
           f"{len(plain.trials)} trials")
    for name in ("n_trials", "n_startup_trials", "n_ei_candidates"):
        raises(ValueError, rf"\b{name}\b", lambda name=name: search(bowl, space, **{name: 0}))
    raises(TypeError, r"continuous", lambda: search(bowl, {**space, "act": Choice(("relu",))}))


RECORDS = (
    Record(
        id="hp.heuristic/density",
        kind="A",
        section=SECTION,
        equation=r"\ell(x) = \sum_{i \in \text{below}} \pi_i \prod_d \mathcal{TN}(x_d; \mu_{id}, \sigma_{id}) + \pi_0\,"
                 r"\text{prior},\ n_\ell = \min(\lceil 0.1 n\rceil, 25)",
        check=_density_check,
        errors=(*named_errors(("observations", "lows", "highs", "points", "weights"),
                              (np.zeros((3, 1)), np.zeros(1), np.ones(1), np.zeros((2, 1))), {},
                              [("weights", np.ones(2)), ("weights", np.ones((3, 1))),
                               ("observations", None, TypeError), ("observations", "abc", TypeError)], PDF),
                # the sampler reads its observations as the density does (a generator: it raises before any draw)
                *named_errors(("rng", "observations", "lows", "highs", "size", "weights"),
                              (np.random.default_rng(0), np.zeros((3, 1)), np.zeros(1), np.ones(1), 2), {},
                              [("observations", None, TypeError), ("observations", "abc", TypeError)], SAMPLE)),
        mistakes=(
            Mistake("no-prior", "the mixture without its prior", M.parzen_log_pdf_no_prior, PDF),
            Mistake("nearer-gap", "bandwidth from the nearer neighbour", M.parzen_log_pdf_nearer_gap, PDF),
            Mistake("no-magic-clip", "bandwidths not clipped", M.parzen_log_pdf_no_magic_clip, PDF),
            Mistake("hyperopt-gamma", "γ = ⌈¼√n⌉", M.tpe_gamma_hyperopt, "search.tpe.tpe_gamma"),
            Mistake("weights-reversed", "the ramp on the newest trials", M.tpe_weights_reversed,
                    "search.tpe.tpe_weights"),
        ),
        notes="The oracle is Optuna's _ParzenEstimator (prior weight 1, magic clip, no endpoints, default_weights) and "
              "default_gamma. Densities are in the search coordinates (log x for a log range, no Jacobian), as "
              "Optuna's: "
              "the ratio l/g is the same either way. Beyond the 12 seeded sets: 1–5 and 120 trials, trials outside "
              "the box (a narrowed space), given weights (Optuna's predetermined weights), and a 12-dimension set "
              "whose log densities lie ~750 apart; the split against Optuna's own _split_trials; parzen_sample's "
              "draws binned against Optuna's density. Points outside the box are not compared: impl gives them the "
              "untruncated kernels' density, Optuna −inf (TPE never evaluates there).",
    ),
    Record(
        id="hp.heuristic",
        kind="A",
        section=SECTION,
        equation=r"x_{t+1} = \arg\max_{x^{(k)} \sim \ell} \log \ell(x^{(k)}) - \log g(x^{(k)})",
        check=_search_check,
        mistakes=(
            Mistake("l-g-swapped", "log g − log l maximised", M.tpe_search_l_g_swapped, SEARCH),
            Mistake("random", "random search in its place", MS.random_search_seed_ignored, SEARCH),
        ),
        notes=f"Against Optuna's TPESampler(seed=s) on Branin, {BUDGET} trials, seeds 0..{SEEDS - 1} on each "
              f"side (the two "
              "draw from different generators, so the pairing is by seed only). 'Not worse': the one-sided exact sign "
              f"test for 'impl worse' does not reject at 0.05, and impl's median best gap is at most {MARGIN}x "
              f"Optuna's. "
              "The long form (six problems, 30 seeds, Wilcoxon rank-sum) is benchmarks/thorough/search_oracles.py. "
              "Each TPE step is also judged one by one: Optuna splits the trials before it and builds its l and g, "
              "and the step's point must rank above at least half of 400 fresh draws from Optuna's l (~96% on "
              "average for the best of 24).",
    ),
)

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
from formulary.catalog.search._shared import (
    SECTION,
    bowl,
    bowl_space,
    branin,
    check_nonfinite,
    dims,
    flaky,
    same_trials,
)
from formulary.catalog.search.lipo_claim import sign_test
from formulary.mistakes import search as MS
from formulary.mistakes import search_tpe as M
from formulary.record import Mistake, Record
from formulary.verdict import expect

PDF, SEARCH = "search.tpe.parzen_log_pdf", "search.tpe.tpe_search"


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
    values = np.array([3.0, 1.0, 2.0, 1.0, 5.0, 0.5])
    below, above = split(values, 3)
    order = sorted(range(len(values)), key=lambda i: values[i])  # Python's sort is stable: ties by trial order
    expect(list(below) == sorted(order[:3]) and list(above) == sorted(order[3:]),
           f"split of {values.tolist()} into 3 below: got {list(below)} / {list(above)}, expected "
           f"{sorted(order[:3])} / "
           f"{sorted(order[3:])} (each group in trial order)")
    return {"observation sets against Optuna": 12, "worst relative difference": float(f"{worst:.2g}")}


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

    figures.save("hp.bayes.tpe", draw, title="TPE: impl against Optuna's TPESampler")
    return {"impl worse / better than Optuna (seeds)": f"{worse}/{better}",
            "sign test p (impl worse)": float(f"{p:.3g}"),
            "median gap impl": float(f"{med:.3g}"), "median gap Optuna": float(f"{med_o:.3g}")}


RECORDS = (
    Record(
        id="hp.bayes/tpe_density",
        kind="A",
        section=SECTION,
        equation=r"\ell(x) = \sum_{i \in \text{below}} \pi_i \prod_d \mathcal{TN}(x_d; \mu_{id}, \sigma_{id}) + \pi_0\,"
                 r"\text{prior},\ n_\ell = \min(\lceil 0.1 n\rceil, 25)",
        check=_density_check,
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
              "the ratio l/g is the same either way.",
    ),
    Record(
        id="hp.bayes/tpe",
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
              "The long form (six problems, 30 seeds, Wilcoxon rank-sum) is benchmarks/thorough/search_oracles.py.",
    ),
)

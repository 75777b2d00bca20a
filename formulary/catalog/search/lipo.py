"""LIPO and AdaLIPO (guide §3.2, method 6): the acceptance rule, the bound and the estimate, and
the claim that LIPO beats random search."""

from __future__ import annotations

import inspect

import numpy as np
import torch
from hypothesis import strategies as st

from formulary import figures
from formulary.candidate import reference
from formulary.catalog.search._shared import (
    BOWL_LIPSCHITZ,
    SECTION,
    bowl,
    bowl_space,
    bowl_units,
    branin,
    check_nonfinite,
    dims,
    documented_defaults,
    flaky,
    raises,
    reproducible,
    standard_functions,
)
from formulary.mistakes import search as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample
from formulary.strategies import arrays, floats, samples
from formulary.verdict import expect


def _lipo_rule_holds(units, values, roles, k_of, exploit_roles):
    """Every trial of an exploiting role had a bound at most the best value before it."""
    checked = 0
    for t, role in enumerate(roles):
        if role not in exploit_roles:
            continue
        before = np.isfinite(values[:t])
        u, v = torch.from_numpy(units[:t][before]), torch.from_numpy(values[:t][before])
        k = k_of(u, v)
        bound = (v - k * torch.cdist(torch.from_numpy(units[t : t + 1]), u)[0]).max().item()
        expect(bound <= v.min().item() + 1e-12,
               f"trial {t} ({role}) has Lipschitz bound {bound:.6g} (k = {k:.4g}) above the best so far "
            f"{v.min().item():.6g}: it could not win, yet it was evaluated")
        checked += 1
    return checked


def _lipo_check(candidate):
    lipo_search = candidate.get("search.lipo_search")
    space = bowl_space(candidate)
    objective = flaky(bowl)
    result = lipo_search(objective, space, n_trials=40, seed=1, lipschitz=BOWL_LIPSCHITZ)
    roles = [t.role for t in result.trials]
    expect(roles == ["initial"] + ["lipo"] * 39, f"LIPO with a valid k should never fall back: roles {set(roles)}")
    units = bowl_units(result)
    checked = _lipo_rule_holds(units, result.values, roles, lambda u, v: BOWL_LIPSCHITZ, {"lipo"})
    check_nonfinite(result, objective)
    reproducible(lipo_search, space, n_trials=15, lipschitz=BOWL_LIPSCHITZ)
    Choice, _, _ = dims(candidate)
    # each option by name, whole messages: a string is a TypeError, an out-of-range number a ValueError
    for name, value in (("lipschitz", "4.5"), ("p", "0.1"), ("alpha", "0.01")):
        raises(TypeError, rf"^{name} must be a real number, got str$",
               lambda name=name, value=value: lipo_search(bowl, space, **{name: value}))
    raises(ValueError, r"^lipschitz must be positive \(or None for AdaLIPO\), got 0\.0$",
           lambda: lipo_search(bowl, space, lipschitz=0.0))
    raises(ValueError, r"^p must be a probability in \[0, 1\], got 1\.5$", lambda: lipo_search(bowl, space, p=1.5))
    raises(ValueError, r"^alpha must be positive, got 0\.0$", lambda: lipo_search(bowl, space, alpha=0.0))
    raises(TypeError, r"continuous", lambda: lipo_search(bowl, {**space, "act": Choice(("relu",))}))
    return {"trials checked against the bound": checked, "best after 40 trials": float(f"{result.best.value:.3g}")}


def _lipo_needs_its_constant(candidate):
    """LIPO's k is a parameter: far below the true constant (≈ 4.24 here), no draw can pass the rule
    once the values differ, and almost every step falls back to a uniform draw."""
    lipo_search = candidate.get("search.lipo_search")
    result = lipo_search(bowl, bowl_space(candidate), n_trials=20, seed=1, lipschitz=0.05, max_draws=2000)
    fallbacks = [t.role for t in result.trials].count("fallback")
    expect(fallbacks >= 15, f"with k = 0.05, {fallbacks} of 19 steps fell back: the constant did not matter")
    # MaxLIPO+TR has none: the objective, the space, the budget and the seed
    params = list(inspect.signature(candidate.get("search.maxlipo.maxlipo_search")).parameters)
    expect(params == ["objective", "space", "n_trials", "seed"],
           f"maxlipo_search takes {params}: expected no parameter besides objective, space, n_trials and seed")


def _adalipo_k(alpha):
    """AdaLIPO's k̂ from the trials before a step, by the torch reference of lipschitz_estimate."""
    estimate = reference("search.lipschitz_estimate")
    return lambda u, v: estimate(u, v, alpha)


def _adalipo_check(candidate):
    lipo_search = candidate.get("search.lipo_search")
    space = bowl_space(candidate)
    objective = flaky(bowl)
    result = lipo_search(objective, space, n_trials=60, seed=2, p=0.1, alpha=0.01)
    roles = [t.role for t in result.trials]
    counts = {r: roles.count(r) for r in ("initial", "explore", "exploit", "fallback")}
    expect(sum(counts.values()) == 60 and roles[0] == "initial", f"roles {roles}")
    # with p = 0.1 over 59 steps, 1 to 14 explorations hold with probability 0.997
    expect(1 <= counts["explore"] <= 14, f"{counts['explore']} explorations in 59 steps at p = 0.1")
    units = bowl_units(result)
    checked = _lipo_rule_holds(units, result.values, roles, _adalipo_k(0.01), {"exploit"})
    check_nonfinite(result, objective)
    reproducible(lipo_search, space, n_trials=15)
    documented_defaults(lipo_search, space, n_trials=30, seed=0, lipschitz=None, p=0.1, alpha=0.01, max_draws=10_000)
    # another α: the estimate on the grid (1 + α)^i of that α
    coarse = lipo_search(bowl, space, n_trials=25, seed=5, alpha=0.5)
    coarse_roles = [t.role for t in coarse.trials]
    _lipo_rule_holds(bowl_units(coarse), coarse.values, coarse_roles, _adalipo_k(0.5), {"exploit"})
    # p = 0 never explores, p = 1 always does (both ends are probabilities)
    for p, explores in ((0.0, 0), (1.0, 24)):
        got = [t.role for t in lipo_search(bowl, space, n_trials=25, seed=5, p=p).trials].count("explore")
        expect(got == explores, f"p = {p}: {got} of 24 steps explored, expected {explores}")
    raises(ValueError, r"^n_trials must be at least 1, got 0$", lambda: lipo_search(bowl, space, n_trials=0))
    raises(ValueError, r"^max_draws must be at least 1, got 0$", lambda: lipo_search(bowl, space, max_draws=0))
    raises(ValueError, r"^alpha must be positive, got 0\.0$", lambda: lipo_search(bowl, space, alpha=0.0))
    raises(ValueError, r"^p must be a probability in \[0, 1\], got -0\.1$", lambda: lipo_search(bowl, space, p=-0.1))
    return {"roles": counts, "exploit trials checked against the bound": checked,
            "best after 60 trials": float(f"{result.best.value:.3g}")}


def _bound_inputs(dt):
    return st.tuples(st.integers(0, 5), st.integers(1, 5), st.integers(1, 3)).flatmap(lambda s: samples(
        arrays(dt, (s[0], s[2]), 0.0, 1.0), arrays(dt, (s[1], s[2]), 0.0, 1.0), arrays(dt, (s[1],), -3.0, 3.0),
        floats(np.float64, 0.1, 10.0)))


def _estimate_inputs(dt):
    return st.tuples(st.integers(0, 6), st.integers(1, 3)).flatmap(lambda s: samples(
        arrays(dt, (s[0], s[1]), 0.0, 1.0), arrays(dt, (s[0],), -3.0, 3.0),
        optional={"alpha": st.sampled_from([0.01, 0.1, 0.5])}))


def _estimate_edges(dt):
    u = np.array([[0.0, 0.0], [0.0, 0.0], [0.5, 0.0], [0.2, 0.7]], dt)
    return [
        Sample((u, np.array([1.0, 1.0, 2.0, 0.3], dt)), {}, "a point evaluated twice"),
        Sample((u, np.array([1.0, 5.0, 2.0, 0.3], dt)), {"alpha": 0.1}, "the same point with two values"),
        Sample((u, np.full(4, 2.0, dt)), {}, "a constant function: k = 0"),
        Sample((u[:1], np.array([1.0], dt)), {}, "one point: no slope"),
        Sample((np.array([[0.5, 0.0], [0.5, 0.5]], dt), np.array([0.0, 1.0], dt)), {}, "slope exactly 2"),
        # a largest slope that is itself a grid point (1 + α)^k: k̂ is that point, not the next; the logarithm's
        # rounding lands on either side of k, so both of the estimate's correcting loops are exercised
        *(Sample((np.array([[0.0], [1.0]], dt), np.array([0.0, (1.0 + alpha) ** k], dt)), {"alpha": alpha},
                 f"slope exactly (1 + {alpha})^{k}")
          for alpha, ks in ((0.01, (-300, -37, 1, 37, 250)), (0.1, (-20, 3, 29)), (0.5, (-7, 11)))
          for k in ks),
        # one ulp above a grid point: the logarithm rounds to k itself, and k̂ must still step up to k + 1
        *(Sample((np.array([[0.0], [1.0]], dt), np.array([0.0, np.nextafter(dt.type((1.01) ** k), dt.type(np.inf))],
                                                         dt)), {}, f"slope one ulp above 1.01^{k}")
          for k in (-37, 37, 250)),
    ]



# -- the claim: LIPO against random search ---------------------------------------------------------

CLAIM_SEEDS, CLAIM_BUDGET = 15, 50


def _lipo_vs_random(candidate):
    """Evaluations until the best gap reaches the median final gap of random search (budget 50, 15 seeds)."""
    searches = {"AdaLIPO": candidate.get("search.lipo_search"), "random": candidate.get("search.random_search")}
    findings, curves = {}, {}
    for name, (f, space, f_star) in standard_functions(candidate).items():
        gaps = {alg: np.array([np.minimum.accumulate(search(f, space, n_trials=CLAIM_BUDGET, seed=s).values) - f_star
                               for s in range(CLAIM_SEEDS)]) for alg, search in searches.items()}
        target = float(np.median(gaps["random"][:, -1]))
        # evaluations to reach the target; budget + 1 when never reached (a censored run)
        evals = {alg: np.where((g <= target).any(1), np.argmax(g <= target, axis=1) + 1, CLAIM_BUDGET + 1)
                 for alg, g in gaps.items()}
        med = {alg: float(np.median(e)) for alg, e in evals.items()}
        expect(med["AdaLIPO"] < med["random"],
               f"{name}: AdaLIPO needs {med['AdaLIPO']:.0f} evaluations at the median to reach gap {target:.3g}, "
            f"random search {med['random']:.0f}")
        findings[name] = {"target gap": float(f"{target:.3g}"), "median evaluations AdaLIPO": med["AdaLIPO"],
                          "median evaluations random": med["random"]}
        curves[name] = {alg: np.median(g, axis=0) / target for alg, g in gaps.items()}

    def draw(ax):
        t = np.arange(1, CLAIM_BUDGET + 1)
        for i, (name, c) in enumerate(curves.items()):
            ax.semilogy(t, c["AdaLIPO"], color=f"C{i}", label=f"{name}, AdaLIPO")
            ax.semilogy(t, c["random"], color=f"C{i}", ls="--", label=f"{name}, random")
        ax.axhline(1.0, color="k", lw=0.8)
        ax.set_xlabel("evaluations")
        ax.set_ylabel(f"median best gap / target ({CLAIM_SEEDS} seeds)")
        ax.legend(fontsize=7)

    figures.save("hp.lipo.vs_random", draw, title="AdaLIPO against random search")
    return findings


RECORDS = (
    Record(
        id="hp.lipo",
        kind="A",
        section=SECTION,
        equation=r"x_{t+1} \sim \mathcal U\{x : \max_i (f(x_i) - k\lVert x - x_i\rVert) \le \min_i f(x_i)\}",
        check=_lipo_check,
        mistakes=(
            Mistake("accepts-any", "every uniform draw evaluated", M.lipo_search_accepts_any, "search.lipo_search"),
            Mistake("against-worst", "bound compared with the worst value so far", M.lipo_search_against_worst,
                    "search.lipo_search"),
            Mistake("min-bound", "min_i instead of max_i in the bound", M.lipo_search_min_bound, "search.lipo_search"),
        ),
        errors=(ErrorInput(Sample((branin, {})), ValueError, r"space is empty", "search.lipo_search"),),
        deviations=(Deviation(
            "line 310: LIPO 'has no parameters' (这个方法没有参数)",
            "true of the method the guide's source (King 2017) describes, dlib's MaxLIPO+TR (hp.lipo/maxlipo: its only "
            "inputs are the box and the budget), not of the LIPO the name points to: Malherbe & Vayatis's LIPO needs "
            "the Lipschitz constant k (with k = 0.05 against a true 4.24, almost every step falls back to a uniform "
            "draw), and their AdaLIPO trades k for its own p and α", _lipo_needs_its_constant, source="guide"),),
        notes="Minimisation form of Malherbe & Vayatis's rule. The bound is checked with torch.cdist on the trials' "
              "unit coordinates, recomputed from their parameters.",
    ),
    Record(
        id="hp.lipo/adaptive",
        kind="A",
        section=SECTION,
        equation=r"\hat k_t = \min\{(1+\alpha)^i \ge \max_{i \ne j} |f_i - f_j| / \lVert x_i - x_j\rVert\};\ "
                 r"\text{explore with probability } p",
        check=_adalipo_check,
        mistakes=(
            Mistake("no-exploration", "p ignored", M.adalipo_no_exploration, "search.lipo_search"),
            Mistake("min-bound", "min_i instead of max_i in the bound", M.lipo_search_min_bound, "search.lipo_search"),
        ),
    ),
    Record(
        id="hp.lipo/bound",
        kind="A",
        section=SECTION,
        equation=r"L(x) = \max_i \bigl(f_i - k\lVert x - x_i\rVert_2\bigr)",
        candidate="search.lipschitz_lower_bound",
        reference="search.lipschitz_lower_bound",
        inputs=_bound_inputs,
        mistakes=(
            Mistake("min-over-points", "min_i instead of max_i", M.lipschitz_lower_bound_min),
            Mistake("squared-distance", "k‖x − x_i‖²", M.lipschitz_lower_bound_squared),
        ),
    ),
    Record(
        id="hp.lipo/estimate",
        kind="A",
        section=SECTION,
        equation=r"\hat k = \min\{(1+\alpha)^i : i \in \mathbb Z,\ (1+\alpha)^i \ge \max_{i \ne j} |f_i - f_j| / "
                 r"\lVert x_i - x_j\rVert\}",
        candidate="search.lipschitz_estimate",
        reference="search.lipschitz_estimate",
        inputs=_estimate_inputs,
        edges=_estimate_edges,
        dtypes=(np.float64,),
        mistakes=(
            Mistake("mean-slope", "the mean slope, not the largest", M.lipschitz_estimate_mean_slope),
            Mistake("not-rounded", "the largest slope itself", M.lipschitz_estimate_unrounded),
            Mistake("rounded-down", "the grid point below the slope", M.lipschitz_estimate_rounded_down),
        ),
        notes="float64 only: k̂ jumps by a factor 1 + α where the slope crosses a grid point, so two float32 "
              "computations of one slope one ULP apart may legitimately land a step apart.",
    ),
    Record(
        id="hp.lipo.vs_random/adalipo",
        kind="C",
        section=SECTION,
        equation=r"\operatorname{median}_{\text{seeds}} T_{\text{AdaLIPO}}(\varepsilon) < "
                 r"\operatorname{median}_{\text{seeds}} T_{\text{random}}(\varepsilon)",
        check=_lipo_vs_random,
        mistakes=(
            Mistake("accepts-any", "LIPO without its rejection: random search", M.lipo_search_accepts_any,
                    "search.lipo_search"),
            Mistake("min-bound", "min_i instead of max_i in the bound", M.lipo_search_min_bound, "search.lipo_search"),
        ),
        notes=f"Branin, Hartmann-3 and Rosenbrock in two dimensions; {CLAIM_SEEDS} seeds, {CLAIM_BUDGET} evaluations. "
              "The target gap ε is random search's median final gap; T(ε) is the evaluations needed to reach it "
              f"({CLAIM_BUDGET + 1} when never reached). AdaLIPO (p = 0.1, α = 0.01) is not the parameter-free method "
              "the guide means (that is MaxLIPO+TR, hp.lipo.vs_random): this variant shows Malherbe & Vayatis's own "
              "algorithm beating random search too.",
    ),
)

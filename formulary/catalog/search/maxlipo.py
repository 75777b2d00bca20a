"""MaxLIPO+TR (guide §3.2, method 6), dlib's find_min_global: the bound's quadratic programme
against SciPy's primal solution, the bound against torch, and the search against dlib itself.

The guide's "this method has no parameters" is about this algorithm: its only inputs are the
box and the budget (dlib's constants are fixed, not tuned).  ``hp.lipo.vs_random`` measures
the guide's other half, "proven better than random search", on it.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from formulary.candidate import oracle
from formulary.catalog._arguments import named_errors
from formulary.catalog.search import maxlipo_steps
from formulary.catalog.search._shared import (
    SECTION,
    bowl,
    bowl_space,
    branin,
    check_nonfinite,
    dims,
    documented_defaults,
    flaky,
    raises,
    reproducible,
)
from formulary.mistakes import search as MS
from formulary.mistakes import search_lipo as M
from formulary.record import ErrorInput, Mistake, Record, Sample
from formulary.strategies import arrays, samples
from formulary.verdict import expect

FIT = "search.maxlipo_model.lipschitz_fit"
SEARCH = "search.maxlipo.maxlipo_search"
FMG = "search.maxlipo.find_min_global"
QP_TOL = 1e-6  # SciPy's SLSQP (ftol 1e-15) lands within ~1e-8 of the optimum on these problems


def _fit_problems():
    """Seeded point sets: 2–8 points in 1–3 dimensions of unequal ranges, values of unequal spread,
    one set with a repeated point, one with a constant column."""
    rng = np.random.default_rng(15)
    out = []
    for t in range(7):
        n, d = int(rng.integers(2, 9)), int(rng.integers(1, 4))
        x = rng.random((n, d)) * rng.choice([1.0, 10.0, 100.0], d)
        f = rng.standard_normal(n) * rng.choice([0.1, 1.0, 50.0])
        if t == 3 and n > 2:
            x[1] = x[0]
        if t == 5:
            x[:, 0] = 2.0
        out.append((x, f))
    return out


def _fit_check(candidate):
    fit = candidate.get(FIT)
    qp = oracle("search.maxlipo_qp")
    worst = 0.0
    for x, f in _fit_problems():
        slopes, offsets, _ = fit(x, f)
        k, s, _ = qp(x, f)
        for name, got, want in (("slopes", slopes, k), ("offsets", offsets, s)):
            err = float(np.max(np.abs(np.asarray(got) - want)) / (1.0 + np.max(np.abs(want))))
            worst = max(worst, err)
            expect(err <= QP_TOL, f"{name} {np.round(got, 6)} differ from the quadratic programme's optimum "
                   f"{np.round(want, 6)} (SciPy SLSQP on the primal) by {err:.2e} relative, expected <= {QP_TOL}; "
                   f"x = {np.round(x, 3).tolist()}, f = {np.round(f, 3).tolist()}")
    # dlib's pruning: refitting on the returned active pairs alone gives the same constants
    x, f = _fit_problems()[6]
    slopes, offsets, active = fit(x, f)
    again = fit(x, f, pairs=active)
    same = (np.allclose(again[0], slopes, rtol=1e-9, atol=1e-12)
            and np.allclose(again[1], offsets, rtol=1e-9, atol=1e-12))
    expect(same,
           f"refitting on the active pairs {active.tolist()} moved the constants: {slopes} -> {again[0]}")
    return {"point sets against SLSQP": len(_fit_problems()), "worst relative difference": float(f"{worst:.2g}")}


def _bound_inputs(dt):
    return st.tuples(st.integers(0, 5), st.integers(1, 5), st.integers(1, 3)).flatmap(lambda s: samples(
        arrays(dt, (s[0], s[2]), 0.0, 1.0), arrays(dt, (s[1], s[2]), 0.0, 1.0), arrays(dt, (s[1],), -3.0, 3.0),
        arrays(dt, (s[2],), 0.0, 10.0), arrays(dt, (s[1],), 0.0, 0.1)))


# -- the search ----------------------------------------------------------------------------------------

TARGET = 1e-3  # the gap to the optimum that counts as found


def evaluations_to(values, f_star, gap=TARGET):
    """Evaluations until the best value is within ``gap`` of ``f_star`` (len + 1 when never)."""
    reached = np.minimum.accumulate(np.where(np.isfinite(values), values, np.inf)) - f_star <= gap
    return int(np.argmax(reached)) + 1 if reached.any() else len(values) + 1


def _branin_space(candidate):
    _, Uniform, _ = dims(candidate)
    return {"x1": Uniform(-5.0, 10.0), "x2": Uniform(0.0, 15.0)}


def _lipo_steps_below_best(candidate, result):
    """The share of "lipo" trials whose lower bound (the candidate's fit on all earlier trials) is below the
    best value before them: MaxLIPO only evaluates a point that could improve."""
    fit = candidate.get(FIT)
    lo, hi = np.array([-5.0, 0.0]), np.array([10.0, 15.0])
    z = lo + result.units * (hi - lo)
    values = result.values
    below = total = 0
    for t, trial in enumerate(result.trials):
        if trial.role != "lipo":
            continue
        slopes, offsets, _ = fit(z[:t], values[:t])
        bound = np.max(values[:t] - np.sqrt(offsets + ((z[t] - z[:t]) ** 2) @ slopes))
        below += bound < values[:t].min()
        total += 1
    return below, total


def _search_check(candidate):
    search = candidate.get(SEARCH)
    Choice, Uniform, LogUniform = dims(candidate)
    space = {**bowl_space(candidate), "act": Choice(("relu", "tanh", "gelu"))}
    objective = flaky(lambda p: bowl(p) + (0.0 if p["act"] == "tanh" else 0.5))
    result = search(objective, space, n_trials=20, seed=1)
    roles = [t.role for t in result.trials]
    first = result.trials[0].params
    expect(math.isclose(first["lr"], 1e-2, rel_tol=1e-9) and first["m"] == 0.5 and first["act"] == "tanh",
           f"the first trial is the centre of the box in the searched coordinates (lr = 1e-2, the geometric "
           f"centre of [1e-4, 1]; m = 0.5; the middle choice), got {first}")
    # max(3, d) = 3 finite initial points; call 1 returns NaN, which the model never counts
    expect(roles[:4] == ["initial"] * 4 and set(roles[4:]) <= {"trust-region", "lipo", "random"},
           f"roles: 4 initial points (3 finite ones and the NaN of call 1) then trust-region/lipo/random steps, "
           f"got {roles}")
    expect(all(not (a == b == "trust-region") for a, b in zip(roles, roles[1:], strict=False)),
           f"two trust-region steps in a row: the steps alternate, got {roles}")
    expect(roles.count("trust-region") >= 3, f"only {roles.count('trust-region')} trust-region steps in 20: {roles}")
    check_nonfinite(result, objective)
    reproducible(search, bowl_space(candidate), n_trials=12)
    documented_defaults(search, bowl_space(candidate), n_trials=30, seed=0)
    # dlib's own interface: a range of ratio >= 1000 searched in log x, integer variables drawn rounded
    fmg = candidate.get("search.maxlipo.find_min_global")
    seen = []
    x, _, xs, _, _ = fmg(lambda v: seen.append(list(v)) or (math.log10(v[0]) + 2) ** 2 + (v[1] - 3) ** 2,
                         [1e-4, 0.0], [1.0, 10.0], 8, is_integer=[False, True], seed=0)
    expect(math.isclose(seen[0][0], 1e-2, rel_tol=1e-9) and seen[0][1] == 5.0,
           f"find_min_global's first point is the box's centre, geometric on [1e-4, 1] (1e-2) and rounded on the "
           f"integer range [0, 10] (5), got {seen[0]}")
    expect(all(float(v[1]).is_integer() for v in seen), f"an integer variable took non-integer values: {seen}")
    raises(ValueError, r"integer", lambda: fmg(lambda v: 0.0, [0.5], [3.0], 3, is_integer=[True]))
    raises(ValueError, r"space is empty", lambda: search(bowl, {}))
    box = bowl_space(candidate)
    raises(TypeError, r"^n_trials must be an int, got float$", lambda: search(bowl, box, n_trials=2.5))
    raises(ValueError, r"^n_trials must be at least 1, got 0$", lambda: search(bowl, box, n_trials=0))
    # Branin: evaluations to reach 1e-3 of the optimum, and MaxLIPO's own rule on its steps
    f_star = 5 / (4 * math.pi)
    found, below, total = [], 0, 0
    for seed in (0, 1):
        run = search(branin, _branin_space(candidate), n_trials=24, seed=seed)
        found.append(evaluations_to(run.values, f_star))
        b, t = _lipo_steps_below_best(candidate, run)
        below, total = below + b, total + t
    expect(max(found) <= 24, f"Branin: evaluations to reach {TARGET} of the optimum {found} (seeds 0, 1), expected "
           f"<= 24 (dlib's find_min_global: 17 and 21 on its own seeds)")
    expect(below >= 0.8 * total, f"only {below} of {total} lipo steps had a lower bound below the best value: "
           "the candidate of lowest bound is the one to evaluate")
    maxlipo_steps.interface(candidate)
    return {"roles of 20 trials": {r: roles.count(r) for r in dict.fromkeys(roles)},
            "Branin evaluations to 1e-3 (seeds 0, 1)": found, "lipo steps below the best": f"{below}/{total}"}


def _dlib_check(candidate):
    """Against dlib itself (its global_function_search, seeded): evaluations to 1e-3 on Branin and
    Goldstein–Price over two seeds each, impl's median within 1.5× dlib's (+ 3)."""
    search = candidate.get(SEARCH)
    run_dlib = oracle("search.dlib_search")
    _, Uniform, _ = dims(candidate)
    problems = {
        "Branin": (lambda v: branin({"x1": v[0], "x2": v[1]}), [-5.0, 0.0], [10.0, 15.0], 5 / (4 * math.pi)),
        "Goldstein-Price": (maxlipo_steps.goldstein_price, [-2.0, -2.0], [2.0, 2.0], 3.0),
    }
    findings = {}
    for name, (f, lo, hi, f_star) in problems.items():
        space = {f"x{i}": Uniform(a, b) for i, (a, b) in enumerate(zip(lo, hi, strict=False))}
        ours = [evaluations_to(search(lambda p, f=f: f([p["x0"], p["x1"]]), space, n_trials=40, seed=s).values, f_star)
                for s in range(2)]
        theirs = [evaluations_to(run_dlib(f, lo, hi, 40, seed=s)[1], f_star) for s in range(2)]
        expect(np.median(ours) <= 1.5 * np.median(theirs) + 3, f"{name}: evaluations to {TARGET}: impl {ours}, dlib "
               f"{theirs} (median {np.median(ours)} against {np.median(theirs)}), expected within 1.5x + 3")
        findings[name] = {"impl evaluations": ours, "dlib evaluations": theirs}
    findings["trust-region steps against dlib's"] = maxlipo_steps.lockstep(candidate)
    return findings


def _flat(v):
    return 0.0


RECORDS = (
    Record(
        id="hp.lipo/maxlipo_fit",
        kind="A",
        section=SECTION,
        equation=r"\min_{k,\sigma \ge 0} \lVert k\rVert^2 + \lVert\sigma\rVert^2\ \text{s.t.}\ (f_i - f_j)^2 \le "
                 r"\textstyle\sum_d k_d (x_{id} - x_{jd})^2 + \nu\,\sigma_{\arg\max(f_i, f_j)}",
        check=_fit_check,
        mistakes=(
            Mistake("one-global-k", "one Lipschitz constant for every dimension", M.lipschitz_fit_one_k, FIT),
            Mistake("offset-on-better", "the noise offset on the better point", M.lipschitz_fit_offset_on_better, FIT),
            Mistake("unscaled", "the programme in raw units", M.lipschitz_fit_unscaled, FIT),
            Mistake("no-noise", "no noise term", M.lipschitz_fit_no_noise, FIT),
        ),
        errors=(ErrorInput(Sample((np.zeros((3, 2)), np.zeros(2))), ValueError, r"x must be \(n, d\)", FIT),),
        notes="The oracle is the primal programme solved by SciPy's SLSQP; the candidate solves it as Lawson & "
              "Hanson's "
              "least-distance programme through NNLS (dlib uses dual coordinate descent). Following dlib, each offset "
              "is ν σ_i in the standardised units of f while the slopes are in raw units (upper_bound_function.h).",
    ),
    Record(
        id="hp.lipo/maxlipo_bound",
        kind="A",
        section=SECTION,
        equation=r"L(c) = \max_i \bigl(f_i - \sqrt{\sigma_i + \textstyle\sum_d k_d (c_d - x_{id})^2}\bigr)",
        candidate="search.maxlipo_model.maxlipo_lower_bound",
        reference="search_maxlipo.maxlipo_lower_bound",
        inputs=_bound_inputs,
        dtypes=(np.float64,),
        mistakes=(
            Mistake("min-over-points", "min_i instead of max_i", M.maxlipo_lower_bound_min),
            Mistake("offset-outside-root", "σ_i added outside the square root", M.maxlipo_lower_bound_offset_outside),
        ),
    ),
    Record(
        id="hp.lipo/maxlipo",
        kind="A",
        section=SECTION,
        equation=r"x_{t+1} = \arg\min_{\lVert p\rVert \le \Delta} Q(x^* + p)\ \text{and}\ "
                 r"\arg\min_{c \in C_t} L_t(c)\ \text{in turn}",
        check=_search_check,
        mistakes=(
            Mistake("no-trust-region", "pure MaxLIPO: no trust-region steps", M.maxlipo_search_no_trust_region, SEARCH),
            Mistake("bound-maximised", "the candidate of highest bound", M.maxlipo_search_bound_maximised, SEARCH),
            Mistake("log-ignored", "a LogUniform searched linearly", M.maxlipo_search_log_ignored, SEARCH),
        ),
        errors=(ErrorInput(Sample((bowl, {"c": None})), TypeError, r"space\['c'\]", SEARCH),
                *named_errors(("f", "lower", "upper", "num_function_calls", "is_integer"),
                              (_flat, [0.0, 0.0], [1.0, 1.0], 3), bad=(
                                  ("lower", [0.0]), ("upper", []), ("lower", [-math.inf, 0.0]),
                                  ("upper", [1.0, math.nan]), ("lower", [1.0, 0.0]),
                                  ("num_function_calls", 2.5, TypeError), ("is_integer", [True]),
                              ), target=FMG),
                ErrorInput(Sample((_flat, [0.5], [3.0], 3), {"is_integer": [True]}), ValueError,
                           r"\ban integer variable needs integer lower and upper bounds\b", FMG)),
        notes="Roles: initial (the box's centre, then uniform points up to max(3, d)), trust-region, lipo (the lowest "
              "bound of 5000 uniform candidates, when below the best) and random (probability 0.02, or no candidate "
              "below the best). A Choice is an integer variable; the trust-region step keeps it at the best "
              "point's value.",
    ),
    Record(
        id="hp.lipo/maxlipo_subproblem",
        kind="A",
        section=SECTION,
        equation=r"\min_p \tfrac12 p^\top B p + g^\top p\ \text{s.t.}\ \lVert p\rVert \le \Delta,\ l \le p \le u",
        check=maxlipo_steps.subproblem,
        mistakes=(Mistake("clipped", "the ball's step clipped to the box", M.trust_region_subproblem_clipped,
                          maxlipo_steps.SUBPROBLEM),),
        notes="The trust-region step of MaxLIPO+TR (dlib's solve_trust_region_subproblem_bounded) on ten models: "
              "inside the ball, on its sphere, indefinite, the hard case, and boxes that cut the step; the judge is "
              "SciPy's SLSQP on the whole problem from many starts. dlib solves the ball's problem iteratively to "
              "1e-3; the candidate exactly (hp.lipo/dlib compares the steps themselves with dlib's).",
    ),
    Record(
        id="hp.lipo/maxlipo_quadratic",
        kind="A",
        section=SECTION,
        equation=r"\min_{H = H^\top, g, c} \lVert H\rVert_F\ \text{s.t.}\ "
                 r"\tfrac12 x_i^\top H x_i + g^\top x_i + c = y_i",
        check=maxlipo_steps.quadratic,
        mistakes=(Mistake("least-norm", "pinv's least-norm coefficients below (d+1)(d+2)/2 points",
                          M.fit_quadratic_least_norm, maxlipo_steps.QUADRATIC),),
        errors=(ErrorInput(Sample((np.zeros((2, 2)), np.zeros(2))), ValueError,
                           r"^x needs at least d \+ 1 = 3 points, got 2$", maxlipo_steps.QUADRATIC),),
        notes="The trust-region step's model (dlib's fit_quadratic_to_points): Powell's least-Frobenius-norm "
              "interpolant below (d+1)(d+2)/2 points, least squares from there on, judged by SciPy's SLSQP on the "
              "stated programme (a repeated point kept once) and numpy's lstsq. With a repeated point dlib's LU "
              "gives NaN; the candidate the programme's solution.",
    ),
    Record(
        id="hp.lipo/dlib",
        kind="A",
        section=SECTION,
        equation=r"\operatorname{median}_s T_{\text{impl}}(10^{-3}) \le 1.5\,\operatorname{median}_s "
                 r"T_{\text{dlib}}(10^{-3}) + 3",
        check=_dlib_check,
        mistakes=(
            Mistake("no-trust-region", "pure MaxLIPO", M.maxlipo_search_no_trust_region, SEARCH),
            Mistake("random", "random search in its place", MS.lipo_search_accepts_any, SEARCH),
        ),
        notes="dlib's global_function_search stepped by hand (dlib-bin, in the test extra), so that find_min_global's "
              "wall-clock rule, which turns a cheap objective's search into random search, does not apply. Without "
              "dlib the record fails and names the missing package. The long comparison over six problems is "
              "benchmarks/thorough/search_oracles.py.",
    ),
)

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
NNLS = "search.maxlipo_model.nnls"
# the oracle's programme divides by ν (its start): the noise-free fit is judged by it at ν = 1e-12, whose
# solution is within O(ν²) of the noise-free one (relieving a constraint by ν σ costs σ² = (relief / ν)²)
NOISE_FREE = 1e-12


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


def _against_qp(got, want, name, x, f, noise):
    err = float(np.max(np.abs(np.asarray(got) - want)) / (1.0 + np.max(np.abs(want))))
    expect(err <= QP_TOL, f"{name} {np.round(got, 6)} differ from the quadratic programme's optimum "
           f"{np.round(want, 6)} (SciPy SLSQP on the primal) by {err:.2e} relative, expected <= {QP_TOL}; "
           f"noise = {noise}, x = {np.round(x, 3).tolist()}, f = {np.round(f, 3).tolist()}")
    return err


def _fit_check(candidate):
    fit = candidate.get(FIT)
    qp = oracle("search.maxlipo_qp")
    worst = 0.0
    for x, f in _fit_problems():
        slopes, offsets, _ = fit(x, f)
        k, s, _ = qp(x, f)
        worst = max(worst, _against_qp(slopes, k, "slopes", x, f, 1e-3), _against_qp(offsets, s, "offsets", x, f, 1e-3))
    # noise = 0 is a fit without offsets (a repeated point with two values has none: those sets are left out)
    noise_free = [(x, f) for x, f in _fit_problems() if len(np.unique(x, axis=0)) == len(x)]
    for x, f in noise_free:
        slopes, offsets, _ = fit(x, f, noise=0.0)
        expect(np.array_equal(offsets, np.zeros(len(x))), f"noise = 0: the offsets are {offsets}, expected all 0")
        worst = max(worst, _against_qp(slopes, qp(x, f, noise=NOISE_FREE)[0], "slopes", x, f, 0.0))
        i, j = np.triu_indices(len(x), k=1)
        slack = ((x[i] - x[j]) ** 2) @ np.asarray(slopes) - (f[i] - f[j]) ** 2
        expect(bool((slack >= -1e-9 * (f[i] - f[j]) ** 2).all()), f"noise = 0: the slopes {slopes} leave a pair "
               f"above the bound, (f_i - f_j)^2 > sum_d k_d (x_id - x_jd)^2 by {-slack.min():.3g}")
    # dlib's pruning: refitting on the returned active pairs alone gives the same constants
    x, f = _fit_problems()[6]
    slopes, offsets, active = fit(x, f)
    again = fit(x, f, pairs=active)
    same = (np.allclose(again[0], slopes, rtol=1e-9, atol=1e-12)
            and np.allclose(again[1], offsets, rtol=1e-9, atol=1e-12))
    expect(same,
           f"refitting on the active pairs {active.tolist()} moved the constants: {slopes} -> {again[0]}")
    # the bound from these constants, in float64 whatever the arrays' dtype
    rng = np.random.default_rng(3)
    bound = candidate.get("search.maxlipo_model.maxlipo_lower_bound")
    maxlipo_steps.float32_in_float64(bound, "maxlipo_lower_bound", (rng.random((6, x.shape[1])), x, f, slopes,
                                                                    offsets + 0.01))
    # before any point the bound says nothing: the maximum over no points is -inf at every candidate
    empty = np.asarray(bound(rng.random((3, 2)), np.zeros((0, 2)), np.zeros(0), np.ones(2), np.zeros(0)))
    expect(empty.shape == (3,) and bool(np.all(empty == -np.inf)),
           f"with no points the bound must be -inf at each of 3 candidates, got {empty.tolist()}")
    return {"point sets against SLSQP": len(_fit_problems()), "noise-free point sets": len(noise_free),
            "worst relative difference": float(f"{worst:.2g}"), "NNLS problems against SciPy": _nnls_check(candidate)}


def _nnls_problems():
    """(A, b): seeded problems whose columns share a common factor, so that a variable taken early must leave
    the passive set when the others come in (Lawson & Hanson's inner loop), and two designed ones."""
    out = []
    for seed in (4, 6, 7, 13, 14, 16, 17):
        rng = np.random.default_rng(seed)
        common = rng.standard_normal((12, 1))
        out.append((common + 0.3 * rng.standard_normal((12, 6)), rng.standard_normal(12) + 2 * common[:, 0]))
    # column 1 enters first, then 2, then 0; the step back lands 1, then 2 on zero, one at a time (the least
    # squares on columns {0, 2} is exactly (2, 0): a passive variable at zero, none negative): u = (2, 0, 0)
    out.append((np.array([[1.0, 3.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, -1.0]]), np.array([1.0, 3.0, 1.0])))
    # column 0 enters first (a_0'b = 3 > a_1'b = 2), and leaves once column 1 explains b alone: u = (0, 1)
    out.append((np.array([[3.0, 1.0], [0.0, 1.0]]), np.array([1.0, 1.0])))
    return out


def _nnls_check(candidate):
    """The candidate's NNLS against SciPy's (scipy.optimize.nnls), and the KKT conditions of min ||Au - b||, u >= 0:
    w = A'(b - Au) <= 0 where u = 0, w = 0 where u > 0."""
    import scipy.optimize  # noqa: PLC0415 -- the oracle may be missing: the record then fails, naming it

    nnls = candidate.get(NNLS)
    for a, b in _nnls_problems():
        u = np.asarray(nnls(a, b), dtype=np.float64)
        want = scipy.optimize.nnls(a, b)[0]
        err = float(np.max(np.abs(u - want)) / (1.0 + np.max(np.abs(want))))
        w = a.T @ (b - a @ u)
        tol = 1e-9 * np.linalg.norm(a) * (1.0 + np.linalg.norm(b))
        where = f"A = {np.round(a, 3).tolist()}, b = {np.round(b, 3).tolist()}"
        expect(err <= 1e-10, f"NNLS: u = {u} differs from SciPy's {want} by {err:.2e} relative; {where}")
        expect(bool((u >= 0).all()), f"NNLS: u = {u} has a negative entry; {where}")
        expect(bool((w[u == 0] <= tol).all() and (np.abs(w[u > 0]) <= tol).all()),
               f"NNLS: the KKT conditions fail at u = {u}: w = A'(b - Au) = {w} (expected <= {tol:.1g} where u = 0, "
               f"|w| <= {tol:.1g} where u > 0); {where}")
    return len(_nnls_problems())


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
    flat = _one_value_choice(candidate)
    _engine_box(candidate)
    raises(TypeError, r"^objective must return a real number, got str for \{'act': 'relu', 'm': 0\.5\}$",
           lambda: search(lambda p: "low", {"act": Choice(("relu",)), "m": Uniform(0.0, 1.0)}, n_trials=3))
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
            "Branin evaluations to 1e-3 (seeds 0, 1)": found, "lipo steps below the best": f"{below}/{total}",
            "one-valued Choice: evaluations to 1e-3": flat}


def _one_value_choice(candidate):
    """A Choice of one value beside a range: nothing to search there, every trial carries that value at the unit
    point's centre ((0 + 1/2) / 1), and the range is searched as usual."""
    search = candidate.get(SEARCH)
    Choice, Uniform, _ = dims(candidate)
    result = search(lambda p: (p["m"] - 0.3) ** 2, {"act": Choice(("relu",)), "m": Uniform(0.0, 1.0)},
                    n_trials=12, seed=1)
    acts, units = [t.params["act"] for t in result.trials], result.units
    expect(acts == ["relu"] * 12, f"a Choice of one value took other values: {acts}")
    expect(bool((units[:, 0] == 0.5).all() and ((units >= 0) & (units <= 1)).all()),
           f"the one-valued Choice's unit coordinate is (0 + 1/2) / 1 = 0.5 and every unit point is in [0, 1], got "
           f"{units.tolist()}")
    expect(bool(np.isfinite(result.values).all()), f"non-finite values on a smooth objective: {result.values}")
    found = evaluations_to(result.values, 0.0)
    expect(found <= 12, f"(m - 0.3)^2 beside a one-valued Choice: not within {TARGET} of 0 in 12 evaluations, "
           f"best {np.min(result.values):.3g}")
    return found


def _engine_box(candidate):
    """search_space drives its ask/tell engine in the coordinates maxlipo_search documents: the box [log l, log u] for
    a LogUniform, [l, u] for a Uniform, the integer range [0, k - 1] for a Choice of k values, and for a Choice of
    one value a box that is not empty (dlib's function_spec needs lower < upper in every dimension: find_min_global
    refuses lower = upper) with its point held at 0; each trial is told with its point and its role."""
    run, engine = candidate.get("search.maxlipo.search_space"), candidate.get(maxlipo_steps.ENGINE)
    Choice, Uniform, LogUniform = dims(candidate)
    seen: dict = {"told": []}

    class Recording:  # the engine, recording the box it is given and what it is told
        def __init__(self, lower, upper, is_integer, seed):
            seen["box"] = (np.array(lower, float), np.array(upper, float), np.array(is_integer, bool))
            self.engine = engine(lower, upper, is_integer, seed)

        def ask(self):
            return self.engine.ask()

        def tell(self, x, value, role):
            seen["told"].append((np.array(x, float), role))
            self.engine.tell(x, value, role)

    space = {"act": Choice(("relu",)), "lr": LogUniform(1e-4, 1.0), "m": Uniform(0.0, 1.0),
             "width": Choice((16, 32, 64))}
    result = run(Recording, lambda p: bowl(p) + 0.1 * (p["width"] != 32), space, 16, 1)
    lower, upper, ints = seen["box"]
    want = (np.array([math.log(1e-4), 0.0, 0.0]), np.array([0.0, 1.0, 2.0]), [True, False, False, True])
    expect(np.allclose(lower[1:], want[0], rtol=1e-15, atol=0) and np.allclose(upper[1:], want[1], rtol=1e-15, atol=0)
           and ints.tolist() == want[2] and lower[0] == 0.0 and upper[0] > 0.0,
           f"the engine's box for a one-valued Choice, LogUniform(1e-4, 1), Uniform(0, 1) and a Choice of 3 is "
           f"lower {lower.tolist()}, upper {upper.tolist()}, integer {ints.tolist()}; expected lower [0, "
           f"log 1e-4, 0, 0], upper [> 0, log 1, 1, 2], integer {want[2]}")
    told = np.array([x for x, _ in seen["told"]])
    trials = np.array([[0.0, math.log(t.params["lr"]), t.params["m"], (16, 32, 64).index(t.params["width"])]
                       for t in result.trials])
    expect(np.allclose(told, trials, rtol=1e-12, atol=1e-12), f"the engine was told the points {told.tolist()}, "
           f"not the trials' (held at 0 for the one-valued Choice) {trials.tolist()}")
    roles = [r for _, r in seen["told"]]
    expect(roles == [t.role for t in result.trials] and "trust-region" in roles, f"the engine was told the roles "
           f"{roles}, not the trials' {[t.role for t in result.trials]} (its radius rule reads the trust-region ones)")


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
        errors=(ErrorInput(Sample((np.zeros((3, 2)), np.zeros(2))), ValueError, r"x must be \(n, d\)", FIT),
                *named_errors(("x", "f", "noise", "pairs"), (np.eye(3, 2), np.arange(3.0)), bad=(
                    ("x", np.zeros((3, 2), dtype=np.int64), TypeError), ("f", np.zeros(3, dtype=np.int64), TypeError),
                    ("noise", "0.001", TypeError), ("noise", -1.0)), target=FIT),
                ErrorInput(Sample((np.eye(3, 2), np.arange(3.0)), {"noise": -1.0}), ValueError,
                           r"^noise must be non-negative, got -1\.0$", FIT)),
        notes="The oracle is the primal programme solved by SciPy's SLSQP; the candidate solves it as Lawson & "
              "Hanson's "
              "least-distance programme through NNLS (dlib uses dual coordinate descent). Following dlib, each offset "
              "is ν σ_i in the standardised units of f while the slopes are in raw units (upper_bound_function.h). "
              "noise = 0 (no offsets) is judged by the same oracle at ν = 1e-12; the NNLS itself by "
              "scipy.optimize.nnls and its KKT conditions, on problems where a variable must leave the passive set.",
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
                                  ("lower", ["0", "x"], TypeError), ("upper", [1.0, {}], TypeError),
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

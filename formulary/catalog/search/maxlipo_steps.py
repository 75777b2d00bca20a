"""MaxLIPO+TR step by step against dlib: the candidate's ask/tell engine (``MaxLipo``) is told dlib's own
evaluations, in dlib's order, and each trust-region step it proposes must be the one dlib's
``global_function_search`` asks for at that moment (the quadratic model, the neighbours, the radius and its
updates, the bounds, the integer variables), within dlib's own solver tolerance.  Then ``find_min_global``'s
interface: the log rule, the default seed, what it returns, and the engine it steps."""

from __future__ import annotations

import math

import numpy as np

from formulary.candidate import oracle
from formulary.catalog.search._shared import branin
from formulary.verdict import expect

ENGINE = "search.maxlipo.MaxLipo"
FMG = "search.maxlipo.find_min_global"
# dlib solves the trust-region subproblem to a relative accuracy of 1e-3 (solve_trust_region_subproblem_bounded's
# eps = 0.001 in find_max_quadraticly_interpolated_vector); the candidate solves it exactly: the steps agree to
# ~1e-3 of the radius (1.03e-3 at worst on these problems), a wrong model, radius or bound to far more
STEP_TOL = 5e-3


def goldstein_price(v):
    x1, x2 = v
    a = 1 + (x1 + x2 + 1) ** 2 * (19 - 14 * x1 + 3 * x1**2 - 14 * x2 + 6 * x1 * x2 + 3 * x2**2)
    b = 30 + (2 * x1 - 3 * x2) ** 2 * (18 - 32 * x1 + 12 * x1**2 + 48 * x2 - 36 * x1 * x2 + 27 * x2**2)
    return a * b


def _wavy(v):
    v = np.asarray(v, float)
    return float(np.sum((v - 0.3) ** 2) + np.sin(3 * v[0]))


def _mixed(v):
    return (v[0] - 0.3) ** 2 + (v[1] - 2) ** 2 + 0.1 * v[2] + 0.05 * math.sin(7 * v[0])


def _edge(v):
    return -v[0] + 0.05 * math.sin(5 * v[0])


def _line(v):
    return (v[0] - 0.3) ** 2 + 0.1 * math.sin(5 * v[0])


# (objective, lower, upper, is_integer, evaluations, seed): two, three and one free dimensions, one integer;
# none is a quadratic (on a quadratic the model is exact, hits the optimum, and the predicted improvement of the
# next step is rounding noise whose sign dlib and the candidate need not share)
STEP_PROBLEMS = {
    "Branin": (lambda v: branin({"x1": v[0], "x2": v[1]}), [-5.0, 0.0], [10.0, 15.0], None, 40, 0),
    "Goldstein-Price": (goldstein_price, [-2.0, -2.0], [2.0, 2.0], None, 40, 1),
    "wavy bowl, 3-d": (_wavy, [-1.0, -1.0, -1.0], [1.0, 1.0, 1.0], None, 40, 2),
    "mixed, x2 integer": (_mixed, [-1.0, 0.0, 0.0], [1.0, 5.0, 4.0], [False, True, False], 30, 3),
    "1-d": (_line, [-1.0], [2.0], None, 20, 4),
    # the best point on the box's edge, the model's descent pointing out of it: every variable of the step is held
    # at its bound, p = 0, the predicted improvement 0, and dlib takes no trust-region step there
    "1-d, best on the bound": (_edge, [-1.0], [2.0], None, 16, 5),
}


def lockstep(candidate):
    """Each problem: dlib proposes, the candidate's engine is told dlib's points; at every trust-region step the
    engine's proposal must be dlib's.  Returns, per problem, the steps compared and the worst gap / radius."""
    engine = candidate.get(ENGINE)
    run_dlib = oracle("search.dlib_search")
    out = {}
    for name, (f, lo, hi, ints, n, seed) in STEP_PROBLEMS.items():
        flags = ints or [False] * len(lo)
        # the flags as 0/1 integers: the engine reads any array of truth values as its integer mask
        state = engine(np.array(lo), np.array(hi), np.array(flags, dtype=int), seed)
        seen = {"steps": 0, "worst": 0.0}

        def told(x, f=f, state=state, seen=seen, name=name, lo=lo, hi=hi):
            z, role = state.ask()
            x = np.array(x, dtype=np.float64)
            expect(bool(((np.asarray(z) >= lo) & (np.asarray(z) <= hi)).all()),
                   f"{name}: the {role} point {np.asarray(z).tolist()} is outside the box [{lo}, {hi}]")
            if role == "trust-region":
                gap = float(np.linalg.norm(np.asarray(z, float) - x)) / max(state.radius, 1e-300)
                expect(gap <= STEP_TOL, f"{name}, evaluation {len(state.f) + 1}: the trust-region step "
                       f"{np.round(z, 6)} "
                       f"(radius {state.radius:.6g}) is not dlib's {np.round(x, 6)}: |gap| / radius = {gap:.3g}, "
                       f"expected <= {STEP_TOL} (dlib's subproblem accuracy); points so far "
                       f"{np.round(np.array(state.x), 4).tolist()}")
                seen["steps"] += 1
                seen["worst"] = max(seen["worst"], gap)
            y = float(f(list(x)))
            state.tell(x, y, role if role == "trust-region" else "lipo")
            return y

        xs, _ = run_dlib(told, lo, hi, n, seed=seed, is_integer=flags)
        inside = bool(((xs >= np.array(lo)) & (xs <= np.array(hi))).all())
        expect(inside, f"{name}: dlib left the box? {xs.tolist()}")
        # dlib alternates: a trust-region step every other evaluation once there are more than d + 1 points
        expect(seen["steps"] >= ((n - len(lo) - 2) // 2 - 2 if f is not _edge else 2),
               f"{name}: only {seen['steps']} trust-region steps in {n} evaluations; dlib alternates trust-region "
               f"and MaxLIPO steps once there are more than d + 1 points")
        out[name] = {"trust-region steps": seen["steps"], "worst gap / radius": float(f"{seen['worst']:.2g}")}
    return out


def interface(candidate):
    """find_min_global: dlib's log rule (l > 0 and u / l >= 1000, not integer), the default seed, the engine
    it steps (the one :func:`lockstep` compares with dlib), and what it returns."""
    fmg = candidate.get(FMG)
    engine = candidate.get(ENGINE)

    def first(lower, upper, is_integer=None):
        seen = []
        fmg(lambda v: seen.append(np.array(v)) or 0.0, lower, upper, 1, is_integer=is_integer)
        return seen[0]

    for lower, upper, want, why in (
            ([1.0], [1000.0], [math.sqrt(1000.0)], "a ratio of exactly 1000 is searched in log x"),
            ([1e-3], [10.0], [0.1], "the geometric centre of [1e-3, 10]"),
            ([0.0], [1200.0], [600.0], "a range from 0 is searched linearly"),
            ([-5.0, 1.0], [10.0, 999.0], [2.5, 500.0], "ranges of ratio < 1000 are searched linearly")):
        got = first(lower, upper)
        expect(np.allclose(got, want, rtol=1e-12, atol=0), f"find_min_global's first point on [{lower}, {upper}] is "
               f"the box's centre in the searched coordinates, {want} ({why}), got {got.tolist()}")
    got = first([1.0, 0.0], [1000.0, 3.0], is_integer=[1.0, 0.0])  # flags as any array that reads as bools
    expect(np.allclose(got, [500.0, 1.5]), f"an integer range of ratio 1000 is searched linearly (centre 500.5 "
           f"rounded to 500); is_integer=[1.0, 0.0]: got {got.tolist()}")

    calls = []

    def f(v):
        calls.append(np.array(v))
        return branin({"x1": v[0], "x2": v[1]}) if len(calls) > 1 else math.nan

    best, value, xs, values, roles = fmg(f, [-5, 0], [10, 15], 30)  # integer bounds read as floats, as dlib's
    again = fmg(lambda v: branin({"x1": v[0], "x2": v[1]}) if not np.allclose(v, [2.5, 7.5]) else math.nan,
                [-5.0, 0.0], [10.0, 15.0], 30, seed=0)
    expect(np.array_equal(np.asarray(xs, float), np.asarray(again[2], float)),
           "find_min_global's default seed is 0: the call without a seed and the one with seed=0 differ")
    expect(np.shape(xs) == (30, 2) and np.array_equal(np.asarray(xs, float), np.array(calls)),
           f"find_min_global returns every evaluated point in order, an array (30, 2); got shape {np.shape(xs)}")
    expect(not np.allclose(calls[1], calls[0]), f"the centre {calls[0]} is asked once, even when its value is NaN "
           f"(the next point is a uniform one), got {calls[1]} next")
    i = int(np.nanargmin(values))
    expect(value == values[i] and np.array_equal(best, calls[i]),
           f"find_min_global's best is the lowest finite value ({values[i]} at {calls[i]}), got {value} at {best}")
    allowed = {"initial", "trust-region", "lipo", "random"}
    expect(list(roles[:3]) == ["initial"] * 3 and set(roles) <= allowed and "trust-region" in roles,
           f"roles are among {sorted(allowed)}, the first three 'initial', got {roles}")
    # the engine it steps: the same seed gives find_min_global's points and roles
    state = engine(np.array([-5.0, 0.0]), np.array([10.0, 15.0]), np.array([False, False]), 0)
    for t in range(30):
        z, role = state.ask()
        expect(np.allclose(z, calls[t], rtol=0, atol=0) and role == roles[t],
               f"evaluation {t + 1}: find_min_global asked {calls[t]} ({roles[t]}), its engine {z} ({role})")
        state.tell(z, values[t], role)
    # a trust-region step whose value is NaN achieved nothing of its predicted decrease: the radius halves
    state = engine(np.array([-2.0, -2.0]), np.array([2.0, 2.0]), np.array([False, False]), 0)
    for _ in range(40):
        z, role = state.ask()
        if role == "trust-region":
            break
        state.tell(z, goldstein_price(z), role)
    expect(role == "trust-region", "no trust-region step in 40 evaluations of Goldstein-Price")
    radius = state.radius
    for bad in (math.nan, math.inf):
        state.tell(z, bad, role)
        expect(state.radius == radius / 2, f"a trust-region step evaluated to {bad} must halve the radius "
               f"{radius} (it achieved none of its predicted decrease), got {state.radius}")
        radius = state.radius
        z, role = state.ask()
        while role != "trust-region":
            state.tell(z, goldstein_price(z), role)
            z, role = state.ask()
        radius = state.radius
    # dlib's rule is strict: ρ < 1/4 halves, ρ > 3/4 doubles; ρ exactly 1/4 keeps the radius.  The value that
    # gives ρ exactly is found from the step's predicted decrease (the engine's `pending` request, as dlib's
    # function_evaluation_request carries it), among the 129 floats nearest share·|predicted| below the anchor's
    # value; a step where none gives it exactly is evaluated as usual, and the next one tried
    for share in (0.25, 0.75):
        for _ in range(40):
            while role != "trust-region":
                state.tell(z, goldstein_price(z), role)
                z, role = state.ask()
            anchor_f, predicted = state.pending
            up = down = anchor_f - share * abs(predicted)
            near = [up]
            for _ in range(64):
                up, down = np.nextafter(up, np.inf), np.nextafter(down, -np.inf)
                near += [up, down]
            value = next((v for v in near if (anchor_f - v) / abs(predicted) == share), None)
            if value is not None:
                break
            state.tell(z, goldstein_price(z), role)
            z, role = state.ask()
        expect(value is not None, f"no trust-region step of 40 has a value with rho exactly {share} among the 129 "
               "floats nearest its target")
        rho = (anchor_f - value) / abs(predicted)
        radius = state.radius
        state.tell(z, value, role)
        expect(rho == share and state.radius == radius, f"a trust-region step that achieved exactly {share} of its "
               f"predicted decrease keeps the radius {radius} (dlib: rho < 0.25 halves, rho > 0.75 doubles), got "
               f"{state.radius}")
        z, role = state.ask()
    a, b = (fmg(goldstein_price, [-2.0, -2.0], [2.0, 2.0], 8, seed=s)[2] for s in (5, 5))
    c = fmg(goldstein_price, [-2.0, -2.0], [2.0, 2.0], 8, seed=6)[2]
    expect(np.array_equal(a, b) and not np.array_equal(a, c), "find_min_global: the same seed must give the same "
           "points and another seed other points")
    nan_x, nan_value, *_ = fmg(lambda v: math.nan, [0.0], [1.0], 3)
    expect(math.isnan(nan_value) and nan_x[0] == 0.5, f"when every value is NaN the first point (the centre 0.5) "
           f"and its NaN are returned, got {nan_x}, {nan_value}")
    # an integer grid small enough to exhaust: once no candidate's bound is below the best, a uniform point
    _, _, _, _, small = fmg(lambda v: (v[0] - 1) ** 2, [0.0], [3.0], 14, is_integer=[True])
    expect("random" in small and "lipo" in small and set(small) <= allowed,
           f"on the integer range [0, 3] (four points) MaxLIPO steps first, then 'random' steps once no bound is "
           f"below the best; got {small}")


SUBPROBLEM = "search.maxlipo_model.trust_region_subproblem"


def _rotated(evals, seed):
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((len(evals), len(evals))))
    return q @ np.diag(evals) @ q.T, q


def _subproblems():
    """(name, B, g, radius, lower, upper, hard): the ball's interior and boundary, indefinite models, the hard case
    (g without a component along the lowest eigenvector), and boxes that cut the ball's step, on either side."""
    loose = (np.full(2, -50.0), np.full(2, 50.0))
    b3, q3 = _rotated([-2.0, 1.0, 3.0], 1)
    return (
        ("positive definite, step inside", np.diag([2.0, 3.0]), np.array([0.1, -0.2]), 1.0, *loose, False),
        ("positive definite, step on the sphere", np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([3.0, -4.0]), 0.5,
         *loose, False),
        # the Newton step 5e-13 beyond the sphere: on it up to rounding, returned as it is
        ("positive definite, Newton step on the sphere", np.diag([0.5, 2.0]),
         -np.diag([0.5, 2.0]) @ (0.9 * (1 + 5e-13) * np.array([-0.6, 0.8])), 0.9, *loose, False),
        ("indefinite", np.array([[1.0, 2.0], [2.0, -3.0]]), np.array([0.3, 0.7]), 1.2, *loose, False),
        ("indefinite, 3-d", _rotated([-1.0, 0.5, 2.0], 2)[0], np.array([0.4, -0.2, 0.9]), 0.8,
         np.full(3, -50.0), np.full(3, 50.0), False),
        ("hard case, 3-d", b3, q3 @ np.array([0.0, 0.5, -0.3]), 2.0, np.full(3, -50.0), np.full(3, 50.0), True),
        ("negative definite, g = 0", np.diag([-1.0, -2.0]), np.zeros(2), 0.7, *loose, True),
        ("upper bound cuts the Newton step", np.diag([1.0, 2.0]), np.array([-3.0, 0.2]), 5.0,
         np.array([-5.0, -5.0]), np.array([1.0, 5.0]), False),
        ("upper bound cuts the ball's step", np.eye(2), np.array([-3.0, -1.0]), 2.0,
         np.array([-5.0, -5.0]), np.array([0.5, 5.0]), False),
        ("upper bound on the second variable, small ball", np.eye(2), np.array([-1.0, -3.0]), 1.0,
         np.array([-5.0, -5.0]), np.array([5.0, 0.5]), False),
        ("lower bound, indefinite", np.diag([-1.0, 2.0]), np.array([1.0, -1.0]), 1.5,
         np.array([-0.4, -5.0]), np.array([5.0, 5.0]), False),
    )


def subproblem(candidate):
    """dlib's bounded trust-region step (solve_trust_region_subproblem_bounded: the ball's minimiser, then the
    most violated variable fixed at its bound and the rest solved again in the smaller ball) against SciPy's
    SLSQP on the whole problem from many starts; on these problems the two coincide."""
    solve = candidate.get(SUBPROBLEM)
    judge = oracle("search.trust_region_qp")
    worst = 0.0
    for name, b, g, radius, lower, upper, hard in _subproblems():
        p = np.asarray(solve(b, g, radius, lower, upper), dtype=np.float64)
        want, best = judge(b, g, radius, lower, upper)
        value = float(0.5 * p @ b @ p + g @ p)
        inside = np.linalg.norm(p) <= radius * (1 + 1e-12) and bool(((p >= lower) & (p <= upper)).all())
        expect(inside, f"{name}: the step {p} leaves the ball of radius {radius} or the box [{lower}, {upper}]")
        expect(abs(value - best) <= 1e-8 * (1 + abs(best)), f"{name}: the step {np.round(p, 8)} has model value "
               f"{value:.12g}, SciPy's minimum is {best:.12g} at {np.round(want, 8)}")
        if hard:  # the minimiser is not unique (±v along the lowest eigenvector): it reaches the sphere
            expect(abs(np.linalg.norm(p) - radius) <= 1e-9 * radius,
                   f"{name}: the hard case's step ends on the sphere (|p| = {radius}), got |p| = {np.linalg.norm(p)}")
        else:
            gap = float(np.linalg.norm(p - want))
            worst = max(worst, gap)
            expect(gap <= 1e-6 * (1 + radius), f"{name}: the step {np.round(p, 8)} is not SciPy's minimiser "
                   f"{np.round(want, 8)} (|gap| = {gap:.2e})")
    float32_in_float64(solve, "trust_region_subproblem", _subproblems()[4][1:6])
    return {"problems": len(_subproblems()), "worst |p - p*|": float(f"{worst:.2g}")}


def float32_in_float64(function, name, args):
    """float32 arrays in, float64 arithmetic: the result is the one for the same values given as float64, bit for bit
    (the model's numbers are not rounded to float32 on the way)."""
    narrow = [a.astype(np.float32) if isinstance(a, np.ndarray) else a for a in args]
    wide = [a.astype(np.float64) if isinstance(a, np.ndarray) else a for a in narrow]
    got, want = function(*narrow), function(*wide)
    for i, (x, y) in enumerate(zip(got if isinstance(got, tuple) else (got,),
                                   want if isinstance(want, tuple) else (want,), strict=True)):
        expect(np.asarray(x).dtype == np.float64 and np.array_equal(x, y),
               f"{name} with float32 arrays: output {i} is {np.asarray(x).dtype} {x}, not the float64 computation's "
               f"{y} (the inputs are converted to float64 first)")


QUADRATIC = "search.maxlipo_model.fit_quadratic"


def quadratic(candidate):
    """dlib's fit_quadratic_to_points: the interpolant of least Frobenius norm Hessian with d + 1 to
    (d+1)(d+2)/2 - 1 points (one set with a repeated point), least squares from (d+1)(d+2)/2 on; against SciPy's
    SLSQP on the stated programme and numpy's lstsq."""
    fit = candidate.get(QUADRATIC)
    judge = oracle("search.min_frobenius_quadratic")
    rng = np.random.default_rng(7)
    worst = 0.0
    for d, m in ((1, 2), (2, 3), (2, 4), (2, 5), (2, 6), (2, 9), (3, 4), (3, 7), (3, 10)):
        x = rng.uniform(-1, 1, (m, d))
        if (d, m) == (3, 7):
            x[6] = x[2]  # a repeated point: the interpolation system is singular, the programme is not
        y = np.sin(3 * x).sum(axis=1) + x[:, 0] ** 2
        if (d, m) == (3, 7):
            y[6] = y[2]
        h, g, _ = fit(x, y)
        hw, gw, _ = judge(x, y)
        err = max(float(np.max(np.abs(h - hw))), float(np.max(np.abs(g - gw))))
        worst = max(worst, err)
        expect(err <= 1e-6, f"{m} points in {d}-d: the quadratic's Hessian {np.round(h, 6).tolist()} and gradient "
               f"{np.round(g, 6)} are not the least-norm fit's {np.round(hw, 6).tolist()}, {np.round(gw, 6)} "
               f"(largest difference {err:.2e})")
    x = rng.uniform(-1, 1, (4, 2))
    float32_in_float64(fit, "fit_quadratic", (x, np.sin(3 * x).sum(axis=1)))  # the interpolant
    x = rng.uniform(-1, 1, (8, 2))
    float32_in_float64(fit, "fit_quadratic", (x, np.sin(3 * x).sum(axis=1)))  # least squares
    return {"point sets": 9, "worst difference": float(f"{worst:.2g}")}

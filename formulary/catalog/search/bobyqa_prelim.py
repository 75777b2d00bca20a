"""BOBYQA's initial model for every number of points (Powell, NA2009/06 §2), judged by its
defining equations, solved from scratch by torch.

NLopt's LN_BOBYQA always uses m = 2n + 1 points, so it cannot judge the other m that
BOBYQA allows, n + 2 ≤ m ≤ (n + 1)(n + 2)/2.  For those, PRELIM's output is judged by what
it must be:

- the points, in the order evaluated: x_b, then ±ρ_beg along each axis (away from a bound the
  start lies on), then the second point of each axis, then sums of two axis points, axes taken
  in pairs (j, j + d mod n) for d = 1, 2, …, each axis at its better point;
- the model: the interpolant of least Frobenius norm of its Hessian, found by solving the KKT
  system W (λ, c, g) = (f, 0, 0) with torch, so Q(y) = c + gᵀy + ½ Σ_k λ_k (y_kᵀy)²;
- H = W⁻¹, from BMAT and ZMAT, against torch.linalg.inv(W);
- a budget spent inside PRELIM stops it with the state so far attached.
"""

from __future__ import annotations

import numpy as np
import torch

from formulary.catalog.search._shared import SECTION
from formulary.catalog.search.bobyqa_kkt import h_error, kkt
from formulary.mistakes import search_bobyqa as M
from formulary.record import Mistake, Record
from formulary.verdict import expect

RHOBEG = 0.3
# (label, axis on its lower bound, axis on its upper bound): the start's place in the box
PLACES = (("interior", None, None), ("on a lower bound", 0, None), ("on an upper bound", None, -1))


def _expected_points(f, x, sl, su, rhobeg, npt):
    """The points Powell's paper prescribes, relative to x_b, in the order evaluated."""
    n = len(x)
    points, best = [np.zeros(n)], np.zeros(n)
    sigma = np.where(su == 0.0, -rhobeg, rhobeg)
    tau = np.where(sl == 0.0, np.minimum(2 * rhobeg, su), np.where(su == 0.0, np.maximum(-2 * rhobeg, sl), -rhobeg))
    for i in range(n):
        points.append(sigma[i] * np.eye(n)[i])
        best[i] = sigma[i]
    for i in range(n):
        points.append(tau[i] * np.eye(n)[i])
        # the two points straddle x_b and the second is lower: it becomes the axis's point
        if sigma[i] * tau[i] < 0 and f(x + points[-1]) < f(x + points[i + 1]):
            best[i] = tau[i]
    pairs = [(j, (j + d) % n) for d in range(1, n) for j in range(n)]
    for j, k in pairs[: max(0, npt - 2 * n - 1)]:
        y = np.zeros(n)
        y[j], y[k] = best[j], best[k]
        points.append(y)
    return np.array(points[:npt])


def _least_norm_model(y, fval):
    """(c, g, ∇²Q) of the interpolant whose Hessian has the least Frobenius norm (torch)."""
    m, n = y.shape
    rhs = torch.zeros(m + n + 1, dtype=torch.float64)
    rhs[:m] = torch.as_tensor(fval)
    sol = torch.linalg.solve(kkt(y), rhs).numpy()
    lam, c, g = sol[:m], sol[m], sol[m + 1:]
    return c, g, (y.T * lam) @ y


def _one(candidate, f, x0, lower, upper, npt, label):
    prelim, evaluator = candidate.get("search.bobyqa.prelim"), candidate.get("search.bobyqa.Evaluator")
    x, sl, su = candidate.get("search.bobyqa.adjust_start")(x0, lower, upper, RHOBEG)
    evaluate = evaluator(f, lower, upper, 1000)
    st = prelim(evaluate, x, sl, su, RHOBEG, npt)
    want = _expected_points(f, x, sl, su, RHOBEG, npt)
    got = np.array(evaluate.points) - x
    expect(got.shape == want.shape and np.allclose(got, want, rtol=0, atol=1e-15),
           f"{label}: the points evaluated are {got.tolist()}, Powell's {want.tolist()}")
    # each row of XPT is one of the points evaluated (the evaluator puts a point on a bound exactly), FVAL its value
    gap = np.abs(st.xpt[:, None, :] - got[None, :, :]).max(axis=2)
    match = gap.argmin(axis=1)
    expect(bool((gap.min(axis=1) <= 1e-15).all()) and len(set(match)) == npt,
           f"{label}: XPT's rows {st.xpt.tolist()} are not the points evaluated {got.tolist()}")
    values = np.array(evaluate.values)[match]
    expect(np.array_equal(st.fval, values), f"{label}: FVAL {st.fval.tolist()} is not f at XPT's rows {values}")
    expect(st.fval[st.kopt] == st.fval.min(), f"{label}: kopt = {st.kopt} is not a least value's row")
    c, g, hess = _least_norm_model(st.xpt, st.fval)
    model = st.hq + (st.xpt.T * st.pq) @ st.xpt
    scale = 1.0 + float(np.abs(st.fval).max())
    for name, ours, truth in (("constant", st.fval[0], c), ("gradient", st.gopt, g), ("Hessian", model, hess)):
        err = float(np.max(np.abs(ours - truth))) / scale
        expect(err <= 1e-9, f"{label}: the model's {name} {np.round(ours, 6).tolist()} is not the least-norm "
               f"interpolant's {np.round(truth, 6).tolist()} (|Δ| = {err:.1e})")
    err = h_error(st.xpt, st.bmat, st.zmat)
    expect(err <= 1e-10, f"{label}: H from BMAT and ZMAT differs from the inverse of W by {err:.2e} (relative)")
    return err


def _budget(candidate, f, x0, lower, upper, npt):
    """A budget of k < m evaluations: PRELIM stops after k points, with its state attached."""
    prelim, evaluator, stop = (candidate.get(f"search.bobyqa.{name}") for name in ("prelim", "Evaluator", "Stop"))
    x, sl, su = candidate.get("search.bobyqa.adjust_start")(x0, lower, upper, RHOBEG)
    k = npt - 2
    evaluate = evaluator(f, lower, upper, k)
    try:
        prelim(evaluate, x, sl, su, RHOBEG, npt)
    except stop as e:
        expect(len(evaluate.values) == k and getattr(e, "state", None) is not None,
               f"maxfun = {k} < m = {npt}: {len(evaluate.values)} evaluations, state attached: {hasattr(e, 'state')}")
        return
    expect(False, f"maxfun = {k} < m = {npt}: PRELIM did not stop")


def _prelim_check(candidate):
    rng = np.random.default_rng(3)
    worst, cases = 0.0, 0
    for n in (1, 2, 3, 4):
        a = rng.standard_normal((n, n))
        hess, grad = a + a.T, rng.standard_normal(n)

        def f(x, hess=hess, grad=grad):
            return float(1.5 + grad @ x + 0.5 * x @ hess @ x + 0.1 * np.sin(3 * x).sum())

        for npt in range(n + 2, (n + 1) * (n + 2) // 2 + 1):
            for place, low, high in PLACES:
                lower, upper = -np.ones(n), np.full(n, 1.5)
                x0 = rng.uniform(-0.5, 0.5, n)
                if low is not None:
                    x0[low] = lower[low]
                if high is not None:
                    x0[high] = upper[high]
                worst = max(worst, _one(candidate, f, x0, lower, upper, npt, f"n = {n}, m = {npt}, start {place}"))
                cases += 1
            _budget(candidate, f, rng.uniform(-0.5, 0.5, n), -np.ones(n), np.ones(n), npt)
    return {"starts (n = 1..4, every m, interior and on each bound)": cases,
            "largest relative error of H against torch.linalg.inv(W)": float(f"{worst:.2g}")}


RECORDS = (
    Record(
        id="hp.bobyqa/prelim",
        kind="A",
        section=SECTION,
        equation=r"Q = \arg\min \lVert \nabla^2 Q \rVert_F \text{ s.t. } Q(y_k) = f(y_k),\ k = 1..m,\ "
                 r"n + 2 \le m \le \tfrac12 (n + 1)(n + 2);\ H = W^{-1}",
        check=_prelim_check,
        mistakes=(
            Mistake("steps-ignore-bounds", "initial points ±rhobeg even at a bound", M.prelim_steps_ignore_bounds,
                    "search.bobyqa.prelim"),
            Mistake("always-2n+1", "2n + 1 points whatever m is asked for", M.prelim_always_2n_plus_1,
                    "search.bobyqa.prelim"),
        ),
        notes="Powell's initial points and model for every m BOBYQA allows, n = 1..4, the start inside the box and "
              "on each kind of bound. NLopt fixes m = 2n + 1, so the other m are judged by the defining equations: "
              "the least-Frobenius-norm interpolant and H = W⁻¹ solved from scratch by torch (float64).",
    ),
)

"""The MITIE approach (guide §3.2, method 5): a BOBYQA-style trust region from a start point."""

from __future__ import annotations

import math

import numpy as np
import torch

from formulary.catalog.search._shared import SECTION, branin, dims, raises, standard_functions
from formulary.mistakes import search as M
from formulary.record import ErrorInput, Mistake, Record, Sample
from formulary.verdict import expect

BRANIN_MINIMA = ((-math.pi, 12.275), (math.pi, 2.275), (3 * math.pi, 2.475))
TR_START = {"x1": 4.0, "x2": 4.0}


def _centres_improve(result):
    values = [result.trials[i].value for i in result.centres]
    expect(result.centres[0] == 0 and result.trials[0].role == "start", "the search does not start at its start point")
    expect(all(b < a for a, b in zip(values, values[1:])), f"the centres' values do not strictly decrease: {values}")
    expect(result.best.value == values[-1], f"the last centre ({values[-1]}) is not the best trial ({result.best.value})")
    units = result.units
    expect(((units >= 0) & (units <= 1)).all(), "a trial outside the bounds (unit coordinates outside [0, 1])")


def _trust_region_check(candidate):
    Choice, Uniform, _ = dims(candidate)
    search = candidate.get("search.trust_region_search")
    f, space, f_star = standard_functions(candidate)["Branin"]
    found = {}
    for start, nearest in zip(((-2.0, 10.0), (4.0, 4.0), (8.0, 4.0)), BRANIN_MINIMA):
        result = search(f, space, {"x1": start[0], "x2": start[1]}, n_trials=120)
        _centres_improve(result)
        end = (result.best.params["x1"], result.best.params["x2"])
        expect(np.allclose(end, nearest, atol=1e-3), f"from {start} the search ends at {end}, not at the nearest minimum {nearest}")
        expect(result.best.value - f_star < 1e-7, f"from {start}: gap {result.best.value - f_star:.2e}")
        found[str(start)] = [round(v, 4) for v in end]
    # a double well: the local minimum nearest the start, good or not (the guide's caveat)
    well = {"x": Uniform(-2.0, 2.0)}
    roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)  # f' = 4x³ − 4x + 0.3: minima at the outer roots
    ends = {}
    for start, expected in ((-0.4, roots[0]), (0.4, roots[2])):
        result = search(lambda p: (p["x"] ** 2 - 1) ** 2 + 0.3 * p["x"], well, {"x": start}, n_trials=60)
        _centres_improve(result)
        expect(abs(result.best.params["x"] - expected) < 1e-4, f"double well from {start}: ends at {result.best.params['x']}, not {expected}")
        ends[start] = round(result.best.params["x"], 4)
    # the bounds: a bowl centred outside the box ends on the box's face, never beyond it
    box = {"x": Uniform(-1.0, 1.0), "y": Uniform(-0.5, 1.0)}
    result = search(lambda p: (p["x"] - 0.3) ** 2 + 10 * (p["y"] + 0.6) ** 2, box, {"x": 0.9, "y": 0.9}, n_trials=60)
    _centres_improve(result)
    expect(np.allclose([result.best.params["x"], result.best.params["y"]], [0.3, -0.5], atol=1e-6), f"box: ends at {result.best.params}")
    # a NaN region beside the path: recorded, and the search still converges
    result = search(lambda p: math.nan if p["x1"] < 2.5 else f(p), space, {"x1": 4.0, "x2": 4.0}, n_trials=120)
    nans = int(np.isnan(result.values).sum())
    _centres_improve(result)
    expect(nans > 0 and np.allclose([result.best.params["x1"], result.best.params["x2"]], BRANIN_MINIMA[1], atol=1e-3), f"with NaN for x1 < 2.5: {nans} NaN trials, ends at {result.best.params}")
    raises(ValueError, r"start\['x1'\]=11.0 is outside", lambda: search(f, space, {"x1": 11.0, "x2": 4.0}))
    raises(ValueError, r"start must give a value for each", lambda: search(f, space, {"x1": 1.0}))
    raises(ValueError, r"radius", lambda: search(f, space, TR_START, radius=0.7))
    raises(TypeError, r"continuous", lambda: search(f, {**space, "act": Choice(("relu",))}, TR_START))
    return {"Branin: start -> end": found, "double well: start -> end": ends, "NaN trials recorded": nans}


def _subproblem_check(candidate):
    solve = candidate.get("search.box_subproblem")
    rng = np.random.default_rng(0)
    worst = 0.0
    for case in range(30):
        d = 1 + case % 3
        a = rng.standard_normal((d, d))
        H = a @ a.T if case % 2 else a + a.T  # positive definite, or indefinite
        g = rng.standard_normal(d)
        lower, upper = -rng.uniform(0.05, 1.0, d), rng.uniform(0.05, 1.0, d)
        s = solve(g, H, lower, upper)
        expect(((s >= lower - 1e-12) & (s <= upper + 1e-12)).all(), f"case {case}: the step leaves the box")

        def m(x):
            return x @ g + 0.5 * np.einsum("ki,ij,kj->k", x, H, x)

        dense = rng.uniform(lower, upper, (20000, d))
        vertices = np.array(np.meshgrid(*zip(lower, upper))).reshape(d, -1).T
        best = min(m(dense).min(), m(vertices).min())
        ms = m(s[None])[0]
        expect(ms <= best + 1e-10, f"case {case}: model value {ms:.6g} at the step, {best:.6g} found by sampling the box")
        worst = max(worst, best - ms)
        newton = torch.linalg.solve(torch.from_numpy(H), -torch.from_numpy(g)).numpy()
        if case % 2 and ((newton > lower) & (newton < upper)).all():
            expect(np.allclose(s, newton, atol=1e-9), f"case {case}: convex model, interior minimiser {newton}, got {s}")
    return {"cases": 30, "largest margin below the sampled minimum": float(f"{worst:.3g}")}


def _model_check(candidate):
    stencil, model = candidate.get("search.stencil"), candidate.get("search.quadratic_model")
    rng = np.random.default_rng(1)
    for d in (1, 2, 3):
        for center in (rng.uniform(0, 1, d), np.full(d, 0.97), np.full(d, 0.02)):
            offsets = stencil(center, 0.1)
            expect(offsets.shape == ((d + 1) * (d + 2) // 2 - 1, d), f"d={d}: stencil of shape {offsets.shape}")
            pts = center + offsets
            expect(((pts >= 0) & (pts <= 1)).all(), f"d={d}, centre {center}: the stencil leaves the unit cube")
            a = rng.standard_normal((d, d))
            H, g, f0 = a + a.T, rng.standard_normal(d), rng.standard_normal()
            q = f0 + offsets @ g + 0.5 * np.einsum("ki,ij,kj->k", offsets, H, offsets)
            g_fit, H_fit = model(offsets, q, f0)
            expect(np.allclose(g_fit, g, atol=1e-9) and np.allclose(H_fit, H, atol=1e-7), f"d={d}: the model does not recover a quadratic")
    # a smooth non-quadratic function: the model's gradient tends to torch's as the radius shrinks, as r²

    def f(x):
        return torch.sin(3 * x[0]) * torch.cos(2 * x[1]) + x[0] * x[1] ** 2

    c = torch.tensor([0.4, 0.6], dtype=torch.float64)
    g_true = torch.autograd.functional.jacobian(f, c).numpy()
    errors = []
    for r in (0.1, 0.05, 0.025):
        offsets = stencil(c.numpy(), r)
        values = np.array([f(c + torch.from_numpy(o)).item() for o in offsets])
        errors.append(float(np.abs(model(offsets, values, f(c).item())[0] - g_true).max()))
    ratios = [a / b for a, b in zip(errors, errors[1:])]
    expect(all(3.0 < q < 5.5 for q in ratios), f"gradient errors {errors}: halving r should divide them by about 4")
    return {"gradient error at r = 0.1, 0.05, 0.025": [float(f"{e:.3g}") for e in errors]}


RECORDS = (
    Record(
        id="hp.bobyqa",
        kind="A",
        section=SECTION,
        equation=r"s = \arg\min_{\lVert s\rVert_\infty \le r,\ l \le c + s \le u} m(s),\ "
                 r"\rho = \frac{f(c) - f(c + s)}{m(0) - m(s)},\ c \leftarrow c + s \text{ only if } f \text{ decreases}",
        check=_trust_region_check,
        mistakes=(
            Mistake("accepts-worse", "the centre moves even when the new point is worse", M.trust_region_search_accepts_worse,
                    "search.trust_region_search"),
            Mistake("gradient-flipped", "the model's gradient with the wrong sign", M.trust_region_search_gradient_flipped,
                    "search.trust_region_search"),
            Mistake("short-steps-kept", "the radius shrinks only on a poor ratio, not after short steps",
                    M.trust_region_search_short_steps_kept, "search.trust_region_search"),
        ),
        errors=(ErrorInput(Sample((branin, {}, TR_START)), ValueError, r"space is empty", "search.trust_region_search"),),
        notes="Branin has three global minima; from a start near each, the search ends at that one. On the double "
              "well (x² − 1)² + 0.3x it ends at the minimum nearest its start, the global one or not: the guide's "
              "'whether this method succeeds depends on a good start'.",
    ),
    Record(
        id="hp.bobyqa/subproblem",
        kind="A",
        section=SECTION,
        equation=r"\min_{l \le s \le u} g^\top s + \tfrac12 s^\top H s",
        check=_subproblem_check,
        mistakes=(
            Mistake("clipped-newton", "the unconstrained minimiser clipped into the box", M.box_subproblem_clipped_newton,
                    "search.box_subproblem"),
            Mistake("cauchy-step", "steepest descent to the box's corner", M.box_subproblem_cauchy, "search.box_subproblem"),
        ),
    ),
    Record(
        id="hp.bobyqa/model",
        kind="A",
        section=SECTION,
        equation=r"m(s) = f_0 + g^\top s + \tfrac12 s^\top H s \text{ through } (d+1)(d+2)/2 \text{ points}",
        check=_model_check,
        mistakes=(
            Mistake("forward-differences", "one-sided slopes for g", M.quadratic_model_forward_differences, "search.quadratic_model"),
            Mistake("cross-terms-doubled", "½H_ij s_i s_j for the mixed terms", M.quadratic_model_cross_doubled, "search.quadratic_model"),
            Mistake("stencil-leaves-cube", "+r along every axis at any centre", M.stencil_always_forward, "search.stencil"),
        ),
    ),
)

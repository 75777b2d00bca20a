"""Catalog records of the rest of torch's activation family (issue 17): hardtanh … rrelu.

The guide's §4 names the common activations; these complete ``torch.nn.functional``'s
list so that impl can stand in for it.  Same standard as the guide's: torch on drawn
inputs and the edge bank, forward and backward, mpmath where the formula is
transcendental, two known mistakes or more.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import torch
from hypothesis import strategies as st

from formulary import edges
from formulary.catalog._activation_forms import nan_apart, nan_gradient_by_position
from formulary.catalog.activations import BULK, SECTION, elementwise
from formulary.mistakes import activation_family as M
from formulary.record import AccuracyClass, Deviation, ErrorInput, Mistake, Record, Sample
from formulary.strategies import arrays, floats, samples, shapes
from formulary.tolerance import Tolerance
from formulary.verdict import expect


def _grid(lo, hi, n=400):
    return lambda: np.linspace(lo, hi, n)


def _geom(lo, hi, n=200, sign=1.0):
    return lambda: sign * np.geomspace(lo, hi, n)


def _input_errors(*extra_args, backward_args=()):
    """The dtype errors every function here shares, forward and backward."""
    return (
        ErrorInput(Sample((np.array([1, 2, 3]), *extra_args)), TypeError, r"\binput\b.*float32 or float64"),
        ErrorInput(Sample(("0.5", *extra_args)), TypeError, r"\binput\b"),
        ErrorInput(Sample((np.zeros(2), np.array([1, 2]), *backward_args)), TypeError, r"\binput\b", "backward"),
        ErrorInput(Sample((np.array([1, 2]), np.zeros(2), *backward_args)), TypeError, r"\bgrad_output\b", "backward"),
        ErrorInput(Sample((np.zeros(2), np.zeros(3), *backward_args)), ValueError, r"\bgrad_output\b", "backward"),
    )


# -- deviations -------------------------------------------------------------------------

_F32_MAX = float(np.finfo(np.float32).max)


_EXACT = {np.float32: Tolerance(0.0, 0.0), np.float64: Tolerance(0.0, 0.0)}


def _exact(record: Record) -> Record:
    """Piecewise-linear in the input's dtype, as torch computes it: judged bit for bit."""
    return dataclasses.replace(record, tolerances=_EXACT)


def _torch_hardswish_f32_overflows(candidate):
    x = np.array([_F32_MAX, 1e38], np.float32)
    theirs = torch.nn.functional.hardswish(torch.from_numpy(x)).numpy()
    mine = candidate.get("activations.hardswish")(x)
    expect(np.isinf(theirs[0]), f"torch now gives {theirs}: drop the deviation")
    expect(np.array_equal(mine, x), f"candidate gives {mine}, expected x itself (x ≥ 3)")


HARDSWISH_OVERFLOW = Deviation(
    "float32: torch's hardswish gives inf at x = 3.4028235e38 (true value: x itself)",
    "its float32 kernel forms x·(x + 3) before dividing by 6 and overflows; impl computes in float64 and rounds once",
    _torch_hardswish_f32_overflows)


# -- threshold: two required options -------------------------------------------------

_THRESHOLD_OPTIONS = ({"threshold": 1.0, "value": -5.0}, {"threshold": -0.5, "value": 20.0}, {"threshold": 0.0,
                                                                                              "value": 0.0})

THRESHOLD = Record(
    id="act.threshold",
    kind="F",
    section=SECTION,
    equation=r"y = \begin{cases} x & x > \text{threshold} \\ \text{value} & x \le \text{threshold} \end{cases}",
    candidate="activations.threshold",
    reference="activations.threshold",
    backward="activations.threshold_backward",
    inputs=lambda dt: samples(arrays(dt), kwargs={"threshold": st.sampled_from([-1.0, 0.0, 0.5, 2.0]),
                                                  "value": floats(np.float64, -10.0, 10.0)}),
    edges=lambda dt: [s for kw in _THRESHOLD_OPTIONS
                      for s in edges.elementwise(dt, kinks=(kw["threshold"],), kwargs=(kw,))],
    mistakes=(
        Mistake("inclusive-threshold", "x ≥ threshold keeps x; torch replaces x = threshold by value",
                M.threshold_inclusive),
        Mistake("value-zero", "0 below the threshold instead of value", M.threshold_value_zero),
        Mistake("backward-passes-all", "the gradient passed where the output is the constant",
                M.threshold_backward_passes_all, "backward"),
    ),
    errors=(
        *_input_errors(1.0, 0.0, backward_args=(1.0, 0.0)),
        ErrorInput(Sample((np.zeros(2), "1", 0.0)), TypeError, r"\bthreshold\b"),
        ErrorInput(Sample((np.zeros(2), 1.0, None)), TypeError, r"\bvalue\b"),
        ErrorInput(Sample((np.zeros(2), np.zeros(2), 1.0, None)), TypeError, r"\bvalue\b", "backward"),
        ErrorInput(Sample((np.zeros(2), np.zeros(2), "1", 0.0)), TypeError, r"\bthreshold\b", "backward"),
    ),
)


# -- glu and softmin: along a dimension ------------------------------------------------

def _even_shape(s: tuple, d: int) -> tuple:
    return s[:d] + (2 * s[d],) + s[d + 1:]


GLU = Record(
    id="act.glu",
    kind="F",
    section=SECTION,
    equation=r"\operatorname{glu}(a, b) = a \otimes \sigma(b),\ [a, b] = \text{input halved along dim}",
    candidate="activations.glu",
    reference="activations.glu",
    backward="activations.glu_backward",
    oracle="activations.glu",
    inputs=lambda dt: shapes(min_dims=1, max_dims=3, min_side=1, max_side=4).flatmap(
        lambda s: st.integers(-len(s), len(s) - 1).flatmap(
            lambda d: samples(arrays(dt, _even_shape(s, d % len(s)), -20.0, 20.0), st.just(d)))),
    edges=lambda dt: [
        Sample((np.concatenate([edges.special_values(dt), edges.special_values(dt)[::-1]]), 0), {},
               "special values in both halves"),
        Sample((np.zeros((2, 0), dt), 0), {}, "empty"),
        Sample((np.arange(12, dtype=dt).reshape(2, 6) - 6, -1), {}, "last dim"),
        Sample((np.arange(24, dtype=dt).reshape(2, 4, 3) / 4 - 3, 1), {}, "middle dim"),
    ],
    accuracy=(
        AccuracyClass("bulk rows in [-10, 10], halved along dim 1",
                      lambda: np.random.default_rng(1).uniform(-10, 10, (100, 4)), {"dim": 1}),
        AccuracyClass("gate in the left tail [-700, -10]",
                      lambda: np.stack([np.linspace(-5, 5, 200), -np.geomspace(10, 700, 200)], 1), {"dim": 1}),
    ),
    mistakes=(
        Mistake("halves-swapped", "σ(a)·b: the gate taken from the first half", M.glu_halves_swapped),
        Mistake("tanh-gate", "a·tanh(b) instead of a·σ(b)", M.glu_tanh_gate),
        Mistake("backward-gate-half-zero", "the gate half's gradient left at zero", M.glu_backward_gate_half_zero,
                "backward"),
    ),
    errors=(
        ErrorInput(Sample((np.zeros(3), 0)), ValueError, r"\binput\b.*dim=0.*even"),
        ErrorInput(Sample((np.array(1.0), 0)), ValueError, r"\binput\b.*at least one dimension"),
        ErrorInput(Sample((np.zeros((2, 4)), 2)), ValueError, r"\bdim=2.*out of range"),
        ErrorInput(Sample((np.zeros((2, 4)), 1.0)), TypeError, r"\bdim\b"),
        ErrorInput(Sample((np.array([1, 2]), 0)), TypeError, r"\binput\b"),
        ErrorInput(Sample((np.zeros((2, 4)), np.zeros((2, 4)), 1)), ValueError, r"\bgrad_output\b.*\(2, 2\)",
                   "backward"),
        ErrorInput(Sample((np.zeros(1), np.array([1, 2]), 0)), TypeError, r"\binput\b", "backward"),
    ),
)

SOFTMIN = Record(
    id="act.softmin",
    kind="F",
    section=SECTION,
    equation=r"\operatorname{softmin}(x)_i = \frac{e^{-x_i}}{\sum_j e^{-x_j}} = \operatorname{softmax}(-x)_i",
    candidate="activations.softmin",
    reference="activations.softmin",
    backward="activations.softmin_backward",
    oracle="activations.softmin",
    inputs=lambda dt: shapes(min_dims=1, max_dims=3, min_side=1).flatmap(
        lambda s: samples(arrays(dt, s, -50.0, 50.0), st.integers(-len(s), len(s) - 1))),
    edges=lambda dt: [
        Sample((np.array([-1000.0, -1000.0, 1000.0], dt), 0), {}, "huge logits"),
        Sample((np.array([[0.0, np.inf], [np.inf, np.inf]], dt), 1), {}, "+inf entries, an all +inf row"),
        Sample((np.array([[-np.inf, 0.0]], dt), -1), {}, "-inf entry"),
        Sample((np.array(3.0, dt), 0), {}, "0-d"),
        Sample((np.zeros((2, 0, 3), dt), 1), {}, "empty"),
    ],
    accuracy=(
        AccuracyClass("rows in [-1, 1]", lambda: np.random.default_rng(1).uniform(-1, 1, (100, 4)), {"dim": 1}),
        AccuracyClass("rows in [-10, 10]", lambda: np.random.default_rng(1).uniform(-10, 10, (100, 4)), {"dim": 1},
                      bound_ulp=16.0,
                      why="p_i = exp(−x_i)/Σ exp(−x_j) has relative condition number |x_i − Σ_j p_j x_j| ≤ 20 "
                          "there: one rounding of x_i − max costs that many half-ULPs (torch's error is the same)"),
    ),
    mistakes=(
        Mistake("softmax", "softmax(x): the minus sign forgotten", M.softmin_as_softmax),
        Mistake("backward-sign", "softmax's backward at −x without the chain rule's −1", M.softmin_backward_sign,
                "backward"),
    ),
    errors=(
        ErrorInput(Sample((np.zeros((2, 3)), 2)), ValueError, r"\bdim=2.*out of range"),
        ErrorInput(Sample((np.zeros((2, 3)), None)), TypeError, r"\bdim\b"),
        ErrorInput(Sample((np.array([1, 2]), 0)), TypeError, r"\binput\b"),
        ErrorInput(Sample((np.zeros(2), np.array([1, 2]), 0)), TypeError, r"\binput\b", "backward"),
        ErrorInput(Sample((np.zeros(3), np.zeros(2), 0)), ValueError, r"\bgrad_output\b", "backward"),
    ),
)


# -- rrelu in training: given slopes, and torch's own kernel ------------------------------------

_LOWER, _UPPER = 0.125, 0.375  # float32-exact, so hypothesis can draw slopes between them


def _rrelu_train_samples(dt):
    return shapes(min_dims=0, max_dims=3, max_side=5).flatmap(
        lambda s: samples(arrays(dt, s), st.just(_LOWER), st.just(_UPPER), st.just(True),
                          kwargs={"noise": arrays(dt, s, _LOWER, _UPPER)}))


def _rrelu_train_edges(dt):
    v = edges.special_values(dt)
    noise = np.random.default_rng(3).uniform(_LOWER, _UPPER, v.shape).astype(dt)
    return [Sample((v, _LOWER, _UPPER, True), {"noise": noise}, "special values"),
            Sample((np.zeros((2, 0), dt), 0.1, 0.3, True), {"noise": np.zeros((2, 0), dt)}, "empty")]


def _noise_like_torch(candidate, x, torch_noise):
    """rrelu_noise draws torch's ``noise``: 1 exactly where x > 0, a slope in [lower, upper] where x ≤ 0 (0 too)."""
    x = np.concatenate([x, np.zeros(3, x.dtype)])
    mine = candidate.get("activations.rrelu_noise")(x, 0.1, 0.4, generator=np.random.default_rng(2))
    expect(mine.dtype == x.dtype, f"rrelu_noise gives {mine.dtype} for {x.dtype} input")
    expect(np.array_equal(mine[x > 0], np.ones_like(mine[x > 0])) and np.all(torch_noise[x[:-3] > 0] == 1),
           "rrelu_noise: the slope where x > 0 must be 1, as torch's noise")
    neg = mine[x <= 0]
    expect(neg.size and neg.min() >= 0.1 and neg.max() <= 0.4, f"rrelu_noise: slopes where x ≤ 0 leave [0.1, 0.4]: "
           f"{neg.min()}, {neg.max()}")


def _rrelu_matches_torch_kernel(candidate):
    """torch's training kernel draws slopes into ``noise``; given them, the candidate's output is torch's, bit for
    bit."""
    fwd = candidate.get("activations.rrelu")
    bwd = candidate.get("activations.rrelu_backward")
    for dtype in (torch.float32, torch.float64):
        x = torch.randn(500, generator=torch.Generator().manual_seed(0), dtype=dtype)
        noise = torch.empty_like(x)
        out = torch.ops.aten.rrelu_with_noise(x, noise, 0.1, 0.4, True, torch.Generator().manual_seed(1))
        mine = fwd(x.numpy(), 0.1, 0.4, True, noise=noise.numpy())
        expect(np.array_equal(mine, out.numpy()), f"{dtype}: rrelu with torch's own slopes differs from torch's kernel")
        grad = bwd(np.ones(500, x.numpy().dtype), x.numpy(), 0.1, 0.4, True, noise=noise.numpy())
        expect(np.array_equal(grad, noise.numpy()), f"{dtype}: the training gradient is not the slopes drawn")
        neg = noise.numpy()[x.numpy() <= 0]
        expect(neg.min() >= 0.1 and neg.max() <= 0.4, "torch's slopes left [lower, upper]")
        _noise_like_torch(candidate, x.numpy(), noise.numpy())
    rng = np.random.default_rng(5)
    x = -np.ones(20000)
    drawn = fwd(x, 0.1, 0.4, True, generator=rng) / x
    mean, var = float(drawn.mean()), float(drawn.var())
    # U(0.1, 0.4): mean 0.25, sd 0.3/√12 ≈ 0.0866; the mean of 20000 has sd 6.1e-4: 5 sd is 3.1e-3
    expect(drawn.min() >= 0.1 and drawn.max() <= 0.4, f"drawn slopes leave [0.1, 0.4]: {drawn.min()}, {drawn.max()}")
    expect(abs(mean - 0.25) < 3.1e-3, f"mean drawn slope {mean:.4f}, expected 0.25 ± 0.0031 (5 standard errors)")
    expect(abs(var - 0.09 / 12) < 4e-4, f"slope variance {var:.5f}, expected (u − l)²/12 = 0.0075")
    return {"slope_mean": mean, "slope_variance": var, "expected_mean": 0.25, "expected_variance": 0.0075}


RRELU_TRAIN = Record(
    id="act.rrelu/train",
    kind="F",
    section=SECTION,
    equation=r"\operatorname{rrelu}(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases},\ a \sim \mathcal{U}(l, "
             r"u)",
    candidate="activations.rrelu",
    reference="activations.rrelu",
    backward="activations.rrelu_backward",
    inputs=_rrelu_train_samples,
    edges=_rrelu_train_edges,
    check=_rrelu_matches_torch_kernel,
    mistakes=(
        Mistake("noise-on-positives", "the random slope applied to positive inputs too", M.rrelu_noise_on_positives),
        Mistake("train-mean-slope", "training with the mean slope, the drawn noise ignored", M.rrelu_train_mean_slope),
        Mistake("backward-mean-slope", "training backward with the mean slope, not the forward's",
                M.rrelu_backward_mean_slope, "backward"),
    ),
    errors=(
        ErrorInput(Sample((np.zeros(2), 0.1, 0.3, True), {"noise": np.zeros(3)}), ValueError, r"\bnoise\b.*shape"),
        ErrorInput(Sample((np.zeros(2), 0.1, 0.3, True), {"generator": 5}), TypeError, r"\bgenerator\b.*\bint\b"),
        ErrorInput(Sample((np.array([1, 2]),)), TypeError, r"\binput\b", "activations.rrelu_noise"),
        ErrorInput(Sample((np.zeros(2), np.zeros(2), 0.1, 0.3, True)), ValueError, r"\bnoise\b.*required", "backward"),
        ErrorInput(Sample((np.zeros(2), 0.1, 0.3, 1)), TypeError, r"\btraining\b"),
        ErrorInput(Sample((np.zeros(2), np.zeros(2), 0.1, 0.3, 1)), TypeError, r"\btraining\b", "backward"),
        ErrorInput(Sample((np.zeros(2), np.zeros(2), 0.1, 0.3, False), {"noise": np.zeros(2)}), ValueError,
                   r"\bnoise\b.*training=True", "backward"),
        ErrorInput(Sample((np.zeros(2), 0.1, 0.3, True), {"noise": np.array([1, 2])}), TypeError, r"\bnoise\b"),
    ),
    notes="torch draws its training slopes itself; given slopes, the reference applies its formula, and the "
          "property check hands torch's own drawn slopes (aten.rrelu_with_noise) to the candidate.",
)


RECORDS = (
    _exact(nan_apart(elementwise(
        id="act.hardtanh", name="hardtanh",
        equation=r"\operatorname{hardtanh}(x) = \min(\max(x, a), b),\ a = -1,\ b = 1",
        mistakes=[
            Mistake("bounds-ignored", "clamped to [−1, 1] whatever min_val and max_val say", M.hardtanh_bounds_ignored),
            Mistake("backward-closed", "gradient g at x = a and x = b; torch gives 0 there",
                    M.hardtanh_backward_closed, "backward"),
        ],
        kinks=(-1.0, 1.0, -2.0, 3.0), oracle=False,
        options={"min_val": st.sampled_from([-1.0, -2.0, 0.0]), "max_val": st.sampled_from([1.0, 3.0])},
        option_edges=({}, {"min_val": -2.0, "max_val": 3.0}, {"min_val": 0.5, "max_val": 0.5}),  # equal: torch too
        deviations=[nan_gradient_by_position("hardtanh")],
        errors=[ErrorInput(Sample((np.zeros(2),), {"min_val": 2.0, "max_val": 1.0}), ValueError,
                           r"\bmin_val\b.*\bmax_val\b"),
                ErrorInput(Sample((np.zeros(2),), {"max_val": "1"}), TypeError, r"\bmax_val\b")],
    ))),
    _exact(nan_apart(elementwise(
        id="act.relu6", name="relu6",
        equation=r"\operatorname{relu6}(x) = \min(\max(x, 0), 6)",
        mistakes=[
            Mistake("uncapped", "plain ReLU: the cap at 6 forgotten", M.relu6_uncapped),
            Mistake("backward-one-at-six", "gradient g at x = 6; torch gives 0", M.relu6_backward_one_at_six,
                    "backward"),
        ],
        kinks=(0.0, 6.0), oracle=False, lo=-10.0, hi=12.0, deviations=[nan_gradient_by_position("relu6")],
    ))),
    _exact(THRESHOLD),
    nan_apart(elementwise(
        id="act.celu", name="celu",
        equation=r"\operatorname{celu}(x) = \max(0, x) + \min\bigl(0, \alpha (e^{x/\alpha} - 1)\bigr)",
        mistakes=[
            Mistake("elu", "α(eˣ − 1): x not divided by α (that is ELU)", M.celu_as_elu),
            Mistake("backward-alpha-factor", "α e^{x/α}: an extra α in the derivative", M.celu_backward_alpha_factor,
                    "backward"),
        ],
        kinks=(0.0,), options={"alpha": floats(np.float64, 0.2, 3.0)}, option_edges=({}, {"alpha": 2.5}),
        accuracy=[BULK, AccuracyClass("bulk [-10, 10], α = 2.5", _grid(-10, 10), {"alpha": 2.5}),
                  AccuracyClass("near zero -[1e-300, 1e-3]", _geom(1e-300, 1e-3, sign=-1.0)),
                  AccuracyClass("left tail [-745, -10]", _geom(10, 745, sign=-1.0))],
        errors=[ErrorInput(Sample((np.zeros(2),), {"alpha": 0.0}), ValueError, r"\balpha\b"),
                ErrorInput(Sample((np.zeros(2),), {"alpha": None}), TypeError, r"\balpha\b")],
        deviations=[nan_gradient_by_position("celu")],
    )),
    elementwise(
        id="act.logsigmoid", name="logsigmoid",
        equation=r"\log\sigma(x) = -\operatorname{softplus}(-x) = \min(x, 0) - \log(1 + e^{-|x|})",
        mistakes=[
            Mistake("naive-log-of-sigmoid", "log(1/(1 + e^{−x})): −inf once σ underflows", M.logsigmoid_naive),
            Mistake("backward-sigma", "σ(x) instead of 1 − σ(x)", M.logsigmoid_backward_sigma, "backward"),
        ],
        lo=-40.0, hi=40.0,
        accuracy=[BULK, AccuracyClass("left tail [-745, -10]", _geom(10, 745, sign=-1.0)),
                  AccuracyClass("right tail [10, 745] (results down to e^-745)", _geom(10, 745))],
    ),
    elementwise(
        id="act.mish", name="mish",
        equation=r"\operatorname{mish}(x) = x \tanh\bigl(\operatorname{softplus}(x)\bigr)",
        mistakes=[
            Mistake("tanh-of-x", "x·tanh(x): softplus forgotten", M.mish_tanh_of_x),
            Mistake("sigmoid-inside", "x·tanh(σ(x))", M.mish_sigmoid_inside),
            Mistake("backward-no-product-rule", "tanh(softplus(x)) alone", M.mish_backward_no_product_rule, "backward"),
        ],
        lo=-20.0, hi=20.0,
        accuracy=[BULK, AccuracyClass("near zero ±[1e-300, 1e-3]", _geom(1e-300, 1e-3)),
                  AccuracyClass("near zero -[1e-300, 1e-3]", _geom(1e-300, 1e-3, sign=-1.0)),
                  AccuracyClass("left tail [-745, -10]", _geom(10, 745, sign=-1.0)),
                  AccuracyClass("right tail [10, 40]", _grid(10, 40))],
    ),
    nan_apart(elementwise(
        id="act.hardswish", name="hardswish",
        equation=r"\operatorname{hardswish}(x) = x\,\frac{\min(\max(x + 3, 0), 6)}{6}",
        mistakes=[
            Mistake("keras-gate", "x·clip(0.2x + 0.5, 0, 1)", M.hardswish_keras_gate),
            Mistake("silu", "x·σ(x): the smooth swish", M.hardswish_as_silu),
            Mistake("backward-closed-interval",
                    "(2x + 3)/6 on the closed [−3, 3]: −1/2 and 3/2 at the ends; torch gives 0 and 1",
                    M.hardswish_backward_closed_interval, "backward"),
        ],
        kinks=(-3.0, 3.0), oracle=False,
        edge_drop=lambda dt: (_F32_MAX,) if dt == np.float32 else (),
        extra_edges=lambda dt: [Sample((np.array([_F32_MAX, -_F32_MAX], dt),), {}, "float32 ±max",
                                       expected=np.array([_F32_MAX, -0.0], dt),
                                       expected_grad=np.array([1.0, 0.0], dt))] if dt == np.float32 else [],
        deviations=[HARDSWISH_OVERFLOW, nan_gradient_by_position("hardswish")],
    )),
    elementwise(
        id="act.tanhshrink", name="tanhshrink",
        equation=r"\operatorname{tanhshrink}(x) = x - \tanh x",
        mistakes=[
            Mistake("flipped", "tanh x − x", M.tanhshrink_flipped),
            Mistake("backward-of-tanh", "1 − tanh² x: tanh's derivative", M.tanhshrink_backward_of_tanh, "backward"),
        ],
        accuracy=[BULK, AccuracyClass("near zero ±[1e-100, 1e-3]", _geom(1e-100, 1e-3)),
                  AccuracyClass("[1e-3, 1]", _geom(1e-3, 1.0, 300)),
                  AccuracyClass("around the switch of formulas [0.9, 1.1]", _grid(0.9, 1.1, 201)),
                  AccuracyClass("tails ±[10, 40]", _grid(10, 40))],
        notes="torch evaluates x − tanh x literally: near 0 it loses every digit (≈ 1e15 ULP at x = 1e-5); "
              "impl sums tanh's Taylor series there (see the accuracy table).",
    ),
    _exact(nan_apart(elementwise(
        id="act.softshrink", name="softshrink",
        equation=r"\operatorname{softshrink}(x) = \operatorname{sign}(x)\max(|x| - \lambda, 0)",
        mistakes=[
            Mistake("no-dead-zone", "x − λ·sign(x) everywhere", M.softshrink_no_dead_zone),
            Mistake("hardshrink", "x kept where |x| > λ, λ not subtracted", M.softshrink_as_hardshrink),
            Mistake("backward-everywhere", "the gradient passed inside the dead band",
                    M.softshrink_backward_everywhere, "backward"),
        ],
        kinks=(-0.5, 0.5, -2.0, 2.0), oracle=False,
        options={"lambd": st.sampled_from([0.0, 0.5, 1.0, 2.0, 0.3])}, option_edges=({}, {"lambd": 2.0}),
        deviations=[nan_gradient_by_position("softshrink")],
        errors=[ErrorInput(Sample((np.zeros(2),), {"lambd": -0.5}), ValueError, r"\blambd\b"),
                ErrorInput(Sample((np.zeros(2),), {"lambd": "1"}), TypeError, r"\blambd\b")],
    ))),
    _exact(nan_apart(elementwise(
        id="act.hardshrink", name="hardshrink",
        equation=r"\operatorname{hardshrink}(x) = x\,[\,|x| > \lambda\,]",
        mistakes=[
            Mistake("inclusive", "x kept at |x| = λ", M.hardshrink_inclusive),
            Mistake("subtracts", "λ subtracted from the survivors (soft shrinkage)", M.hardshrink_subtracts),
        ],
        kinks=(-0.5, 0.5, -2.0, 2.0), oracle=False,
        options={"lambd": st.sampled_from([-0.5, 0.0, 0.5, 2.0, 0.3])}, option_edges=({}, {"lambd": 2.0},
                                                                                      {"lambd": -0.5}),
        deviations=[nan_gradient_by_position("hardshrink")],
        errors=[ErrorInput(Sample((np.zeros(2),), {"lambd": None}), TypeError, r"\blambd\b")],
        notes="torch accepts a negative λ for hardshrink (then it is the identity) but not for softshrink; impl "
              "follows.",
    ))),
    GLU,
    SOFTMIN,
    _exact(elementwise(
        id="act.rrelu", name="rrelu",
        equation=r"\operatorname{rrelu}_{\text{eval}}(x) = \begin{cases} x & x > 0 \\ \frac{l + u}{2} x & x \le 0 "
                 r"\end{cases}",
        mistakes=[
            Mistake("eval-lower", "evaluation with slope lower instead of (l + u)/2", M.rrelu_eval_lower),
            Mistake("eval-fixed-slope", "evaluation with 0.01 whatever l and u say", M.rrelu_eval_fixed_slope),
        ],
        kinks=(0.0,), oracle=False,
        options={"lower": st.sampled_from([0.0, 0.1, 1.0 / 8]), "upper": st.sampled_from([1.0 / 3, 0.5, 2.0])},
        option_edges=({}, {"lower": 0.1, "upper": 0.9}, {"lower": 0.25, "upper": 0.25}),  # equal: torch too
        errors=[ErrorInput(Sample((np.zeros(2),), {"lower": 0.5, "upper": 0.1}), ValueError, r"\blower\b.*\bupper\b"),
                ErrorInput(Sample((np.zeros(2),), {"noise": np.zeros(2)}), ValueError, r"\bnoise\b.*training=True"),
                ErrorInput(Sample((np.zeros(2),), {"upper": "1"}), TypeError, r"\bupper\b")],
    )),
    _exact(RRELU_TRAIN),
)

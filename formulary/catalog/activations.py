"""Catalog records of the activation chapter (guide §4 and its summary figure)."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from formulary import edges
from formulary.catalog._activation_forms import (
    DTYPE_ERRORS,
    IMPLICIT_DIM,
    INPLACE,
    check_dtype_downcast,
    dtype_edges,
    nan_apart,
    nan_gradient_by_position,
)
from formulary.mistakes import activations as M
from formulary.record import AccuracyClass, Deviation, ErrorInput, Mistake, Record, Sample
from formulary.strategies import arrays, floats, samples, shapes
from formulary.verdict import expect
from reference.oracle.activations import softplus as true_softplus

SECTION = "§4 激活函数 (activation functions)"


SELU_SCALE = 1.0507009873554804934193349852946  # λ of Klambauer et al. (2017), as torch writes it


def _grid(lo, hi, n=400):
    return lambda: np.linspace(lo, hi, n)


def _geom(lo, hi, n=200, sign=1.0):
    return lambda: sign * np.geomspace(lo, hi, n)


BULK = AccuracyClass("bulk [-10, 10]", _grid(-10, 10))


def _backward_shape_error(kw=None):
    """grad_output shaped unlike the input: a ValueError naming grad_output."""
    return ErrorInput(Sample((np.zeros(2), np.zeros(3)), dict(kw or {}), "grad_output shape"), ValueError,
                      r"\bgrad_output\b", "backward")


def elementwise(*, id, name, equation, mistakes, kinks=(), options=None, option_edges=({},), accuracy=(),
                oracle=True, deviations=(), errors=(), notes="", lo=-10.0, hi=10.0,
                edge_drop=lambda dt: (), extra_edges=lambda dt: ()):
    """A record for an elementwise activation ``name`` and its ``name_backward``.

    ``edge_drop(dtype)`` takes special values out of the common edge bank and
    ``extra_edges(dtype)`` judges them separately (with ``Sample.expected``) where
    torch is wrong and a deviation says so.
    """
    opts = dict(options or {})
    return Record(
        id=id,
        kind="F",
        section=SECTION,
        equation=equation,
        candidate=f"activations.{name}",
        reference=f"activations.{name}",
        backward=f"activations.{name}_backward",
        inputs=lambda dt: samples(arrays(dt, min_value=lo, max_value=hi), optional=opts),
        edges=lambda dt: [*edges.elementwise(dt, kinks, option_edges, edge_drop(dt)), *extra_edges(dt)],
        oracle=f"activations.{name}" if oracle else None,
        accuracy=tuple(accuracy),
        mistakes=tuple(mistakes),
        errors=(
            ErrorInput(Sample((np.array([1, 2, 3]),), {}, "integer array"), TypeError,
                       r"\binput\b.*float32 or float64"),
            ErrorInput(Sample(("0.5",), {}, "a string"), TypeError, r"\binput\b"),
            ErrorInput(Sample((np.zeros(2), np.array([1, 2])), {}, "integer input"), TypeError, r"\binput\b",
                       "backward"),
            ErrorInput(Sample((np.array([1, 2]), np.zeros(2)), {}, "integer grad_output"), TypeError,
                       r"\bgrad_output\b", "backward"),
            _backward_shape_error(),
            *errors,
            # each option's error, raised by the backward pass too
            *(ErrorInput(Sample((np.zeros(2), *e.sample.args), e.sample.kwargs, e.sample.note), e.error, e.match,
                         "backward")
              for e in errors if e.target is None),
        ),
        deviations=tuple(deviations),
        notes=notes,
    )


def _ulp_distance(a: float, b: float) -> float:
    return abs(a - b) / np.spacing(abs(b))


def _softplus_default_is_accurate(candidate):
    """At x = 21 (above torch's threshold 20) torch returns x; the candidate the true value."""


    x = np.array([21.0, 30.0])
    mine = candidate.get("activations.softplus")(x)
    theirs = torch.nn.functional.softplus(torch.from_numpy(x)).numpy()
    truth = [float(t) for t in true_softplus(x)]
    expect(np.array_equal(theirs, x), "torch's default no longer returns x above its threshold")
    for m, t, th in zip(mine, truth, theirs):
        expect(_ulp_distance(m, t) <= 1.0 < _ulp_distance(th, t),
               f"softplus({m}) default: candidate {m!r}, torch {th!r}, true {t!r}: the deviation is not there")


_F32_MAX = float(np.finfo(np.float32).max)


def _huge(dt):
    big = [_F32_MAX, -_F32_MAX] if dt == np.float32 else [np.finfo(np.float64).max, -np.finfo(np.float64).max, 1e308,
                                                          -1e308]
    return np.array(big, dt)


def _torch_gelu_f32_overflows(candidate):
    x = np.array([_F32_MAX, np.inf], np.float32)
    theirs = torch.nn.functional.gelu(torch.from_numpy(x)).numpy()
    mine = candidate.get("activations.gelu")(x)
    capability = torch.backends.cpu.get_cpu_capability()  # the kernel torch dispatched to on this CPU
    if "AVX512" in capability:
        expect(np.isinf(theirs[0]) and np.isnan(theirs[1]), f"torch ({capability}) now gives {theirs}: drop the "
               "deviation")
    else:  # its AVX2 and scalar kernels are right: the deviation is AVX-512's alone
        expect(theirs[0] == _F32_MAX and theirs[1] == np.inf, f"torch ({capability}) gives {theirs}: the deviation "
               "is not AVX-512's alone")
    expect(mine[0] == _F32_MAX and mine[1] == np.inf, f"candidate gives {mine}")


# One channel whose slope gradient Σ g·x cancels nothing but loses its small terms when
# accumulated in float32: the exact sum −2²⁶ − 8 is a float32, the float32 sum gives −2²⁶.
_PRELU_LONG_SUM = np.array([-2.0**25] + [-1.0] * 8 + [-2.0**25], np.float32)


def _torch_prelu_grad_f32_sum(candidate):
    backward = candidate.get("activations.prelu_backward")
    shared = (_PRELU_LONG_SUM, np.array([0.25], np.float32))  # one slope for all
    per_channel = (np.stack([_PRELU_LONG_SUM, np.zeros(10, np.float32)], axis=1), np.array([0.25, 0.5], np.float32))
    for x, w in (shared, per_channel):
        xt, wt = torch.from_numpy(x).requires_grad_(), torch.from_numpy(w).requires_grad_()
        torch.nn.functional.prelu(xt, wt).sum().backward()
        theirs, mine = wt.grad[0].item(), backward(np.ones_like(x), x, w)[1][0]
        expect(theirs == -(2.0**26), f"torch now gives {theirs}: drop the deviation")
        expect(mine == -(2.0**26) - 8, f"candidate gives {mine} for weight shape {w.shape}")


def _torch_gelu_tanh_grad_nan(candidate):
    x = torch.from_numpy(_huge(np.float64)).requires_grad_()
    torch.nn.functional.gelu(x, approximate="tanh").sum().backward()
    expect(torch.isnan(x.grad).all(), f"torch now gives {x.grad}: drop the deviation")
    mine = candidate.get("activations.gelu_backward")(np.ones(4), _huge(np.float64), "tanh")
    expect(np.array_equal(mine, [1.0, 0.0, 1.0, 0.0]), f"candidate gives {mine}")


def _sigmoid_slope_at_most_quarter(candidate):
    """Against line 591: max σ′ = 1/4, at 0, not 1."""
    x = np.linspace(-8.0, 8.0, 16001)
    slope = candidate.get("activations.sigmoid_backward")(np.ones_like(x), x)
    expect(float(np.max(slope)) == 0.25 and x[int(np.argmax(slope))] == 0.0,
           f"σ′ should peak at 1/4 at x = 0; got {float(np.max(slope))} at x = {x[int(np.argmax(slope))]}")
    return {"max σ′": float(np.max(slope)), "σ′ at ±4": float(slope[12000])}


RECORDS = (
    elementwise(
        id="act.sigmoid", name="sigmoid",
            equation=r"\sigma(x) = \frac{1}{1 + e^{-x}},\quad \sigma'(x) = \sigma(x)(1 - \sigma(x))",
        mistakes=[
            Mistake("tanh-without-half", "0.5(1 + tanh x) instead of 0.5(1 + tanh(x/2))", M.sigmoid_as_tanh),
            Mistake("float64-output", "float32 input answered in float64", M.sigmoid_in_float64),
            Mistake("backward-no-chain", "σ(1 − σ) not multiplied by the upstream gradient",
                    M.sigmoid_backward_no_chain, "backward"),
            Mistake("backward-x-one-minus-x", "x(1 − x): the output's formula applied to the input",
                    M.sigmoid_backward_of_output, "backward"),
        ],
        accuracy=[BULK, AccuracyClass("left tail [-745, -10]", _geom(10, 745, sign=-1.0)),
                  AccuracyClass("right tail [10, 40]", _grid(10, 40))],
        deviations=(Deviation("line 591: the sigmoid's derivative multiplies numbers 'in the range [0, 1]' (多个[0, "
                              "1]范围的数进行连乘)",
                              "σ′(x) = σ(x)(1 − σ(x)) is at most 1/4, reached at x = 0 only: each layer shrinks the "
                              "gradient "
                              "by 4 at least, which is the vanishing the guide means", _sigmoid_slope_at_most_quarter,
                              source="guide"),),
    ),
    elementwise(
        id="act.tanh", name="tanh",
            equation=r"\tanh x = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}},\quad \tanh'(x) = 1 - \tanh^2 x",
        mistakes=[
            Mistake("naive-exponentials", "(e^x − e^−x)/(e^x + e^−x): NaN once e^x overflows", M.tanh_naive),
            Mistake("backward-one-minus-x2", "1 − x² instead of 1 − tanh² x", M.tanh_backward_one_minus_x2, "backward"),
        ],
        accuracy=[BULK, AccuracyClass("near zero ±[1e-300, 1e-3]", _geom(1e-300, 1e-3)),
                  AccuracyClass("tails ±[10, 30]", _grid(10, 30))],
    ),
    elementwise(
        id="act.relu", name="relu", equation=r"\operatorname{relu}(x) = \max(0, x),\quad \operatorname{relu}'(0) = 0",
        mistakes=[
            Mistake("nan-to-zero", "np.where(x > 0, x, 0) turns NaN into 0", M.relu_nan_to_zero),
            Mistake("backward-one-at-zero", "derivative 1 at x = 0; torch defines 0", M.relu_backward_one_at_zero,
                    "backward"),
        ],
        kinks=(0.0,), oracle=False, deviations=[INPLACE],
    ),
    elementwise(
        id="act.leaky_relu", name="leaky_relu",
            equation=r"\operatorname{leaky\_relu}(x) = \begin{cases} x & x > 0 \\ "
                     r"\alpha x & x \le 0\end{cases},\ \alpha = 0.01",
        mistakes=[
            Mistake("max-x-alpha-x", "max(x, αx): wrong once α > 1 or α < 0", M.leaky_relu_as_max),
            Mistake("slope-ignored", "negative_slope accepted and ignored", M.leaky_relu_slope_ignored),
            Mistake("backward-one-at-zero", "gradient 1 at x = 0; torch gives α", M.leaky_relu_backward_zero_tie,
                    "backward"),
        ],
        kinks=(0.0,), options={"negative_slope": floats(np.float64, -2.0, 2.0)},
        option_edges=({}, {"negative_slope": 0.2}, {"negative_slope": 1.5}), oracle=False,
        errors=[ErrorInput(Sample((np.zeros(2),), {"negative_slope": "0.1"}), TypeError, r"\bnegative_slope\b")],
    ),
    Record(
        id="act.prelu",
        kind="F",
        section=SECTION,
        equation=r"\operatorname{prelu}(x)_c = \max(0, x) + a_c \min(0, x),\ a \text{ shared or one per channel (dim "
                 r"1)}",
        candidate="activations.prelu",
        reference="activations.prelu",
        backward="activations.prelu_backward",
        grad_args=(0, 1),
        inputs=lambda dt: st.tuples(shapes(min_dims=1, max_dims=4, min_side=1, max_side=4), st.booleans()).flatmap(
            lambda sc: samples(
                arrays(dt, sc[0]),
                arrays(dt, (1,) if sc[1] or len(sc[0]) < 2 else (sc[0][1],), min_value=-2.0, max_value=2.0),
            )
        ),
        edges=lambda dt: [
            Sample((np.array([-1.0, 0.0, -0.0, 2.0, np.inf, -np.inf, np.nan], dt), np.array([0.25], dt)), {},
                   "shared slope"),
            Sample((np.array([[[-1.0, 0.0]], [[3.0, -np.inf]]], dt).reshape(2, 1, 2).repeat(3, axis=1),
                    np.array([0.1, -0.5, 2.0], dt)), {}, "slope per channel"),
            Sample((np.zeros((0, 3), dt), np.array([0.1, 0.2, 0.3], dt)), {}, "empty batch"),
        ] + ([Sample((_PRELU_LONG_SUM, np.array([0.25], dt)), {}, "slope gradient whose float32 sum loses 8",
                     expected=0.25 * _PRELU_LONG_SUM,
                     expected_grad=(np.full(10, 0.25, dt), np.array([-(2.0**26) - 8], dt)))]
             if dt == np.float32 else []) + [  # torch's documented forms (docs/input-surface.md)
            Sample((np.array(-2.0, dt), np.array([0.25], dt)), {}, "0-d input, one slope"),
            Sample((np.array([-1.0, 2.0, -3.0], dt), np.array(0.5, dt)), {},
                   "1-D input (no channel axis), a 0-d slope"),
            Sample((np.linspace(-2, 2, 24).astype(dt).reshape(2, 3, 2, 2), np.array([0.1, -0.5, 2.0], dt)), {},
                   "(N, C, H, W), a slope per channel"),
            Sample((np.zeros((2, 0), dt), np.array([0.25], dt)), {}, "no channels, one slope"),
        ],
        mistakes=(
            Mistake("first-slope-for-all", "the first channel's slope used for every channel",
                    M.prelu_first_slope_for_all),
            Mistake("backward-weight-unsummed", "the slope's gradient from the first sample only",
                    M.prelu_backward_weight_unsummed, "backward"),
        ),
        deviations=(Deviation(
            "float32: torch's slope gradient of x = [−2²⁵, −1 ×8, −2²⁵] (g = 1) is −2²⁶; the exact sum −2²⁶ − 8 is a "
            "float32",
            "torch accumulates the per-channel sum in float32 and drops the small terms; impl accumulates in "
            "float64 and rounds once",
            _torch_prelu_grad_f32_sum),),
        errors=(
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros(4))), ValueError, r"\bweight\b.*channels"),
            ErrorInput(Sample((np.array(1.0), np.zeros(2))), ValueError, r"\ba per-channel weight needs"),
            ErrorInput(Sample((np.zeros(3), np.zeros(2))), ValueError, r"\bweight\b.*channels"),
            ErrorInput(Sample((np.zeros(2), np.array([1]))), TypeError, r"\bweight\b"),
            ErrorInput(Sample((np.zeros(2), np.zeros(2), np.array([1]))), TypeError, r"\bweight\b", "backward"),
            ErrorInput(Sample((np.zeros(2), np.array([1, 2]), np.zeros(1))), TypeError, r"\binput\b", "backward"),
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 3)), np.zeros(4))), ValueError, r"\bweight\b.*channels",
                       "backward"),
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((3, 1)))), ValueError, r"weight.*1-D"),
            ErrorInput(Sample((np.zeros((2, 3), np.float32), np.zeros(3))), TypeError, r"weight.*dtype"),
            ErrorInput(Sample((np.array([1, 2]), np.zeros(1))), TypeError, r"\binput\b"),
        ),
    ),
    nan_apart(elementwise(
        id="act.elu", name="elu",
            equation=r"\operatorname{elu}(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0\end{cases}",
        mistakes=[
            Mistake("alpha-on-both-sides", "α multiplied on the positive branch too", M.elu_alpha_on_both_sides),
            Mistake("backward-positive-at-zero", "gradient 1 at x = 0; torch takes the negative branch, α",
                    M.elu_backward_positive_at_zero, "backward"),
        ],
        kinks=(0.0,), options={"alpha": floats(np.float64, 0.1, 3.0)}, option_edges=({}, {"alpha": 2.5}),
        accuracy=[BULK, AccuracyClass("near zero -[1e-300, 1e-3]", _geom(1e-300, 1e-3, sign=-1.0)),
                  AccuracyClass("left tail [-745, -10]", _geom(10, 745, sign=-1.0))],
        errors=[ErrorInput(Sample((np.zeros(2),), {"alpha": None}), TypeError, r"\balpha\b")],
        deviations=[nan_gradient_by_position("elu")],
    )),
    nan_apart(elementwise(
        id="act.selu", name="selu",
            equation=r"\operatorname{selu}(x) = \lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le "
                     r"0\end{cases},\ \lambda \approx 1.0507,\ \alpha \approx 1.6733",
        mistakes=[
            Mistake("rounded-constants", "λ = 1.05, α = 1.67 as rounded on slides", M.selu_rounded_constants),
            Mistake("scale-negative-only", "λ applied only on the negative side", M.selu_scale_negative_only),
        ],
        kinks=(0.0,),
        accuracy=[BULK, AccuracyClass("near zero -[1e-300, 1e-3]", _geom(1e-300, 1e-3, sign=-1.0))],
        deviations=[nan_gradient_by_position("selu", slope=SELU_SCALE)],
    ), slope=SELU_SCALE),
    elementwise(
        id="act.gelu", name="gelu",
            equation=r"\operatorname{gelu}(x) = x\,\Phi(x) = \tfrac12 x\left(1 + \operatorname{erf}(x/\sqrt2)\right)",
        mistakes=[
            Mistake("tanh-for-exact", "the tanh approximation where the exact GELU was asked for",
                    M.gelu_tanh_for_exact),
            Mistake("sigmoid-approximation", "x·σ(1.702x)", M.gelu_sigmoid_approx),
            Mistake("backward-phi-only", "Φ(x) alone, without x·φ(x)", M.gelu_backward_phi_only, "backward"),
        ],
        accuracy=[BULK, AccuracyClass("negative tail [-37, -10]", _grid(-37, -10)),
                  AccuracyClass("subnormal results [-38.5, -37]", _grid(-38.5, -37, 100), bound_ulp=20.0,
                                why="erfc(−x/√2) is itself subnormal there; its error (≤ 1 ULP of the smallest "
                                    "subnormal) is multiplied by |x|/2 ≤ 19.25")],
        errors=[ErrorInput(Sample((np.zeros(2),), {"approximate": "erf"}), ValueError, r"\bapproximate\b")],
        edge_drop=lambda dt: (_F32_MAX, np.inf) if dt == np.float32 else (),
        extra_edges=lambda dt: [Sample((np.array([_F32_MAX, np.inf], dt),), {}, "float32 max and +inf",
                                       expected=np.array([_F32_MAX, np.inf], dt),
                                       expected_grad=np.array([1.0, np.nan], dt))] if dt == np.float32 else [],
        deviations=[Deviation(
            "float32, AVX-512 CPUs: torch's exact GELU gives inf at x = 3.4028235e38 (true value: x) and NaN at +inf "
            "(float64: inf); its AVX2 kernel is right",
            "its AVX-512 float32 kernel overflows an intermediate; impl computes in float64 and rounds once",
            _torch_gelu_f32_overflows)],
    ),
    elementwise(
        id="act.gelu/tanh", name="gelu",
        equation=r"\operatorname{gelu}_{\tanh}(x) = \tfrac12 x\left(1 + \tanh\left(\sqrt{2/\pi}\,(x + "
                 r"0.044715\,x^3)\right)\right)",
        mistakes=[
            Mistake("cubic-term-dropped", "tanh approximation without 0.044715 x³", M.gelu_tanh_cubic_dropped),
            Mistake("sigmoid-approximation", "x·σ(1.702x)", M.gelu_sigmoid_approx),
            Mistake("backward-phi-only", "the derivative of the tanh factor forgotten", M.gelu_backward_phi_only,
                    "backward"),
        ],
        options={"approximate": st.just("tanh")}, option_edges=({"approximate": "tanh"},),
        edge_drop=lambda dt: _huge(dt),
        extra_edges=lambda dt: [Sample((_huge(dt),), {"approximate": "tanh"}, "huge finite inputs",
                                       expected=np.where(_huge(dt) > 0, _huge(dt), -0.0).astype(dt),
                                       expected_grad=(_huge(dt) > 0).astype(dt))],
        deviations=[Deviation(
            "torch's tanh-GELU gradient is NaN at the largest finite inputs (±max, ±1e308); the true gradient is 1 or "
            "0",
            "torch evaluates x³ and meets inf·0; impl clips x³ where the tanh has long saturated",
            _torch_gelu_tanh_grad_nan)],
        accuracy=[
            AccuracyClass("bulk [-10, 10]", _grid(-10, 10), {"approximate": "tanh"}, bound_ulp=250.0,
                          why="for x < 0 the result x·σ(2u) has condition number ≈ 1 + 2|x|u′(x); at x = −10 that is "
                              "≈ 230, so the rounding of u (one float64 operation) costs that many ULPs"),
            AccuracyClass("bulk [-3, 10]", _grid(-3, 10), {"approximate": "tanh"}, bound_ulp=8.0,
                          why="condition number 1 + 2|x|u′(x)σ(−2u) ≤ 7.7 on [−3, 10]: the rounding of u alone costs "
                              "that"),
            AccuracyClass("negative tail [-12, -5]", _grid(-12, -5), {"approximate": "tanh"}, bound_ulp=350.0,
                          why="condition number 1 + 2|x|u′(x) grows like 0.27x³; an ULP-exact result would need u in "
                              "double-double"),
        ],
    ),
    elementwise(
        id="act.softplus", name="softplus",
            equation=r"\operatorname{softplus}(x) = \tfrac{1}{\beta}\log\left(1 + e^{\beta x}\right);\ x \text{ where "
                     r"} \beta x > \text{threshold}",
        mistakes=[
            Mistake("naive-log-exp", "log(1 + e^{βx})/β overflows to inf", M.softplus_naive),
            Mistake("beta-ignored", "β accepted and ignored", M.softplus_beta_ignored),
            Mistake("threshold-on-x", "threshold compared with x instead of βx", M.softplus_threshold_on_x),
            Mistake("backward-unscaled", "σ(x) instead of σ(βx)", M.softplus_backward_unscaled, "backward"),
        ],
        options={"beta": st.sampled_from([-1.0, 0.5, 1.0, 2.0, 3.0]), "threshold": st.sampled_from([2.0, 5.0, 20.0])},
        option_edges=({"threshold": 20.0}, {"beta": 2.0, "threshold": 5.0}, {"beta": -1.0, "threshold": 20.0}),
            oracle=False,
        kinks=(2.5, 20.0),  # βx = threshold for the two option sets above
        errors=[ErrorInput(Sample((np.zeros(2),), {"beta": 0}), ValueError, r"\bbeta\b"),
                ErrorInput(Sample((np.zeros(2),), {"beta": "2"}), TypeError, r"\bbeta\b"),
                ErrorInput(Sample((np.zeros(2),), {"threshold": "20"}), TypeError, r"\bthreshold\b")],
        lo=-30.0, hi=30.0,
        notes="With threshold given (here drawn), impl follows torch: x itself where βx > threshold.",
    ),
    elementwise(
        id="act.softplus/default", name="softplus",
            equation=r"\operatorname{softplus}(x) = \tfrac{1}{\beta}\left(\max(z, 0) + \log(1 + e^{-|z|})\right),\ z = "
                     r"\beta x",
        mistakes=[
            Mistake("naive-log-exp", "log(1 + e^{βx})/β overflows to inf", M.softplus_naive),
            Mistake("beta-ignored", "β accepted and ignored", M.softplus_beta_ignored),
            Mistake("backward-unscaled", "σ(x) instead of σ(βx)", M.softplus_backward_unscaled, "backward"),
        ],
        options={"beta": st.sampled_from([-1.0, 0.5, 1.0, 2.0])}, option_edges=({}, {"beta": 2.0}, {"beta": -1.0}),
        lo=-40.0, hi=40.0,
        accuracy=[BULK, AccuracyClass("left tail [-745, -10]", _geom(10, 745, sign=-1.0)),
                  AccuracyClass("above torch's threshold [20, 40]", _grid(20, 40))],
        deviations=[Deviation(
            "default threshold: impl computes the true value everywhere; torch returns x for βx > 20",
            "torch's threshold trades up to e^{-20}/20 ≈ 1e-10 relative accuracy for speed (≈ 4e5 ULP at x = 21); "
            "impl keeps threshold=None as its default and follows torch's rule only when a threshold is given",
            _softplus_default_is_accurate)],
    ),
    elementwise(
        id="act.silu", name="silu",
            equation=r"\operatorname{silu}(x) = x\,\sigma(x),\quad \operatorname{silu}'(x) = \sigma(x)(1 + x(1 - "
                     r"\sigma(x)))",
        mistakes=[
            Mistake("tanh-gate", "x·tanh(x) instead of x·σ(x)", M.silu_as_tanh),
            Mistake("backward-sigma-only", "σ(x) alone, no product rule", M.silu_backward_sigma_only, "backward"),
        ],
        accuracy=[BULK, AccuracyClass("left tail [-740, -10]", _geom(10, 740, sign=-1.0)),
                  AccuracyClass("around the switch to x·e^(x+64)·e^(−64) [-713, -703]", _grid(-713, -703, 101))],
    ),
    elementwise(
        id="act.softsign", name="softsign", equation=r"\operatorname{softsign}(x) = \frac{x}{1 + |x|}",
        mistakes=[
            Mistake("abs-forgotten", "x/(1 + x)", M.softsign_without_abs),
            Mistake("backward-not-squared", "1/(1 + |x|) instead of 1/(1 + |x|)²", M.softsign_backward_not_squared,
                    "backward"),
        ],
        kinks=(0.0,),
        accuracy=[BULK, AccuracyClass("huge ±[1e10, 1e308]", _geom(1e10, 1e308))],
    ),
    elementwise(
        id="act.hardsigmoid", name="hardsigmoid",
            equation=r"\operatorname{hardsigmoid}(x) = \frac{\min(\max(x + 3, 0), 6)}{6}",
        mistakes=[
            Mistake("keras-hard-sigmoid", "Keras's clip(0.2x + 0.5, 0, 1)", M.hardsigmoid_keras),
            Mistake("backward-closed-interval", "1/6 at x = ±3 too; torch gives 0 at the ends",
                    M.hardsigmoid_backward_closed_interval, "backward"),
        ],
        kinks=(-3.0, 3.0), oracle=False,
    ),
    Record(
        id="act.softmax",
        kind="F",
        section=SECTION,
        equation=r"\operatorname{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}} = \frac{e^{x_i - m}}{\sum_j e^{x_j - "
                 r"m}}",
        candidate="activations.softmax",
        reference="activations.softmax",
        backward="activations.softmax_backward",
        inputs=lambda dt: shapes(min_dims=1, max_dims=3, min_side=1).flatmap(
            lambda s: samples(arrays(dt, s, -50.0, 50.0), st.integers(-len(s), len(s) - 1))),
        edges=lambda dt: [
            Sample((np.array([1000.0, 1000.0, -1000.0], dt), 0), {}, "huge logits"),
            Sample((np.array([[0.0, -np.inf], [-np.inf, -np.inf]], dt), 1), {}, "-inf logits, an all -inf row"),
            Sample((np.array([[np.inf, 0.0]], dt), -1), {}, "+inf logit"),
            Sample((np.array(3.0, dt), 0), {}, "0-d"),
            Sample((np.zeros((2, 0, 3), dt), 1), {}, "empty"),
            *dtype_edges(dt),
        ],
        check=lambda candidate: check_dtype_downcast(candidate, "softmax"), deviations=(IMPLICIT_DIM,),
        mistakes=(
            Mistake("max-not-subtracted", "exp(x)/Σexp(x): inf/inf for large logits", M.softmax_unshifted),
            Mistake("last-axis-always", "normalised along the last axis whatever dim says", M.softmax_last_axis),
            Mistake("backward-diagonal-only", "g·p(1 − p): the Jacobian's diagonal only", M.softmax_backward_diagonal,
                    "backward"),
        ),
        errors=(
            ErrorInput(Sample((np.zeros((2, 3)), 2)), ValueError, r"\bdim=2.*out of range"),
            ErrorInput(Sample((np.zeros((2, 3)), 1.0)), TypeError, r"\bdim\b"),
            *DTYPE_ERRORS,
            ErrorInput(Sample((np.array([1, 2]), 0)), TypeError, r"\binput\b"),
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 3)), 2)), ValueError, r"\bdim=2.*out of range",
                       "backward"),
            ErrorInput(Sample((np.zeros(2), np.array([1, 2]), 0)), TypeError, r"\binput\b", "backward"),
        ),
    ),
    Record(
        id="act.log_softmax",
        kind="F",
        section=SECTION,
        equation=r"\log\operatorname{softmax}(x)_i = x_i - m - \log \sum_j e^{x_j - m}",
        candidate="activations.log_softmax",
        reference="activations.log_softmax",
        backward="activations.log_softmax_backward",
        oracle="activations.log_softmax",
        inputs=lambda dt: shapes(min_dims=1, max_dims=3, min_side=1).flatmap(
            lambda s: samples(arrays(dt, s, -50.0, 50.0), st.integers(-len(s), len(s) - 1))),
        edges=lambda dt: [
            Sample((np.array([0.0, -1000.0, -2000.0], dt), 0), {}, "one logit dominates"),
            Sample((np.array([1000.0, 1000.0, -1000.0], dt), 0), {}, "huge logits"),
            Sample((np.array([[0.0, -np.inf], [-np.inf, -np.inf]], dt), 1), {}, "-inf logits, an all -inf row"),
            Sample((np.array(3.0, dt), 0), {}, "0-d"),
            Sample((np.zeros((2, 0, 3), dt), 1), {}, "empty"),
            *dtype_edges(dt),
        ],
        check=lambda candidate: check_dtype_downcast(candidate, "log_softmax"),
        accuracy=(
            AccuracyClass("bulk rows in [-10, 10]", lambda: np.random.default_rng(1).uniform(-10, 10, (100, 4)),
                          {"dim": 1}),
            AccuracyClass("outputs near 0: [0, -t] rows, t in [1, 700]",
                          lambda: np.stack([np.zeros(200), -np.geomspace(1, 700, 200)], 1), {"dim": 1}),
        ),
        mistakes=(
            Mistake("log-of-softmax", "log(softmax(x)): −inf where softmax underflows", M.log_softmax_of_softmax),
            Mistake("max-not-subtracted", "x − log Σ e^x overflows", M.log_softmax_unshifted),
            Mistake("backward-g-minus-p", "g − p instead of g − p Σg", M.log_softmax_backward_p_minus_g, "backward"),
        ),
        errors=(
            ErrorInput(Sample((np.zeros(3), -2)), ValueError, r"\bdim=-2.*out of range"),
            ErrorInput(Sample((np.zeros(3), None)), TypeError, r"\bdim\b"),
            *DTYPE_ERRORS,
            ErrorInput(Sample((np.zeros(3), np.zeros(3), None)), TypeError, r"\bdim\b", "backward"),
            ErrorInput(Sample((np.array([1, 2]), 0)), TypeError, r"\binput\b"),
            ErrorInput(Sample((np.zeros(2), np.array([1, 2]), 0)), TypeError, r"\binput\b", "backward"),
        ),
    ),
)

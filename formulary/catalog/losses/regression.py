"""Records of the regression losses (guide §6.2): MSE, MAE, MSLE, MAPE, smooth L1, Huber."""

from __future__ import annotations

import warnings

import numpy as np
import torch
from hypothesis import strategies as st

from formulary.catalog.losses._shared import (
    EACH_REDUCTION,
    REGRESSION,
    away_from_zero,
    each_reduction,
    empties,
    loss_record,
    pair_edges,
    pair_errors,
    pair_inputs,
    seeded,
)
from formulary.edges import around, special_values
from formulary.mistakes import losses as M
from formulary.record import AccuracyClass, Deviation, ErrorInput, Mistake, Sample
from formulary.verdict import expect


def _batch(lo=-3.0, hi=3.0):
    """A seeded 3×4 batch whose first column ties (x = y)."""
    x, t = seeded((3, 4), lo, hi, 1), seeded((3, 4), lo, hi, 2)
    x[:, 0] = t[:, 0]
    return x, t


def _cases(dt, keep=lambda v: np.ones(v.shape, bool), target=0.0, lo=-3.0):
    """Special values (those ``keep`` keeps) against a constant target, the batch, and the empties."""
    v = special_values(dt)
    v = v[keep(v)]
    return [(v, np.full_like(v, target), f"special values against {target:g}"), (*_batch(lo), "3×4 batch with ties"),
            *empties(dt, target)]


def _weighted(dt):
    w = seeded((3, 4), 0.0, 2.0, 3)
    w[0, 1] = 0.0
    return [(*_batch(), "weighted batch (a zero weight)", {"weight": w})]


def _nan_d(dt):
    """x − y = inf − inf = NaN (torch: NaN, and a gradient of NaN, or 0 for |d|'s sign); float64: max − (−max) = inf."""
    big = [np.finfo(dt).max] if dt == np.float64 else []  # float32: impl's float64 d would not overflow, torch's does
    return [(np.array([np.inf, 1.0, *big]), np.array([np.inf, 2.0, *[-b for b in big]]),
             "inf − inf: NaN; max − (−max)")]


def _kinks(points):
    """Errors d around each kink (and 0), as (input, target = 0) cases."""
    return lambda dt: [(around(points, dt), np.zeros(3 * len(points)), "errors at the kinks ±k and 0")]


def _below_half_max(v):
    """|v| ≤ max/2: beyond, torch's MSE gradient overflows in 2(x − y) (see the deviation)."""
    return ~(np.abs(v) > np.finfo(v.dtype).max / 2)


def _torch_mse_grad_overflows(candidate):
    for dt in (np.float32, np.float64):
        big = np.finfo(dt).max
        x, t, g = np.array([big, -big], dt), np.zeros(2, dt), np.array([0.25, 0.25], dt)
        tx = torch.from_numpy(x.copy()).requires_grad_()
        torch.nn.functional.mse_loss(tx, torch.from_numpy(t), reduction="none").backward(torch.from_numpy(g))
        theirs = tx.grad.numpy()
        mine = candidate.get("losses.mse_loss_backward")(g, x, t, reduction="none")
        expect(np.isinf(theirs).all(), f"torch now gives {theirs} ({np.dtype(dt)}): drop the deviation")
        expect(np.array_equal(mine, dt(0.5) * x), f"candidate gives {mine} ({np.dtype(dt)}), expected ±max/2")


_WEIGHT_ERRORS = (
    ErrorInput(Sample((np.zeros(3), np.zeros(3)), {"weight": np.ones(2)}), ValueError, r"\bweight\b.*\bshape\b"),
    ErrorInput(Sample((np.zeros(3), np.zeros(3)), {"weight": np.ones(3, np.float32)}), TypeError,
               r"\bweight\b.*\bdtype\b"),
    ErrorInput(Sample((np.zeros(3), np.zeros(3)), {"weight": np.ones(1)}, "an elementwise weight is not broadcast"),
               ValueError, r"^weight has shape \(1,\), expected the input's shape"),
)

_RNG = np.random.default_rng(11)
_BULK_X, _BULK_Y = _RNG.uniform(0, 10, 200), _RNG.uniform(0, 10, 200)
_NEAR_Y = _RNG.uniform(0, 10, 200)
_FAR_X = np.geomspace(1e3, 1e12, 200)
_NEAR_X = _NEAR_Y * (1 + np.geomspace(1e-12, 1e-3, 200) * np.where(_RNG.random(200) < 0.5, -1, 1))
_MSLE_WHY = ("ℓ = d² doubles the relative error of d = log1p(r), r = (x − y)/(1 + y): r rounds three times (≤ 1.5 "
             "ULP), "
             "log1p amplifies that by ≤ 1.44 for r ≥ −1/2 and adds ≤ 1 ULP, so d is within 3.2 ULP and d² within 6.9")


def _mae_penalises_outliers_less(candidate):
    """Against line 539: how much more one outlier (residual 100) pulls on the fit than an inlier (residual 0.1),
    by the candidate's own losses (central differences): MSE in proportion to the residual, MAE not at all."""
    target, pred = np.zeros(10), np.full(10, 0.1)
    pred[0] = 100.0
    found = {}
    for name in ("mse_loss", "l1_loss"):
        loss = candidate.get(f"losses.{name}")

        def pull(i, h=1e-4, loss=loss):
            up, down = pred.copy(), pred.copy()
            up[i] += h
            down[i] -= h
            return (float(loss(up, target)) - float(loss(down, target))) / (2 * h)

        found[f"{name}: outlier's pull / an inlier's"] = pull(0) / pull(1)
    mse_ratio, mae_ratio = found["mse_loss: outlier's pull / an inlier's"], found["l1_loss: outlier's pull / an "
                                                                                  "inlier's"]
    expect(mse_ratio > 100 and abs(mae_ratio - 1) < 1e-6,
           f"an outlier should pull ~1000× an inlier under MSE and 1× under MAE; got {mse_ratio:.4g} and "
           f"{mae_ratio:.4g}")
    return found


def _torch_broadcasts_and_promotes(candidate):
    """A target of another shape or dtype: torch broadcasts (with a warning) and promotes; impl raises, naming
    target."""
    x = np.arange(6.0).reshape(2, 3)
    for target, error, what in ((np.ones(3), ValueError, "shape"), (np.ones((2, 3), np.float32), TypeError, "dtype")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's 'Using a target size that is different to the input size'
            theirs = torch.nn.functional.mse_loss(torch.from_numpy(x), torch.from_numpy(target))
        expect(bool(torch.isfinite(theirs)), f"torch now refuses a target of another {what}: drop the deviation")
        try:
            candidate.get("losses.mse_loss")(x, target)
        except error as exc:
            expect("target" in str(exc) and what in str(exc), f"the error should name target's {what}: {exc}")
        else:
            expect(False, f"candidate accepted a target of another {what}; expected a {error.__name__} naming target")


STRICT_TARGETS = Deviation(
    "every loss of (input, target): a target of another shape or dtype is an error in impl; torch broadcasts the "
    "shapes (with a warning that the result is likely wrong) and promotes the dtypes",
    "torch's documentation gives the target the input's shape; a broadcast target is almost always a bug (an (N, 1) "
    "prediction against an (N,) target gives an N×N loss)",
    _torch_broadcasts_and_promotes)

DEPRECATED_OPTIONS_LOSSES = ("mse_loss", "l1_loss", "smooth_l1_loss", "binary_cross_entropy",
                             "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy")


def _deprecated_options_not_taken(candidate):
    """size_average and reduce (deprecated in favour of reduction): torch still takes them; impl does not."""
    x = np.full((1, 3), 0.5)
    for name in DEPRECATED_OPTIONS_LOSSES:
        target = np.array([1]) if name in ("nll_loss", "cross_entropy") else np.full((1, 3),
                                                                                     0.25)  # class index or values
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's deprecation warning
            getattr(torch.nn.functional, name)(torch.from_numpy(x), torch.from_numpy(target), size_average=False)
        for option in ("size_average", "reduce"):
            try:
                candidate.get(f"losses.{name}")(x, target, **{option: False})
            except TypeError as exc:
                expect(option in str(exc), f"{name}: the TypeError should name {option}: {exc}")
            else:
                expect(False, f"{name} accepted {option}=; expected a TypeError naming it (reduction says it)")


DEPRECATED_OPTIONS = Deviation(
    "size_average and reduce (torch: deprecated, see reduction) are not taken by any loss: a TypeError naming them",
    "torch's documentation marks both deprecated in favour of reduction, which impl takes with its three values",
    _deprecated_options_not_taken)


def _torch_rounds_subnormal_products(candidate):
    """float32, one element d = 1.5 with weight 1e-45 (the smallest subnormal): torch forms w·d² = 3.2e-45 in
    float32, which rounds to 2.8e-45, and its weighted mean is 2.0 (l1: 2.0 for |d| = 1.5); the truth is 2.25 and
    1.5, which the candidate must give."""
    x, t, w = np.array(0.0, np.float32), np.array(1.5, np.float32), np.array(1e-45, np.float32)
    found = {}
    for name, truth in (("mse_loss", 2.25), ("l1_loss", 1.5)):
        theirs = float(getattr(torch.nn.functional, name)(torch.tensor(x), torch.tensor(t), weight=torch.tensor(w)))
        mine = float(candidate.get(f"losses.{name}")(x, t, weight=w))
        expect(theirs != truth,
               f"torch's float32 {name} with a subnormal weight now gives the truth {truth}: drop the deviation")
        expect(mine == truth, f"{name}(0, 1.5, weight=1e-45) in float32 should be {truth}, got {mine}")
        found[f"{name}: torch / candidate / truth"] = [theirs, mine, truth]
    return found


SUBNORMAL_WEIGHT = Deviation(
    "float32 with a subnormal weight: torch rounds each product w·d² (w·|d|) in float32 among the subnormals, so "
    "mse_loss(0, 1.5, weight=1e-45) is 2.0 instead of 2.25 (l1_loss: 2.0 instead of 1.5), and its gradient −inf "
    "instead of −3 (−1)",
    "impl accumulates in float64 and rounds once; drawn weights below 2⁻²⁰ are drawn as 0, and the edge bank "
    "holds this case with the true value", _torch_rounds_subnormal_products)


def _subnormal_weight_edge(dt, truth, grad):
    """The case of SUBNORMAL_WEIGHT, judged by the true value and gradient (torch's gradient there is −inf)."""
    if np.dtype(dt) != np.float32:
        return []
    return [Sample((np.array(0.0, np.float32), np.array(1.5, np.float32)), {"weight": np.array(1e-45, np.float32)},
                   "a subnormal weight: torch rounds w·d² among the subnormals", expected=np.float32(truth),
                   expected_grad=np.float32(grad))]

RECORDS = (
    loss_record(
        id="loss.mse", name="mse_loss", section=REGRESSION,
        equation=r"\ell_i = w_i (x_i - y_i)^2,\quad \text{mean} = \frac{\sum_i w_i (x_i - y_i)^2}{\sum_i w_i}",
        mistakes=[
            Mistake("mean-over-batch", "the sum divided by the batch size, not by every element",
                    M.mse_mean_over_batch),
            Mistake("weighted-mean-over-count", "a weighted mean divided by n instead of Σw",
                    M.mse_weighted_mean_over_count),
            Mistake("backward-without-two", "(x − y) instead of 2(x − y)", M.mse_backward_without_two, "backward"),
            Mistake("backward-not-averaged", "the gradient of the sum returned for the mean",
                    M.mse_backward_not_averaged, "backward"),
        ],
        inputs=pair_inputs(weight=True),
        edges=pair_edges(lambda dt: [*_cases(dt, keep=_below_half_max), *_weighted(dt),
                                     (np.array([np.inf, 1.0]), np.array([np.inf, 2.0]), "inf − inf: NaN")],
                         extra=lambda dt: _subnormal_weight_edge(dt, 2.25, -3.0)),
        errors=pair_errors(extra=_WEIGHT_ERRORS),
        deviations=[Deviation(
            "torch's unreduced mse_loss gradient is ±inf at x − y = ±max for an upstream gradient of 0.25 (true: "
            "±max/2)",
            "torch forms 2(x − y) first, which overflows before the upstream gradient scales it down; impl multiplies "
            "the upstream gradient by 2 first (and computes float32 in float64). The edge bank keeps |x − y| ≤ max/2",
            _torch_mse_grad_overflows), STRICT_TARGETS, DEPRECATED_OPTIONS, SUBNORMAL_WEIGHT],
    ),
    loss_record(
        id="loss.mae", name="l1_loss", section=REGRESSION,
        equation=r"\ell_i = w_i |x_i - y_i|,\quad \text{mean} = \frac{\sum_i w_i |x_i - y_i|}{\sum_i w_i}",
        mistakes=[
            Mistake("weight-ignored", "weight accepted and ignored", M.l1_weight_ignored),
            Mistake("root-mean-square", "√(mean d²) instead of mean |d|", M.l1_as_rmse),
            Mistake("backward-one-at-tie", "sign(0) taken as 1; torch gives 0 at a tie", M.l1_backward_one_at_tie,
                    "backward"),
        ],
        inputs=pair_inputs(weight=True),
        edges=pair_edges(lambda dt: [*_cases(dt), *_weighted(dt), *_nan_d(dt)],
                         extra=lambda dt: _subnormal_weight_edge(dt, 1.5, -1.0)),
        errors=pair_errors(extra=_WEIGHT_ERRORS),
        notes="The gradient of |d| is 0 at a tie and at NaN, as torch.sign(NaN) = 0 gives; impl follows.",
        deviations=(Deviation("line 539: 'MAE penalises outliers more effectively' (MAE 则会比较有效地惩罚异常值), so "
                              "use it when there are "
                              "many outliers",
                                  "the advice is right and the reason reversed: MAE penalises a large residual "
                              "less than MSE (linearly, with a gradient bounded by 1/n), which is why it is the robust "
                              "one",
                              _mae_penalises_outliers_less, source="guide"), SUBNORMAL_WEIGHT),
    ),
    loss_record(
        id="loss.msle", name="msle_loss", section=REGRESSION,
        equation=r"\ell_i = \bigl(\log(1 + x_i) - \log(1 + y_i)\bigr)^2,\quad x_i, y_i > -1",
        mistakes=[
            Mistake("log-without-one", "(log x − log y)²: the 1 + forgotten", M.msle_log_not_log1p),
            Mistake("clipped-like-the-guide", "values clipped at 1e-5 before the log, as the guide's code does",
                    M.msle_clipped_like_guide),
            Mistake("backward-missing-chain", "2(log(1 + x) − log(1 + y)) without the 1/(1 + x)",
                    M.msle_backward_missing_chain, "backward"),
        ],
        inputs=pair_inputs(-0.875, 20.0),
        edges=pair_edges(lambda dt: [
            *_cases(dt, keep=lambda v: ~(v <= -1), lo=-0.875),
            (np.array([-0.5, -0.999, 0.0, 3.0, 1e6]), np.array([0.0, 2.0, -0.5, 3.0, 1e-3]),
             "negative values, a tie, a wide range"),
            (np.array(0.0), np.array(2.0), "0-d, 1 + x below half of 1 + y"),
            (np.array([-1.0 + np.finfo(dt).epsneg]), np.array([np.finfo(dt).max / 2]),
             "1 + x = ε, y = max/2: (x − y)/(1 + y) rounds to −1 (float64: (y − x)/(1 + x) overflows)"),
        ]),
        errors=pair_errors(extra=(
            ErrorInput(Sample((np.array([0.5, -1.0]), np.zeros(2))), ValueError,
                       r"^input must be greater than -1 .*got (np\.float64\()?-1\.0\)?$"),
            ErrorInput(Sample((np.zeros(2), np.array([-2.0, 0.0]))), ValueError,
                       r"^target must be greater than -1 .*got (np\.float64\()?-2\.0\)?$"),
        )),
        oracle="losses.msle_loss",
        accuracy=(
            AccuracyClass("bulk x, y in [0, 10]", lambda: _BULK_X, {"target": _BULK_Y, "reduction": "none"}, 7.0,
                          _MSLE_WHY),
            AccuracyClass("x ≈ y (relative gap 1e-12 to 1e-3)", lambda: _NEAR_X,
                          {"target": _NEAR_Y, "reduction": "none"}, 7.0, _MSLE_WHY),
            AccuracyClass("x near -1: -1 + [1e-15, 0.5], y in [0, 10]", lambda: -1 + np.geomspace(1e-15, 0.5, 200),
                          {"target": _BULK_Y, "reduction": "none"}, 7.0, _MSLE_WHY),
            AccuracyClass("1 + x < (1 + y)/2, both large: x in [1e3, 1e12], y = 3x + 2", lambda: _FAR_X,
                          {"target": 3 * _FAR_X + 2, "reduction": "none"}, 7.0,
                          _MSLE_WHY + "; below r = −1/2 the same holds of −log1p((y − x)/(1 + x)), the roles swapped "
                          "(log1p(x) − log1p(y) would lose digits to cancellation here: up to 24 ULP)"),
        ),
        notes="The reference composes torch.log1p(x) − torch.log1p(y), which cancels when x ≈ y (see the accuracy "
              "table).",
    ),
    loss_record(
        id="loss.mape", name="mape_loss", section=REGRESSION,
        equation=r"\ell_i = 100\,\frac{|x_i - y_i|}{\max(|y_i|, \varepsilon)}",
        mistakes=[
            Mistake("fraction-not-percent", "|x − y|/|y| without the factor 100", M.mape_fraction),
            Mistake("relative-to-prediction", "divided by |x| instead of |y|", M.mape_relative_to_prediction),
            Mistake("guide-epsilon", "|y| floored at 10e-6 = 1e-5 whatever eps says, as the guide's code does",
                    M.mape_guide_epsilon),
            Mistake("backward-unsigned", "100/|y| without the sign of x − y", M.mape_backward_unsigned, "backward"),
        ],
        inputs=pair_inputs(target=away_from_zero, options={"eps": st.sampled_from([0.0, 0.5])}),
        edges=pair_edges(lambda dt: [
            *_cases(dt, target=1.0),
            (np.array([1.0, 0.0, 2e-6, -3.0]), np.array([0.0, 0.0, 1e-6, 2.0]), "zero and tiny targets"),
        ], [*EACH_REDUCTION, *each_reduction(eps=1e-5)]),
        errors=pair_errors(extra=(ErrorInput(Sample((np.zeros(2), np.ones(2)), {"eps": -1.0}), ValueError,
                                             r"^eps must be non-negative"),)),
    ),
    loss_record(
        id="loss.smooth_l1", name="smooth_l1_loss", section=REGRESSION,
        equation=r"\ell_i = \begin{cases} 0.5\,d_i^2/\beta & |d_i| < \beta \\ |d_i| - 0.5\,\beta & "
                 r"\text{otherwise}\end{cases},\ d_i = x_i - y_i",
        mistakes=[
            Mistake("beta-not-divided", "0.5 d² without the division by β", M.smooth_l1_without_beta),
            Mistake("backward-beta-zero-unguarded", "clip(d/β) at β = 0: 0/0 = NaN at a tie",
                    M.smooth_l1_backward_beta_zero_unguarded, "backward"),
            Mistake("backward-slope-beta", "slope ±β outside |d| < β (Huber's)", M.smooth_l1_backward_slope_beta,
                    "backward"),
        ],
        inputs=pair_inputs(options={"beta": st.sampled_from([0.0, 0.5, 1.0, 2.0])}),
        edges=pair_edges(lambda dt: [*_cases(dt), *_kinks((-2.0, -0.5, 0.0, 0.5, 2.0))(dt), *_nan_d(dt)],
                         [*EACH_REDUCTION, *each_reduction(beta=0.0), *each_reduction(beta=0.5),
                          *each_reduction(beta=2.0)]),
        errors=pair_errors(extra=(
            ErrorInput(Sample((np.zeros(2), np.zeros(2)), {"beta": -1.0}), ValueError, r"^beta must be non-negative"),
            ErrorInput(Sample((np.zeros(2), np.zeros(2)), {"beta": "1"}), TypeError, r"^beta must be a real number"),
        )),
        notes="β = 0 is the L1 loss, as torch defines it.",
    ),
    loss_record(
        id="loss.smooth_l1/huber", name="huber_loss", section=REGRESSION,
        equation=r"\ell_i = w_i \begin{cases} 0.5\,d_i^2 & |d_i| < \delta \\ \delta\,(|d_i| - 0.5\,\delta) & "
                 r"\text{otherwise}\end{cases},\quad \text{mean} = \tfrac1n \textstyle\sum_i \ell_i",
        mistakes=[
            Mistake("as-smooth-l1", "smooth_l1 with β = δ: the factor δ forgotten", M.huber_as_smooth_l1),
            Mistake("weighted-mean-over-weights", "a weighted mean divided by Σw (mse's convention)",
                    M.huber_weighted_mean_over_weights),
            Mistake("backward-unit-clip", "clip(d, −1, 1) whatever δ is", M.huber_backward_unit_clip, "backward"),
        ],
        inputs=pair_inputs(options={"delta": st.sampled_from([0.5, 1.0, 2.0])}, weight=True),
        edges=pair_edges(lambda dt: [*_cases(dt), *_kinks((-2.0, -0.5, 0.0, 0.5, 2.0))(dt), *_weighted(dt),
                                     *_nan_d(dt)],
                         [*EACH_REDUCTION, *each_reduction(delta=0.5), *each_reduction(delta=2.0)]),
        errors=pair_errors(extra=(
            *_WEIGHT_ERRORS,
            ErrorInput(Sample((np.zeros(2), np.zeros(2)), {"delta": 0.0}), ValueError, r"^delta must be positive"),
            ErrorInput(Sample((np.zeros(2), np.zeros(2)), {"delta": "1"}), TypeError, r"^delta must be a real number"),
        )),
        notes="torch's huber_loss divides a weighted mean by the element count, its mse_loss and l1_loss by Σw; impl "
              "follows both.",
    ),
)

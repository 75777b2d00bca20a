"""Records of the multiclass losses (guide §6.3): negative log-likelihood and cross-entropy, class indices and
probability targets."""

from __future__ import annotations

import math

import numpy as np
import torch
from hypothesis import strategies as st

from formulary.catalog.losses._shared import (
    CLASSIFICATION,
    class_inputs,
    loss_record,
    pair_edges,
    seeded,
)
from formulary.catalog.losses.classification import _NONE
from formulary.mistakes import losses as M
from formulary.record import AccuracyClass, Deviation, ErrorInput, Mistake, Sample
from formulary.verdict import expect

# -- NLL / cross-entropy --------------------------------------------------------------------------------

_T = np.array([0, 2, -100, 1])


def _log_probs(shape, seed, dim=1):
    z = seeded(shape, -3.0, 3.0, seed)
    return z - np.log(np.exp(z).sum(axis=dim, keepdims=True))


def _multiclass_cases(logits):
    """The cases of nll_loss (``logits`` False: log-probabilities) and cross_entropy."""
    make = (lambda shape, seed, dim=1: seeded(shape, -3.0, 3.0, seed)) if logits else _log_probs
    spatial_t = np.array([[0, 2, -100, 1], [1, 1, 0, 2]])
    cases = [
        (make((4, 3), 1), _T, "4×3 batch, one target ignored"),
        (make((4, 3), 1), _T, "class weights", {"weight": [0.5, 2.0, 1.0]}),
        (make((4, 3), 1), np.array([0, 1, 1, 2]), "ignore_index = 1 (a class)", {"ignore_index": 1}),
        (make((2, 3, 4), 2), spatial_t, "spatial (N, C, d): classes on dim 1", {"weight": [1.0, 0.25, 3.0]}),
        (make((3, 2), 3), np.array([-100, -100, -100]), "every target ignored: NaN mean"),
        (make((2, 3), 4), np.array([0, 1]), "zero class weights: NaN mean", {"weight": [0.0, 0.0, 0.0]}),
        (make((3,), 5, 0), np.array(1), "1-D input, 0-d target"),
        (np.zeros((0, 3)), np.zeros(0, np.int64), "empty batch"),
        (np.array([[0.0, -np.inf, -np.inf], [-np.inf, 1.0, 0.0]]) if logits else np.array([[0.0, -np.inf, -np.inf]]),
         np.array([0, 1]) if logits else np.array([0]), "−inf entries off the target"),
        (np.array([[-np.inf, 0.0, 1.0], [0.0, 1.0, 2.0]]), np.array([-100, 1]), "an ignored row with a −inf at class 0",
         {"weight": [0.0, 1.0, 1.0]}),
    ]
    if not logits:
        cases += [
            (np.array([[np.inf, 0.0], [-np.inf, 0.0]]), np.array([0, 0]), "+inf and −inf terms: a NaN sum"),
            (np.array([[-1.0, 0.0], [0.0, -2.0]]), np.array([0, 1]), "weights summing to 0: mean = −1/0",
             {"weight": [1.0, -1.0]}),
        ]
    if logits:
        cases += [
            (make((4, 3), 1), _T, "label smoothing", {"label_smoothing": 0.2}),
            (make((4, 3), 1), _T, "weights and smoothing", {"weight": [0.5, 2.0, 1.0], "label_smoothing": 0.2}),
            (make((2, 3, 4), 2), spatial_t, "spatial, smoothing 1", {"label_smoothing": 1.0}),
            (np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3]]), np.array([1, 2]), "logits spread over 2e4"),
            (make((3, 2), 3), np.array([-100, -100, -100]), "every target ignored, smoothing",
             {"label_smoothing": 0.1}),
            (np.array([[-np.inf, 0.0, 1.0], [0.0, 1.0, 2.0]]), np.array([-100, 1]),
             "an ignored row with a −inf, smoothing",
             {"weight": [0.0, 1.0, 1.0], "label_smoothing": 0.2}),
            (make((2, 3), 6), np.array([1, 2]), "an infinite weight on a class no target has",
             {"weight": [np.inf, 1.0, 1.0]}),
            (make((4, 3), 1), np.array([0, 1, 1, 2]), "ignore_index = 1, weights and smoothing",
             {"ignore_index": 1, "weight": [0.5, 2.0, 1.0], "label_smoothing": 0.3}),
            (make((3,), 5, 0), np.array(2), "1-D input, 0-d target, weights and smoothing",
             {"weight": [0.5, 2.0, 1.0], "label_smoothing": 0.1}),
            (np.zeros((0, 3, 2)), np.zeros((0, 2), np.int64), "empty batch, spatial, smoothing",
             {"label_smoothing": 0.2}),
        ]
    # torch's documented forms (docs/input-surface.md), after the bank's own cases
    cases += [
        (make((4, 3), 1), np.array([0, 1, 1, 2]), "ignore_index = 1 with class weights",
         {"ignore_index": 1, "weight": [0.5, 2.0, 1.0]}),
        (make((3,), 5, 0), np.array(1), "1-D input, 0-d target ignored: NaN mean", {"ignore_index": 1}),
        (make((2, 3, 2, 2), 7), np.array([[[0, 2], [1, -100]], [[2, 2], [0, 1]]]), "(N, C, d1, d2), weights",
         {"weight": [1.0, 0.25, 3.0]}),
        (np.zeros((0, 3, 2)), np.zeros((0, 2), np.int64), "empty batch, spatial (N, C, d)"),
        (make((4, 3), 1), np.array([0, 2, 1, 1], np.uint8), "uint8 class indices (torch: int64 or uint8)"),
    ]
    return lambda dt: cases


_SOFT = seeded((4, 3), 0.0, 1.0, 8)  # rows do not sum to 1: torch does not ask them to


def _soft_cases(dt):
    z = seeded((4, 3), -3.0, 3.0, 1)
    return [
        (z, _SOFT, "4×3 batch, unnormalised targets"),
        (z, _SOFT, "class weights", {"weight": [0.5, 2.0, 1.0]}),
        (z, _SOFT, "label smoothing", {"label_smoothing": 0.3}),
        (z, _SOFT, "weights and smoothing", {"weight": [0.5, 2.0, 1.0], "label_smoothing": 0.3}),
        (seeded((2, 3, 2), -3.0, 3.0, 2), seeded((2, 3, 2), 0.0, 1.0, 9), "spatial (N, C, d)"),
        (seeded((3,), -3.0, 3.0, 5), np.array([0.2, 0.5, 0.3]), "1-D"),
        (np.zeros((0, 3)), np.zeros((0, 3)), "empty batch"),
        (np.array([[1e4, -1e4, 0.0]]), np.array([[0.5, 0.25, 0.25]]), "logits spread over 2e4"),
        (seeded((3,), -3.0, 3.0, 5), np.array([0.2, 0.5, 0.3]), "1-D, weights and smoothing",
         {"weight": [0.5, 2.0, 1.0], "label_smoothing": 0.2}),
        (seeded((2, 3, 2, 2), -3.0, 3.0, 6), seeded((2, 3, 2, 2), 0.0, 1.0, 10),
         "(N, C, d1, d2), weights and smoothing",
         {"weight": [0.5, 2.0, 1.0], "label_smoothing": 1.0}),
        (np.zeros((0, 3, 2)), np.zeros((0, 3, 2)), "empty batch, spatial, smoothing", {"label_smoothing": 0.5}),
    ]


def _soft_masked(dt):
    x, y = np.array([[0.0, -np.inf, 0.0]], dt), np.array([[0.5, 0.0, 0.5]], dt)
    return [Sample((x, y), _NONE, "a masked class (−inf logit) with target 0",
                   expected=np.array([math.log(2)], dt), expected_grad=np.zeros((1, 3), dt))]


def _torch_soft_ce_nan_on_masked_class(candidate):
    x, y = np.array([[0.0, -np.inf, 0.0]]), np.array([[0.5, 0.0, 0.5]])
    theirs = torch.nn.functional.cross_entropy(torch.from_numpy(x), torch.from_numpy(y), reduction="none")
    expect(torch.isnan(theirs).all(), f"torch now gives {theirs}: drop the deviation")
    mine = candidate.get("losses.cross_entropy")(x, y, reduction="none")
    expect(np.allclose(mine, [math.log(2)], rtol=1e-15), f"candidate gives {mine}")


def _torch_negative_smoothing(candidate):
    """label_smoothing = −0.1 with class indices: torch computes with it (its documentation says [0, 1]); impl
    refuses."""
    x, t = np.zeros((2, 3)), np.array([0, 1])
    theirs = torch.nn.functional.cross_entropy(torch.from_numpy(x), torch.from_numpy(t), label_smoothing=-0.1)
    expect(bool(torch.isfinite(theirs)),
           f"torch now gives {theirs}: check whether it still accepts a negative smoothing")
    try:
        candidate.get("losses.cross_entropy")(x, t, label_smoothing=-0.1)
    except ValueError as exc:
        expect("label_smoothing" in str(exc), f"the error should name label_smoothing: {exc}")
    else:
        expect(False, "candidate accepted label_smoothing=-0.1; expected a ValueError naming label_smoothing")


def _torch_int64_or_uint8_targets(candidate):
    """Class indices as int32: torch accepts only int64 (Long) or uint8 (Byte); impl takes any integer dtype."""
    x, t = np.random.default_rng(3).uniform(-2, 2, (3, 4)), np.array([0, 3, 1], np.int32)
    try:
        torch.nn.functional.nll_loss(torch.from_numpy(x), torch.from_numpy(t))
        raised = False
    except RuntimeError:
        raised = True
    expect(raised, "torch now accepts int32 class indices: drop the deviation")
    want = torch.nn.functional.nll_loss(torch.from_numpy(x), torch.from_numpy(t.astype(np.int64))).item()
    for name in ("nll_loss", "cross_entropy"):
        mine = candidate.get(f"losses.{name}")(x, t)
        ref = want if name == "nll_loss" else torch.nn.functional.cross_entropy(torch.from_numpy(x),
                                                                                torch.from_numpy(t.astype(np.int64))).item()
        expect(abs(float(mine) - ref) <= 1e-15 * max(1.0, abs(ref)),
               f"{name} on int32 indices gives {mine}, on int64 {ref}")


INTEGER_TARGETS = Deviation(
    "class indices of any integer dtype (int32, int16, uint16...): torch accepts only int64 and uint8 and raises "
    "for the others; impl takes them with the same meaning",
    "a class index is an integer whatever its width; NumPy's default integer is int32 on some platforms",
    _torch_int64_or_uint8_targets)


_CE_ERRORS = (
    ErrorInput(Sample((np.zeros((2, 3)), np.array([0, 3]))), ValueError, r"\btarget\b.*class index 3.*out of range"),
    ErrorInput(Sample((np.zeros((2, 3)), np.array([0, -1]))), ValueError, r"\btarget\b.*-1.*out of range"),
    ErrorInput(Sample((np.zeros((2, 3)), np.array([0, 1, 2]))), ValueError, r"^target has shape"),
    ErrorInput(Sample((np.zeros((2, 3)), np.array([0, 1])), {"weight": np.ones(2)}), ValueError,
               r"^weight has shape.*per class"),
    ErrorInput(Sample((np.zeros((2, 3)), np.array([0, 1])), {"weight": np.ones(3, np.float32)}), TypeError,
               r"^weight has dtype"),
    ErrorInput(Sample((np.zeros((2, 3)), np.array([0, 1])), {"ignore_index": 1.5}), TypeError,
               r"^ignore_index must be an int, got float$"),
    ErrorInput(Sample((np.array(0.5), np.array(0))), ValueError,
               r"^input must have a class dimension: shape \(C\), \(N, C\)"),
    ErrorInput(Sample((np.zeros((2, 0)), np.array([0, 1]))), ValueError, r"^input has shape \(2, 0\): no classes"),
    ErrorInput(Sample((np.zeros((2, 3), np.int64), np.array([0, 1]))), TypeError,
               r"^input must be a float32 or float64"),
    ErrorInput(Sample((np.zeros((2, 3)), np.array([0, 1])), {"reduction": "batchmean"}), ValueError, r"\breduction\b"),
    ErrorInput(Sample((np.zeros(()), np.zeros((2, 3)), np.array([0, 1])), {"reduction": "none"}), ValueError,
               r"\bgrad_output\b", "backward"),
)

_CE_RNG = np.random.default_rng(12)
_BULK, _SPREAD = _CE_RNG.uniform(-10, 10, (200, 5)), _CE_RNG.uniform(-1e4, 1e4, (200, 5))
_RANDOM_T = _CE_RNG.integers(0, 5, 200)

RECORDS = (
    loss_record(
        id="loss.nll", name="nll_loss", section=CLASSIFICATION,
        equation=r"\ell_i = -w_{t_i} x_{i, t_i},\quad \text{mean} = \frac{\sum_{t_i \ne \text{ignore}} "
                 r"\ell_i}{\sum_{t_i \ne \text{ignore}} w_{t_i}}",
        mistakes=[
            Mistake("ignored-in-denominator", "ignored targets counted in the mean's denominator",
                    M.nll_ignored_in_denominator),
            Mistake("weighted-mean-over-count", "a weighted mean divided by the count, not by Σ w[t]",
                    M.nll_weighted_mean_over_count),
            Mistake("reshape-not-moveaxis", "(N, C, d) flattened with reshape(−1, C)", M.nll_reshape_not_moveaxis),
            Mistake("backward-sign-flipped", "+w[t] at the target", M.nll_backward_sign_flipped, "backward"),
        ],
        inputs=class_inputs(-10.0, 0.0, options={"ignore_index": st.just(0)}),
        edges=pair_edges(_multiclass_cases(logits=False)),
        errors=(*_CE_ERRORS,
                ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 3)))), TypeError, r"target must be an integer array"),
                ErrorInput(Sample((np.zeros((2, 3)), np.array([True, False])), {}, "bool targets (torch: an error)"),
                           TypeError,
                           r"target must be an integer array")),
        deviations=[INTEGER_TARGETS],
    ),
    loss_record(
        id="loss.cross_entropy", name="cross_entropy", section=CLASSIFICATION,
        equation=r"\ell_i = -(1 - \varepsilon)\,w_{t_i}\log p_{i,t_i} - \frac{\varepsilon}{C}\sum_c w_c \log "
                 r"p_{i,c},\quad p = \operatorname{softmax}(x)",
        mistakes=[
            Mistake("smoothing-over-other-classes", "ε/(C − 1) on the other classes (torch: ε/C on all)",
                    M.ce_smoothing_over_other_classes),
            Mistake("ignored-in-denominator", "ignored targets counted in the mean's denominator",
                    M.ce_ignored_in_denominator),
            Mistake("unshifted-log-softmax", "log(exp(x)/Σexp(x)): NaN for logits spread over 1e4",
                    M.ce_log_of_unshifted_softmax),
            Mistake("mean-over-classes", "the guide's mean over samples and classes", M.guide_ce_mean_over_classes),
            Mistake("backward-p-minus-onehot", "p − onehot whatever the weights and smoothing",
                    M.ce_backward_p_minus_onehot, "backward"),
            Mistake("backward-target-class-only", "p_t − 1 at the target and 0 elsewhere",
                    M.ce_backward_target_class_only, "backward"),
        ],
        inputs=class_inputs(options={"ignore_index": st.just(0), "label_smoothing": st.sampled_from([0.1, 0.5, 1.0])}),
        edges=pair_edges(_multiclass_cases(logits=True)),
        errors=(*_CE_ERRORS,
                ErrorInput(Sample((np.zeros((2, 3)), np.array([0, 1])), {"label_smoothing": 1.5}), ValueError,
                           r"^label_smoothing must be in"),
                ErrorInput(Sample((np.zeros((2, 3)), np.array([0, 1])), {"label_smoothing": "0.1"}), TypeError,
                           r"^label_smoothing must be a real number"),
                ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 3))), {"ignore_index": 0}), ValueError,
                           r"^ignore_index applies to class-index targets only"),
                ErrorInput(Sample((np.zeros((2, 3)), np.zeros((3, 2)))), ValueError, r"probability target has shape"),
                ErrorInput(Sample((np.zeros((2, 3)), np.array([0.0, 1.0]))), ValueError,
                           r"probability target has shape"),
                ErrorInput(Sample((np.zeros((2, 3)), np.array([0, 1])), {"label_smoothing": -0.1},
                                  "negative smoothing"), ValueError,
                           r"^label_smoothing must be in")),
        deviations=[INTEGER_TARGETS, Deviation(
            "label_smoothing < 0 with class-index targets: torch computes with it (it checks the range for probability "
            "targets only); impl raises a ValueError naming label_smoothing, for both kinds of target",
            "torch's documentation gives label_smoothing as a float in [0.0, 1.0]; a negative one is not a smoothing",
            _torch_negative_smoothing)],
        oracle="losses.cross_entropy",
        accuracy=(
            AccuracyClass("bulk logits in [-10, 10], C = 5", lambda: _BULK, {"target": _RANDOM_T, "reduction": "none"}),
            AccuracyClass("target dominant by a gap in [1, 700]: loss near 0",
                          lambda: np.stack([np.zeros(200), -np.geomspace(1, 700, 200), -np.geomspace(2, 800, 200)], 1),
                          {"target": np.zeros(200, np.int64), "reduction": "none"}),
            AccuracyClass("logits spread over [-1e4, 1e4], C = 5, random targets", lambda: _SPREAD,
                          {"target": _RANDOM_T, "reduction": "none"}),
            AccuracyClass("logits spread over [-1e4, 1e4], target the argmax", lambda: _SPREAD,
                          {"target": np.argmax(_SPREAD, 1), "reduction": "none"}),
        ),
        notes="Every target ignored gives a NaN mean, as torch; the gradient is then 0.",
    ),
    loss_record(
        id="loss.cross_entropy/probs", name="cross_entropy", section=CLASSIFICATION,
        equation=r"\ell_i = -\sum_c w_c\Bigl((1 - \varepsilon)\,y_{i,c} + \frac{\varepsilon}{C}\Bigr)\log "
                 r"p_{i,c},\quad \text{mean} = \tfrac1N \textstyle\sum_i \ell_i",
        mistakes=[
            Mistake("mean-over-elements", "the mean over positions × classes", M.ce_probs_mean_over_elements),
            Mistake("smoothing-ignored", "label_smoothing ignored for probability targets",
                    M.ce_probs_smoothing_ignored),
            Mistake("backward-assumes-normalised", "p − q: right only when each row of q sums to 1",
                    M.ce_backward_assumes_normalised_target, "backward"),
            Mistake("backward-y-minus-p", "y − p: the descent direction as the gradient", M.ce_backward_y_minus_p,
                    "backward"),
        ],
        inputs=class_inputs(probabilities=True, options={"label_smoothing": st.sampled_from([0.1, 0.5])}),
        edges=pair_edges(_soft_cases, extra=_soft_masked),
        errors=(
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((3, 2)))), ValueError, r"probability target has shape"),
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 3), np.float32))), TypeError, r"^target has dtype"),
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 3))), {"ignore_index": 0}), ValueError,
                       r"^ignore_index applies to class-index targets only"),
            ErrorInput(Sample((np.zeros(()), np.zeros((2, 3)), np.zeros((2, 3))), {"reduction": "none"}), ValueError,
                       r"\bgrad_output\b", "backward"),
        ),
        deviations=[Deviation(
            "torch's cross_entropy with probability targets is NaN where a class has logit −inf and target 0; that "
            "class contributes nothing (0·log 0 = 0)",
            "torch multiplies y·log p = 0·(−inf); impl drops the terms whose target weight is 0",
            _torch_soft_ce_nan_on_masked_class)],
    ),
)

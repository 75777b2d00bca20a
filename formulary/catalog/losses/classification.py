"""Records of the binary classification losses (guide §6.3): the margin losses and binary cross-entropy."""

from __future__ import annotations

import math

import numpy as np
import torch
from hypothesis import strategies as st

from formulary.catalog.losses._shared import (
    CLASSIFICATION,
    empties,
    f32_accumulation,
    labels,
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

_ONES = np.ones
_NONE = {"reduction": "none"}


def _grid(lo, hi, n=200):
    return lambda: np.linspace(lo, hi, n)


def _geom(lo, hi, n=200, sign=1.0):
    return lambda: sign * np.geomspace(lo, hi, n)


def _against(target, n=200):
    return {"target": np.broadcast_to(np.asarray(target, float), (n,)).copy(), "reduction": "none"}


def _margin_cases(dt, keep=lambda v: np.ones(v.shape, bool), lo=-3.0, hi=3.0):
    """Special values against +1, a seeded batch with ±1 labels, and the empties."""
    v = special_values(dt)
    v = v[keep(v)]
    x, y = seeded((3, 4), lo, hi, 1), labels(seeded((3, 4), -1.0, 1.0, 2))
    return [(v, np.ones_like(v), "special values, label +1"), (x, y, "3×4 batch, labels ±1"), *empties(dt, 1.0)]


_MARGIN_ERRORS = pair_errors(target=_ONES, extra=(
    ErrorInput(Sample((np.zeros(3), np.array([0.0, 1.0, 1.0]))), ValueError, r"target must hold the labels -1 and \+1"),
))


# -- logistic ------------------------------------------------------------------------------

def _logistic_tail(dt):
    """y f ≪ 0, where torch's log1p(exp(−y f)) overflows: the loss is −y f, the gradient −y."""
    big = 800.0 if dt == np.float64 else 100.0
    x = np.array([-1e4, -np.finfo(dt).max, -np.inf, -big, big], dt)
    y = np.array([1, 1, 1, 1, -1], dt)
    return [Sample((x, y), _NONE, "y·f far below −log(max): torch overflows",
                   expected=np.abs(x), expected_grad=-y)]


def _torch_logistic_overflows(candidate):
    x, y = np.array([-800.0, -100.0]), np.ones(2)
    tx = torch.from_numpy(x.copy()).requires_grad_()
    theirs = torch.nn.functional.soft_margin_loss(tx, torch.from_numpy(y), reduction="none")
    theirs.sum().backward()
    expect(torch.isinf(theirs[0]) and torch.isnan(tx.grad[0]),
           f"torch now gives {theirs}, {tx.grad}: drop the deviation")
    mine = candidate.get("losses.logistic_loss")(x, y, reduction="none")
    grad = candidate.get("losses.logistic_loss_backward")(np.ones(2), x, y, reduction="none")
    expect(np.array_equal(mine, [800.0, 100.0]) and np.array_equal(grad, [-1.0, -1.0]),
           f"candidate gives {mine}, {grad}")
    x32 = torch.tensor([-100.0], dtype=torch.float32)
    expect(torch.isinf(torch.nn.functional.soft_margin_loss(x32, torch.ones(1))),
           "float32 torch no longer overflows at −100")


# -- binary cross-entropy ----------------------------------------------------------------------------

_P = [0.0, 1.0, 1.401298464324817e-45, 1e-13, 1e-12, 1e-6, 0.5, 1 - 2.0**-24, 1 - 1e-6]
_Y = [0.0, 0.3, 1.0]


def _bce_cases(dt):
    p = np.array(_P, dt)
    grid = np.broadcast_to(p, (3, p.size))
    y = np.broadcast_to(np.array(_Y)[:, None], grid.shape)
    w_row, w_col = seeded((p.size,), 0.0, 2.0, 4), seeded((3, 1), 0.0, 2.0, 5)
    return [(grid, y, "p at 0, 1, the clamps and 1 − ε; y = 0, 0.3, 1"),
            (grid, y, "a weight per column (broadcast)", {"weight": w_row}),
            (grid, y, "a weight per row (broadcast)", {"weight": w_col}),
            *([(np.array([0.0, 1.0]), np.array([1.0, 0.0]), "float32: weight 1e38 on a clamped log: the loss is inf",
                {"weight": np.array([1e38, 1e38])})] if dt == np.float32 else []),
            *empties(dt, 0.5)]


_X = [0.0, 1.0, -1.0, 20.0, -20.0, 40.0, -40.0, 1e4, -1e4]


def _logit_cases(dt):
    big = [np.finfo(dt).max, -np.finfo(dt).max] if dt == np.float64 else []  # float32: see the accumulation deviation
    x = np.array(_X + big, dt)
    grid = np.broadcast_to(x, (3, x.size))
    y = np.broadcast_to(np.array([0.0, 0.25, 1.0])[:, None], grid.shape)
    pw, w = seeded((x.size,), 0.5, 3.0, 6), seeded((3, x.size), 0.0, 2.0, 7)
    return [(grid, y, "logits up to ±1e4 and ±max; y = 0, 0.25, 1"),
            (grid, y, "pos_weight per column (broadcast)", {"pos_weight": pw}),
            (grid, y, "a weight per column (broadcast)", {"weight": w[0]}),
            (grid, y, "weight and pos_weight", {"weight": w, "pos_weight": pw}),
            *empties(dt, 0.5)]


def _logit_infinities(dt):
    x, y = np.array([-np.inf, -np.inf, np.inf, np.inf, -np.inf], dt), np.array([0.0, 1.0, 0.0, 1.0, 0.5], dt)
    return [Sample((x, y), _NONE, "±inf logits: the limits 0 and inf",
                   expected=np.array([0.0, np.inf, np.inf, 0.0, np.inf], dt),
                   expected_grad=np.array([0.0, -1.0, 1.0, 0.0, -0.5], dt))]


def _torch_bce_logits_nan_at_inf(candidate):
    x, y = np.array([-np.inf, -np.inf, np.inf]), np.array([0.0, 1.0, 1.0])
    theirs = torch.nn.functional.binary_cross_entropy_with_logits(torch.from_numpy(x), torch.from_numpy(y),
                                                                  reduction="none")
    expect(torch.isnan(theirs).all(), f"torch now gives {theirs}: drop the deviation")
    mine = candidate.get("losses.binary_cross_entropy_with_logits")(x, y, reduction="none")
    expect(np.array_equal(mine, [0.0, np.inf, 0.0]), f"candidate gives {mine}")


def _torch_bce_logits_cancels(candidate):
    """At y = 0, x = −40 the loss is log(1 + e^{−40}) ≈ 4.25e-18: torch returns 0."""
    x, y = np.array([-40.0, -20.0]), np.zeros(2)
    truth = [math.log1p(math.exp(v)) for v in x]
    theirs = torch.nn.functional.binary_cross_entropy_with_logits(torch.from_numpy(x), torch.from_numpy(y),
                                                                  reduction="none").numpy()
    mine = candidate.get("losses.binary_cross_entropy_with_logits")(x, y, reduction="none")
    rel = lambda a: np.abs(a - truth) / truth  # noqa: E731
    expect(rel(theirs)[0] == 1.0 and rel(theirs)[1] > 1e-8, f"torch now gives {theirs}: drop the deviation")
    expect(np.all(rel(mine) < 4e-16), f"candidate gives {mine}, true {truth}")


RECORDS = (
    loss_record(
        id="loss.logistic", name="logistic_loss", section=CLASSIFICATION,
        equation=r"\ell_i = \log\bigl(1 + e^{-y_i f_i}\bigr),\quad y_i \in \{-1, +1\}",
        mistakes=[
            Mistake("naive-log-exp", "log(1 + exp(−y f)): inf once exp overflows", M.logistic_naive),
            Mistake("zero-one-formula", "softplus(f) − y f, the 0/1-label formula, on ±1 labels",
                    M.logistic_zero_one_labels),
            Mistake("backward-sign-flipped", "+y σ(−y f) instead of −y σ(−y f)", M.logistic_backward_sign_flipped,
                    "backward"),
        ],
        inputs=pair_inputs(-30.0, 30.0, target=labels),
        edges=pair_edges(lambda dt: _margin_cases(dt, keep=lambda v: ~(v < -80)), extra=_logistic_tail),
        errors=_MARGIN_ERRORS,
        oracle="losses.logistic_loss",
        accuracy=(
            AccuracyClass("bulk f in [-10, 10], y = ±1", _grid(-10, 10),
                          {"target": np.tile([1.0, -1.0], 100), "reduction": "none"}),
            AccuracyClass("y·f in [-745, -10]: loss ≈ −y f", _geom(10, 745, sign=-1.0), _against(1.0)),
            AccuracyClass("y·f in [10, 700]: loss ≈ e^{−y f}", _geom(10, 700), _against(1.0)),
        ),
        deviations=[Deviation(
            "torch's soft_margin_loss (the logistic loss) is inf for y·f < −709.78 (float64; −88.72 in float32) and "
            "its "
            "gradient NaN there; the loss is −y·f, the gradient −y",
            "torch evaluates log1p(exp(−y f)); impl uses softplus(z) = max(z, 0) + log1p(e^{−|z|}), which never "
            "overflows",
            _torch_logistic_overflows)],
    ),
    loss_record(
        id="loss.hinge", name="hinge_loss", section=CLASSIFICATION,
        equation=r"\ell_i = \max(0,\ 1 - y_i f_i),\quad y_i \in \{-1, +1\}",
        mistakes=[
            Mistake("squared-hinge", "max(0, 1 − y f)²", M.hinge_squared),
            Mistake("no-margin", "max(0, −y f): the perceptron loss", M.hinge_without_margin),
            Mistake("backward-at-kink", "−y at the kink y f = 1 (relu's convention gives 0)", M.hinge_backward_at_kink,
                    "backward"),
        ],
        inputs=pair_inputs(-3.0, 3.0, target=labels),
        edges=pair_edges(lambda dt: [
            *_margin_cases(dt),
            (around((1.0, -1.0), dt), np.array([1.0, 1, 1, -1, -1, -1]), "ties at the kink y f = 1"),
        ]),
        errors=_MARGIN_ERRORS,
        notes="The reference composes relu(1 − y f); at the kink the gradient is 0, relu's convention.",
    ),
    loss_record(
        id="loss.exponential", name="exponential_loss", section=CLASSIFICATION,
        equation=r"\ell_i = e^{-y_i f_i},\quad y_i \in \{-1, +1\}",
        mistakes=[
            Mistake("sign-flipped", "e^{+y f}", M.exponential_sign_flipped),
            Mistake("backward-missing-label", "−e^{−y f} without the factor y", M.exponential_backward_missing_label,
                    "backward"),
        ],
        inputs=pair_inputs(-10.0, 10.0, target=labels),
        edges=pair_edges(lambda dt: _margin_cases(
            dt, keep=lambda v: (dt == np.float64) | ~np.isfinite(v) | (np.abs(v) < 80))),
        errors=_MARGIN_ERRORS,
        deviations=[f32_accumulation("exponential_loss", [-89.0, 0.0, 0.0, 0.0], np.ones(4),
                                     "of e^{−y f} at y f = −89")],
        notes="The guide's code sums (np.sum); that is reduction='sum'. The default here is torch's 'mean'.",
    ),
    loss_record(
        id="loss.bce", name="binary_cross_entropy", section=CLASSIFICATION,
        equation=r"\ell_i = -w_i\bigl[y_i \max(\log p_i, -100) + (1 - y_i)\max(\log(1 - p_i), -100)\bigr]",
        mistakes=[
            Mistake("log-unclamped", "no −100 clamp: NaN or inf at p = 0 or 1", M.bce_unclamped),
            Mistake("weight-ignored", "weight accepted and ignored", M.bce_weight_ignored),
            Mistake("backward-unclamped", "(p − y)/(p(1 − p)) without torch's 1e-12 floor", M.bce_backward_unclamped,
                    "backward"),
        ],
        inputs=pair_inputs(0.0, 1.0, weight=True),
        edges=pair_edges(_bce_cases),
        errors=pair_errors(extra=(
            ErrorInput(Sample((np.array([0.5, 1.5]), np.zeros(2))), ValueError,
                       r"input must hold probabilities in \[0, 1\]"),
            ErrorInput(Sample((np.array([0.5, np.nan]), np.zeros(2))), ValueError, r"input must hold probabilities"),
            ErrorInput(Sample((np.array([0.5, 0.5]), np.array([0.0, -0.5]))), ValueError,
                       r"target must hold probabilities"),
            ErrorInput(Sample((np.full((2, 3), 0.5), np.zeros((2, 3))), {"weight": np.ones(2)}), ValueError,
                       r"^weight has shape.*broadcast"),
        )),
        oracle="losses.binary_cross_entropy",
        accuracy=(
            AccuracyClass("y = 1, p in [1e-40, 0.999]: −log p", _geom(1e-40, 0.999), _against(1.0)),
            AccuracyClass("y = 0, p = 1 − [1e-16, 0.999]: −log(1 − p)", lambda: 1 - np.geomspace(1e-16, 0.999, 200),
                          _against(0.0)),
            AccuracyClass("y = 0.3, p in [1e-6, 1 − 1e-6]", _grid(1e-6, 1 - 1e-6), _against(0.3)),
        ),
        notes="torch clamps each log at −100 (so p = 0 or 1 gives a finite loss) and divides the gradient by "
              "max(p(1 − p), 1e-12); both are conventions, matched. Below p(1 − p) = 1e-12 that gradient is not the "
              "derivative of the loss.",
    ),
    loss_record(
        id="loss.bce/logits", name="binary_cross_entropy_with_logits", section=CLASSIFICATION,
        equation=r"\ell_i = w_i\bigl[(1 - y_i)\operatorname{softplus}(x_i) + \pi_i y_i "
                 r"\operatorname{softplus}(-x_i)\bigr]",
        mistakes=[
            Mistake("naive-sigmoid-then-log", "BCE of σ(x) in the input's dtype: log(0) once σ saturates",
                    M.bce_logits_naive),
            Mistake("pos-weight-on-negatives", "pos_weight on the (1 − y) term", M.bce_logits_pos_weight_on_negatives),
            Mistake("backward-ignores-pos-weight", "σ(x) − y even with pos_weight",
                    M.bce_logits_backward_ignores_pos_weight, "backward"),
        ],
        inputs=pair_inputs(-30.0, 30.0, target=lambda t: (t + 30) / 60, weight=True,
                           options=lambda dt: {"pos_weight": st.sampled_from([np.array(0.5, dt), np.array(3.0, dt)])}),
        edges=pair_edges(_logit_cases, extra=_logit_infinities),
        errors=pair_errors(extra=(
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 3))), {"pos_weight": np.ones(2)}), ValueError,
                       r"^pos_weight has shape.*broadcast"),
        )),
        oracle="losses.binary_cross_entropy_with_logits",
        accuracy=(
            AccuracyClass("bulk x in [-10, 10], y = 0, 0.3, 1", _grid(-10, 10),
                          {"target": np.tile([0.0, 0.3, 1.0], 67)[:200], "reduction": "none"}),
            AccuracyClass("y = 0, x in [-745, -1]: small losses", _geom(1, 745, sign=-1.0), _against(0.0)),
            AccuracyClass("y = 1, x in ±[1, 1e4]",
                          lambda: np.concatenate([np.geomspace(1, 1e4, 100), -np.geomspace(1, 1e4, 100)]),
                              _against(1.0)),
            AccuracyClass("y = 0.25, x in [-1e4, 1e4]", _grid(-1e4, 1e4), _against(0.25)),
        ),
        deviations=[
            Deviation("torch's binary_cross_entropy_with_logits loses every digit of a small loss: at y = 0, x = −40 "
                      "it "
                      "returns 0 (true 4.2e-18) and at x = −20 it is off by 3e-7 relative",
                      "torch computes (1 − y)x − log σ(x), which cancels for y = 0, x ≪ 0; impl sums the non-negative "
                      "terms (1 − y)·softplus(x) + y·softplus(−x). Both are within the default tolerances "
                      "(absolute error ≈ |x|·ε); the accuracy table measures the difference",
                      _torch_bce_logits_cancels),
            f32_accumulation("binary_cross_entropy_with_logits", [-3e38, -3e38, 0.0, 0.0], np.ones(4),
                             "at x = −3e38, y = 1"),
            Deviation("torch's binary_cross_entropy_with_logits is NaN at x = ±inf except (x = +inf, y = 0); the "
                      "limits are "
                      "0 (x = −inf, y = 0; x = +inf, y = 1) and inf",
                      "torch's (1 − y)x − log σ(x) meets inf − inf or 0·inf; impl drops a term whose coefficient is 0",
                      _torch_bce_logits_nan_at_inf),
        ],
    ),
)

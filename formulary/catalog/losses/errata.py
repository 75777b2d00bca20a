"""The guide's own code for its losses (§6), recorded where it differs from the loss it defines.

Each record runs the guide's code verbatim (``formulary.mistakes.losses.guide_*``) beside
the candidate and torch on inputs that show the difference, and asserts both halves:
the candidate agrees with torch, and the guide's code differs as the erratum says.  Its
deviation (source "guide") is the erratum the report lists.
"""

from __future__ import annotations

import numpy as np
import torch

from formulary.candidate import reference
from formulary.catalog.losses import keras_judge as K
from formulary.catalog.losses._shared import CLASSIFICATION, REGRESSION, seeded
from formulary.compare import assert_close
from formulary.judges import judged
from formulary.mistakes import losses as M
from formulary.record import Deviation, Mistake, Record, Tolerance
from formulary.verdict import expect

_F64 = Tolerance.default(np.float64)


def _torch(name, *arrays, **options):
    """The torch reference of ``losses.<name>`` on float64 (or int64) arrays."""


    return reference(f"losses.{name}")(*[torch.from_numpy(np.array(a)) for a in arrays], **options).numpy()


def _close(actual, expected, what):
    assert_close(np.asarray(actual, np.float64), np.asarray(expected, np.float64), _F64, names=(what,),
                 check_dtype=False)


def _per_sample(name, guide, what):
    """The guide's np.mean(..., axis=−1): one loss per sample where the loss is a scalar."""
    def check(candidate):
        x, y = seeded((4, 3), -3.0, 3.0, 1), seeded((4, 3), -3.0, 3.0, 2)
        mine, rows = candidate.get(f"losses.{name}")(x, y), candidate.get(f"losses.{name}")(x, y, reduction="none")
        _close(mine, _torch(name, x, y), f"{name}(reduction='mean') against torch")
        theirs = guide(y, x)
        expect(theirs.shape == (4,) and np.shape(mine) == (), f"guide {theirs.shape}, candidate {np.shape(mine)}")
        _close(theirs, np.asarray(rows).mean(axis=-1), f"the guide's {what}, row by row")
        _close(theirs.mean(), mine, f"the batch mean of the guide's {what}")
        return {"guide_output_shape": str(theirs.shape), "loss_output_shape": "()", "loss": float(mine),
                "batch_mean_of_guide": float(theirs.mean())}
    return check


def _msle(candidate):
    y_pred, y_true = np.array([-0.5, 0.0, 5e-6, 3.0]), np.array([0.0, 1.0, 0.0, 3.0])
    mine = candidate.get("losses.msle_loss")(y_pred, y_true, reduction="none")
    _close(mine, _torch("msle_loss", y_pred, y_true, reduction="none"), "msle_loss against torch")
    guide = M.guide_mean_squared_logarithmic_error(y_true[:, None], y_pred[:, None])  # one element per row
    expect(10e-6 == 1e-5, "10e-6 is 1e-5 as a float literal")
    expect(guide[0] == 0.0 and mine[0] > 0.4, f"at ŷ = −0.5, y = 0: guide {guide[0]}, MSLE {mine[0]}")
    h = 1e-3
    step = M.guide_mean_squared_logarithmic_error(np.array([0.0]), np.array([-0.5 + h])) - \
        M.guide_mean_squared_logarithmic_error(np.array([0.0]), np.array([-0.5 - h]))
    grad = candidate.get("losses.msle_loss_backward")(np.ones(4), y_pred, y_true, reduction="none")
    expect(step == 0.0 and grad[0] < -2.0, f"the guide's slope at ŷ = −0.5 is {step / 2 / h}, MSLE's {grad[0]}")
    expect(guide[1] != mine[1], "the clip also moves ŷ = 0 to 1e-5")
    return {"guide_epsilon_10e-6": 10e-6, "guide_at_pred_-0.5_true_0": float(guide[0]), "msle_there": float(mine[0]),
            "guide_slope_there": 0.0, "msle_slope_there": float(grad[0]),
            "guide_at_pred_0_true_1": float(guide[1]), "msle_there_too": float(mine[1])}


def _mape(candidate):
    y_true, y_pred = np.array([0.0, 1e-6, 2.0]), np.array([1.0, 2e-6, 3.0])
    mape = candidate.get("losses.mape_loss")
    with np.errstate(divide="ignore"):
        mine = mape(y_pred, y_true, reduction="none")
        _close(mine, _torch("mape_loss", y_pred, y_true, reduction="none"), "mape_loss against torch")
    guide = M.guide_mean_absolute_percentage_error(y_true[:, None], y_pred[:, None])
    _close(guide, mape(y_pred, y_true, reduction="none", eps=1e-5), "the guide's MAPE against mape_loss(eps=1e-5)")
    expect(np.isinf(mine[0]) and np.isfinite(guide[0]) and guide[1] < mine[1] / 5,
           f"MAPE at y = 0 must be inf and the guide's formula finite and 5× smaller elsewhere: guide {guide}, MAPE "
           f"{mine}")
    return {"guide_at_true_0": float(guide[0]), "mape_at_true_0": "inf",
            "guide_at_true_1e-6_pred_2e-6": float(guide[1]), "mape_there": float(mine[1])}


def _cross_entropy(candidate):
    ce = candidate.get("losses.cross_entropy")
    rng = np.random.default_rng(3)
    z = rng.normal(0.0, 2.0, (4, 10))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    t = rng.integers(0, 10, 4)
    y = np.eye(10)[t]
    truth = -np.mean(np.log(p[np.arange(4), t]))  # −(1/N) Σ_i log p_{i, t_i}
    mine, mine_soft = ce(np.log(p), t), ce(np.log(p), y)  # log p are logits of p: log_softmax(log p) = log p
    _close(mine, _torch("cross_entropy", np.log(p), t), "cross_entropy against torch")
    _close(mine, truth, "cross_entropy against its definition")
    _close(mine_soft, truth, "cross_entropy with one-hot probability targets")
    guide = M.guide_cross_entropy(y, p)
    bias = np.mean(1e-5 / p[np.arange(4), t])  # log(p + ε) − log p ≤ ε/p
    expect(abs(guide * 10 - truth) <= bias and 9 < truth / guide < 11, f"guide {guide}, cross-entropy {truth}")
    perfect = M.guide_cross_entropy(np.eye(10)[:2], np.eye(10)[:2])
    mine_perfect = ce(np.where(np.eye(10)[:2] > 0, 0.0, -np.inf), np.array([0, 1]))
    expect(perfect < 0 and mine_perfect == 0, f"perfect prediction: guide {perfect}, cross_entropy {mine_perfect}")
    return {"classes": 10, "cross_entropy": float(mine), "guide": float(guide), "ratio": float(mine / guide),
            "guide_on_a_perfect_prediction": float(perfect), "cross_entropy_on_it": float(mine_perfect)}


def _hinge(candidate):
    hinge = candidate.get("losses.hinge_loss")
    y01, f = np.array([0.0, 1.0, 0.0, 1.0]), np.array([-3.0, 2.0, 5.0, -1.0])
    mine = hinge(f, 2 * y01 - 1)
    _close(mine, _torch("hinge_loss", f, 2 * y01 - 1), "hinge_loss (labels ±1) against torch")
    try:
        hinge(f, y01)
    except ValueError:
        pass
    else:
        raise AssertionError("hinge_loss accepted labels 0/1: a 0 label would silently give the constant loss 1")
    guide = M.guide_hinge(y01, f)
    constant = M.guide_hinge(np.zeros(3)[:, None], np.array([-100.0, 0.0, 100.0])[:, None])
    expect(np.all(constant == 1.0) and guide != mine,
           f"with 0/1 labels the guide's hinge is constant 1 and differs from the ±1 hinge: guide {guide}, ±1 hinge "
           f"{mine}")
    return {"guide_with_labels_0_1": float(guide), "hinge_with_labels_pm1": float(mine),
            "guide_loss_of_a_0_label_at_f_-100_0_100": "1, 1, 1"}


def _nll(candidate):
    nll, ce = candidate.get("losses.nll_loss"), candidate.get("losses.cross_entropy")
    log_softmax = candidate.get("activations.log_softmax")
    found = {"classes": 5}
    for z, t, what in ((seeded((6, 5), -3.0, 3.0, 4), np.array([0, 4, 2, -100, 3, 1]), "batch"),
                       (seeded((2, 5, 3), -3.0, 3.0, 5), np.array([[0, 4, 2], [3, -100, 1]]), "spatial")):
        mine = nll(log_softmax(z, 1), t)
        _close(mine, _torch("nll_loss", log_softmax(z, 1), t), f"nll_loss over 5 classes ({what}) against torch")
        _close(ce(z, t), mine, f"cross_entropy(z) = nll_loss(log_softmax(z)) ({what})")
        found[f"nll_{what}"] = float(mine)
    return found


def _erratum(*, id, section, equation, check, summary, reason, mistakes, source="guide"):
    keras = _KERAS[id]
    check = judged(check, keras, by=f"keras.losses ({keras.__doc__.splitlines()[0]})",
                   otherwise="torch and the loss's definition")
    return Record(id=id, kind="F", section=section, equation=equation, check=check, mistakes=tuple(mistakes),
                  deviations=(Deviation(summary, reason, check, source=source),))


_KERAS = {  # the Keras judge of each erratum (formulary.catalog.losses.keras_judge)
    "loss.mse/guide": K.per_sample("mse_loss", "mean_squared_error", M.guide_mean_squared_error),
    "loss.mae/guide": K.per_sample("l1_loss", "mean_absolute_error", M.guide_mean_absolute_error),
    "loss.msle/guide": K.msle, "loss.mape/guide": K.mape, "loss.cross_entropy/guide": K.cross_entropy,
    "loss.hinge/guide": K.hinge, "loss.nll/guide": K.nll,
}


RECORDS = (
    _erratum(
        id="loss.mse/guide", section=REGRESSION + ", lines 504–505",
            equation=r"\texttt{np.mean(np.square(y\_pred - y\_true), axis=-1)}",
        check=_per_sample("mse_loss", M.guide_mean_squared_error, "MSE"),
        summary="line 505: np.mean(np.square(y_pred − y_true), axis=−1) returns one MSE per sample (shape (N,) for an "
                "(N, D) "
        "batch), not the scalar loss; averaged over the batch it equals torch's mse_loss",
        reason="MSE = (1/n)Σ(ŷ − y)² over every element; the per-sample vector is Keras's convention (its losses are "
               "reduced "
        "over the batch later)",
        source="guide convention",
        mistakes=[Mistake("per-sample", "the guide's per-sample vector as the mean", M.guide_mse_per_sample,
                          "losses.mse_loss"),
         Mistake("mean-over-batch", "the sum divided by the batch size", M.mse_mean_over_batch, "losses.mse_loss")],
    ),
    _erratum(
        id="loss.mae/guide", section=REGRESSION + ", lines 513–514",
            equation=r"\texttt{np.mean(np.abs(y\_pred - y\_true), axis=-1)}",
        check=_per_sample("l1_loss", M.guide_mean_absolute_error, "MAE"),
        summary="line 514: np.mean(np.abs(y_pred − y_true), axis=−1) returns one MAE per sample (shape (N,)), not the "
                "scalar "
        "loss; averaged over the batch it equals torch's l1_loss",
        reason="MAE = (1/n)Σ|ŷ − y| over every element; the per-sample vector is Keras's convention",
        source="guide convention",
        mistakes=[Mistake("per-sample", "the guide's per-sample vector as the mean", M.guide_mae_per_sample,
                          "losses.l1_loss"),
         Mistake("root-mean-square", "√(mean d²)", M.l1_as_rmse, "losses.l1_loss")],
    ),
    _erratum(
        id="loss.msle/guide", section=REGRESSION + ", lines 522–525 and 540",
        equation=r"\texttt{np.log(np.clip(y, 10e-6, None) + 1.)}",
        check=_msle,
        summary="lines 523–524 clip predictions and targets at 10e-6, which is 1e-5 (not 1e-6), before log(x + 1.): "
                "every "
        "value below 1e-5, including every prediction in (−1, 0), counts as 1e-5, so the loss is wrong there and its "
        "gradient is 0 (ŷ = −0.5, y = 0: 0 instead of 0.48). Line 540 even recommends MSLE for data in [−10^5, 10^5] "
        "('处理大范围数据'), where log(1 + y) is undefined below −1",
        reason="MSLE = mean((log(1 + ŷ) − log(1 + y))²), defined for values > −1; impl computes it with log1p and "
               "rejects "
        "values ≤ −1 with a ValueError",
        mistakes=[Mistake("clipped-like-the-guide", "the guide's clip at 1e-5", M.msle_clipped_like_guide,
                          "losses.msle_loss"),
         Mistake("log-without-one", "(log x − log y)²", M.msle_log_not_log1p, "losses.msle_loss")],
    ),
    _erratum(
        id="loss.mape/guide", section=REGRESSION + ", lines 533–535",
        equation=r"\texttt{np.abs((y\_pred - y\_true) / np.clip(np.abs(y\_true), 10e-6, None))}",
        check=_mape,
        summary="line 534 divides by max(|y_true|, 10e-6 = 1e-5): a zero target gives a finite 1e7·|ŷ| % instead of an "
        "undefined (infinite) error, and targets below 1e-5 have their error understated (10 % instead of 100 % "
        "at y = 1e-6, ŷ = 2e-6)",
        reason="MAPE = 100·mean(|ŷ − y|/|y|); impl makes the floor an explicit eps (default 0: inf at y = 0); eps=1e-5 "
        "reproduces the guide",
        mistakes=[Mistake("guide-epsilon", "the guide's floor whatever eps says", M.mape_guide_epsilon,
                          "losses.mape_loss"),
         Mistake("fraction-not-percent", "without the factor 100", M.mape_fraction, "losses.mape_loss")],
    ),
    _erratum(
        id="loss.cross_entropy/guide", section=CLASSIFICATION + ", lines 559–560",
        equation=r"\texttt{-np.mean(y\_true * np.log(y\_pred + 10e-6))}",
        check=_cross_entropy,
        summary="line 560, −np.mean(y_true·np.log(y_pred + 10e-6)), averages over the classes as well as the samples "
                "(C times "
        "too small: 1/10 of the loss for 10 classes), and its + 1e-5 inside the log makes the loss of a perfect "
        "prediction negative (−1e-5/C)",
        reason="Cross-entropy is −(1/N)Σ_i Σ_c y_ic log p_ic; torch's cross_entropy takes logits through a stable "
        "log-softmax and needs no epsilon; impl follows it",
        mistakes=[Mistake("mean-over-classes", "the guide's mean over samples and classes",
                          M.guide_ce_mean_over_classes, "losses.cross_entropy"),
         Mistake("probabilities-mean-over-elements", "probability targets averaged over every element",
                 M.ce_probs_mean_over_elements, "losses.cross_entropy")],
    ),
    _erratum(
        id="loss.hinge/guide", section=CLASSIFICATION + ", lines 564 and 569–570",
        equation=r"\texttt{np.mean(np.maximum(1. - y\_true * y\_pred, 0.), axis=-1)}",
        check=_hinge,
        summary="line 564: '分类结果是 0 或 1 、 -1或 1 的二分类数据, Hinge 损失是最方便的选择' (hinge loss suits "
                "labels 0/1 as "
        "well as ±1), but its code (line 570, max(1 − y_true·y_pred, 0)) "
        "needs ±1: a sample labelled 0 gets the constant loss 1 and no gradient, whatever the prediction",
        reason="Hinge loss is max(0, 1 − y·f) with y ∈ {−1, +1}; 0/1 labels must become 2y − 1 first (Keras's hinge "
               "does it "
        "inside); impl rejects labels other than ±1 with a ValueError",
        mistakes=[Mistake("accepts-zero-one-labels", "0/1 labels accepted", M.hinge_accepts_zero_one,
                          "losses.hinge_loss"),
         Mistake("squared-hinge", "max(0, 1 − y f)²", M.hinge_squared, "losses.hinge_loss")],
    ),
    _erratum(
        id="loss.nll/guide", section=CLASSIFICATION + ", line 555",
            equation=r"\ell = -\log p_{t},\ t \in \{0, \dots, C - 1\}",
        check=_nll,
        summary="line 555: 'Logistic损失函数和负对数似然损失函数只能处理二分类问题' (the logistic and negative "
                "log-likelihood "
        "losses only handle two classes; cross-entropy is needed for M classes); the NLL −log p_t is defined for any "
        "number of classes, and on log-softmax outputs it "
        "is the cross-entropy",
        reason="torch's nll_loss takes C-class log-probabilities, and cross_entropy(z) = nll_loss(log_softmax(z)); the "
               "check "
        "shows it for C = 5, with an ignored target and spatial dimensions",
        mistakes=[Mistake("ignored-in-denominator", "ignored targets counted in the mean",
                          M.nll_ignored_in_denominator, "losses.nll_loss"),
         Mistake("reshape-not-moveaxis", "(N, C, d) flattened with reshape(−1, C)", M.nll_reshape_not_moveaxis,
                 "losses.nll_loss")],
    ),
)

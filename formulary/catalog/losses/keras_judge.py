"""Keras's loss functions as the judge of the guide's Keras-style loss code (``loss.*/guide``).

The guide's snippets are Keras's per-sample losses (a mean over the last axis), copied
with 10e-6 where Keras has its ε = 1e-7.  With TensorFlow installed each erratum is
checked against Keras itself: where the guide agrees with Keras (the per-sample
convention) and where it does not (the ε, the mean over classes, the 0/1 hinge labels),
beside the candidate.  See :func:`formulary.judges.judged`.
"""

from __future__ import annotations

import numpy as np

from formulary.catalog.losses._shared import seeded
from formulary.compare import assert_close
from formulary.mistakes import losses as M
from formulary.record import Tolerance
from formulary.verdict import expect
from reference.tf_judge import keras_loss

_F64 = Tolerance.default(np.float64)


def _close(actual, expected, what, tol=_F64):
    assert_close(np.asarray(actual, np.float64), np.asarray(expected, np.float64), tol, names=(what,),
                 check_dtype=False)


def per_sample(name, keras_name, guide):
    """MSE/MAE: the guide's snippet is Keras's per-sample loss; the candidate's elements, averaged per row, are too."""
    def judge(candidate):
        """the guide's snippet is Keras's per-sample loss"""
        x, y = seeded((4, 3), -3.0, 3.0, 1), seeded((4, 3), -3.0, 3.0, 2)
        keras = keras_loss(keras_name, y, x)
        _close(guide(y, x), keras, f"the guide's {name} snippet against keras.losses.{keras_name}")
        rows = np.asarray(candidate.get(f"losses.{name}")(x, y, reduction="none")).mean(axis=-1)
        _close(rows, keras, f"{name}(reduction='none') averaged per sample against keras.losses.{keras_name}")
        return {"keras_per_sample": [float(v) for v in keras]}
    return judge


def msle(candidate):
    """Keras clips at ε = 1e-7 where the guide clips at 10e-6: both give 0 at ŷ = −0.5 where MSLE does not."""
    y_pred, y_true = np.array([-0.5, 0.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5, 3.0])
    keras = keras_loss("mean_squared_logarithmic_error", y_true[:, None], y_pred[:, None])
    guide = M.guide_mean_squared_logarithmic_error(y_true[:, None], y_pred[:, None])
    mine = np.asarray(candidate.get("losses.msle_loss")(y_pred, y_true, reduction="none"))
    _close(keras[2:], mine[2:], "keras.losses.mean_squared_logarithmic_error against msle_loss for values > −1")
    _close(guide[2:], keras[2:], "the guide's MSLE against Keras's where no value is below 1e-5")
    expect(keras[0] < 1e-12 and guide[0] == 0.0 and mine[0] > 0.4,
           f"at ŷ = −0.5, y = 0 Keras's clip gives ~0 like the guide's, MSLE {mine[0]}: "
           f"Keras {keras[0]}, guide {guide[0]}")
    return {"keras_at_pred_-0.5_true_0": float(keras[0]), "keras_at_pred_0_true_1": float(keras[1]),
            "guide_at_pred_0_true_1": float(guide[1])}


def mape(candidate):
    """Keras divides by max(|y|, 1e-7), the guide by max(|y|, 1e-5): they part below 1e-5."""
    y_true, y_pred = np.array([0.0, 1e-6, 2.0]), np.array([1.0, 2e-6, 3.0])
    keras = keras_loss("mean_absolute_percentage_error", y_true[:, None], y_pred[:, None])
    guide = M.guide_mean_absolute_percentage_error(y_true[:, None], y_pred[:, None])
    mine = np.asarray(candidate.get("losses.mape_loss")(y_pred, y_true, reduction="none", eps=1e-7))
    _close(mine, keras, "mape_loss(eps=1e-7) against keras.losses.mean_absolute_percentage_error", Tolerance(1e-6, 0.0))
    expect(abs(keras[1] - 100.0) < 1e-6 and abs(guide[1] - 10.0) < 1e-6 and keras[2] == guide[2],
           f"at y = 1e-6, ŷ = 2e-6 Keras gives 100 % and the guide 10 %, equal at y = 2: Keras {keras}, guide {guide}")
    return {"keras_at_true_0": float(keras[0]), "keras_at_true_1e-6_pred_2e-6": float(keras[1])}


def cross_entropy(candidate):
    """Keras's categorical cross-entropy sums over the classes: its batch mean is the loss, the guide's C× less."""
    rng = np.random.default_rng(3)
    z = rng.normal(0.0, 2.0, (4, 10))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    t = rng.integers(0, 10, 4)
    y = np.eye(10)[t]
    keras = keras_loss("categorical_crossentropy", y, p)
    mine = candidate.get("losses.cross_entropy")(np.log(p), t)
    _close(keras.mean(), mine, "keras.losses.categorical_crossentropy's batch mean against cross_entropy",
           Tolerance(1e-6, 0.0))  # Keras clips p to [1e-7, 1 − 1e-7]
    guide = M.guide_cross_entropy(y, p)
    expect(9 < keras.mean() / guide < 11, f"the guide's loss is 1/C of Keras's: Keras {keras.mean()}, guide {guide}")
    return {"keras_batch_mean": float(keras.mean()), "keras_over_guide": float(keras.mean() / guide)}


def hinge(candidate):
    """Keras's hinge turns 0/1 labels into ±1 before max(0, 1 − y f): the ±1 hinge, not the guide's constant 1."""
    y01, f = np.array([0.0, 1.0, 0.0, 1.0]), np.array([-3.0, 2.0, 5.0, -1.0])
    keras = keras_loss("hinge", y01[:, None], f[:, None])
    mine = np.asarray(candidate.get("losses.hinge_loss")(f, 2 * y01 - 1, reduction="none"))
    _close(keras, mine, "keras.losses.hinge with labels 0/1 against hinge_loss with labels ±1")
    guide = M.guide_hinge(y01[:, None], f[:, None])
    expect(not np.allclose(guide, keras),
           f"the guide's hinge of 0/1 labels differs from Keras's: guide {guide}, Keras {keras}")
    return {"keras_hinge_labels_0_1": [float(v) for v in keras]}


def nll(candidate):
    """Keras's sparse categorical cross-entropy over 5 classes is nll_loss of the log-softmax: NLL is not binary."""
    z, t = seeded((6, 5), -3.0, 3.0, 4), np.array([0, 4, 2, 1, 3, 1])
    keras = keras_loss("sparse_categorical_crossentropy", t, z, from_logits=True)
    log_softmax = candidate.get("activations.log_softmax")
    mine = np.asarray(candidate.get("losses.nll_loss")(log_softmax(z, 1), t, reduction="none"))
    _close(keras, mine, "keras.losses.sparse_categorical_crossentropy(from_logits=True) against nll_loss(log_softmax)",
           Tolerance(1e-6, 1e-7))
    return {"keras_sparse_ce_5_classes": float(keras.mean())}

"""Known mistakes of the loss chapter: what a learner, a careless library or the guide writes.

Each is a complete wrong implementation with impl's signature; the catalog names it on
its record, and the suite proves that the record's checks reject it.  They compute in
float64 and round to the input's dtype like impl, so that each is wrong in its values,
not in its dtype.
"""

from __future__ import annotations

import numpy as np

from impl import activations as A
from impl import losses as L


def _f(x):
    return np.asarray(x)


def _reduce(loss, reduction, dtype, count=None):
    """Plain reductions (the mistakes' own, so that they do not lean on impl's)."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if reduction == "none":
            return loss.astype(dtype)
        total = loss.sum()
        if reduction == "mean":
            total = total / (loss.size if count is None else count)
        return np.asarray(total).astype(dtype)


def _scale(grad_output, shape, reduction, count=None):
    g = _f(grad_output).astype(np.float64)
    if reduction == "mean":
        with np.errstate(divide="ignore", invalid="ignore"):
            g = g / (int(np.prod(shape)) if count is None else count)
    return g


# -- the guide's code, verbatim (§6, y_true first; line numbers of the seed text) -----------

def guide_mean_squared_error(y_true, y_pred):  # lines 504–505
    return np.mean(np.square(y_pred - y_true), axis=-1)


def guide_mean_absolute_error(y_true, y_pred):  # lines 513–514
    return np.mean(np.abs(y_pred - y_true), axis=-1)


def guide_mean_squared_logarithmic_error(y_true, y_pred):  # lines 522–525
    first_log = np.log(np.clip(y_pred, 10e-6, None) + 1.)
    second_log = np.log(np.clip(y_true, 10e-6, None) + 1.)
    return np.mean(np.square(first_log - second_log), axis=-1)


def guide_mean_absolute_percentage_error(y_true, y_pred):  # lines 533–535
    diff = np.abs((y_pred - y_true) / np.clip(np.abs(y_true), 10e-6, None))
    return 100 * np.mean(diff, axis=-1)


def guide_cross_entropy(y_true, y_pred):  # lines 559–560
    return -np.mean(y_true * np.log(y_pred + 10e-6))


def guide_hinge(y_true, y_pred):  # lines 569–570
    return np.mean(np.maximum(1. - y_true * y_pred, 0.), axis=-1)


# -- MSE / MAE --------------------------------------------------------------------------

def mse_mean_over_batch(input, target, reduction="mean", weight=None):
    """'mean' as the sum over each sample divided by the batch size, not by all elements."""
    x = _f(input)
    if reduction != "mean" or x.ndim < 2:
        return L.mse_loss(input, target, reduction, weight)
    d = x.astype(np.float64) - _f(target)
    loss = d * d if weight is None else d * d * _f(weight)
    return np.asarray(loss.sum() / x.shape[0], x.dtype)


def mse_weighted_mean_over_count(input, target, reduction="mean", weight=None):
    """A weighted mean divided by the element count instead of Σw."""
    if weight is None or reduction != "mean":
        return L.mse_loss(input, target, reduction, weight)
    x = _f(input)
    d = x.astype(np.float64) - _f(target)
    return np.asarray((d * d * _f(weight)).mean(), x.dtype)


def mse_backward_without_two(grad_output, input, target, reduction="mean", weight=None):
    """(x − y) instead of 2(x − y)."""
    return (0.5
            * L.mse_loss_backward(grad_output, input, target, reduction,
                                  weight).astype(np.float64)).astype(_f(input).dtype)


def mse_backward_not_averaged(grad_output, input, target, reduction="mean", weight=None):
    """The 1/n of the mean forgotten in the gradient."""
    return L.mse_loss_backward(grad_output, input, target, "sum" if reduction == "mean" else reduction, weight)


def guide_mse_per_sample(input, target, reduction="mean", weight=None):
    """The guide's np.mean(np.square(y_pred − y_true), axis=−1) for the mean: one value per sample."""
    x = _f(input)
    if x.ndim < 2 or reduction != "mean":
        return L.mse_loss(input, target, reduction, weight)
    return guide_mean_squared_error(_f(target), x)


def l1_weight_ignored(input, target, reduction="mean", weight=None):
    """weight accepted and silently ignored."""
    return L.l1_loss(input, target, reduction)


def l1_as_rmse(input, target, reduction="mean", weight=None):
    """√(mean d²): the root of the MSE, not the mean absolute error."""
    out = L.mse_loss(input, target, reduction, weight).astype(np.float64)
    return np.sqrt(out).astype(_f(input).dtype)


def l1_backward_one_at_tie(grad_output, input, target, reduction="mean", weight=None):
    """sign(d) written as where(d >= 0, 1, −1): 1 at a tie, where torch gives 0."""
    x, t = _f(input), _f(target)
    d = x.astype(np.float64) - t
    w = 1.0 if weight is None else _f(weight)
    count = _f(weight).sum() if weight is not None else None
    return (_scale(grad_output, x.shape, reduction, count) * w * np.where(d >= 0, 1.0, -1.0)).astype(x.dtype)


def guide_mae_per_sample(input, target, reduction="mean", weight=None):
    """The guide's np.mean(np.abs(y_pred − y_true), axis=−1) for the mean: one value per sample."""
    x = _f(input)
    if x.ndim < 2 or reduction != "mean":
        return L.l1_loss(input, target, reduction, weight)
    return guide_mean_absolute_error(_f(target), x)


# -- smooth L1 / Huber ---------------------------------------------------------------------

def smooth_l1_without_beta(input, target, reduction="mean", beta=1.0):
    """Quadratic part 0.5 d² without the division by β (Huber's, mislabelled)."""
    x = _f(input)
    d = x.astype(np.float64) - _f(target)
    loss = np.where(np.abs(d) < beta, 0.5 * d * d, np.abs(d) - 0.5 * beta)
    return _reduce(loss, reduction, x.dtype)


def smooth_l1_backward_beta_zero_unguarded(grad_output, input, target, reduction="mean", beta=1.0):
    """clip(d/β, −1, 1) without torch's β = 0 rule: 0/0 = NaN at a tie."""
    x = _f(input)
    d = x.astype(np.float64) - _f(target)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (_scale(grad_output, x.shape, reduction) * np.clip(d / beta, -1, 1)).astype(x.dtype)


def smooth_l1_backward_slope_beta(grad_output, input, target, reduction="mean", beta=1.0):
    """Slope ±β outside |d| < β (Huber's), instead of ±1."""
    if beta == 0:
        return L.smooth_l1_loss_backward(grad_output, input, target, reduction, beta)
    x = _f(input)
    d = x.astype(np.float64) - _f(target)
    return (_scale(grad_output, x.shape, reduction) * np.clip(d, -beta, beta)
            / np.where(np.abs(d) < beta, beta, 1.0)).astype(x.dtype)


def huber_as_smooth_l1(input, target, reduction="mean", delta=1.0, weight=None):
    """smooth_l1 with β = δ: forgets Huber's factor δ."""
    out = L.smooth_l1_loss(input, target, "none", delta).astype(np.float64)
    x = _f(input)
    if weight is not None:
        out = out * _f(weight)
    return _reduce(out, reduction, x.dtype)


def huber_weighted_mean_over_weights(input, target, reduction="mean", delta=1.0, weight=None):
    """A weighted mean divided by Σw (mse_loss's convention; torch's huber divides by n)."""
    if weight is None or reduction != "mean":
        return L.huber_loss(input, target, reduction, delta, weight)
    out = L.huber_loss(input, target, "none", delta, weight).astype(np.float64)
    return np.asarray(out.sum() / _f(weight).sum(), _f(input).dtype)


def huber_backward_unit_clip(grad_output, input, target, reduction="mean", delta=1.0, weight=None):
    """clip(d, −1, 1) whatever δ is."""
    x = _f(input)
    d = x.astype(np.float64) - _f(target)
    w = 1.0 if weight is None else _f(weight)
    return (_scale(grad_output, x.shape, reduction) * w * np.clip(d, -1, 1)).astype(x.dtype)


# -- MSLE / MAPE ----------------------------------------------------------------------------

def msle_log_not_log1p(input, target, reduction="mean"):
    """(log x − log y)²: the 1 + forgotten."""
    x = _f(input)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.log(x.astype(np.float64)) - np.log(_f(target).astype(np.float64))
        return _reduce(d * d, reduction, x.dtype)


def msle_clipped_like_guide(input, target, reduction="mean"):
    """The guide's clip at 10e-6 = 1e-5 before the log: predictions below it all count as 1e-5."""
    x = _f(input)
    d = np.log1p(np.clip(x.astype(np.float64), 10e-6, None)) - np.log1p(np.clip(_f(target).astype(np.float64), 10e-6,
                                                                                None))
    return _reduce(d * d, reduction, x.dtype)


def msle_backward_missing_chain(grad_output, input, target, reduction="mean"):
    """2(log(1 + x) − log(1 + y)) without the 1/(1 + x) of the chain rule."""
    x = _f(input)
    d = np.log1p(x.astype(np.float64)) - np.log1p(_f(target).astype(np.float64))
    return (_scale(grad_output, x.shape, reduction) * 2 * d).astype(x.dtype)


def mape_fraction(input, target, reduction="mean", eps=0.0):
    """|x − y|/|y| without the factor 100 (scikit-learn's convention, not the guide's)."""
    return (L.mape_loss(input, target, reduction, eps).astype(np.float64) / 100).astype(_f(input).dtype)


def mape_relative_to_prediction(input, target, reduction="mean", eps=0.0):
    """Divided by |x| (the prediction) instead of |y| (the truth)."""
    return L.mape_loss(target, input, reduction, eps)


def mape_guide_epsilon(input, target, reduction="mean", eps=0.0):
    """The guide's clip of |y| at 10e-6 = 1e-5, whatever eps says."""
    return L.mape_loss(input, target, reduction, 10e-6)


def mape_backward_unsigned(grad_output, input, target, reduction="mean", eps=0.0):
    """100/|y| without the sign of x − y."""
    x = _f(input)
    return (_scale(grad_output, x.shape, reduction) * 100 / np.maximum(np.abs(_f(target)), eps)).astype(x.dtype)


# -- margin losses ---------------------------------------------------------------------------

def logistic_naive(input, target, reduction="mean"):
    """log(1 + exp(−y f)): overflows to inf for y f < −709.78 (float64)."""
    x = _f(input)
    with np.errstate(over="ignore"):
        loss = np.log(1 + np.exp(-_f(target).astype(np.float64) * x))
    return _reduce(loss, reduction, x.dtype)


def logistic_zero_one_labels(input, target, reduction="mean"):
    """softplus(f) − y f: the 0/1-label (BCE-with-logits) formula applied to ±1 labels."""
    x = _f(input).astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        return _reduce(A.softplus(x) - _f(target) * x, reduction, _f(input).dtype)


def logistic_backward_sign_flipped(grad_output, input, target, reduction="mean"):
    """+y σ(−y f) instead of −y σ(−y f)."""
    return -L.logistic_loss_backward(grad_output, input, target, reduction)


def hinge_squared(input, target, reduction="mean"):
    """max(0, 1 − y f)²: the squared hinge."""
    x = _f(input)
    h = np.maximum(0, 1 - _f(target).astype(np.float64) * x)
    return _reduce(h * h, reduction, x.dtype)


def hinge_without_margin(input, target, reduction="mean"):
    """max(0, −y f): the perceptron's loss, without the margin 1."""
    x = _f(input)
    return _reduce(np.maximum(0, -_f(target).astype(np.float64) * x), reduction, x.dtype)


def hinge_backward_at_kink(grad_output, input, target, reduction="mean"):
    """−y also at the kink y f = 1 (relu's convention gives 0 there)."""
    x, y = _f(input), _f(target).astype(np.float64)
    return (_scale(grad_output, x.shape, reduction) * np.where(y * x <= 1, -y, 0.0)).astype(x.dtype)


def hinge_accepts_zero_one(input, target, reduction="mean"):
    """The guide's hinge for the mean: labels 0/1 accepted, so a 0 label gives the constant loss 1."""
    if reduction != "mean":
        return L.hinge_loss(input, target, reduction)
    return np.asarray(np.mean(guide_hinge(_f(target), _f(input))), _f(input).dtype)


def exponential_sign_flipped(input, target, reduction="mean"):
    """e^{+y f}: rewards the wrong sign."""
    x = _f(input)
    with np.errstate(over="ignore"):
        return _reduce(np.exp(_f(target).astype(np.float64) * x), reduction, x.dtype)


def exponential_backward_missing_label(grad_output, input, target, reduction="mean"):
    """−e^{−y f} without the factor y of the chain rule."""
    return L.exponential_loss_backward(grad_output, input, target, reduction) * _f(target)


# -- binary cross-entropy -------------------------------------------------------------------------

def bce_unclamped(input, target, weight=None, reduction="mean"):
    """−(y log p + (1 − y) log(1 − p)) without torch's −100 clamp: NaN or inf at p = 0 or 1."""
    p, y = _f(input).astype(np.float64), _f(target).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    return _reduce(loss if weight is None else loss * _f(weight), reduction, _f(input).dtype)


def bce_weight_ignored(input, target, weight=None, reduction="mean"):
    """weight accepted and silently ignored."""
    return L.binary_cross_entropy(input, target, None, reduction)


def bce_backward_unclamped(grad_output, input, target, weight=None, reduction="mean"):
    """(p − y)/(p(1 − p)) without torch's 1e-12 floor: inf or NaN at p = 0 or 1."""
    p, y = _f(input).astype(np.float64), _f(target).astype(np.float64)
    w = 1.0 if weight is None else _f(weight)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d = (p - y) / (p * (1 - p))
        return (_scale(grad_output, p.shape, reduction) * w * d).astype(_f(input).dtype)


def bce_logits_naive(input, target, weight=None, reduction="mean", pos_weight=None):
    """BCE of σ(x), computed in the input's dtype: log(0) once σ saturates, and float32 round-off."""
    x = _f(input)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        p = (1 / (1 + np.exp(-x))).astype(x.dtype)
        y = _f(target)
        pw = 1 if pos_weight is None else _f(pos_weight)
        loss = -(pw * y * np.log(p) + (1 - y) * np.log(1 - p))
    return _reduce(loss if weight is None else loss * _f(weight), reduction, x.dtype)


def bce_logits_pos_weight_on_negatives(input, target, weight=None, reduction="mean", pos_weight=None):
    """pos_weight multiplies the negative term (1 − y) instead of the positive one."""
    if pos_weight is None:
        return L.binary_cross_entropy_with_logits(input, target, weight, reduction)
    x = _f(input).astype(np.float64)
    y = _f(target)
    loss = _f(pos_weight) * (1 - y) * A.softplus(x) + y * A.softplus(-x)
    return _reduce(loss if weight is None else loss * _f(weight), reduction, _f(input).dtype)


def bce_logits_backward_ignores_pos_weight(grad_output, input, target, weight=None, reduction="mean", pos_weight=None):
    """σ(x) − y even when pos_weight is given."""
    return L.binary_cross_entropy_with_logits_backward(grad_output, input, target, weight, reduction)


def bce_logits_backward_through_mse(grad_output, input, target, weight=None, reduction="mean", pos_weight=None):
    """(σ − y)·σ(1 − σ): the σ′ factor that the fused loss cancels, kept (MSE's gradient shape)."""
    x = _f(input).astype(np.float64)
    s = A.sigmoid(x)
    return (_f(L.binary_cross_entropy_with_logits_backward(grad_output, input, target, weight, reduction, pos_weight))
            * s * (1 - s)).astype(_f(input).dtype)


def bce_logits_backward_y_minus_sigma(grad_output, input, target, weight=None, reduction="mean", pos_weight=None):
    """y − σ(x): the descent direction returned as the gradient."""
    return -L.binary_cross_entropy_with_logits_backward(grad_output, input, target, weight, reduction, pos_weight)


# -- NLL / cross-entropy ------------------------------------------------------------------------------

def _all_target_weights(input, target, weight, ignore_index):
    """Σ w[t] over every target, the ignored ones included (an ignored −100 counts as class 0)."""
    x, t = _f(input), _f(target).reshape(-1)
    w = np.ones(x.shape[0 if x.ndim == 1 else 1]) if weight is None else _f(weight).astype(np.float64)
    return w[np.where(t == ignore_index, 0, t)].sum()


def nll_ignored_in_denominator(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Ignored targets still counted in the mean's denominator."""
    if reduction != "mean":
        return L.nll_loss(input, target, weight, ignore_index, reduction)
    total = L.nll_loss(input, target, weight, ignore_index, "sum").astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total / _all_target_weights(input, target, weight, ignore_index), _f(input).dtype)


def nll_weighted_mean_over_count(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """A weighted mean divided by the number of targets kept, not by Σ w[t]."""
    if reduction != "mean":
        return L.nll_loss(input, target, weight, ignore_index, reduction)
    total = L.nll_loss(input, target, weight, ignore_index, "sum").astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total / np.sum(_f(target) != ignore_index), _f(input).dtype)


def nll_reshape_not_moveaxis(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """(N, C, d...) flattened to rows with reshape(−1, C) instead of moving the classes last."""
    x, t = _f(input), _f(target)
    if x.ndim < 3:
        return L.nll_loss(input, target, weight, ignore_index, reduction)
    out = L.nll_loss(np.ascontiguousarray(x.reshape(-1, x.shape[1])), t.reshape(-1), weight, ignore_index, reduction)
    return out.reshape(t.shape) if reduction == "none" else out


def nll_backward_sign_flipped(grad_output, input, target, weight=None, ignore_index=-100, reduction="mean"):
    """+w[t] at the target: the gradient of the log-likelihood, not of its negative."""
    return -L.nll_loss_backward(grad_output, input, target, weight, ignore_index, reduction)


def ce_smoothing_over_other_classes(input, target, weight=None, ignore_index=-100, reduction="mean",
                                    label_smoothing=0.0):
    """1 − ε on the target and ε/(C − 1) on each other class (torch spreads ε/C over all C)."""
    x = _f(input)
    if label_smoothing == 0 or _f(target).dtype.kind == "f":
        return L.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)
    classes = x.shape[0 if x.ndim == 1 else 1]
    eps = label_smoothing * classes / (classes - 1) if classes > 1 else label_smoothing
    return L.cross_entropy(input, target, weight, ignore_index, reduction, min(eps, 1.0))


def ce_ignored_in_denominator(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Ignored targets still counted in the mean's denominator."""
    if reduction != "mean" or _f(target).dtype.kind == "f":
        return L.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)
    total = L.cross_entropy(input, target, weight, ignore_index, "sum", label_smoothing).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total / _all_target_weights(input, target, weight, ignore_index), _f(input).dtype)


def ce_log_of_unshifted_softmax(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """log(exp(x)/Σexp(x)) without subtracting the max: inf/inf = NaN for large logits."""
    x = _f(input)
    dim = 0 if x.ndim == 1 else 1
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        e = np.exp(x.astype(np.float64))
        logp = np.log(e / e.sum(axis=dim, keepdims=True))
    return L.nll_loss(logp.astype(x.dtype), target, weight, ignore_index, reduction) if _f(target).dtype.kind != "f" \
        else _reduce(-(logp * _f(target)).sum(axis=dim), reduction, x.dtype)


def guide_ce_mean_over_classes(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """The guide's −np.mean(y log p): the mean over samples and classes, C times too small."""
    out = L.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)
    x = _f(input)
    if reduction != "mean":
        return out
    return (out.astype(np.float64) / x.shape[0 if x.ndim == 1 else 1]).astype(x.dtype)


def ce_backward_p_minus_onehot(grad_output, input, target, weight=None, ignore_index=-100, reduction="mean",
                               label_smoothing=0.0):
    """p − onehot(t) (divided by the count kept) whatever the weights and the smoothing say."""
    x = _f(input)
    if _f(target).dtype.kind == "f":
        return L.cross_entropy_backward(grad_output, input, target, None, ignore_index, reduction)
    return L.cross_entropy_backward(grad_output, input, target, None, ignore_index, reduction, 0.0).astype(x.dtype)


def ce_backward_assumes_normalised_target(grad_output, input, target, weight=None, ignore_index=-100, reduction="mean",
                                          label_smoothing=0.0):
    """p − q for (N, C) probability targets: right only when each row of q sums to 1."""
    x = _f(input)
    if _f(target).dtype.kind != "f" or x.ndim != 2:
        return L.cross_entropy_backward(grad_output, input, target, weight, ignore_index, reduction, label_smoothing)
    classes = x.shape[1]
    w = np.ones(classes) if weight is None else _f(weight)
    q = (_f(target) * (1 - label_smoothing) + label_smoothing / classes) * w
    g = _scale(grad_output, (x.shape[0],), reduction)
    g = g[:, None] if reduction == "none" else g
    return (g * (A.softmax(x.astype(np.float64), 1) - q)).astype(x.dtype)


def ce_probs_mean_over_elements(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Probability targets: the mean over every element (positions × classes)."""
    if _f(target).dtype.kind != "f":
        return L.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)
    return guide_ce_mean_over_classes(input, target, weight, ignore_index, reduction, label_smoothing)


def ce_probs_smoothing_ignored(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """label_smoothing accepted and silently ignored for probability targets."""
    return L.cross_entropy(input, target, weight, ignore_index, reduction, 0.0 if _f(target).dtype.kind == "f"
                           else label_smoothing)


def ce_backward_target_class_only(grad_output, input, target, weight=None, ignore_index=-100, reduction="mean",
                                  label_smoothing=0.0):
    """p_t − 1 at the target class and 0 at the others: the softmax's coupling forgotten."""
    g = L.cross_entropy_backward(grad_output, input, target, weight, ignore_index, reduction,
                                 label_smoothing).astype(np.float64)
    return np.where(g < 0, g, 0.0).astype(_f(input).dtype)


def ce_backward_y_minus_p(grad_output, input, target, weight=None, ignore_index=-100, reduction="mean",
                          label_smoothing=0.0):
    """y − p: the descent direction returned as the gradient."""
    return -L.cross_entropy_backward(grad_output, input, target, weight, ignore_index, reduction, label_smoothing)


# -- the ReLU + MSE pairing -------------------------------------------------------------------------

def relu_mse_on_preactivation(input, target, negative_slope=0.0, reduction="mean"):
    """MSE of z itself: the activation forgotten in the forward pass."""
    return L.mse_loss(input, target, reduction)


def relu_mse_backward_skips_activation(grad_output, input, target, negative_slope=0.0, reduction="mean"):
    """2(a − y)/n without the activation's derivative: dead units still get a gradient."""
    a = A.leaky_relu(input, negative_slope)
    return L.mse_loss_backward(grad_output, a, target, reduction)


def relu_mse_backward_relu_slope(grad_output, input, target, negative_slope=0.0, reduction="mean"):
    """ReLU's derivative (0 for z ≤ 0) used even for a leaky slope."""
    a = A.leaky_relu(input, negative_slope)
    return A.relu_backward(L.mse_loss_backward(grad_output, a, target, reduction), input)


# -- the claim's gradients --------------------------------------------------------------------------

def ce_backward_sum_for_mean(grad_output, input, target, weight=None, ignore_index=-100, reduction="mean",
                             label_smoothing=0.0):
    """The 1/N of the mean forgotten: the gradient of the sum."""
    return L.cross_entropy_backward(grad_output, input, target, weight, ignore_index,
                                    "sum" if reduction == "mean" else reduction, label_smoothing)

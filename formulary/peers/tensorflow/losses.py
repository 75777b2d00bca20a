"""impl.losses over Keras's loss functions (``keras.losses``, TensorFlow backend) and ``tf.nn``.

Keras's losses are per sample: they average over the last axis (its "per-sample"
convention, the one the guide's loss snippets follow).  Called on ``x[..., None]`` they
give one loss per element, which is what torch's ``reduction`` then reduces; the
reduction, element and class weights, ``ignore_index`` and label smoothing are composed
here in TensorFlow.  Keras's own choices stay: MSLE clips its arguments at ε = 1e-7 before
``log(x + 1)``, MAPE divides by max(|y|, 1e-7), binary cross-entropy clips probabilities
to [1e-7, 1 − 1e-7], hinge turns 0/1 labels into ±1 (all in the triage).  Logits go
through ``tf.nn.sigmoid_cross_entropy_with_logits`` / ``weighted_cross_entropy_with_logits``
(pos_weight) and ``tf.nn.(sparse_)softmax_cross_entropy_with_logits``.
"""

from __future__ import annotations

from formulary.peers.autodiff import NotProvided
from formulary.peers.tensorflow import backward, forward, keras, tf


def _t(x):
    return tf().convert_to_tensor(x)


def _elementwise(name, input, target, **options):
    """Keras's per-sample loss on one-element samples: its value for every element."""
    return getattr(keras().losses, name)(_t(target)[..., None], _t(input)[..., None], **options)


def _reduce(loss, reduction, denominator=None):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return tf().reduce_sum(loss)
    if reduction == "mean":
        total = tf().reduce_sum(loss)
        return total / (tf().cast(tf().size(loss), loss.dtype) if denominator is None else denominator)
    raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")


def _weighted(loss, weight):
    return loss if weight is None else loss * _t(weight)


def _weighted_mean(loss, weight, reduction):
    """Element weights: the mean divides by Σw, as torch's weighted regression losses do."""
    return _reduce(_weighted(loss, weight), reduction, None if weight is None else tf().reduce_sum(_t(weight)))


def _mse(input, target, reduction="mean", weight=None):
    return _weighted_mean(_elementwise("mean_squared_error", input, target), weight, reduction)


def _l1(input, target, reduction="mean", weight=None):
    return _weighted_mean(_elementwise("mean_absolute_error", input, target), weight, reduction)


def _huber(input, target, reduction="mean", delta=1.0, weight=None):
    """torch's weighted Huber mean divides by the element count, not by Σw (unlike its MSE and L1)."""
    return _reduce(_weighted(_elementwise("huber", input, target, delta=delta), weight), reduction)


def _smooth_l1(input, target, reduction="mean", beta=1.0):
    if beta == 0:
        return _l1(input, target, reduction)
    return _reduce(_elementwise("huber", input, target, delta=beta) / beta, reduction)  # torch: huber_δ / δ


def _msle(input, target, reduction="mean"):
    return _reduce(_elementwise("mean_squared_logarithmic_error", input, target), reduction)


def _mape(input, target, reduction="mean", eps=0.0):
    if eps not in (0.0, 1e-7):
        raise NotProvided("keras.losses.mean_absolute_percentage_error has its own ε = 1e-7, no eps argument")
    return _reduce(_elementwise("mean_absolute_percentage_error", input, target), reduction)


def _logistic(input, target, reduction="mean"):
    return _reduce(tf().nn.softplus(-_t(target) * _t(input)), reduction)


def _hinge(input, target, reduction="mean"):
    return _reduce(_elementwise("hinge", input, target), reduction)


def _exponential(input, target, reduction="mean"):
    return _reduce(tf().exp(-_t(target) * _t(input)), reduction)


def _bce(input, target, weight=None, reduction="mean"):
    return _reduce(_weighted(_elementwise("binary_crossentropy", input, target), weight), reduction)


def _bce_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    x, y = _t(input), _t(target)
    if pos_weight is None:
        loss = tf().nn.sigmoid_cross_entropy_with_logits(labels=y, logits=x)
    else:
        loss = tf().nn.weighted_cross_entropy_with_logits(labels=y, logits=x, pos_weight=_t(pos_weight))
    return _reduce(_weighted(loss, weight), reduction)


def _rows(x):
    """(N, C, d…) → (N·d…, C), classes last as tf.nn wants them; (C,) → (1, C)."""
    x = _t(x)
    if x.shape.rank == 1:
        return x[None]
    perm = [0, *range(2, x.shape.rank), 1]
    return tf().reshape(tf().transpose(x, perm), [-1, x.shape[1]])


def _positions(x, loss):
    x = _t(x)
    return tf().reshape(loss, [] if x.shape.rank == 1 else [x.shape[0], *x.shape[2:]])


def _class_targets(input, target, weight, ignore_index):
    x = _t(input)
    c = x.shape[0] if x.shape.rank == 1 else x.shape[1]
    t = tf().reshape(tf().cast(_t(target), tf().int64), [-1])
    valid = t != ignore_index
    safe = tf().where(valid, t, tf().zeros_like(t))
    w = tf().ones([c], x.dtype) if weight is None else _t(weight)
    return safe, valid, tf().where(valid, tf().gather(w, safe), tf().zeros([], x.dtype)), w, c


def _nll(input, target, weight=None, ignore_index=-100, reduction="mean"):
    safe, valid, wt, _, _ = _class_targets(input, target, weight, ignore_index)
    picked = tf().gather(_rows(input), safe, axis=1, batch_dims=1)
    return _reduce(_positions(input, -wt * picked), reduction, tf().reduce_sum(wt))


def _cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    x, t = _rows(input), _t(target)
    if t.dtype.is_floating:  # class probabilities
        c = x.shape[1]
        y = _rows(t) * (1 - label_smoothing) + label_smoothing / c
        rows_sum_to_1 = bool(tf().reduce_all(tf().abs(tf().reduce_sum(y, axis=-1) - 1) < 1e-6))
        if weight is None and rows_sum_to_1:
            loss = tf().nn.softmax_cross_entropy_with_logits(labels=y, logits=x)
        else:  # the fused op's gradient (softmax − labels) holds only for labels summing to 1 (its documented
            # contract): weighted or unnormalised targets go through tf.nn.log_softmax
            w = 1.0 if weight is None else _t(weight)
            loss = -tf().reduce_sum(y * w * tf().nn.log_softmax(x, axis=-1), axis=-1)
        return _reduce(_positions(input, loss), reduction)
    safe, valid, wt, w, c = _class_targets(input, target, weight, ignore_index)
    loss = wt * tf().nn.sparse_softmax_cross_entropy_with_logits(labels=safe, logits=x)
    if label_smoothing:
        smooth = -tf().reduce_sum(tf().nn.log_softmax(x, axis=-1) * w, axis=-1) / c
        loss = (1 - label_smoothing) * loss + label_smoothing * tf().where(valid, smooth, tf().zeros_like(smooth))
    return _reduce(_positions(input, loss), reduction, tf().reduce_sum(wt))


def _relu_mse(input, target, negative_slope=0.0, reduction="mean"):
    return _mse(tf().nn.leaky_relu(_t(input), alpha=negative_slope), target, reduction)


mse_loss, mse_loss_backward = forward(_mse), backward(_mse)
l1_loss, l1_loss_backward = forward(_l1), backward(_l1)
huber_loss, huber_loss_backward = forward(_huber), backward(_huber)
smooth_l1_loss, smooth_l1_loss_backward = forward(_smooth_l1), backward(_smooth_l1)
msle_loss, msle_loss_backward = forward(_msle), backward(_msle)
mape_loss, mape_loss_backward = forward(_mape), backward(_mape)
logistic_loss, logistic_loss_backward = forward(_logistic), backward(_logistic)
hinge_loss, hinge_loss_backward = forward(_hinge), backward(_hinge)
exponential_loss, exponential_loss_backward = forward(_exponential), backward(_exponential)
binary_cross_entropy, binary_cross_entropy_backward = forward(_bce), backward(_bce)
binary_cross_entropy_with_logits = forward(_bce_logits)
binary_cross_entropy_with_logits_backward = backward(_bce_logits)
nll_loss, nll_loss_backward = forward(_nll), backward(_nll)
cross_entropy, cross_entropy_backward = forward(_cross_entropy), backward(_cross_entropy)
relu_mse_loss, relu_mse_loss_backward = forward(_relu_mse), backward(_relu_mse)

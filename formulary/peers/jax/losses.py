"""impl.losses over optax's per-example losses (``optax.losses``) and ``jax.nn``.

The per-element (per-example) loss is the framework's; what torch's signature adds around
it is composed here, in JAX (optax has no loss on probabilities: binary_cross_entropy is not
provided): the reduction ('none' / 'sum' / 'mean', the mean of nll and
cross-entropy over Σ w_t as torch divides), element weights, class weights, ignore_index,
pos_weight.  Where optax has no loss (MSLE, MAPE, logistic, exponential, NLL) the formula
is written with ``jnp``/``jax.nn``, which is then what is judged.
"""

from __future__ import annotations

import importlib

from formulary.peers.jax import backward, forward, jax, jnp


def _optax():
    jax()
    return importlib.import_module("optax")


def _reduce(loss, reduction, denominator=None):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / (loss.size if denominator is None else denominator)
    raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")


def _weighted(loss, weight):
    return loss if weight is None else loss * weight


def _weighted_mean(loss, weight, reduction):
    """Element weights: the mean divides by Σw, as torch's weighted regression losses do."""
    return _reduce(_weighted(loss, weight), reduction, None if weight is None else jnp().sum(weight))


def _mse(input, target, reduction="mean", weight=None):
    return _weighted_mean(_optax().losses.squared_error(input, target), weight, reduction)


def _l1(input, target, reduction="mean", weight=None):
    return _weighted_mean(jnp().abs(input - target), weight, reduction)


def _huber(input, target, reduction="mean", delta=1.0, weight=None):
    """torch's weighted Huber mean divides by the element count, not by Σw (unlike its MSE and L1)."""
    return _reduce(_weighted(_optax().losses.huber_loss(input, target, delta=delta), weight), reduction)


def _smooth_l1(input, target, reduction="mean", beta=1.0):
    if beta == 0:
        return _l1(input, target, reduction)
    return _reduce(_optax().losses.huber_loss(input, target, delta=beta) / beta, reduction)  # torch: huber_δ / δ


def _msle(input, target, reduction="mean"):
    return _reduce(jnp().square(jnp().log1p(input) - jnp().log1p(target)), reduction)


def _mape(input, target, reduction="mean", eps=0.0):
    return _reduce(100.0 * jnp().abs(input - target) / jnp().maximum(jnp().abs(target), eps), reduction)


def _logistic(input, target, reduction="mean"):
    return _reduce(jax().nn.softplus(-target * input), reduction)


def _hinge(input, target, reduction="mean"):
    return _reduce(_optax().losses.hinge_loss(input, target), reduction)


def _exponential(input, target, reduction="mean"):
    return _reduce(jnp().exp(-target * input), reduction)


def _bce_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    if pos_weight is None:
        loss = _optax().losses.sigmoid_binary_cross_entropy(input, target)
    else:  # torch's −[p y log σ(x) + (1 − y) log(1 − σ(x))]: optax has no pos_weight
        log_sig = jax().nn.log_sigmoid
        loss = -(pos_weight * target * log_sig(input) + (1 - target) * log_sig(-input))
    return _reduce(_weighted(loss, weight), reduction)


def _rows(input):
    """(N, C, d…) → (N·d…, C), the class axis last, as optax wants it; (C,) → (1, C)."""
    x = jnp().asarray(input)
    return x.reshape(1, -1) if x.ndim == 1 else jnp().moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _shape_of_positions(input):
    return () if input.ndim == 1 else (input.shape[0], *input.shape[2:])


def _class_targets(input, target, weight, ignore_index):
    t = jnp().asarray(target).reshape(-1)
    valid = t != ignore_index
    safe = jnp().where(valid, t, 0)
    w = jnp().ones(input.shape[0 if input.ndim == 1 else 1], input.dtype) if weight is None else weight
    return safe, valid, jnp().where(valid, w[safe], 0)


def _nll(input, target, weight=None, ignore_index=-100, reduction="mean"):
    x = _rows(input)
    safe, valid, wt = _class_targets(input, target, weight, ignore_index)
    loss = -wt * jnp().take_along_axis(x, safe[:, None], axis=1)[:, 0]
    return _reduce(loss.reshape(_shape_of_positions(input)), reduction, wt.sum())


def _cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    optax, x, c = _optax(), _rows(input), input.shape[0 if input.ndim == 1 else 1]
    w = jnp().ones(c, x.dtype) if weight is None else weight
    if jnp().issubdtype(jnp().asarray(target).dtype, jnp().floating):  # class probabilities
        y = optax.smooth_labels(_rows(target), label_smoothing) if label_smoothing else _rows(target)
        loss = optax.losses.safe_softmax_cross_entropy(x, y * w)  # Σ_c w_c y_c (−log p_c)
        return _reduce(loss.reshape(_shape_of_positions(input)), reduction)
    safe, valid, wt = _class_targets(input, target, weight, ignore_index)
    loss = wt * optax.losses.softmax_cross_entropy_with_integer_labels(x, safe)
    if label_smoothing:
        smooth = -(jax().nn.log_softmax(x, axis=-1) * w).sum(axis=-1) / c
        loss = (1 - label_smoothing) * loss + label_smoothing * jnp().where(valid, smooth, 0)
    return _reduce(loss.reshape(_shape_of_positions(input)), reduction, wt.sum())


def _relu_mse(input, target, negative_slope=0.0, reduction="mean"):
    return _mse(jax().nn.leaky_relu(input, negative_slope), target, reduction)


mse_loss, mse_loss_backward = forward(_mse), backward(_mse)
l1_loss, l1_loss_backward = forward(_l1), backward(_l1)
huber_loss, huber_loss_backward = forward(_huber), backward(_huber)
smooth_l1_loss, smooth_l1_loss_backward = forward(_smooth_l1), backward(_smooth_l1)
msle_loss, msle_loss_backward = forward(_msle), backward(_msle)
mape_loss, mape_loss_backward = forward(_mape), backward(_mape)
logistic_loss, logistic_loss_backward = forward(_logistic), backward(_logistic)
hinge_loss, hinge_loss_backward = forward(_hinge), backward(_hinge)
exponential_loss, exponential_loss_backward = forward(_exponential), backward(_exponential)
binary_cross_entropy_with_logits = forward(_bce_logits)
binary_cross_entropy_with_logits_backward = backward(_bce_logits)
nll_loss, nll_loss_backward = forward(_nll), backward(_nll)
cross_entropy, cross_entropy_backward = forward(_cross_entropy), backward(_cross_entropy)
relu_mse_loss, relu_mse_loss_backward = forward(_relu_mse), backward(_relu_mse)

"""Known mistakes of regularisation: dropout, penalties, weight decay, stopping rules."""

from __future__ import annotations

import math

import numpy as np

from impl import regularization as R
from impl.optim import Adam


def _f(x):
    return np.asarray(x)


def _mask_or_draw(x, p, mask, generator, channelwise=False):
    if mask is not None:
        m = np.asarray(mask)
        return m.reshape(x.shape[:2] + (1,) * (x.ndim - 2)) if channelwise and m.ndim == 2 else m
    return R.dropout_mask(x, p, generator, channelwise=channelwise)


# dropout -------------------------------------------------------------------------------
def dropout_no_rescale(input, p=0.5, training=True, *, mask=None, generator=None):
    """m ⊙ x without 1/(1 − p): the expected activation shrinks by 1 − p in training."""
    x = _f(input)
    if not training:
        return x.copy()
    return (x * _mask_or_draw(x, p, mask, generator)).astype(x.dtype)


def dropout_scale_by_p(input, p=0.5, training=True, *, mask=None, generator=None):
    """Survivors scaled by 1/p instead of 1/(1 − p)."""
    x = _f(input)
    if not training:
        return x.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x * _mask_or_draw(x, p, mask, generator) / x.dtype.type(p)).astype(x.dtype)


def dropout_mask_inverted(input, p=0.5, training=True, *, mask=None, generator=None):
    """The mask read as 'dropped' instead of 'kept'."""
    x = _f(input)
    if not training:
        return x.copy()
    m = ~_mask_or_draw(x, p, mask, generator)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x * (m.astype(x.dtype) / x.dtype.type(1 - p))).astype(x.dtype)


def dropout_eval_scaled(input, p=0.5, training=True, *, mask=None, generator=None):
    """Evaluation scaled by 1 − p (the original, non-inverted dropout's test-time rule) on top of inverted training."""
    x = _f(input)
    if not training:
        return (x * x.dtype.type(1 - p)).astype(x.dtype)
    return R.dropout(x, p, training, mask=mask, generator=generator)


def dropout_keeps_with_p(input, p=0.5, training=True, *, mask=None, generator=None):
    """Draws keep with probability p (not 1 − p)."""
    x = _f(input)
    if not training:
        return x.copy()
    m = mask if mask is not None else R.dropout_mask(x, 1 - p, generator)
    return R.dropout(x, p, True, mask=np.asarray(m))


def dropout_identity(input, p=0.5, training=True, *, mask=None, generator=None):
    """Nothing dropped, in training too."""
    return _f(input).copy()


def dropout_backward_unscaled(grad_output, input, p=0.5, training=True, *, mask=None):
    """m ⊙ g: the forward pass's 1/(1 − p) forgotten in the gradient."""
    g = _f(grad_output)
    if not training:
        return g.copy()
    return (g * np.asarray(mask)).astype(_f(input).dtype)


def dropout_backward_no_mask(grad_output, input, p=0.5, training=True, *, mask=None):
    """g/(1 − p) everywhere: the dropped units still receive gradient."""
    g = _f(grad_output)
    if not training:
        return g.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        return (g / g.dtype.type(1 - p)).astype(_f(input).dtype)


# dropout2d ----------------------------------------------------------------------------------
def dropout2d_no_rescale(input, p=0.5, training=True, *, mask=None, generator=None):
    """Channels dropped but the survivors not scaled by 1/(1 − p)."""
    x = _f(input)
    if not training:
        return x.copy()
    return (x * _mask_or_draw(x, p, mask, generator, True)).astype(x.dtype)


def dropout2d_elementwise_draw(input, p=0.5, training=True, *, mask=None, generator=None):
    """Drawn element by element, like dropout, instead of one draw per feature map."""
    x = _f(input)
    if not training or mask is not None:
        return R.dropout2d(x, p, training, mask=mask, generator=generator)
    return R.dropout(x, p, True, generator=generator)


def dropout2d_backward_unscaled(grad_output, input, p=0.5, training=True, *, mask=None):
    """m ⊙ g without 1/(1 − p)."""
    g, x = _f(grad_output), _f(input)
    if not training:
        return g.copy()
    return (g * _mask_or_draw(x, p, mask, None, True)).astype(x.dtype)


# alpha dropout ----------------------------------------------------------------------------------
def alpha_dropout_to_zero(input, p=0.5, training=False, *, mask=None, generator=None):
    """Dropped units set to 0 and survivors scaled by 1/(1 − p): plain dropout, which breaks SELU's fixed point."""
    return R.dropout(input, p, training, mask=mask, generator=generator)


def alpha_dropout_no_affine(input, p=0.5, training=False, *, mask=None, generator=None):
    """Dropped units set to α' = −1.7581 but no affine correction (a = 1, b = 0)."""
    x = _f(input)
    if not training:
        return x.copy()
    m = _mask_or_draw(x, p, mask, generator)
    return np.where(m, x, x.dtype.type(-1.7580993408473766)).astype(x.dtype)


def alpha_dropout_backward_unscaled(grad_output, input, p=0.5, training=False, *, mask=None):
    """m ⊙ g: the multiplier a forgotten."""
    g = _f(grad_output)
    if not training:
        return g.copy()
    return (g * np.asarray(mask)).astype(_f(input).dtype)


# penalties ---------------------------------------------------------------------------------------
def l1_squares(input, weight=1.0):
    """λ Σ w²: the L2 sum under the L1 name."""
    x = _f(input)
    return np.asarray(weight * np.sum(x.astype(np.float64) ** 2), dtype=x.dtype)


def l1_weight_ignored(input, weight=1.0):
    """Σ|w| without λ."""
    x = _f(input)
    return np.asarray(np.abs(x).sum(dtype=np.float64), dtype=x.dtype)


def l1_backward_weight_only(grad_output, input, weight=1.0):
    """λ sign(w) without the upstream gradient g."""
    x = _f(input)
    return (weight * np.sign(x)).astype(x.dtype)


def l2_no_half(input, weight=1.0):
    """λ Σ w² without ½: its gradient is 2λw, twice SGD's weight decay."""
    x = _f(input)
    return np.asarray(weight * np.sum(x.astype(np.float64) ** 2), dtype=x.dtype)


def l2_norm_not_squared(input, weight=1.0):
    """λ‖w‖₂ (the norm, not half its square)."""
    x = _f(input)
    return np.asarray(weight * math.sqrt(np.sum(x.astype(np.float64) ** 2)), dtype=x.dtype)


def l2_backward_doubled(grad_output, input, weight=1.0):
    """2λw: the derivative of λΣw² on a penalty defined with ½."""
    x = _f(input)
    return (2.0 * float(np.asarray(grad_output)) * weight * x).astype(x.dtype)


# stopping ------------------------------------------------------------------------------------------
class EarlyStoppingOffByOne(R.EarlyStopping):
    """Stops after patience − 1 evaluations without improvement."""

    def step(self, metric) -> bool:
        self.epoch += 1
        if self.improved(float(metric)):
            self.best, self.best_epoch = float(metric), self.epoch
        self.stopped = self.epoch - self.best_epoch >= self.patience - 1
        return self.stopped


class EarlyStoppingIgnoresDelta(R.EarlyStopping):
    """min_delta accepted and ignored: any decrease counts as an improvement."""

    def improved(self, metric: float) -> bool:
        return metric < self.best if self.mode == "min" else metric > self.best


class EarlyStoppingLastNotBest(R.EarlyStopping):
    """Compares with the previous evaluation, not the best so far."""

    def step(self, metric) -> bool:
        m = float(metric)
        self.epoch += 1
        prev = getattr(self, "_prev", math.inf if self.mode == "min" else -math.inf)
        better = m < prev - self.min_delta if self.mode == "min" else m > prev + self.min_delta
        self._prev = m
        self._since = 0 if better else getattr(self, "_since", 0) + 1
        if self.improved(m):
            self.best, self.best_epoch = m, self.epoch
        self.stopped = self._since >= self.patience
        return self.stopped


class AccuracyStopEveryIteration(R.AccuracyStop):
    """Checks the accuracy at every iteration, not every M."""

    def step(self, metric) -> bool:
        self.iteration += 1
        m = float(metric)
        return m <= self.target if self.mode == "min" else m >= self.target


class AccuracyStopStrict(R.AccuracyStop):
    """Requires the error strictly below the target (the guide: 'meets the accuracy', ≤)."""

    def step(self, metric) -> bool:
        self.iteration += 1
        if self.iteration % self.every:
            return False
        m = float(metric)
        return m < self.target if self.mode == "min" else m > self.target


# weight decay --------------------------------------------------------------------------------------
class AdamWCoupled(Adam):
    """'AdamW' that adds λθ to the gradient: Adam with an L2 penalty under AdamW's name."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)

"""Binary cross-entropy on probabilities and on logits (guide §6.3, §6.4's sigmoid pairing).

``binary_cross_entropy`` follows torch's conventions where the formula is undefined:
each log is clamped at −100 (so p = 0 or 1 gives a finite loss), and its gradient
divides by max(p(1 − p), 1e-12) (1e-12 rounded to float32, as torch's kernel has it).
Neither is the true value there: the clamp is torch's convention, matched, and said.

``binary_cross_entropy_with_logits`` is the fused sigmoid + BCE: no clamp is needed,
and its gradient is σ(x) − y.
"""

from __future__ import annotations

import numpy as np

from impl.losses._common import narrow, optional_weight, pair, reduce, reduce_backward, reduction_arg, times, wide

LOG_CLAMP = -100.0  # torch clamps each log at −100
GRAD_EPSILON = float(np.float32(1e-12))  # torch's EPSILON in binary_cross_entropy_backward, a float32 literal


def _unit_interval(v: np.ndarray, name: str) -> None:
    bad = ~((v >= 0) & (v <= 1))  # NaN is outside too, as torch rejects it
    if bad.any():
        raise ValueError(f"{name} must hold probabilities in [0, 1], got {v[bad].ravel()[0]!r}")


def _probabilities(input, target, weight, reduction):
    x, t = pair(input, target)
    _unit_interval(x, "input")
    _unit_interval(t, "target")
    return x, wide(x), wide(t), optional_weight(weight, x, broadcast=True), reduction_arg(reduction)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    r"""Binary cross-entropy between probabilities p and targets y in [0, 1].

    .. math:: \ell_i = -w_i \bigl[\, y_i \max(\log p_i, -100) + (1 - y_i) \max(\log(1 - p_i), -100) \bigr]

    ``log(1 − p)`` is ``log1p(−p)``, exact for small p.  ``weight`` broadcasts to the
    input's shape.
    """
    x, p, y, w, r = _probabilities(input, target, weight, reduction)
    with np.errstate(divide="ignore"):
        loss = -(y * np.maximum(np.log(p), LOG_CLAMP) + (1.0 - y) * np.maximum(np.log1p(-p), LOG_CLAMP))
    return reduce(loss if w is None else loss * w, r, x.dtype)


def binary_cross_entropy_backward(grad_output, input, target, weight=None, reduction="mean"):
    r"""Gradient of binary_cross_entropy, with torch's clamp of the denominator.

    .. math:: \frac{\partial \ell_i}{\partial p_i} = w_i\, \frac{p_i - y_i}{\max\bigl(p_i (1 - p_i),\ 10^{-12}\bigr)}

    Below p(1 − p) = 1e-12 this is not the derivative of the (clamped) loss: torch's
    convention, matched.
    """
    x, p, y, w, r = _probabilities(input, target, weight, reduction)
    d = (p - y) / np.maximum(p * (1.0 - p), GRAD_EPSILON)
    g = reduce_backward(grad_output, x.shape, r)
    return narrow(g * d if w is None else g * d * w, x.dtype)


def _logits(input, target, weight, pos_weight, reduction):
    x, t = pair(input, target)
    w = optional_weight(weight, x, broadcast=True)
    pw = optional_weight(pos_weight, x, "pos_weight", broadcast=True)
    return x, wide(x), wide(t), w, pw, reduction_arg(reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    r"""Binary cross-entropy on logits x: sigmoid and BCE fused, stable for any x.

    .. math:: \ell_i = w_i \bigl[\, (1 - y_i) \operatorname{softplus}(x_i) + \pi_i\, y_i \operatorname{softplus}(-x_i)
    \bigr]
              = -w_i \bigl[\pi_i y_i \log\sigma(x_i) + (1 - y_i) \log(1 - \sigma(x_i))\bigr]

    with π the ``pos_weight`` (1 when not given).  Both terms are non-negative for y in
    [0, 1], so nothing cancels: torch's ``(1 − y) x − log σ(x)`` loses every digit of a
    small loss at y = 0, x ≪ 0.  ``weight`` and ``pos_weight`` broadcast to the input.
    """
    x, z, y, w, pw, r = _logits(input, target, weight, pos_weight, reduction)
    positive = y if pw is None else pw * y
    # softplus(±z) = max(±z, 0) + log1p(e^{−|z|}): one log1p(exp) serves both terms
    tail = np.log1p(np.exp(-np.abs(z)))
    loss = times(1.0 - y, np.maximum(z, 0.0) + tail) + times(positive, np.maximum(-z, 0.0) + tail)
    return reduce(loss if w is None else loss * w, r, x.dtype)


def binary_cross_entropy_with_logits_backward(grad_output, input, target, weight=None, reduction="mean",
                                              pos_weight=None):
    r"""Gradient of binary_cross_entropy_with_logits: σ(x) − y, scaled by the weights.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = w_i \bigl[(1 - y_i)\, \sigma(x_i) - \pi_i y_i\, \sigma(-x_i)\bigr]
              \overset{\pi = 1}{=} w_i \bigl(\sigma(x_i) - y_i\bigr)
    """
    x, z, y, w, pw, r = _logits(input, target, weight, pos_weight, reduction)
    positive = y if pw is None else pw * y
    # σ(±z) from one e = e^{−|z|}: 1/(1 + e) on the side of z's sign, e/(1 + e) on the other
    e = np.exp(-np.abs(z))
    near, far = 1.0 / (1.0 + e), e / (1.0 + e)
    up = z >= 0
    d = (1.0 - y) * np.where(up, near, far) - positive * np.where(up, far, near)  # σ(x) − y without σ(x) − 1 cancelling
    g = reduce_backward(grad_output, x.shape, r)
    return narrow(g * d if w is None else g * d * w, x.dtype)

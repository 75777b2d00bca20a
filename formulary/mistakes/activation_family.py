"""Known mistakes of the rest of the activation family (hardtanh … rrelu).

Each is a complete wrong implementation with impl's signature, giving wrong values.
"""

from __future__ import annotations

import numpy as np

from impl import activations as A


def _f(x):
    return np.asarray(x)


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


# hardtanh / relu6 / threshold ---------------------------------------------------------
def hardtanh_bounds_ignored(input, min_val=-1.0, max_val=1.0):
    """Clamped to [−1, 1] whatever the bounds say."""
    x = _f(input)
    return np.clip(x, -1, 1).astype(x.dtype)


def hardtanh_backward_closed(grad_output, input, min_val=-1.0, max_val=1.0):
    """Gradient g at the ends x = a and x = b too; torch gives 0 there."""
    x = _f(input)
    return np.where((x >= min_val) & (x <= max_val), grad_output, 0).astype(x.dtype)


def relu6_uncapped(input):
    """Plain ReLU: the cap at 6 forgotten."""
    x = _f(input)
    return np.maximum(x, 0).astype(x.dtype)


def relu6_backward_one_at_six(grad_output, input):
    """Gradient g at x = 6 (closed upper end); torch gives 0."""
    x = _f(input)
    return np.where((x > 0) & (x <= 6), grad_output, 0).astype(x.dtype)


def threshold_inclusive(input, threshold, value):
    """x ≥ threshold keeps x: torch replaces x = threshold by value."""
    x = _f(input)
    return np.where(x >= threshold, x, value).astype(x.dtype)


def threshold_value_zero(input, threshold, value):
    """Below the threshold 0 instead of value (ReLU's habit)."""
    x = _f(input)
    return np.where(x > threshold, x, 0).astype(x.dtype)


def threshold_backward_passes_all(grad_output, input, threshold, value):
    """The gradient passed everywhere, as if threshold were the identity."""
    return np.asarray(grad_output).astype(_f(input).dtype)


# celu -----------------------------------------------------------------------------------
def celu_as_elu(input, alpha=1.0):
    """α(eˣ − 1): ELU, without dividing x by α."""
    x = _f(input)
    with np.errstate(over="ignore"):
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype)


def celu_backward_alpha_factor(grad_output, input, alpha=1.0):
    """α e^{x/α}: the derivative with an extra α (ELU's)."""
    x = _f(input)
    with np.errstate(over="ignore"):
        return np.where(x > 0, grad_output, grad_output * alpha * np.exp(np.minimum(x, 0) / alpha)).astype(x.dtype)


# logsigmoid ------------------------------------------------------------------------------
def logsigmoid_naive(input):
    """log(1/(1 + e^{−x})): −inf once σ underflows (x < −745), and inf − inf on the way."""
    x = _f(input)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return np.log(1.0 / (1.0 + np.exp(-x.astype(np.float64)))).astype(x.dtype)


def logsigmoid_backward_sigma(grad_output, input):
    """σ(x) instead of 1 − σ(x): the derivative of σ's log confused with σ."""
    x = _f(input)
    return (grad_output * A.sigmoid(x)).astype(x.dtype)


# mish --------------------------------------------------------------------------------------
def mish_tanh_of_x(input):
    """x·tanh(x): softplus forgotten inside the tanh."""
    x = _f(input)
    with np.errstate(invalid="ignore"):
        return (x * np.tanh(x)).astype(x.dtype)


def mish_sigmoid_inside(input):
    """x·tanh(σ(x)): the sigmoid where softplus belongs."""
    x = _f(input).astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        return (x * np.tanh(_sig(x))).astype(_f(input).dtype)


def mish_backward_no_product_rule(grad_output, input):
    """tanh(softplus(x)) alone: the x·d/dx term forgotten."""
    x = _f(input)
    sp = A.softplus(x.astype(np.float64))
    return (grad_output * np.tanh(sp)).astype(x.dtype)


# hardswish ------------------------------------------------------------------------------------
def hardswish_keras_gate(input):
    """x·clip(0.2x + 0.5, 0, 1): Keras's hard sigmoid as the gate."""
    x = _f(input)
    with np.errstate(invalid="ignore"):
        return (x * np.clip(0.2 * x + 0.5, 0, 1)).astype(x.dtype)


def hardswish_as_silu(input):
    """x·σ(x): the smooth swish, not its piecewise-linear version."""
    return A.silu(input)


def hardswish_backward_closed_interval(grad_output, input):
    """(2x + 3)/6 on the closed [−3, 3]: −1/2 at x = −3 and 3/2 at x = 3 where torch gives 0 and 1."""
    x = _f(input)
    d = np.where(x < -3, 0.0, np.where(x <= 3, (2 * x + 3) / 6, 1.0))
    return (grad_output * d).astype(x.dtype)


# tanhshrink -------------------------------------------------------------------------------------
def tanhshrink_flipped(input):
    """tanh x − x: the sign flipped."""
    x = _f(input)
    with np.errstate(invalid="ignore"):
        return (np.tanh(x) - x).astype(x.dtype)


def tanhshrink_backward_of_tanh(grad_output, input):
    """1 − tanh²x: tanh's derivative, not that of x − tanh x."""
    x = _f(input)
    t = np.tanh(x)
    return (grad_output * (1 - t * t)).astype(x.dtype)


# softshrink / hardshrink --------------------------------------------------------------------------
def softshrink_no_dead_zone(input, lambd=0.5):
    """x − λ·sign(x) everywhere: no zero band, so |x| < λ crosses zero."""
    x = _f(input)
    return (x - x.dtype.type(lambd) * np.sign(x)).astype(x.dtype)


def softshrink_as_hardshrink(input, lambd=0.5):
    """x where |x| > λ without subtracting λ: hard shrinkage."""
    x = _f(input)
    return np.where(np.abs(x) > lambd, x, 0).astype(x.dtype)


def softshrink_backward_everywhere(grad_output, input, lambd=0.5):
    """The gradient passed inside the dead band too."""
    return np.asarray(grad_output).astype(_f(input).dtype)


def hardshrink_inclusive(input, lambd=0.5):
    """|x| ≥ λ keeps x: torch gives 0 at |x| = λ."""
    x = _f(input)
    return np.where(np.abs(x) >= x.dtype.type(lambd), x, 0).astype(x.dtype)


def hardshrink_subtracts(input, lambd=0.5):
    """λ subtracted from the survivors: soft shrinkage."""
    x = _f(input)
    lam = x.dtype.type(lambd)
    return np.where(np.abs(x) > lam, x - lam * np.sign(x), 0).astype(x.dtype)


# glu ----------------------------------------------------------------------------------------------
def glu_halves_swapped(input, dim=-1):
    """σ(a)·b: the gate taken from the first half."""
    x = _f(input)
    a, b = np.split(x, 2, axis=dim)
    return (_sig(a.astype(np.float64)) * b).astype(x.dtype)


def glu_tanh_gate(input, dim=-1):
    """a·tanh(b): a tanh gate (as in gated tanh units) instead of σ."""
    x = _f(input)
    a, b = np.split(x, 2, axis=dim)
    return (a * np.tanh(b)).astype(x.dtype)


def glu_backward_gate_half_zero(grad_output, input, dim=-1):
    """Only ∂L/∂a = gσ(b); the gate half's gradient left at zero."""
    x = _f(input)
    a, b = np.split(x.astype(np.float64), 2, axis=dim)
    return np.concatenate([grad_output * _sig(b), np.zeros_like(b)], axis=dim).astype(x.dtype)


# softmin -------------------------------------------------------------------------------------------
def softmin_as_softmax(input, dim):
    """softmax(x): the minus sign forgotten."""
    return A.softmax(input, dim)


def softmin_backward_sign(grad_output, input, dim):
    """softmax's backward at −x without the chain rule's −1."""
    return A.softmax_backward(grad_output, np.negative(_f(input)), dim)


# rrelu ----------------------------------------------------------------------------------------------
def rrelu_eval_lower(input, lower=1.0 / 8, upper=1.0 / 3, training=False, *, generator=None, noise=None):
    """Evaluation with slope ``lower`` instead of the mean (l + u)/2."""
    x = _f(input)
    if training:
        return A.rrelu(input, lower, upper, training, generator=generator, noise=noise)
    return A.leaky_relu(x, lower)


def rrelu_eval_fixed_slope(input, lower=1.0 / 8, upper=1.0 / 3, training=False, *, generator=None, noise=None):
    """Evaluation with leaky ReLU's 0.01, whatever lower and upper say."""
    x = _f(input)
    if training:
        return A.rrelu(input, lower, upper, training, generator=generator, noise=noise)
    return A.leaky_relu(x, 0.01)


def rrelu_noise_on_positives(input, lower=1.0 / 8, upper=1.0 / 3, training=False, *, generator=None, noise=None):
    """Training: the random slope applied to positive inputs too."""
    x = _f(input)
    if not training:
        return A.rrelu(input, lower, upper, training)
    a = np.asarray(noise, x.dtype) if noise is not None else A.rrelu_noise(x, lower, upper, generator)
    return (x * a).astype(x.dtype)


def rrelu_train_mean_slope(input, lower=1.0 / 8, upper=1.0 / 3, training=False, *, generator=None, noise=None):
    """Training with the mean slope: the drawn noise ignored."""
    return A.leaky_relu(input, (lower + upper) / 2)


def rrelu_backward_mean_slope(grad_output, input, lower=1.0 / 8, upper=1.0 / 3, training=False, *, noise=None):
    """Training backward with the mean slope instead of the forward pass's slopes."""
    return A.leaky_relu_backward(grad_output, input, (lower + upper) / 2)

"""Known mistakes of the activation chapter: what a learner or a careless library writes.

Each is a complete wrong implementation with impl's signature; the catalog names it on
its record, and the suite proves that the record's checks reject it.
"""

from __future__ import annotations

import math

import numpy as np

from impl import activations as A
from impl._special import erfc


def _f(x):
    return np.asarray(x)


# sigmoid ------------------------------------------------------------------------
def sigmoid_as_tanh(input):
    """0.5(1 + tanh x): forgot that σ(x) = 0.5(1 + tanh(x/2))."""
    x = _f(input)
    return (0.5 * (1 + np.tanh(x))).astype(x.dtype)


def sigmoid_in_float64(input):
    """Right values, wrong dtype: float32 in, float64 out."""
    return A.sigmoid(_f(input).astype(np.float64))


def sigmoid_backward_no_chain(grad_output, input):
    """σ(1 − σ) without multiplying by the upstream gradient."""
    s = A.sigmoid(input)
    return s * (1 - s)


def sigmoid_backward_of_output(grad_output, input):
    """σ'(x) written as x(1 − x): the formula for the output applied to the input."""
    x = _f(input)
    return (grad_output * x * (1 - x)).astype(x.dtype)


# tanh ---------------------------------------------------------------------------
def tanh_naive(input):
    """(e^x − e^−x)/(e^x + e^−x): inf/inf = NaN once e^x overflows."""
    x = _f(input)
    with np.errstate(over="ignore", invalid="ignore"):
        return ((np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))).astype(x.dtype)


def tanh_backward_one_minus_x2(grad_output, input):
    """1 − x² instead of 1 − tanh²x."""
    x = _f(input)
    return (grad_output * (1 - x * x)).astype(x.dtype)


# relu ---------------------------------------------------------------------------
def relu_nan_to_zero(input):
    """np.where(x > 0, x, 0): NaN becomes 0 where torch keeps NaN."""
    x = _f(input)
    return np.where(x > 0, x, 0).astype(x.dtype)


def relu_backward_one_at_zero(grad_output, input):
    """Derivative 1 at x = 0 (x >= 0); torch defines it as 0."""
    x = _f(input)
    return np.where(x >= 0, grad_output, 0).astype(x.dtype)


# leaky_relu -----------------------------------------------------------------------
def leaky_relu_as_max(input, negative_slope=0.01):
    """max(x, αx): equal only while 0 ≤ α ≤ 1."""
    x = _f(input)
    return np.maximum(x, x * x.dtype.type(negative_slope))


def leaky_relu_slope_ignored(input, negative_slope=0.01):
    """The slope argument accepted and silently ignored (always 0.01)."""
    return A.leaky_relu(input)


def leaky_relu_backward_zero_tie(grad_output, input, negative_slope=0.01):
    """At x = 0 the gradient 1 (x >= 0); torch gives α there."""
    x = _f(input)
    return np.where(x >= 0, grad_output, grad_output * negative_slope).astype(x.dtype)


# prelu -----------------------------------------------------------------------------
def prelu_first_slope_for_all(input, weight):
    """One slope (the first channel's) used for every channel."""
    x, w = _f(input), _f(weight)
    return A.prelu(x, w.reshape(-1)[:1].copy())


def prelu_backward_weight_unsummed(grad_output, input, weight):
    """The slope's gradient taken from the first sample only, not summed over the batch."""
    gx, gw = A.prelu_backward(grad_output, input, weight)
    x, w = _f(input), _f(weight)
    if x.ndim >= 1 and x.shape[0] > 1:
        _, gw = A.prelu_backward(_f(grad_output)[:1], x[:1], w)
    return gx, gw


# elu / selu ------------------------------------------------------------------------
def elu_alpha_on_both_sides(input, alpha=1.0):
    """α multiplied on the positive branch too."""
    x = _f(input)
    return (alpha * A.elu(x, 1.0)).astype(x.dtype)


def elu_backward_positive_at_zero(grad_output, input, alpha=1.0):
    """At x = 0 the positive branch's 1; torch takes the negative branch, α."""
    x = _f(input)
    return np.where(x >= 0, grad_output, grad_output * alpha * np.exp(np.minimum(x, 0))).astype(x.dtype)


def selu_rounded_constants(input):
    """λ = 1.05 and α = 1.67, rounded as the slides print them."""
    x = _f(input)
    return (1.05 * A.elu(x.astype(np.float64), 1.67)).astype(x.dtype)


def selu_scale_negative_only(input):
    """λ applied only on the negative side."""
    x = _f(input)
    z = x.astype(np.float64)
    return np.where(z > 0, z, A.SELU_SCALE * A.elu(z, A.SELU_ALPHA)).astype(x.dtype)


# gelu --------------------------------------------------------------------------------
def gelu_tanh_for_exact(input, approximate="none"):
    """The tanh approximation returned when the exact GELU was asked for."""
    return A.gelu(input, "tanh")


def gelu_sigmoid_approx(input, approximate="none"):
    """x·σ(1.702x), the sigmoid approximation, for every mode."""
    x = _f(input)
    return (x * A.sigmoid(1.702 * x.astype(np.float64))).astype(x.dtype)


def gelu_tanh_cubic_dropped(input, approximate="none"):
    """The tanh approximation without the 0.044715 x³ term."""
    if approximate != "tanh":
        return A.gelu(input, approximate)
    x = _f(input)
    z = x.astype(np.float64)
    return (0.5 * z * (1 + np.tanh(math.sqrt(2 / math.pi) * z))).astype(x.dtype)


def gelu_backward_phi_only(grad_output, input, approximate="none"):
    """Φ(x) alone as the derivative, forgetting the x·φ(x) term."""
    x = _f(input)
    z = x.astype(np.float64)
    if approximate == "tanh":
        u = math.sqrt(2 / math.pi) * (z + 0.044715 * z**3)
        return (grad_output * 0.5 * (1 + np.tanh(u))).astype(x.dtype)
    return (grad_output * 0.5 * erfc(-z / math.sqrt(2))).astype(x.dtype)


# softplus --------------------------------------------------------------------------
def softplus_naive(input, beta=1.0, threshold=None):
    """log(1 + e^{βx})/β: overflows to inf once e^{βx} does."""
    x = _f(input)
    with np.errstate(over="ignore"):
        return (np.log(1 + np.exp(beta * x.astype(np.float64))) / beta).astype(x.dtype)


def softplus_beta_ignored(input, beta=1.0, threshold=None):
    """β accepted and silently ignored."""
    return A.softplus(input, 1.0, threshold)


def softplus_threshold_on_x(input, beta=1.0, threshold=None):
    """The threshold compared with x instead of βx."""
    x = _f(input)
    out = A.softplus(x, beta)
    if threshold is None:
        return out
    return np.where(x > threshold, x, out).astype(x.dtype)


def softplus_backward_unscaled(grad_output, input, beta=1.0, threshold=None):
    """σ(x) instead of σ(βx)."""
    return A.softplus_backward(grad_output, input, 1.0, threshold)


# silu / softsign / hardsigmoid -----------------------------------------------------
def silu_as_tanh(input):
    """x·tanh(x) instead of x·σ(x)."""
    x = _f(input)
    return (x * np.tanh(x)).astype(x.dtype)


def silu_backward_sigma_only(grad_output, input):
    """σ(x) as the derivative, forgetting the product rule."""
    return (grad_output * A.sigmoid(input)).astype(_f(input).dtype)


def softsign_without_abs(input):
    """x/(1 + x): the absolute value forgotten."""
    x = _f(input)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x / (1 + x)).astype(x.dtype)


def softsign_backward_not_squared(grad_output, input):
    """1/(1 + |x|) instead of 1/(1 + |x|)²."""
    x = _f(input)
    return (grad_output / (1 + np.abs(x))).astype(x.dtype)


def hardsigmoid_keras(input):
    """Keras's hard_sigmoid, clip(0.2x + 0.5, 0, 1), instead of torch's relu6(x + 3)/6."""
    x = _f(input)
    return np.clip(0.2 * x + 0.5, 0, 1).astype(x.dtype)


def hardsigmoid_backward_closed_interval(grad_output, input):
    """1/6 on the closed interval [−3, 3]; torch gives 0 at the ends."""
    x = _f(input)
    return np.where((x >= -3) & (x <= 3), grad_output / 6, 0).astype(x.dtype)


# softmax / log_softmax --------------------------------------------------------------
def _cast(input, dtype):
    """softmax's dtype= option: the input cast first (each mistake below is wrong in its own way only)."""
    return _f(input) if dtype is None else _f(input).astype(dtype)


def softmax_unshifted(input, dim, dtype=None):
    """exp(x)/Σexp(x) without subtracting the max: inf/inf = NaN for large logits."""
    x = _cast(input, dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        return (e / e.sum(axis=dim, keepdims=True)).astype(x.dtype)


def softmax_last_axis(input, dim, dtype=None):
    """Always normalised along the last axis, whatever dim says."""
    return A.softmax(_cast(input, dtype), -1)


def softmax_backward_diagonal(grad_output, input, dim, dtype=None):
    """g·p(1 − p): only the Jacobian's diagonal."""
    p = A.softmax(_cast(input, dtype), dim)
    return (grad_output * p * (1 - p)).astype(_f(input).dtype)


def log_softmax_of_softmax(input, dim, dtype=None):
    """log(softmax(x)): −inf where softmax underflows to 0."""
    with np.errstate(divide="ignore"):
        return np.log(A.softmax(_cast(input, dtype), dim))


def log_softmax_unshifted(input, dim, dtype=None):
    """x − log Σ e^x without the max: overflows for large logits."""
    x = _cast(input, dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        return (x - np.log(np.exp(x).sum(axis=dim, keepdims=True))).astype(x.dtype)


def log_softmax_backward_p_minus_g(grad_output, input, dim, dtype=None):
    """g − p: forgets that each p_i is scaled by Σ g_j (right only when Σg = 1)."""
    p = A.softmax(_cast(input, dtype), dim)
    return (grad_output - p).astype(_f(input).dtype)

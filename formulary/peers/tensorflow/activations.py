"""impl.activations over ``tf.nn`` and ``keras.activations`` (backward: ``tf.GradientTape``).

TensorFlow has no functional PReLU and no softplus ``beta``/``threshold``: PReLU is
``tf.where(x > 0, x, a·x)`` with the slope on dim 1; softplus is ``tf.nn.softplus(βx)/β``
(x itself where βx overflows) and torch's ``threshold`` a ``tf.where`` around it.  ELU's ``alpha`` is Keras's
(``keras.activations.elu``; ``tf.nn.elu`` has none); hardsigmoid is Keras's
(``relu6(x + 3)/6``, torch's definition since Keras 3).
"""

from __future__ import annotations

import numpy as np

from formulary.peers.tensorflow import backward, forward, keras, tf


def _t(x):
    return tf().convert_to_tensor(x)


def _sigmoid(input):
    return tf().nn.sigmoid(_t(input))


def _tanh(input):
    return tf().math.tanh(_t(input))


def _relu(input):
    return tf().nn.relu(_t(input))


def _leaky_relu(input, negative_slope=0.01):
    return tf().nn.leaky_relu(_t(input), alpha=negative_slope)


def _prelu(input, weight):
    x = _t(input)
    a = tf().cast(_t(weight), x.dtype)
    if x.shape.rank >= 2 and a.shape.num_elements() > 1:
        a = tf().reshape(a, [1, -1] + [1] * (x.shape.rank - 2))
    elif a.shape.num_elements() == 1:
        a = tf().reshape(a, [])
    return tf().where(x > 0, x, a * x)


def _elu(input, alpha=1.0):
    return keras().activations.elu(_t(input), alpha=alpha)


def _selu(input):
    return tf().nn.selu(_t(input))


def _gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
    return tf().nn.gelu(_t(input), approximate=approximate == "tanh")


def _softplus(input, beta=1.0, threshold=None):
    x = _t(input)
    z = beta * x
    out = tf().where(z == np.inf, x, tf().nn.softplus(z) / beta)  # βx overflowing: the value is x itself
    return out if threshold is None else tf().where(z > threshold, x, out)


def _silu(input):
    return tf().nn.silu(_t(input))


def _softsign(input):
    return tf().nn.softsign(_t(input))


def _hardsigmoid(input):
    return keras().activations.hard_sigmoid(_t(input))


def _softmax(input, dim):
    return tf().nn.softmax(_t(input), axis=dim)


def _log_softmax(input, dim):
    return tf().nn.log_softmax(_t(input), axis=dim)


sigmoid, sigmoid_backward = forward(_sigmoid), backward(_sigmoid)
tanh, tanh_backward = forward(_tanh), backward(_tanh)
relu, relu_backward = forward(_relu), backward(_relu)
leaky_relu, leaky_relu_backward = forward(_leaky_relu), backward(_leaky_relu)
prelu, prelu_backward = forward(_prelu), backward(_prelu, ("input", "weight"))
elu, elu_backward = forward(_elu), backward(_elu)
selu, selu_backward = forward(_selu), backward(_selu)
gelu, gelu_backward = forward(_gelu), backward(_gelu)
softplus, softplus_backward = forward(_softplus), backward(_softplus)
silu, silu_backward = forward(_silu), backward(_silu)
softsign, softsign_backward = forward(_softsign), backward(_softsign)
hardsigmoid, hardsigmoid_backward = forward(_hardsigmoid), backward(_hardsigmoid)
softmax, softmax_backward = forward(_softmax), backward(_softmax)
log_softmax, log_softmax_backward = forward(_log_softmax), backward(_log_softmax)

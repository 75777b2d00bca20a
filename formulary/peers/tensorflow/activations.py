"""impl.activations over ``tf.nn`` and ``keras.activations`` (backward: ``tf.GradientTape``).

TensorFlow has no functional PReLU and no softplus ``beta``/``threshold``: PReLU is
``tf.where(x > 0, x, a·x)`` with the slope on dim 1; softplus is ``tf.nn.softplus(βx)/β``
(x itself where βx overflows) and torch's ``threshold`` a ``tf.where`` around it.  ELU's ``alpha`` is Keras's
(``keras.activations.elu``; ``tf.nn.elu`` has none); hardsigmoid is Keras's
(``relu6(x + 3)/6``, torch's definition since Keras 3).  The rest of torch's family is Keras's
(``keras.activations.hard_tanh``, ``threshold``, ``celu``, ``log_sigmoid``, ``mish``, ``hard_swish``,
``tanh_shrink``, ``soft_shrink``, ``hard_shrink``, ``glu``) or ``tf.nn.relu6``; Keras's hard_tanh has the
bounds ±1 only (other bounds: not provided).  No softmin, no RReLU: not provided.
"""

from __future__ import annotations

import numpy as np

from formulary.peers.autodiff import NotProvided
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


def _hardtanh(input, min_val=-1.0, max_val=1.0):
    if (min_val, max_val) != (-1.0, 1.0):
        raise NotProvided("keras.activations.hard_tanh clamps to [-1, 1] only")
    return keras().activations.hard_tanh(_t(input))


def _relu6(input):
    return tf().nn.relu6(_t(input))


def _threshold(input, threshold, value):
    return keras().activations.threshold(_t(input), threshold, value)


def _celu(input, alpha=1.0):
    return keras().activations.celu(_t(input), alpha=alpha)


def _logsigmoid(input):
    return keras().activations.log_sigmoid(_t(input))


def _mish(input):
    return keras().activations.mish(_t(input))


def _hardswish(input):
    return keras().activations.hard_swish(_t(input))


def _tanhshrink(input):
    return keras().activations.tanh_shrink(_t(input))


def _softshrink(input, lambd=0.5):
    return keras().activations.soft_shrink(_t(input), threshold=lambd)


def _hardshrink(input, lambd=0.5):
    return keras().activations.hard_shrink(_t(input), threshold=lambd)


def _glu(input, dim=-1):
    return keras().activations.glu(_t(input), axis=dim)


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
hardtanh, hardtanh_backward = forward(_hardtanh), backward(_hardtanh)
relu6, relu6_backward = forward(_relu6), backward(_relu6)
threshold, threshold_backward = forward(_threshold), backward(_threshold)
celu, celu_backward = forward(_celu), backward(_celu)
logsigmoid, logsigmoid_backward = forward(_logsigmoid), backward(_logsigmoid)
mish, mish_backward = forward(_mish), backward(_mish)
hardswish, hardswish_backward = forward(_hardswish), backward(_hardswish)
tanhshrink, tanhshrink_backward = forward(_tanhshrink), backward(_tanhshrink)
softshrink, softshrink_backward = forward(_softshrink), backward(_softshrink)
hardshrink, hardshrink_backward = forward(_hardshrink), backward(_hardshrink)
glu, glu_backward = forward(_glu), backward(_glu)

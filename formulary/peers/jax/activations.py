"""impl.activations over ``jax.nn`` (backward passes: ``jax.vjp`` of the same function).

JAX has no PReLU and no softplus ``beta``/``threshold``: PReLU is ``jnp.where(x > 0, x, a·x)``
with the slope on dim 1 as torch lays it; softplus is ``jax.nn.softplus(βx)/β`` (x itself where βx
overflows), and torch's ``threshold`` a ``jnp.where`` around it.  ``jax.nn.hard_tanh`` has the bounds
±1 only (other bounds: not provided).  JAX has no threshold, tanhshrink, softshrink, hardshrink, softmin
or RReLU: not provided.

The elementwise functions run through :func:`~formulary.peers.jax.elementwise` (one compilation per
padded length, float options traced).
"""

from __future__ import annotations

from formulary.peers.autodiff import NotProvided
from formulary.peers.jax import backward, elementwise, forward, jax, jnp


def _sigmoid(input):
    return jax().nn.sigmoid(jnp().asarray(input))


def _tanh(input):
    return jnp().tanh(jnp().asarray(input))


def _relu(input):
    return jax().nn.relu(jnp().asarray(input))


def _leaky_relu(input, negative_slope=0.01):
    return jax().nn.leaky_relu(jnp().asarray(input), negative_slope)


def _slope(x, weight):
    w = jnp().asarray(weight, dtype=x.dtype)
    if x.ndim >= 2 and w.size > 1:
        return w.reshape((1, -1) + (1,) * (x.ndim - 2))  # one slope per channel, dim 1
    return w.reshape(()) if w.size == 1 else w


def _prelu(input, weight):
    x = jnp().asarray(input)
    return jnp().where(x > 0, x, _slope(x, weight) * x)


def _elu(input, alpha=1.0):
    return jax().nn.elu(jnp().asarray(input), alpha)


def _selu(input):
    return jax().nn.selu(jnp().asarray(input))


def _gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
    return jax().nn.gelu(jnp().asarray(input), approximate=approximate == "tanh")


def _softplus(input, beta=1.0, threshold=None):
    x = jnp().asarray(input)
    z = beta * x
    out = jnp().where(z == jnp().inf, x, jax().nn.softplus(z) / beta)  # βx overflowing: the value is x itself
    return out if threshold is None else jnp().where(z > threshold, x, out)


def _silu(input):
    return jax().nn.silu(jnp().asarray(input))


def _softsign(input):
    return jax().nn.soft_sign(jnp().asarray(input))


def _hardsigmoid(input):
    return jax().nn.hard_sigmoid(jnp().asarray(input))


def _softmax(input, dim):
    return jax().nn.softmax(jnp().asarray(input), axis=dim)


def _log_softmax(input, dim):
    return jax().nn.log_softmax(jnp().asarray(input), axis=dim)


def _hardtanh(input, min_val=-1.0, max_val=1.0):
    if (min_val, max_val) != (-1.0, 1.0):
        raise NotProvided("jax.nn.hard_tanh clamps to [-1, 1] only")
    return jax().nn.hard_tanh(jnp().asarray(input))


def _relu6(input):
    return jax().nn.relu6(jnp().asarray(input))


def _celu(input, alpha=1.0):
    return jax().nn.celu(jnp().asarray(input), alpha)


def _logsigmoid(input):
    return jax().nn.log_sigmoid(jnp().asarray(input))


def _mish(input):
    return jax().nn.mish(jnp().asarray(input))


def _hardswish(input):
    return jax().nn.hard_swish(jnp().asarray(input))


def _glu(input, dim=-1):
    return jax().nn.glu(jnp().asarray(input), axis=dim)


sigmoid, sigmoid_backward = elementwise(_sigmoid)
tanh, tanh_backward = elementwise(_tanh)
relu, relu_backward = elementwise(_relu)
leaky_relu, leaky_relu_backward = elementwise(_leaky_relu)
prelu, prelu_backward = forward(_prelu), backward(_prelu, ("input", "weight"))
elu, elu_backward = elementwise(_elu)
selu, selu_backward = elementwise(_selu)
gelu, gelu_backward = elementwise(_gelu)
softplus, softplus_backward = elementwise(_softplus)
silu, silu_backward = elementwise(_silu)
softsign, softsign_backward = elementwise(_softsign)
hardsigmoid, hardsigmoid_backward = elementwise(_hardsigmoid)
softmax, softmax_backward = forward(_softmax), backward(_softmax)
log_softmax, log_softmax_backward = forward(_log_softmax), backward(_log_softmax)
hardtanh, hardtanh_backward = elementwise(_hardtanh)
relu6, relu6_backward = elementwise(_relu6)
celu, celu_backward = elementwise(_celu)
logsigmoid, logsigmoid_backward = elementwise(_logsigmoid)
mish, mish_backward = elementwise(_mish)
hardswish, hardswish_backward = elementwise(_hardswish)
glu, glu_backward = forward(_glu), backward(_glu)

"""impl.activations' names, computed by numpy-ml's activation objects (``fn`` and ``grad``).

Called through ``fn``, not ``__call__``, which reshapes 1-D input to a row.  numpy-ml
has no GELU, SiLU, softsign or softmax among its activations, and no PReLU: those
names are absent.  Its ``HardSigmoid`` is Keras's ``clip(0.2x + 0.5, 0, 1)``, not
torch's ``relu6(x + 3)/6``; it is offered under torch's name all the same, so the
report shows that difference instead of hiding it.  Softplus has no β or threshold
in numpy-ml: they are applied around it as torch defines them,
``softplus(βx)/β`` and ``x`` where ``βx > threshold``.
"""

from __future__ import annotations

import numpy as np

from formulary.peers.numpy_ml import load

_A = load("neural_nets/activations/activations")


def _vjp(grad_output, derivative):
    return np.asarray(grad_output) * derivative


def sigmoid(input):
    return _A.Sigmoid().fn(np.asarray(input))


def sigmoid_backward(grad_output, input):
    return _vjp(grad_output, _A.Sigmoid().grad(np.asarray(input)))


def tanh(input):
    return _A.Tanh().fn(np.asarray(input))


def tanh_backward(grad_output, input):
    return _vjp(grad_output, _A.Tanh().grad(np.asarray(input)))


def relu(input):
    return _A.ReLU().fn(np.asarray(input))


def relu_backward(grad_output, input):
    return _vjp(grad_output, _A.ReLU().grad(np.asarray(input)))


def leaky_relu(input, negative_slope=0.01):
    return _A.LeakyReLU(alpha=negative_slope).fn(np.asarray(input))


def leaky_relu_backward(grad_output, input, negative_slope=0.01):
    return _vjp(grad_output, _A.LeakyReLU(alpha=negative_slope).grad(np.asarray(input)))


def elu(input, alpha=1.0):
    return _A.ELU(alpha=alpha).fn(np.asarray(input))


def elu_backward(grad_output, input, alpha=1.0):
    return _vjp(grad_output, _A.ELU(alpha=alpha).grad(np.asarray(input)))


def selu(input):
    return _A.SELU().fn(np.asarray(input))


def selu_backward(grad_output, input):
    return _vjp(grad_output, _A.SELU().grad(np.asarray(input)))


def hardsigmoid(input):
    return _A.HardSigmoid().fn(np.asarray(input))


def hardsigmoid_backward(grad_output, input):
    return _vjp(grad_output, _A.HardSigmoid().grad(np.asarray(input)))


def softplus(input, beta=1.0, threshold=None):
    x = np.asarray(input)
    bx = beta * x
    out = _A.SoftPlus().fn(bx) / beta
    return out if threshold is None else np.where(bx > threshold, x, out)


def softplus_backward(grad_output, input, beta=1.0, threshold=None):
    bx = beta * np.asarray(input)
    d = _A.SoftPlus().grad(bx)
    return _vjp(grad_output, d if threshold is None else np.where(bx > threshold, 1.0, d))
